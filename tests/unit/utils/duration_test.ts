// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  addTimeDuration,
  InvalidDurationError,
  parseTimeDuration,
  strToTimedelta,
} from "../../../utils.ts";
import { BackendAIError, InvalidAPIParameters } from "../../../exception.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const W = 7 * D;

function assertDurationError(fn: () => unknown, value: unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidDurationError, String(value));
    assert.ok(err instanceof InvalidAPIParameters);
    assert.ok(err instanceof BackendAIError);
    assert.equal(err.status, 400);
    assert.equal(String(err.errorCode()), "api_parsing_invalid-parameters");
    assert.equal(err.data?.value, value);
    assert.match(err.message, /^Cannot parse (time )?duration "/);
    return true;
  }, JSON.stringify(value));
}

Deno.test("strToTimedelta() reads upstream's test table as milliseconds", () => {
  const table: Array<[string, number]> = [
    ["1d2h3m4s", D + 2 * H + 3 * M + 4 * S],
    ["1d2h3m", D + 2 * H + 3 * M],
    ["1d2h", D + 2 * H],
    ["1d", D],
    ["2h3m4s", 2 * H + 3 * M + 4 * S],
    ["2h3m", 2 * H + 3 * M],
    ["2h", 2 * H],
    ["3m4s", 3 * M + 4 * S],
    ["3m", 3 * M],
    ["4s", 4 * S],
    ["4", 4 * S],
    ["+1d2h3m4s", D + 2 * H + 3 * M + 4 * S],
    ["-1d2h3m4s", -(D + 2 * H + 3 * M + 4 * S)],
    ["1day2hr3min4sec", D + 2 * H + 3 * M + 4 * S],
    ["1day2hour3minute4second", D + 2 * H + 3 * M + 4 * S],
    ["1day 2hour 3minute 4second", D + 2 * H + 3 * M + 4 * S],
    ["1days 2hours 3minutes 4seconds", D + 2 * H + 3 * M + 4 * S],
    ["0.1d0.2h0.3m0.4s", 0.1 * D + 0.2 * H + 0.3 * M + 0.4 * S],
    ["1d 2h 3m 4s", D + 2 * H + 3 * M + 4 * S],
    ["-1d 2h 3m 4s", -(D + 2 * H + 3 * M + 4 * S)],
    ["- 1d 2h 3m 4s", -(D + 2 * H + 3 * M + 4 * S)],
  ];
  for (const [input, ms] of table) {
    assert.equal(strToTimedelta(input), ms, input);
  }
});

Deno.test("strToTimedelta() follows upstream's docstring examples", () => {
  assert.equal(strToTimedelta("30min"), 30 * M);
  assert.equal(strToTimedelta("1d1hr"), D + H);
  assert.equal(strToTimedelta("2hours 15min"), 2 * H + 15 * M);
  assert.equal(strToTimedelta("20sec"), 20 * S);
  assert.equal(strToTimedelta("300"), 300 * S);
  assert.equal(strToTimedelta("-1day"), -D);
});

Deno.test("strToTimedelta() takes every unit spelling and fractions", () => {
  const table: Array<[string, number]> = [
    ["1day", D],
    ["2days", 2 * D],
    ["1h", H],
    ["1hr", H],
    ["2hrs", 2 * H],
    ["1hour", H],
    ["3hours", 3 * H],
    ["10m", 10 * M],
    ["10min", 10 * M],
    ["10mins", 10 * M],
    ["1minute", M],
    ["2minutes", 2 * M],
    ["5s", 5 * S],
    ["5sec", 5 * S],
    ["5secs", 5 * S],
    ["1second", S],
    ["5seconds", 5 * S],
    ["1.5h", 1.5 * H],
    ["1m30s", 90 * S],
    ["1.1s", 1100],
    ["0d", 0],
    ["+1h", H],
    ["  1h  ", H],
    ["1h\n", H],
  ];
  for (const [input, ms] of table) {
    assert.equal(strToTimedelta(input), ms, input);
  }
});

Deno.test("strToTimedelta() reads a bare number as Python's float() does, in seconds", () => {
  const table: Array<[string, number]> = [
    ["30", 30 * S],
    ["0.5", 500],
    [".5", 500],
    ["5.", 5 * S],
    ["-300", -300 * S],
    ["+2", 2 * S],
    ["1e3", 1000 * S],
    ["1E-3", 1],
    ["1_000", 1000 * S],
    [" 7 ", 7 * S],
    ["\t7\u3000", 7 * S],
    ["0", 0],
    ["-0", 0],
  ];
  for (const [input, ms] of table) {
    assert.equal(strToTimedelta(input), ms, input);
  }
  assert.ok(Object.is(strToTimedelta("-0"), 0), "-0 is normalised to 0");
});

