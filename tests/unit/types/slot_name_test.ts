// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { SlotName } from "../../../types.ts";

Deno.test("SlotName splits device, major and minor types as upstream", () => {
  const table: Array<[string, string, string, string, boolean]> = [
    ["cuda.shares", "cuda", "shares", "", true],
    ["cuda.device:mig-10g", "cuda", "device", "mig-10g", true],
    ["cpu", "cpu", "", "", false],
    ["mem", "mem", "", "", false],
    ["cuda.mem", "cuda", "mem", "", false],
    ["rocm.devices", "rocm", "devices", "", true],
    ["tpu.share", "tpu", "share", "", true],
    ["a.b:c:d", "a", "b", "c:d", false],
    ["a.b.c", "a", "b.c", "", false],
    ["x.device:", "x", "device", "", true],
  ];
  for (const [input, device, major, minor, accelerator] of table) {
    const slot = new SlotName(input);
    assert.equal(slot.deviceName, device, input);
    assert.equal(slot.majorType, major, input);
    assert.equal(slot.minorType, minor, input);
    assert.equal(slot.isAccelerator(), accelerator, input);
    assert.equal(slot.toString(), input);
    assert.equal(JSON.stringify(slot), JSON.stringify(input));
  }
});

Deno.test("SlotName.equals() compares the whole name", () => {
  assert.ok(new SlotName("cuda.shares").equals(new SlotName("cuda.shares")));
  assert.ok(!new SlotName("cuda.shares").equals(new SlotName("cuda.share")));
});

Deno.test("SlotName.equals() compares with plain strings like UserString", () => {
  assert.ok(new SlotName("mem").equals("mem"));
  assert.ok(!new SlotName("mem").equals("cpu"));
});

Deno.test("SlotName copies another SlotName and handles empty parts", () => {
  const copy = new SlotName(new SlotName("cuda.device:mig-10g"));
  assert.equal(copy.toString(), "cuda.device:mig-10g");
  assert.equal(copy.minorType, "mig-10g");
  const empty = new SlotName("");
  assert.deepEqual(
    [empty.deviceName, empty.majorType, empty.minorType, empty.isAccelerator()],
    ["", "", "", false],
  );
  const leadingDot = new SlotName(".shares");
  assert.equal(leadingDot.deviceName, "");
  assert.ok(leadingDot.isAccelerator());
  // A ":" before any "." stays in the device name, as partition(".") leaves it.
  const colonFirst = new SlotName("cuda:x.device");
  assert.equal(colonFirst.deviceName, "cuda:x");
  assert.equal(colonFirst.majorType, "device");
  // Major types match case-sensitively, as upstream's tuple membership does.
  assert.ok(!new SlotName("cuda.Device").isAccelerator());
});
