// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The seeded generator every fuzz test draws from: reproducible bad input.
 *
 * - The seed is fixed ({@linkcode DEFAULT_FUZZ_SEED}) unless
 *   `BACKEND_FUZZ_SEED` overrides it; every failure message carries it
 *   (through {@linkcode Fuzz.fail} / {@linkcode Fuzz.where}), so a failing run
 *   is replayed with `BACKEND_FUZZ_SEED=<seed> deno test -A tests/fuzz/`.
 * - The number of cases is `BACKEND_FUZZ_CASES` (default 10 000) split over
 *   the categories by weight ({@linkcode fuzzCases}), so the whole folder
 *   runs in about a minute on two cores; raise it for a longer soak.
 * - Each test gets its own stream of numbers ({@linkcode fuzz}), derived
 *   from the seed and the test's name, so one test's cases do not change
 *   when another test draws more or fewer.
 *
 * @module
 */

/** The seed used when `BACKEND_FUZZ_SEED` is not set. */
export const DEFAULT_FUZZ_SEED = 0x5eed_2026;

/** The total number of cases when `BACKEND_FUZZ_CASES` is not set. */
export const DEFAULT_FUZZ_CASES = 10_000;

/**
 * The share of the total each category gets; they sum to 1. Server-bound
 * categories get fewer cases than in-process ones: each costs round trips.
 */
export const FUZZ_WEIGHTS: Readonly<Record<string, number>> = {
  "stream-decode": 0.1,
  "stream-consumer": 0.12,
  "events-consumer": 0.05,
  "nats-consumer": 0.05,
  "broadcast-subscriber": 0.08,
  "http-middlewares": 0.17,
  "agent-rpc": 0.03,
  "events-decode": 0.05,
  "http-auth": 0.1,
  "configs": 0.12,
  "parsers": 0.03,
  "etcd-keys": 0.04,
  "service-discovery": 0.01,
  "security": 0.05,
};

function positiveIntegerEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/**
 * The seed of this run: `BACKEND_FUZZ_SEED` or {@linkcode DEFAULT_FUZZ_SEED}.
 *
 * @returns The seed, an unsigned 32-bit integer.
 */
export function fuzzSeed(): number {
  return positiveIntegerEnv("BACKEND_FUZZ_SEED", DEFAULT_FUZZ_SEED) >>> 0;
}

/**
 * How many cases a category runs: its weight of `BACKEND_FUZZ_CASES`
 * (default {@linkcode DEFAULT_FUZZ_CASES}), at least 1.
 *
 * @param category A key of {@linkcode FUZZ_WEIGHTS}.
 * @returns The number of cases.
 */
export function fuzzCases(category: keyof typeof FUZZ_WEIGHTS): number {
  const total = positiveIntegerEnv("BACKEND_FUZZ_CASES", DEFAULT_FUZZ_CASES);
  const weight = FUZZ_WEIGHTS[category];
  if (weight === undefined) {
    throw new Error(`Unknown fuzz category ${category}`);
  }
  return Math.max(1, Math.round(total * weight));
}

// FNV-1a over the UTF-16 units: mixes a test's name into the seed.
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Characters that break naive parsers, quoting and path handling. */
const NASTY_CHARS = [
  "/",
  "%",
  "%2F",
  "%25",
  "\\",
  "\0",
  "\n",
  "\r\n",
  "\t",
  " ",
  '"',
  "'",
  "`",
  "{",
  "}",
  "[",
  "]",
  ":",
  "=",
  "#",
  "?",
  "&",
  "..",
  ".",
  "*",
  "\u00e9",
  "\u4e2d",
  "\u{1F600}",
  "\uFFFD",
  "\u200B",
  "\u202E",
  "\uFEFF",
] as const;

/**
 * A seeded source of random values (mulberry32); the same seed and name
 * always give the same sequence.
 */
export class Fuzz {
  /** The run's seed. */
  readonly seed: number;
  /** The test's name, mixed into the seed. */
  readonly name: string;
  /** The case being generated, for failure messages; set by the test. */
  caseIndex = -1;
  #state: number;

