// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  BinarySize,
  type BinarySizeUnit,
  InvalidBinarySizeError,
} from "../../../types.ts";
import { BackendAIError } from "../../../exception.ts";

function bytesOf(value: string | number | bigint): bigint {
  const size = BinarySize.parse(value);
  assert.ok(size instanceof BinarySize, `${value} parsed to ${size}`);
  return size.bytes;
}

Deno.test("BinarySize.parse() reads upstream's accepted forms", () => {
  const table: Array<[string, bigint]> = [
    ["1.5g", 1610612736n],
    ["1g", 1073741824n],
    ["512m", 536870912n],
    ["0.5m", 524288n],
    ["2K", 2048n],
    ["1 KiB", 1024n],
    ["2 KiBytes", 2048n],
    ["124.32 KiB", 127303n],
    ["1.1k", 1126n],
    ["12_345 bytes", 12345n],
    ["1.5 MB", 1572864n],
    ["1gb", 1073741824n],
    ["1T", 1099511627776n],
    ["  7  ", 7n],
    ["1.5 byte", 1n],
    ["536870912.000000", 536870912n],
    ["1024.0", 1024n],
    ["0.000", 0n],
    ["1.000000K", 1024n],
    ["1 ibyte", 1n],
    ["3 bytes", 3n],
    ["1y", 2n ** 80n],
    ["1 ZiB", 2n ** 70n],
    ["1e", 2n ** 60n],
    ["1p", 2n ** 50n],
    ["-1k", -1024n],
    ["1_000_000", 1000000n],
  ];
  for (const [input, expected] of table) {
    assert.equal(bytesOf(input), expected, input);
  }
});

Deno.test("BinarySize.parse() truncates fractional bytes toward zero", () => {
  assert.equal(bytesOf("124.32 KiB"), 127303n); // 127303.68
  assert.equal(bytesOf("1.1k"), 1126n); // 1126.4
  assert.equal(bytesOf("-1.1k"), -1126n);
  assert.equal(bytesOf(1536.9), 1536n);
  assert.equal(bytesOf(-1.9), -1n);
});

Deno.test("BinarySize.parse() keeps sizes beyond 2^53 exact", () => {
  assert.equal(bytesOf("9007199254740993"), 9007199254740993n);
  assert.equal(bytesOf(9007199254740993n), 9007199254740993n);
  assert.equal(bytesOf("8191.99999999999999 PiB"), 9223372036854775796n);
  assert.equal(bytesOf("1.000000000000000000001y"), 2n ** 80n + 1208n);
});

Deno.test("BinarySize.parse() reads infinity words as Infinity", () => {
  for (const word of ["inf", "INF", "infinite", "Infinity", "INFINITY"]) {
    assert.equal(BinarySize.parse(word), Infinity, word);
  }
  assert.equal(BinarySize.parse(Infinity), Infinity);
});

Deno.test("BinarySize.parse() rejects upstream's rejected inputs", () => {
  const rejected = [
    "1.5",
    "1.1",
    "1e3",
    "1x",
    "",
    "   ",
    "abc",
    "1b",
    "k",
    "1.2.3k",
    "1 kb extra",
    "--1k",
  ];
  for (const input of rejected) {
    assert.throws(
      () => BinarySize.parse(input),
      (err: unknown) => {
        assert.ok(err instanceof InvalidBinarySizeError, input);
        assert.ok(err instanceof BackendAIError);
        assert.equal(err.status, 400);
        assert.equal(err.data?.value, input);
        assert.equal(
          err.errorCode().toString(),
          "api_parsing_invalid-parameters",
        );
        assert.ok(err.message.startsWith("Cannot parse binary size"));
        return true;
      },
      input,
    );
  }
  assert.throws(() => BinarySize.parse(NaN), InvalidBinarySizeError);
});

Deno.test("BinarySize.parse() says why a bare fraction is rejected", () => {
  assert.throws(
    () => BinarySize.parse("1.5"),
    /fractional bytes are not allowed/,
  );
  assert.throws(() => BinarySize.parse("1x"), /unknown unit "x"/);
});

Deno.test("BinarySize.parseFinite() rejects infinity", () => {
  assert.equal(BinarySize.parseFinite("2K").bytes, 2048n);
  for (const word of ["inf", "infinite", "infinity"]) {
    assert.throws(
      () => BinarySize.parseFinite(word),
      /infinite values are not allowed/,
    );
  }
  assert.throws(() => BinarySize.parseFinite(Infinity), InvalidBinarySizeError);
});

Deno.test("BinarySize.toString() follows upstream's str()", () => {
  const table: Array<[bigint, string]> = [
    [0n, "0 bytes"],
    [1n, "1 byte"],
    [2n, "2 bytes"],
    [1023n, "1023 bytes"],
    [1024n, "1 KiB"],
    [105935n, "103.45 KiB"],
    [1048576123n, "1000 MiB"],
    [1610612736n, "1.5 GiB"],
    [2n ** 40n, "1 TiB"],
    [2n ** 80n, "1 YiB"],
    [-5n, "-5 bytes"],
  ];
  for (const [bytes, text] of table) {
    assert.equal(new BinarySize(bytes).toString(), text, String(bytes));
    assert.equal(String(new BinarySize(bytes)), text);
  }
});