Deno.test("strToTimedelta() keeps timedelta's microsecond resolution", () => {
  assert.equal(strToTimedelta("0.000001s"), 0.001);
  assert.equal(strToTimedelta("0.0000001s"), 0);
  // timedelta rounds half to even: 1.5 µs -> 2 µs, 2.5 µs -> 2 µs.
  assert.equal(strToTimedelta("0.0000015"), 0.002);
  assert.equal(strToTimedelta("0.0000025"), 0.002);
  assert.equal(strToTimedelta("0.3m"), 18 * S);
});

Deno.test("strToTimedelta() negates every part after a minus sign", () => {
  assert.equal(strToTimedelta("-1d2h"), -(D + 2 * H));
  assert.equal(strToTimedelta("-2h30m"), -(2 * H + 30 * M));
  assert.equal(strToTimedelta(" - 30s"), -30 * S);
});

Deno.test("strToTimedelta() rejects malformed durations with the value in data", () => {
  const rejected = [
    "",
    " ",
    "+",
    "-",
    "--1d",
    "--1d2h3m4s",
    "+-1d",
    "|1d",
    "1da1hr",
    "abc",
    "1x",
    "1h1d", // parts out of order
    "1s1m",
    "1d1d",
    "1 d", // space between number and unit
    "1 2",
    "1h30", // a trailing bare number is not seconds
    ".5h",
    "1.h",
    "1..5h",
    "1,5h",
    "1ms",
    "1w",
    "1yr",
    "1H",
    "1D",
    "d",
    "h1",
    "inf",
    "nan",
    "Infinity",
    "1_",
    "_1",
    "1__0",
    "0x10",
    "1e",
    "- 300",
    "\uFEFF1h", // U+FEFF is not Python whitespace
    "١h", // non-ASCII digits are not read
  ];
  for (const input of rejected) {
    assertDurationError(() => strToTimedelta(input), input);
  }
});

Deno.test("strToTimedelta() rejects durations beyond timedelta's range", () => {
  assertDurationError(() => strToTimedelta("1000000000d"), "1000000000d");
  assertDurationError(() => strToTimedelta("-1000000000d"), "-1000000000d");
  assertDurationError(() => strToTimedelta("1e400"), "1e400");
  assert.equal(strToTimedelta("999999999d"), 999_999_999 * D);
  assert.equal(strToTimedelta("-999999999d"), -999_999_999 * D);
});

Deno.test("strToTimedelta() rejects non-string input at run time", () => {
  assertDurationError(() => strToTimedelta(5 as unknown as string), 5);
  assertDurationError(() => strToTimedelta(null as unknown as string), null);
});

Deno.test("parseTimeDuration() reads numbers and digit-ending text as seconds", () => {
  assert.deepEqual(parseTimeDuration(30), {
    kind: "fixed",
    milliseconds: 30 * S,
  });
  assert.deepEqual(parseTimeDuration(0.25), {
    kind: "fixed",
    milliseconds: 250,
  });
  assert.deepEqual(parseTimeDuration("30"), {
    kind: "fixed",
    milliseconds: 30 * S,
  });
  assert.deepEqual(parseTimeDuration("1.5"), {
    kind: "fixed",
    milliseconds: 1500,
  });
  assert.deepEqual(parseTimeDuration("1e2"), {
    kind: "fixed",
    milliseconds: 100 * S,
  });
  assert.deepEqual(parseTimeDuration(" 4"), {
    kind: "fixed",
    milliseconds: 4 * S,
  });
});

Deno.test("parseTimeDuration() reads one unit letter: w, d, h, m (minutes), s", () => {
  const table: Array<[string, number]> = [
    ["2w", 2 * W],
    ["1d", D],
    ["1.5h", 1.5 * H],
    ["10m", 10 * M],
    ["45s", 45 * S],
    ["0.5d", 12 * H],
    [".5h", 30 * M],
    ["1.5 h", 1.5 * H], // Python's float() takes the trailing space of "1.5 "
    ["0s", 0],
  ];
  for (const [input, ms] of table) {
    assert.deepEqual(parseTimeDuration(input), {
      kind: "fixed",
      milliseconds: ms,
    }, input);
  }
});

