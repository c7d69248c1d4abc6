// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of `types`. Every parse error derives from
 * {@linkcode InvalidAPIParameters} (HTTP 400), so one `catch` takes them all;
 * `data` names the offending value and, where known, the field.
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  InvalidAPIParameters,
  InvalidIpAddressValue,
} from "../exception.ts";

/**
 * An identifier did not have the required form (HTTP 400,
 * `api_parsing_invalid-parameters`). `data.kind` names the identifier
 * type and `data.value` holds the rejected input.
 *
 * @example Usage
 * ```ts
 * import { InvalidIdentifierError, SessionId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * try {
 *   SessionId("not-a-uuid");
 *   assert.fail("must throw");
 * } catch (err) {
 *   assert.ok(err instanceof InvalidIdentifierError);
 *   assert.equal(err.status, 400);
 *   assert.deepEqual(err.data, { kind: "SessionId", value: "not-a-uuid" });
 * }
 * ```
 */
export class InvalidIdentifierError extends InvalidAPIParameters {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-identifier";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid identifier.";
}

/**
 * A string is not a member of an enum (HTTP 400,
 * `api_parsing_invalid-parameters`). `data.enum` names the enum and
 * `data.value` holds the rejected input.
 *
 * @example Usage
 * ```ts
 * import { InvalidEnumValueError, parseUserRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => parseUserRole("root"), (err: unknown) => {
 *   assert.ok(err instanceof InvalidEnumValueError);
 *   assert.equal(err.status, 400);
 *   assert.deepEqual(err.data, { enum: "UserRole", value: "root" });
 *   return true;
 * });
 * ```
 */
export class InvalidEnumValueError extends InvalidAPIParameters {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-enum-value";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid enum value.";
}

/**
 * A size string or unit could not be read (HTTP 400,
 * `api_parsing_invalid-parameters`); `data.value` holds the input.
 *
 * @example Usage
 * ```ts
 * import { BinarySize, InvalidBinarySizeError } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => BinarySize.parse("1x"), InvalidBinarySizeError);
 * ```
 */
export class InvalidBinarySizeError extends InvalidAPIParameters {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-binary-size";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid binary size.";
}

/**
 * A host-port pair could not be parsed (HTTP 400,
 * `api_parsing_invalid-parameters`). `data.field` is `"host"`, `"port"`
 * or `"value"` (the whole input), and `data.value` is the offending input.
 *
 * @example Usage
 * ```ts
 * import { HostPortPair, InvalidHostPortPairError } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => HostPortPair.parse("redis:70000"), (err: unknown) => {
 *   assert.ok(err instanceof InvalidHostPortPairError);
 *   assert.equal(err.data?.field, "port");
 *   return true;
 * });
 * ```
 */
export class InvalidHostPortPairError extends InvalidAPIParameters {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-host-port-pair";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid host-port pair.";
}

/**
 * An IP address or network could not be parsed (HTTP 400,
 * `api_parsing_invalid-parameters`), a subclass of upstream's
 * {@linkcode InvalidIpAddressValue}. `data.value` is the offending input.
 *
 * @example Usage
 * ```ts
 * import { InvalidIPAddressError, ReadableCIDR } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ReadableCIDR.parse("10.1.*.300"), InvalidIPAddressError);
 * ```
 */
export class InvalidIPAddressError extends InvalidIpAddressValue {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-ip-address";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid IP address.";
}

/**
 * A resource slot quantity could not be read as a decimal, or was negative
 * where only non-negative quantities are allowed (HTTP 400,
 * `backendai_parsing_invalid-parameters`, as upstream). `data.key` names the slot and
 * `data.value` renders the offending value as a string.
 *
 * @example Usage
 * ```ts
 * import { InvalidResourceSlotQuantity, ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ResourceSlot.fromUserInput({ cpu: "-1" }), (err: unknown) => {
 *   assert.ok(err instanceof InvalidResourceSlotQuantity);
 *   assert.equal(err.status, 400);
 *   assert.equal(err.data?.key, "cpu");
 *   return true;
 * });
 * ```
 */
export class InvalidResourceSlotQuantity extends InvalidAPIParameters {
  /** The code of every error of this class: `backendai_parsing_invalid-parameters` (upstream's). */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL (upstream's). */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-resource-slot-quantity";
  /** The problem title (upstream's). */
  override readonly errorTitle: string = "Invalid resource slot quantity.";
}

/**
 * A slot name is not among the known slot types (HTTP 400,
 * `backendai_parsing_not-found`). `data.key` names the (first) unknown slot;
 * {@linkcode ResourceSlot.normalizeSlots} also lists all of them in `data.keys`.
 *
 * @example Usage
 * ```ts
 * import { ResourceSlot, UnknownResourceSlotType } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => ResourceSlot.fromUserInput({ tpu: "1" }, { cpu: "count" }),
 *   (err: unknown) => err instanceof UnknownResourceSlotType && err.data?.key === "tpu",
 * );
 * ```
 */
export class UnknownResourceSlotType extends BackendAIError {
  /** The code of every error of this class: `backendai_parsing_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.PARSING,
    ErrorDetail.NOT_FOUND,
  );
  /** HTTP 400 Bad Request. */
  override readonly status: number = 400;
  /** The problem type URL (upstream's). */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unknown-resource-slot-type";
  /** The problem title (upstream's). */
  override readonly errorTitle: string = "Unknown resource slot type.";
}