Deno.test("BinarySize.toString() rounds half to even at two decimals", () => {
  // 1.125 KiB and 1.375 KiB are exact ties at the third decimal.
  assert.equal(new BinarySize(1152n).toString(), "1.12 KiB");
  assert.equal(new BinarySize(1408n).toString(), "1.38 KiB");
  // 1.005 KiB is not representable in bytes: 1029 bytes = 1.0048828125 KiB.
  assert.equal(new BinarySize(1029n).toString(), "1 KiB");
  assert.equal(new BinarySize(1034n).toString(), "1.01 KiB");
});

Deno.test("BinarySize never formats in scientific notation and clamps at YiB", () => {
  const huge = new BinarySize(1024n * 2n ** 80n);
  assert.equal(huge.toString(), "1024 YiB");
  assert.equal(new BinarySize(2n ** 100n).toString(), "1048576 YiB");
  assert.equal(huge.format("s"), "1024y");
  for (let exp = 0n; exp < 100n; exp += 7n) {
    const text = new BinarySize(3n ** exp).toString();
    assert.match(text, /^\d+(\.\d{1,2})? (bytes?|[KMGTPEZY]iB)$/);
  }
});

Deno.test("BinarySize.format() follows upstream's format specs", () => {
  const table: Array<[bigint, "s" | BinarySizeUnit, string]> = [
    [930n, "s", "930"],
    [1024n, "s", "1k"],
    [524288n, "s", "512k"],
    [2n ** 30n, "s", "1g"],
    [1234567n, "s", "1.18m"],
    [524288n, "m", "0.5m"],
    [1048576n, "k", "1024k"],
    [930n, " ", "930"],
    [1n, "g", "0g"],
    [1610612736n, "g", "1.5g"],
  ];
  for (const [bytes, unit, text] of table) {
    assert.equal(new BinarySize(bytes).format(unit), text, `${bytes}:${unit}`);
  }
  assert.equal(
    new BinarySize(524288n).format("M" as BinarySizeUnit),
    "0.5m",
  );
});

Deno.test("BinarySize.format() rejects unknown and multi-character units", () => {
  for (const unit of ["x", "", "kb", "S "]) {
    assert.throws(
      () => new BinarySize(1n).format(unit as BinarySizeUnit),
      InvalidBinarySizeError,
      unit,
    );
  }
});

Deno.test("BinarySize exposes its exact bytes as string, JSON and bigint", () => {
  const size = new BinarySize(2n ** 53n + 1n);
  assert.equal(size.toBytesString(), "9007199254740993");
  assert.equal(JSON.stringify(size), '"9007199254740993"');
  assert.equal(size.valueOf(), 9007199254740993n);
  assert.ok(new BinarySize(1n) < new BinarySize(2n));
  assert.ok(BinarySize.parseFinite("1k").equals(new BinarySize(1024n)));
  assert.ok(!BinarySize.parseFinite("1k").equals(new BinarySize(1000n)));
});

Deno.test("BinarySize round-trips its scaled format where exact", () => {
  for (const text of ["1k", "512k", "1.5g", "3t", "930"]) {
    assert.equal(BinarySize.parseFinite(text).format("s"), text);
  }
});

Deno.test("BinarySize.parse() collapses integral decimals like upstream's Decimal()", () => {
  const table: Array<[string, bigint]> = [
    ["2.0M", 2n * 1024n * 1024n],
    ["1.0e3", 1000n], // while "1e3" is rejected
    ["1.5e3", 1500n],
    ["30.0e-1", 3n],
    ["-.0", 0n],
    [".0", 0n],
    ["1.0e4299", 10n ** 4299n],
    ["0.0e999999999", 0n],
  ];
  for (const [input, expected] of table) {
    assert.equal(bytesOf(input), expected, input);
  }
  for (const input of ["0.5", "1.25", "1.000001", "1.5e-1", "1.2.3"]) {
    assert.throws(() => BinarySize.parse(input), InvalidBinarySizeError, input);
  }
});

Deno.test("BinarySize.parse() rejects stray dots and signs", () => {
  for (const input of [".+4", ".-49K", "..3G", "+-5", "- 5", "1 0", "1,5k"]) {
    assert.throws(() => BinarySize.parse(input), InvalidBinarySizeError, input);
  }
});

Deno.test("BinarySize.parse() reads decimal stems as Python's Decimal does", () => {
  const table: Array<[string, bigint]> = [
    [".5k", 512n],
    ["5.k", 5120n],
    ["1e3k", 1024000n],
    ["1E+2K", 102400n],
    ["-0.5k", -512n],
    ["+1.5k", 1536n],
    ["-0k", 0n],
    ["1e-99k", 0n],
    ["12345 B", 12345n],
    ["1.5 k", 1536n],
    ["00012k", 12288n],
  ];
  for (const [input, expected] of table) {
    assert.equal(bytesOf(input), expected, input);
  }
  // The character before "b" is the unit, so these have no number left.
  for (
    const input of ["1b", "10b", "kb", "b", "1 k b", "1.5 ", "nank", "infk"]
  ) {
    assert.throws(() => BinarySize.parse(input), InvalidBinarySizeError, input);
  }
});

