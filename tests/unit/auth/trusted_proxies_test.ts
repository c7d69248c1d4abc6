// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { TrustedProxies } from "../../../auth/mod.ts";
import { InvalidIPAddressError } from "../../../types.ts";

Deno.test("TrustedProxies.clientIp walks the chain inwards past trusted hops (upstream's rule)", () => {
  const proxies = new TrustedProxies(["10.0.0.0/8", "192.168.1.*"]);
  assert.deepEqual(proxies.networks, ["10.0.0.0/8", "192.168.1.0/24"]);
  // client → 192.168.1.5 (edge) → 10.0.0.9 (ingress) → us
  assert.equal(
    proxies.clientIp("10.0.0.9", "203.0.113.9, 192.168.1.5"),
    "203.0.113.9",
  );
  // A client that prepends a fake hop is still caught at the first untrusted one.
  assert.equal(
    proxies.clientIp("10.0.0.9", "1.2.3.4, 198.51.100.7, 192.168.1.5"),
    "198.51.100.7",
  );
  // Every hop trusted: the outermost claim.
  assert.equal(proxies.clientIp("10.0.0.9", "10.0.0.1"), "10.0.0.1");
  // A direct client's header is ignored.
  assert.equal(proxies.clientIp("198.51.100.4", "203.0.113.9"), "198.51.100.4");
  assert.equal(proxies.clientIp("10.0.0.9", null), "10.0.0.9");
  // No peer: nothing says a trusted proxy wrote the header, so it is not believed.
  assert.equal(proxies.clientIp(undefined, "203.0.113.9"), undefined);
});

Deno.test("TrustedProxies without networks trusts nobody and reads no header", () => {
  const none = new TrustedProxies();
  assert.equal(none.configured, false);
  assert.equal(none.trusts("127.0.0.1"), false);
  assert.equal(none.trusts(undefined), false);
  assert.equal(none.clientIp("10.0.0.9", "203.0.113.9"), "10.0.0.9");
  assert.throws(
    () => new TrustedProxies(["10.0.0.1/8"]),
    InvalidIPAddressError,
  );
});
