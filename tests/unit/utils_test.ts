// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  b64encode,
  computeBackoff,
  deepMerge,
  generateUuid,
  isUuid,
  joinNonEmpty,
  nmget,
  quote,
  sleep,
  strToTimedelta,
  unquote,
} from "../../utils.ts";
import { InvalidAPIParameters } from "../../exception.ts";

Deno.test("nmget() walks nested paths and falls back to the default", () => {
  const obj = { a: { b: { c: 1, n: null, z: 0 } }, list: [10, 20] };
  assert.equal(nmget(obj, "a.b.c"), 1);
  assert.equal(nmget(obj, "a.b.z", { default: 5 }), 0);
  assert.equal(nmget(obj, "a.x.c", { default: "d" }), "d");
  assert.equal(nmget(obj, "a.b.n", { default: "d" }), "d");
  assert.equal(
    nmget(obj, "a.b.n", { default: "d", nullAsDefault: false }),
    null,
  );
  assert.equal(nmget(obj, "a.b.c.deeper", { default: "d" }), "d");
  assert.equal(nmget(obj, "a/b/c", { delimiter: "/" }), 1);
  assert.equal(nmget(obj, "list.1"), 20);
  assert.equal(nmget(null, "a"), undefined);
  assert.equal(nmget(obj, "toString", { default: "own only" }), "own only");
});

Deno.test("deepMerge() lets later maps win and merges nested objects", () => {
  assert.deepEqual(
    deepMerge({ a: 1, b: { c: 1, d: 1 } }, { b: { d: 2, e: 2 } }, { a: 3 }),
    { a: 3, b: { c: 1, d: 2, e: 2 } },
  );
});

Deno.test("deepMerge() keeps the earlier value on a null or undefined override", () => {
  assert.deepEqual(
    deepMerge({ a: 1, b: { c: 2 } }, { a: null, b: undefined }),
    {
      a: 1,
      b: { c: 2 },
    },
  );
  assert.deepEqual(deepMerge({}, { a: null }), { a: null });
});

Deno.test("deepMerge() merges arrays index by index", () => {
  assert.deepEqual(
    deepMerge(
      { l: [{ x: 1 }, [1, 2], "keep", 4] },
      { l: [{ y: 2 }, [9], null, "over", "extra"] },
    ),
    { l: [{ x: 1, y: 2 }, [9, 2], "keep", "over", "extra"] },
  );
  assert.deepEqual(deepMerge({ l: [1, 2, 3] }, { l: { not: "list" } }), {
    l: { not: "list" },
  });
});

Deno.test("deepMerge() never mutates its inputs and drops prototype keys", () => {
  const base = { a: { b: 1 }, l: [1] };
  const override = JSON.parse(
    '{"a":{"c":2},"__proto__":{"polluted":true},"l":[2]}',
  );
  const before = structuredClone(base);
  const merged = deepMerge(base, override);
  assert.deepEqual(base, before);
  assert.deepEqual(merged, { a: { b: 1, c: 2 }, l: [2] });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(merged, "__proto__"), false);
});

Deno.test("strToTimedelta() reads upstream's duration forms as milliseconds", () => {
  const H = 3_600_000;
  const table: Array<[string, number]> = [
    ["1d2h3m4s", 86_400_000 + 2 * H + 3 * 60_000 + 4000],
    ["1.5h", 1.5 * H],
    ["30", 30_000],
    ["0.5", 500],
    ["2 days 3 hours", 2 * 86_400_000 + 3 * H],
    ["1day", 86_400_000],
    ["1hr", H],
    ["2hrs", 2 * H],
    ["3hours", 3 * H],
    ["10m", 600_000],
    ["10min", 600_000],
    ["10mins", 600_000],
    ["1 minute", 60_000],
    ["5s", 5000],
    ["5sec", 5000],
    ["5 seconds", 5000],
    ["1m30s", 90_000],
    ["+1h", H],
    ["-1d2h", -(26 * H)],
    ["- 30s", -30_000],
    ["  1h  ", H],
    [".5h", 0.5 * H],
  ];
  for (const [input, ms] of table) {
    assert.equal(strToTimedelta(input), ms, input);
  }
});

Deno.test("strToTimedelta() rejects malformed durations with the value", () => {
  for (
    const input of ["", "+", "-", "--1d", "1da1hr", "abc", "1x", "1h1d", "1 2"]
  ) {
    assert.throws(
      () => strToTimedelta(input),
      (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, input);
        assert.equal(err.data?.value, input);
        assert.equal(err.status, 400);
        return true;
      },
      input,
    );
  }
});

