// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Runs `deno doc --lint` on every entry point of deno.json `exports` and fails
 * on any documentation problem, with one documented exception: a public type
 * that references a third-party class it hands out: decimal.js's `Decimal`
 * (ResourceSlot values), ioredis's `Redis` / `RedisOptions` / `Cluster` (the
 * Valkey connection factory), zod's `ZodType` / `output` (event schemas)
 * and the NATS client's `NatsConnection` (the NATS connection factory).
 * Re-exporting them would make `deno doc --lint` lint those packages' own
 * declarations.
 *
 * Run with `deno task check` (or `deno run -A scripts/check_docs.ts`).
 *
 * @module
 */

const ALLOWED_PRIVATE_TYPES: ReadonlySet<string> = new Set([
  "Cluster",
  "Decimal",
  "NatsConnection",
  "Redis",
  "RedisOptions",
  "ZodType",
  "output",
]);

const config = JSON.parse(await Deno.readTextFile("deno.json")) as {
  exports: Record<string, string>;
};
const entries = [...new Set(Object.values(config.exports))];
const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--lint", ...entries],
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).output();
const text = new TextDecoder().decode(stdout) +
  new TextDecoder().decode(stderr);
const problems = text.split(/\n(?=error)/).filter((block) =>
  block.startsWith("error[") && !block.startsWith("error: Found")
);
const blocking = problems.filter((block) => {
  const match = /references private type '([^']+)'/.exec(block);
  return !(block.startsWith("error[private-type-ref]") && match &&
    ALLOWED_PRIVATE_TYPES.has(match[1] ?? ""));
});
for (const block of blocking) console.error(block.trim());
const tolerated = problems.length - blocking.length;
if (blocking.length > 0 || (code !== 0 && problems.length === 0)) {
  if (problems.length === 0) console.error(text);
  console.error(
    `deno doc --lint: ${blocking.length} problem(s) in ${entries.length} entry points`,
  );
  Deno.exit(1);
}
console.log(
  `deno doc --lint: ${entries.length} entry points clean` +
    (tolerated
      ? ` (${tolerated} tolerated reference(s) to decimal.js, ioredis, zod or NATS types)`
      : ""),
);
