// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The etcd clients of the etcd fault tests, in a process of their own
// (see etcdUnderUseInChild in _etcd_under_use.ts): it uses etcd as
// etcdUnderUse does, prints `FAULT` when the fault is due, waits for the
// line `ANSWERED` on stdin (the test broke etcd and it answers again),
// and prints `RESULT <json>` at the end.
// argv: <comma-separated etcd endpoints>

import process from "node:process";
import { createInterface } from "node:readline";
import { etcdUnderUse } from "./_etcd_under_use.ts";

const [addrs = ""] = process.argv.slice(-1);
const lines = createInterface({ input: process.stdin });
const answered = new Promise<void>((resolve) =>
  lines.on("line", (line) => {
    if (line.trim() === "ANSWERED") resolve();
  })
);
const result = await etcdUnderUse(addrs.split(","), async () => {
  console.log("FAULT");
  await answered;
});
lines.close();
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