Deno.test("quote() matches CPython urllib.parse.quote", () => {
  assert.equal(quote("a/b c"), "a/b%20c");
  assert.equal(quote("a/b c", ""), "a%2Fb%20c");
  assert.equal(quote("!'()*~", ""), "%21%27%28%29%2A~");
  assert.equal(quote("AZaz09_.-~", ""), "AZaz09_.-~");
  assert.equal(
    quote("한글/키 !'()*~", ""),
    "%ED%95%9C%EA%B8%80%2F%ED%82%A4%20%21%27%28%29%2A~",
  );
  assert.equal(
    quote("한글/키 !'()*~"),
    "%ED%95%9C%EA%B8%80/%ED%82%A4%20%21%27%28%29%2A~",
  );
  assert.equal(quote("a:b@c", ":@"), "a:b@c");
  assert.equal(quote("%"), "%25");
  assert.equal(quote("😀", ""), "%F0%9F%98%80");
  assert.notEqual(quote("(x)", ""), encodeURIComponent("(x)"));
});

Deno.test("unquote() inverts quote() and leaves malformed escapes", () => {
  for (const text of ["a/b c", "한글/키 !'()*~", "😀%", ""]) {
    assert.equal(unquote(quote(text, "")), text);
    assert.equal(unquote(quote(text)), text);
  }
  assert.equal(unquote("%zz%4"), "%zz%4");
  assert.equal(unquote("%e2%82%ac"), "€");
  assert.equal(unquote("%FF"), "\uFFFD");
});

Deno.test("sleep() resolves after the delay", async () => {
  const start = performance.now();
  await sleep(20);
  assert.ok(performance.now() - start >= 15);
});

Deno.test("sleep() rejects at once with an already-aborted signal's reason", async () => {
  const reason = new Error("already");
  await assert.rejects(
    sleep(10_000, { signal: AbortSignal.abort(reason) }),
    (err) => err === reason,
  );
});

Deno.test("sleep() rejects mid-wait on abort and leaves no timer", async () => {
  const controller = new AbortController();
  const waiting = sleep(60_000, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("stop")), 5);
  await assert.rejects(waiting, /stop/);
  // Deno's op sanitizer fails this test if the 60 s timer were still pending.
});

Deno.test("computeBackoff() grows exponentially up to the cap", () => {
  const delays = [0, 1, 2, 3, 4, 5, 20].map((attempt) =>
    computeBackoff(attempt, { initialMs: 100, maxMs: 2000, jitter: "none" })
  );
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 2000, 2000]);
  assert.equal(
    computeBackoff(2, { initialMs: 10, multiplier: 3, jitter: "none" }),
    90,
  );
});

Deno.test("computeBackoff() applies full and equal jitter from the random source", () => {
  const opts = { initialMs: 100, maxMs: 10_000 } as const;
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "full", random: () => 0 }),
    0,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "full", random: () => 0.25 }),
    200,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "equal", random: () => 0 }),
    400,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "equal", random: () => 0.5 }),
    600,
  );
  for (let i = 0; i < 100; i++) {
    const delay = computeBackoff(3, opts);
    assert.ok(delay >= 0 && delay < 800, String(delay));
  }
});

Deno.test("generateUuid() gives 22-character unpadded base64url ids that differ", () => {
  const ids = new Set(Array.from({ length: 100 }, () => generateUuid()));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

Deno.test("isUuid() accepts canonical UUIDs in any case only", () => {
  assert.ok(isUuid("f38dea23-50fa-42a0-b5ae-338f5f4693f4"));
  assert.ok(isUuid("F38DEA23-50FA-42A0-B5AE-338F5F4693F4"));
  assert.ok(!isUuid("f38dea2350fa42a0b5ae338f5f4693f4"));
  assert.ok(!isUuid("f38dea23-50fa-42a0-b5ae-338f5f4693f"));
  assert.ok(!isUuid(""));
});

Deno.test("joinNonEmpty() and b64encode() follow upstream", () => {
  assert.equal(
    joinNonEmpty(["a", "", null, "b", undefined, "c"], ", "),
    "a, b, c",
  );
  assert.equal(joinNonEmpty([], "/"), "");
  assert.equal(b64encode("hello"), "aGVsbG8=");
  assert.equal(b64encode("한글"), "7ZWc6riA");
});

// Needs python3 on PATH (every machine of ours has it); fails, never skips, without it.
Deno.test("quote() and unquote() agree with CPython on random text", () => {
  // Interop proof: etcd keys written by a Python component must be read back here.
  const alphabet = [..."aZ09_.-~ /!'()*%:@?#&=+$,;한글😀\u00e9\t"];
  let seed = 42;
  const random = (): number =>
    (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const samples = Array.from(
    { length: 200 },
    () =>
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(""),
  );
  const script = "import json,sys\nfrom urllib.parse import quote\n" +
    "print(json.dumps([[quote(s, safe=''), quote(s)] for s in json.loads(sys.argv[1])]))";
  // node:child_process runs on Deno, Node and Bun alike (the Node shim of Deno has no Deno.Command).
  const stdout = execFileSync("python3", [
    "-c",
    script,
    JSON.stringify(samples),
  ]);
  const expected = JSON.parse(new TextDecoder().decode(stdout)) as Array<
    [string, string]
  >;
  samples.forEach((text, i) => {
    assert.equal(quote(text, ""), expected[i]?.[0], JSON.stringify(text));
    assert.equal(quote(text), expected[i]?.[1], JSON.stringify(text));
    assert.equal(unquote(quote(text, "")), text);
  });
});
