// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * JWTs as upstream's GraphQL federation uses them (`common/jwt/`), on
 * jose: HS256, signed with the user's own secret key, claims exactly
 * `exp`, `iat`, `access_key` and `role`, 900 s by default, sent in
 * `X-BackendAI-Token`. {@linkcode JwtSigner} makes them (byte for byte what
 * PyJWT makes), {@linkcode JwtValidator} checks them and answers each
 * failure with one of upstream's `jwt` errors (`jwtExceptions` of
 * `@backendai/common/exception`: domain `user`, HTTP 401):
 *
 * | failure | error |
 * | --- | --- |
 * | not a JWT (parts, base64, JSON) | `JWTDecodeError` |
 * | another key, a tampered token | `JWTInvalidSignatureError` |
 * | `alg` other than HS256, `none` included | `JWTInvalidSignatureError` |
 * | `exp` at or before now | `JWTExpiredError` |
 * | `iat` after now (upstream lets PyJWT's error through) | `JWTInvalidClaimsError` |
 * | a claim missing or of the wrong type, a role not admin/user/superadmin | `JWTInvalidClaimsError` |
 *
 * @module
 */

import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { jwtExceptions } from "../exception.ts";
import { invalidOption } from "../_options.ts";

/** The header that carries a JWT. */
export const JWT_HEADER = "X-BackendAI-Token";

/** A token's lifetime by default, in seconds (upstream's 900). */
export const DEFAULT_JWT_EXPIRATION_SECONDS = 900;

/** The roles a token may carry. */
export const JWT_ROLES: readonly string[] = Object.freeze([
  "admin",
  "user",
  "superadmin",
]);

/** A role a token may carry. */
export type JwtRole = "admin" | "user" | "superadmin";

/** The claims of a token, exactly upstream's. */
export interface JwtClaims {
  /** Expiry, in Unix seconds. */
  readonly exp: number;
  /** Issue time, in Unix seconds. */
  readonly iat: number;
  /** The user's access key. */
  readonly access_key: string;
  /** The user's role. */
  readonly role: JwtRole;
}

/** Who a token is for (upstream's `JWTUserContext`). */
export interface JwtUserContext {
  /** The user's access key. */
  accessKey: string;
  /** The user's role. */
  role: JwtRole;
}

/** Options of {@linkcode JwtSigner} and {@linkcode JwtValidator}. */
export interface JwtOptions {
  /**
   * A token's lifetime, in seconds (the signer's; upstream's shared config
   * allows 60 to 86400).
   *
   * @default {900}
   */
  expirationSeconds?: number | undefined;
  /**
   * The clock, in ms since the epoch.
   *
   * @default {Date.now}
   */
  now?: (() => number) | undefined;
  /**
   * How many imported keys (one per secret key) are kept.
   *
   * @default {1024}
   */
  keyCacheSize?: number | undefined;
}

const ENCODER = new TextEncoder();

/** Imported HMAC keys per secret, so jose does not import one per call. */
class KeyCache {
  readonly #keys = new Map<string, Promise<CryptoKey>>();
  readonly #size: number;
  readonly #usage: KeyUsage;

  constructor(size: number, usage: KeyUsage) {
    this.#size = size;
    this.#usage = usage;
  }

  get(secretKey: string): Promise<CryptoKey> {
    let key = this.#keys.get(secretKey);
    if (key === undefined) {
      key = crypto.subtle.importKey(
        "raw",
        ENCODER.encode(secretKey),
        { name: "HMAC", hash: "SHA-256" },
        false,
        [this.#usage],
      );
      if (this.#size > 0) {
        if (this.#keys.size >= this.#size) {
          this.#keys.delete(this.#keys.keys().next().value as string);
        }
        this.#keys.set(secretKey, key);
      }
    }
    return key;
  }
}

function cacheSize(options: JwtOptions): number {
  const size = options.keyCacheSize ?? 1024;
  if (!(Number.isSafeInteger(size) && size >= 0)) {
    invalidOption("JWT", "keyCacheSize", size, "must be a whole number");
  }
  return size;
}

/**
 * Makes tokens (upstream's `JWTSigner`).
 *
 * @example Usage
 * ```ts
 * import { JwtSigner, JwtValidator } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const token = await new JwtSigner().sign({ accessKey: "AKIAIOSFODNN7EXAMPLE", role: "user" }, "s3cret");
 * const claims = await new JwtValidator().validate(token, "s3cret");
 * assert.equal(claims.access_key, "AKIAIOSFODNN7EXAMPLE");
 * assert.equal(claims.exp - claims.iat, 900);
 * ```
 */
export class JwtSigner {
  readonly #expirationSeconds: number;
  readonly #now: () => number;
  readonly #keys: KeyCache;

  /**
   * Makes a signer.
   *
   * @param options Lifetime, clock and key cache size.
   */
  constructor(options: JwtOptions = {}) {
    const seconds = options.expirationSeconds ??
      DEFAULT_JWT_EXPIRATION_SECONDS;
    if (!(Number.isSafeInteger(seconds) && seconds > 0)) {
      invalidOption(
        "JWT",
        "expirationSeconds",
        seconds,
        "must be a whole number over 0",
      );
    }
    this.#expirationSeconds = seconds;
    this.#now = options.now ?? Date.now;
    this.#keys = new KeyCache(cacheSize(options), "sign");
  }

  /**
   * Makes a token for a user, signed with the user's secret key. The
   * header is `{"alg":"HS256","typ":"JWT"}` and the claims are in
   * upstream's order, so the token equals PyJWT's for the same inputs.
   *
   * @param user The access key and role.
   * @param secretKey The user's secret key.
   * @returns The compact token.
   */
  async sign(user: JwtUserContext, secretKey: string): Promise<string> {
    const iat = Math.floor(this.#now() / 1000);
    const claims: JwtClaims = {
      exp: iat + this.#expirationSeconds,
      iat,
      access_key: user.accessKey,
      role: user.role,
    };
    return await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(await this.#keys.get(secretKey));
  }
}

/**
 * Checks tokens (upstream's `JWTValidator`), with the error table of the
 * module's documentation.
 *
 * @example Expired and tampered tokens
 * ```ts
 * import { JwtSigner, JwtValidator } from "@backendai/common/auth";
 * import { jwtExceptions } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const issued = Date.parse("2026-11-28T12:00:00Z");
 * const token = await new JwtSigner({ now: () => issued }).sign({ accessKey: "AK", role: "admin" }, "k");
 * const later = new JwtValidator({ now: () => issued + 901_000 });
 * await assert.rejects(later.validate(token, "k"), jwtExceptions.JWTExpiredError);
 * const validator = new JwtValidator({ now: () => issued });
 * await assert.rejects(validator.validate(token, "other"), jwtExceptions.JWTInvalidSignatureError);
 * await assert.rejects(validator.validate("not-a-token", "k"), jwtExceptions.JWTDecodeError);
 * ```
 */
export class JwtValidator {
  readonly #now: () => number;
  readonly #keys: KeyCache;

  /**
   * Makes a validator.
   *
   * @param options Clock and key cache size.
   */
  constructor(options: JwtOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#keys = new KeyCache(cacheSize(options), "verify");
  }

  /**
   * The access key a token claims, before it is verified (to find the
   * secret key that verifies it, as upstream's manager does).
   *
   * @param token The compact token.
   * @returns The claimed access key.
   * @throws {jwtExceptions.JWTDecodeError} When it is not a JWT.
   * @throws {jwtExceptions.JWTInvalidClaimsError} When it has no string `access_key`.
   */
  static peekAccessKey(token: string): string {
    let payload: Record<string, unknown>;
    try {
      payload = decodeJwt(token);
    } catch (error) {
      throw new jwtExceptions.JWTDecodeError("Failed to decode JWT token", {
        cause: error,
      });
    }
    const accessKey = payload.access_key;
    if (typeof accessKey !== "string" || accessKey === "") {
      throw new jwtExceptions.JWTInvalidClaimsError(
        "JWT claims are invalid: access_key",
        { data: { claim: "access_key" } },
      );
    }
    return accessKey;
  }

  /**
   * Verifies a token's signature, expiry and claims.
   *
   * @param token The compact token.
   * @param secretKey The secret key of the token's access key.
   * @returns The claims.
   * @throws {jwtExceptions.JWTError} One of its subclasses (see the module's table).
   */
  async validate(token: string, secretKey: string): Promise<JwtClaims> {
    const nowMs = this.#now();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await this.#keys.get(secretKey), {
        algorithms: ["HS256"],
        currentDate: new Date(nowMs),
      }));
    } catch (error) {
      throw mapJoseError(error);
    }
    return checkClaims(payload, nowMs / 1000);
  }
}

