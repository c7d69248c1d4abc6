// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { quote, unquote } from "../../../utils.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

Deno.test("quote() matches CPython's urllib.parse.quote on fixed vectors", () => {
  assert.equal(quote("a/b c"), "a/b%20c");
  assert.equal(quote("a/b c", ""), "a%2Fb%20c");
  assert.equal(quote("aa:bb", ""), "aa%3Abb");
  assert.equal(quote("my/p", ""), "my%2Fp");
  assert.equal(quote("!'()*", ""), "%21%27%28%29%2A");
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
  assert.equal(quote("+&=?#"), "%2B%26%3D%3F%23");
  assert.equal(quote("\u0000\u007f\u0080"), "%00%7F%C2%80");
  assert.equal(quote("😀", ""), "%F0%9F%98%80");
  assert.equal(quote("é"), "%C3%A9");
  assert.equal(quote(""), "");
  assert.equal(quote("\uFEFF"), "%EF%BB%BF");
});

Deno.test("quote() escapes what encodeURIComponent leaves", () => {
  for (const char of "!'()*") {
    assert.equal(encodeURIComponent(char), char);
    assert.notEqual(quote(char, ""), char);
  }
});

Deno.test("quote() ignores non-ASCII characters in safe, as Python does", () => {
  assert.equal(quote("한/", "한"), "%ED%95%9C%2F");
  assert.equal(quote("é!", "é!"), "%C3%A9!");
});

Deno.test("quote() uses uppercase hex", () => {
  assert.equal(quote("\u00ff\n", ""), "%C3%BF%0A");
  assert.doesNotMatch(quote("\u00ab\u00cd\u00ef", ""), /[a-f]/);
});

Deno.test("quote() refuses lone surrogates, which have no UTF-8 form", () => {
  for (const text of ["\uD800", "a\uDC00", "\uDBFF\uDBFF\uDC00x"]) {
    assert.throws(() => quote(text), (err: unknown) => {
      assert.ok(err instanceof InvalidAPIParameters);
      assert.equal(err.data?.value, text);
      return true;
    });
  }
  assert.equal(quote("\uD83D\uDE00"), "%F0%9F%98%80");
});

Deno.test("unquote() inverts quote() with any safe set that keeps % escaped", () => {
  for (
    const text of ["a/b c", "한글/키 !'()*~", "😀%", "", "%25", "+ +", "%zz"]
  ) {
    assert.equal(unquote(quote(text, "")), text);
    assert.equal(unquote(quote(text)), text);
    assert.equal(unquote(quote(text, "/:@!+")), text);
  }
});

Deno.test("unquote() decodes either hex case and leaves malformed escapes", () => {
  assert.equal(unquote("%e2%82%ac%E2%82%AC"), "€€");
  assert.equal(unquote("%zz%4"), "%zz%4");
  assert.equal(unquote("100%"), "100%");
  assert.equal(unquote("%%41"), "%A");
  assert.equal(unquote("%4%41"), "%4A");
  assert.equal(unquote("a+b"), "a+b");
  assert.equal(unquote("no escapes"), "no escapes");
  assert.equal(unquote("한%20글"), "한 글");
});

Deno.test("unquote() replaces invalid UTF-8 with U+FFFD as Python's errors='replace'", () => {
  assert.equal(unquote("%FF"), "\uFFFD");
  assert.equal(unquote("%E2%82%zz%AC"), "\uFFFD%zz\uFFFD");
  assert.equal(unquote("%F0%9F%98"), "\uFFFD");
  assert.equal(unquote("%ED%A0%80"), "\uFFFD\uFFFD\uFFFD");
  assert.equal(unquote("%C0%AF"), "\uFFFD\uFFFD");
  assert.equal(unquote("%E2%41"), "\uFFFDA");
  assert.equal(unquote("%EF%BB%BFx"), "\uFEFFx");
});

function seededRandom(seed: number): () => number {
  let state = seed;
  return (): number =>
    (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function randomTexts(
  alphabet: readonly string[],
  count: number,
  seed: number,
): string[] {
  const random = seededRandom(seed);
  return Array.from(
    { length: count },
    () =>
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(""),
  );
}

// Needs python3 on PATH (every machine of ours has it); fails, never skips, without it.
Deno.test("quote() and unquote() agree with CPython on random text", () => {
  // Interop proof: etcd keys written by a Python component must be read back here.
  // node:child_process runs on Deno, Node and Bun alike (the Node shim of Deno has no Deno.Command).
  const texts = randomTexts(
    [..."aZ09_.-~ /!'()*%:@?#&=+$,;한글😀\u00e9\t\u0000"],
    200,
    42,
  );
  const escaped = randomTexts(
    [
      "%",
      "%4",
      "%41",
      "%e2",
      "%82",
      "%AC",
      "%ED",
      "%a0",
      "%F0",
      "%9f",
      "%zz",
      "%FF",
      "a",
      "한",
      "+",
    ],
    200,
    7,
  );
  const script = "import json,sys\nfrom urllib.parse import quote, unquote\n" +
    "q, u = json.loads(sys.argv[1])\n" +
    "print(json.dumps([[[quote(s, safe=''), quote(s), quote(s, safe=':@')] for s in q]," +
    " [unquote(s) for s in u]]))";
  const stdout = execFileSync("python3", [
    "-c",
    script,
    JSON.stringify([texts, escaped]),
  ]);
  const [quoted, unquoted] = JSON.parse(new TextDecoder().decode(stdout)) as [
    Array<[string, string, string]>,
    string[],
  ];
  texts.forEach((text, i) => {
    const label = JSON.stringify(text);
    assert.equal(quote(text, ""), quoted[i]?.[0], label);
    assert.equal(quote(text), quoted[i]?.[1], label);
    assert.equal(quote(text, ":@"), quoted[i]?.[2], label);
    assert.equal(unquote(quote(text, "")), text, label);
  });
  escaped.forEach((text, i) => {
    assert.equal(unquote(text), unquoted[i], JSON.stringify(text));
  });
});