  /**
   * Makes a generator.
   *
   * @param seed The run's seed.
   * @param name The test's name.
   */
  constructor(seed: number, name: string) {
    this.seed = seed;
    this.name = name;
    this.#state = (seed ^ hashName(name)) >>> 0;
  }

  /** @returns A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * @param n The bound.
   * @returns An integer in [0, n).
   */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * @param p The probability.
   * @returns True with probability `p`.
   */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * @param items The choices.
   * @returns One of them.
   */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /**
   * @param n How many bytes.
   * @returns Random bytes.
   */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /**
   * Bytes that are never valid UTF-8: random text around one invalid
   * sequence (a lone continuation byte, an overlong form, a surrogate, a
   * truncated sequence, or 0xFF).
   *
   * @returns The bytes.
   */
  invalidUtf8(): Uint8Array {
    const bad = this.pick([
      [0x80],
      [0xbf],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0xff],
      [0xfe, 0xff],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    ]);
    const head = new TextEncoder().encode(this.text(this.int(8)));
    const tail = new TextEncoder().encode(this.text(this.int(8)));
    return Uint8Array.from([...head, ...bad, ...tail]);
  }

  /**
   * Text of printable ASCII mixed with awkward characters.
   *
   * @param length About how many characters.
   * @returns The text.
   */
  text(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) {
      out += this.chance(0.15)
        ? this.pick(NASTY_CHARS)
        : String.fromCharCode(0x20 + this.int(95));
    }
    return out;
  }

  /**
   * A short identifier-like word.
   *
   * @returns Lowercase letters, digits and `_`.
   */
  word(): string {
    const letters = "abcdefghijklmnopqrstuvwxyz0123456789_";
    let out = "";
    const length = 1 + this.int(10);
    for (let i = 0; i < length; i++) out += letters[this.int(letters.length)];
    return /^[0-9]/.test(out) ? `k${out}` : out;
  }

  /**
   * A random JSON value (depth-limited).
   *
   * @param depth How deep it may nest.
   * @returns The value.
   */
  json(depth = 2): unknown {
    const kind = this.int(depth > 0 ? 8 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 42]);
      case 3:
        return this.text(this.int(12));
      case 4:
        return "";
      case 5:
        return this.int(1000);
      case 6:
        return Array.from({ length: this.int(4) }, () => this.json(depth - 1));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) {
          out[this.word()] = this.json(depth - 1);
        }
        return out;
      }
    }
  }

  /**
   * A text that `JSON.parse` always rejects.
   *
   * @returns The text.
   */
  brokenJson(): string {
    const valid = JSON.stringify(this.json(2)) ?? "null";
    const breakers = [
      () => "",
      () => valid + ",",
      () => "{" + valid,
      () => valid.slice(0, Math.max(0, valid.length - 1)) + "\u0000",
      () => "{'a': 1}",
      () => "NaN",
      () => "undefined",
      () => `{"a":1,}`,
      () => `[1,2`,
      () => this.text(1 + this.int(20)).replace(/^[\s\d\-"\[{ntf]/, "x") + "}",
      () => "\u{1F600}",
    ];
    return this.pick(breakers)();
  }

  /**
   * A failure message that says how to replay the case.
   *
   * @param message What went wrong.
   * @returns The message with the seed, test and case.
   */
  where(message: string): string {
    return `${message} [fuzz ${this.name}, case ${this.caseIndex}; ` +
      `replay with BACKEND_FUZZ_SEED=${this.seed}]`;
  }

  /**
   * Throws a failure that says how to replay the case.
   *
   * @param message What went wrong.
   * @returns Never.
   */
  fail(message: string): never {
    throw new Error(this.where(message));
  }
}

/**
 * The generator for one test.
 *
 * @param name The test's stable name (also its report name).
 * @returns A generator seeded from the run's seed and `name`.
 */
export function fuzz(name: string): Fuzz {
  return new Fuzz(fuzzSeed(), name);
}