function mapJoseError(error: unknown): Error {
  if (error instanceof joseErrors.JWTExpired) {
    return new jwtExceptions.JWTExpiredError("JWT token has expired", {
      cause: error,
    });
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return new jwtExceptions.JWTInvalidSignatureError(
      "JWT signature verification failed",
      { cause: error },
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new jwtExceptions.JWTInvalidClaimsError(
      `JWT claims are invalid: ${error.claim}`,
      { data: { claim: error.claim }, cause: error },
    );
  }
  return new jwtExceptions.JWTDecodeError("Failed to decode JWT token", {
    cause: error,
  });
}

function invalidClaim(claim: string, reason: string): Error {
  return new jwtExceptions.JWTInvalidClaimsError(
    `JWT claims are invalid: ${claim} ${reason}`,
    { data: { claim } },
  );
}

function checkClaims(
  payload: Record<string, unknown>,
  nowSeconds: number,
): JwtClaims {
  const { exp, iat, access_key: accessKey, role } = payload;
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw invalidClaim("exp", "must be a number");
  }
  if (typeof iat !== "number" || !Number.isFinite(iat)) {
    throw invalidClaim("iat", "must be a number");
  }
  if (iat > nowSeconds) throw invalidClaim("iat", "is in the future");
  if (typeof accessKey !== "string") {
    throw invalidClaim("access_key", "must be a string");
  }
  if (typeof role !== "string") throw invalidClaim("role", "must be a string");
  if (!JWT_ROLES.includes(role)) {
    throw invalidClaim("role", `must be one of ${JWT_ROLES.join(", ")}`);
  }
  return { exp, iat, access_key: accessKey, role: role as JwtRole };
}