Deno.test("parseTimeDuration() gives calendar durations for yr and mo", () => {
  assert.deepEqual(parseTimeDuration("1yr"), {
    kind: "calendar",
    years: 1,
    months: 0,
  });
  assert.deepEqual(parseTimeDuration("3mo"), {
    kind: "calendar",
    years: 0,
    months: 3,
  });
  assert.deepEqual(parseTimeDuration("12mo"), {
    kind: "calendar",
    years: 1,
    months: 0,
  });
  assert.deepEqual(parseTimeDuration("18mo"), {
    kind: "calendar",
    years: 1,
    months: 6,
  });
  assert.deepEqual(parseTimeDuration("0yr"), {
    kind: "calendar",
    years: 0,
    months: 0,
  });
  assert.deepEqual(parseTimeDuration("1_0mo"), {
    kind: "calendar",
    years: 0,
    months: 10,
  });
  assert.deepEqual(parseTimeDuration("-14mo", { allowNegative: true }), {
    kind: "calendar",
    years: -1,
    months: -2,
  });
  assert.deepEqual(parseTimeDuration("-1yr", { allowNegative: true }), {
    kind: "calendar",
    years: -1,
    months: 0,
  });
  const zero = parseTimeDuration("-0mo");
  assert.ok(zero.kind === "calendar" && Object.is(zero.months, 0));
});

Deno.test("parseTimeDuration() rejects negatives unless allowNegative", () => {
  for (const value of ["-1s", "-5m", "-1", "-1yr", "-2mo", -1, -0.5]) {
    assertDurationError(() => parseTimeDuration(value), value);
  }
  assert.deepEqual(parseTimeDuration("-5m", { allowNegative: true }), {
    kind: "fixed",
    milliseconds: -5 * M,
  });
  assert.deepEqual(parseTimeDuration(-1, { allowNegative: true }), {
    kind: "fixed",
    milliseconds: -S,
  });
  assert.deepEqual(parseTimeDuration("-0s"), {
    kind: "fixed",
    milliseconds: 0,
  });
});

Deno.test("parseTimeDuration() rejects what upstream's TimeDuration rejects", () => {
  const rejected: Array<string | number> = [
    "",
    "1x",
    "1W",
    "1H",
    "1ms", // two letters other than yr and mo
    "10min",
    "1hr",
    "1Yr",
    "1.5yr", // years and months are whole
    "1.5mo",
    "yr",
    "s",
    "abc",
    "1d2h", // one unit only
    "1 s ", // ends in neither a digit nor a unit
    "infh",
    "nans",
    "inf s",
    "1..5h",
    NaN,
    Infinity,
    "1e400",
  ];
  for (const value of rejected) {
    assertDurationError(() => parseTimeDuration(value), value);
  }
  assertDurationError(() => parseTimeDuration(null as unknown as string), null);
});

Deno.test("addTimeDuration() adds years and months as relativedelta does", () => {
  const leapDay = new Date("2020-02-29T12:34:56.789Z");
  const add = (text: string, from: Date = leapDay): string =>
    addTimeDuration(from, parseTimeDuration(text, { allowNegative: true }))
      .toISOString();
  assert.equal(add("1yr"), "2021-02-28T12:34:56.789Z");
  assert.equal(add("2yr"), "2022-02-28T12:34:56.789Z");
  assert.equal(add("3yr"), "2023-02-28T12:34:56.789Z");
  assert.equal(add("4yr"), "2024-02-29T12:34:56.789Z");
  assert.equal(add("-1yr"), "2019-02-28T12:34:56.789Z");
  const endOfJanuary = new Date("2021-01-31T00:00:00Z");
  assert.equal(add("1mo", endOfJanuary), "2021-02-28T00:00:00.000Z");
  assert.equal(add("3mo", endOfJanuary), "2021-04-30T00:00:00.000Z");
  assert.equal(add("11mo", endOfJanuary), "2021-12-31T00:00:00.000Z");
  assert.equal(add("13mo", endOfJanuary), "2022-02-28T00:00:00.000Z");
  assert.equal(add("-2mo", endOfJanuary), "2020-11-30T00:00:00.000Z");
  assert.equal(add("-13mo", endOfJanuary), "2019-12-31T00:00:00.000Z");
  // Years below 100 are not mapped to the 1900s.
  assert.equal(
    add("1yr", new Date("0050-06-15T00:00:00Z")),
    "0051-06-15T00:00:00.000Z",
  );
});

Deno.test("addTimeDuration() adds fixed durations and leaves its input alone", () => {
  const start = new Date("2020-02-28T00:00:00Z");
  const result = addTimeDuration(start, parseTimeDuration("1d"));
  assert.equal(result.toISOString(), "2020-02-29T00:00:00.000Z");
  assert.equal(start.toISOString(), "2020-02-28T00:00:00.000Z");
  assert.notEqual(addTimeDuration(start, parseTimeDuration("0yr")), start);
});
