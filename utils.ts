// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Small helpers with upstream's semantics (`ai.backend.common.utils` and the
 * `TimeDuration` validator):
 *
 * - nested data: {@linkcode nmget}, {@linkcode deepMerge} (upstream's list and
 *   null rules), {@linkcode dict2kvlist};
 * - durations: {@linkcode strToTimedelta} (milliseconds) and
 *   {@linkcode parseTimeDuration} with {@linkcode addTimeDuration} for the
 *   calendar units `yr` and `mo`;
 * - Python-compatible percent-encoding: {@linkcode quote} and
 *   {@linkcode unquote} (etcd keys use `quote(key, "")`);
 * - waiting: an abortable {@linkcode sleep}, and exponential backoff with jitter
 *   ({@linkcode computeBackoff}, {@linkcode backoffDelays},
 *   {@linkcode ExponentialBackoff});
 * - ids and text: {@linkcode generateUuid}, {@linkcode isUuid},
 *   {@linkcode uuidToHex}, {@linkcode uuidFromHex}, {@linkcode joinNonEmpty},
 *   {@linkcode b64encode}, {@linkcode isIpAddressFormat},
 *   {@linkcode getRandomSeq};
 * - bytes as text: {@linkcode encodeBase64} (base64 or base64url, any size).
 *
 * - logging: the {@linkcode Logger} interface and {@linkcode consoleLogger}.
 *
 * Bad input raises {@linkcode InvalidAPIParameters} (HTTP 400) with the
 * offending value in `data.value`; durations raise its subclass
 * {@linkcode InvalidDurationError}.
 *
 * ```ts
 * import { deepMerge, nmget, quote, strToTimedelta, unquote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(nmget({ a: { b: 1 } }, "a.b"), 1);
 * assert.deepEqual(deepMerge({ a: 1, b: [1, 2] }, { a: null, b: [3] }), { a: 1, b: [3, 2] });
 * assert.equal(strToTimedelta("1h30m"), 5_400_000);
 * assert.equal(quote("a/b c!", ""), "a%2Fb%20c%21");
 * assert.equal(unquote("a%2Fb%20c%21"), "a/b c!");
 * ```
 *
 * @module
 */

export * from "./_utils/errors.ts";
export * from "./_utils/nested_data.ts";
export * from "./_utils/duration.ts";
export * from "./_utils/quote.ts";
export * from "./_utils/sleep.ts";
export * from "./_utils/backoff.ts";
export * from "./_utils/uuid.ts";
export * from "./_utils/text.ts";
export * from "./_utils/base64.ts";
export * from "./_utils/ip.ts";
export * from "./_utils/random.ts";
export * from "./_utils/logger.ts";