Deno.test("BinarySize.parse() strips whitespace and digits as Python does", () => {
  assert.equal(bytesOf(" _ 59"), 59n); // int() strips again after "_" is removed
  assert.equal(bytesOf("\x851k"), 1024n); // NEL is Python whitespace
  assert.equal(bytesOf("1\x1c"), 1n);
  assert.equal(bytesOf("\u20031k"), 1024n);
  assert.equal(bytesOf("\u0663k"), 3072n); // ARABIC-INDIC DIGIT THREE
  assert.equal(bytesOf("\u0661\u0660\u0662\u0664"), 1024n);
  assert.equal(bytesOf("\u{1D7D9}k"), 1024n); // MATHEMATICAL DOUBLE-STRUCK DIGIT ONE
  // U+FEFF is not whitespace to Python, although String.prototype.trim() drops it.
  assert.throws(() => BinarySize.parse("\ufeff1"), InvalidBinarySizeError);
  // The infinity words match only without surrounding whitespace.
  assert.throws(() => BinarySize.parse(" inf"), InvalidBinarySizeError);
});

Deno.test("BinarySize.parse() rounds unit products to 28 digits like Python's context", () => {
  assert.equal(bytesOf("0.99999999999999999999999999999999k"), 1024n);
  assert.equal(bytesOf("1.999999999999999999999999999999k"), 2048n);
  assert.equal(
    bytesOf("9999999999999999999999999999999999999999y"),
    12089258196146291747061760000000000000000000000000000000000000000n,
  );
});

Deno.test("BinarySize.parse() refuses results over 4300 digits quickly", () => {
  const started = performance.now();
  for (
    const input of [
      "1e999999999k",
      "1.0e999999999999",
      "1.0e4300",
      "1".repeat(4301),
      "9".repeat(5000) + "k",
    ]
  ) {
    assert.throws(
      () => BinarySize.parse(input),
      /exceeds 4300 digits|fractional/,
      input.slice(0, 20),
    );
  }
  assert.equal(bytesOf("1e-999999999999k"), 0n);
  assert.ok(performance.now() - started < 2000);
});

Deno.test("BinarySize.parse() handles numbers and bigints", () => {
  assert.equal(bytesOf(19291991), 19291991n);
  assert.equal(bytesOf(0), 0n);
  assert.equal(bytesOf(-2048n), -2048n);
  for (const value of [-Infinity, NaN]) {
    assert.throws(() => BinarySize.parse(value), InvalidBinarySizeError);
  }
  assert.throws(
    () => BinarySize.parse({} as unknown as string),
    InvalidBinarySizeError,
  );
});

Deno.test("new BinarySize() refuses a non-bigint", () => {
  assert.throws(
    () => new BinarySize(1024 as unknown as bigint),
    InvalidBinarySizeError,
  );
});

Deno.test("BinarySize.format() rounds the 28-digit quotient like upstream", () => {
  // Python divides in a 28-digit context, then rounds to 2 decimals.
  assert.equal(
    new BinarySize(121716280438516962812294487n).format("k"),
    "118863555115739221496381.34k",
  );
  assert.equal(
    new BinarySize(215408110198620551873992535n).format("K"),
    "210359482615840382689445.84k",
  );
  // Quotients over 28 digits, where upstream raises, print exactly.
  assert.equal(
    new BinarySize(10000000000000000000000000007n).format(" "),
    "10000000000000000000000000007",
  );
});

Deno.test("BinarySize formats negative sizes like upstream", () => {
  assert.equal(new BinarySize(-2048n).toString(), "-2048 bytes");
  assert.equal(new BinarySize(-2048n).format("s"), "-2048");
  assert.equal(new BinarySize(-1536n).format("k"), "-1.5k");
  assert.equal(new BinarySize(-1n).format("g"), "-0g"); // Decimal keeps the sign of zero
});

Deno.test("BinarySize.format() reads unit letters in either case", () => {
  assert.equal(new BinarySize(2n ** 30n).format("G"), "1g");
  assert.throws(
    () => new BinarySize(1n).format("S" as BinarySizeUnit),
    /unsupported scale unit/,
  );
  assert.throws(
    () => new BinarySize(1n).format("qqqq" as BinarySizeUnit),
    (err: unknown) =>
      err instanceof InvalidBinarySizeError && err.data?.unit === "qqqq",
  );
});

Deno.test("BinarySize error messages clip long inputs", () => {
  const input = "x".repeat(500);
  assert.throws(
    () => BinarySize.parse(input),
    (err: unknown) =>
      err instanceof InvalidBinarySizeError && err.message.length < 200 &&
      err.data?.value === input,
  );
});
