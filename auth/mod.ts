// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How Backend.AI components authenticate calls, wire-compatible with
 * upstream: HMAC request signatures ({@linkcode signRequest},
 * {@linkcode signedFetch} on the client, {@linkcode HmacVerifier} on the
 * server, one error per failure), JWTs on jose ({@linkcode JwtSigner},
 * {@linkcode JwtValidator}), keypairs in upstream's formats
 * ({@linkcode generateKeypair}, {@linkcode generateSshKeypair}) and the
 * {@linkcode TrustedProxies} whose forwarding headers are believed. It uses
 * the base layer only; the auth middleware of
 * `@backendai/common/middlewares` puts it in front of a handler.
 *
 * ```ts
 * import { generateKeypair, HmacVerifier, signRequest } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const keypair = generateKeypair();
 * const verifier = new HmacVerifier({
 *   lookup: (accessKey) => accessKey === keypair.accessKey ? keypair : undefined,
 * });
 * const request = await signRequest(new Request("http://127.0.0.1:8081/v9/ping"), {
 *   ...keypair, apiVersion: "v9.20250722",
 * });
 * assert.equal((await verifier.verify(request)).accessKey, keypair.accessKey);
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./trusted_proxies.ts";
export * from "./sign.ts";
export * from "./hmac.ts";
export * from "./jwt.ts";
export * from "./keypair.ts";
/**
 * The JWT errors `JwtValidator` throws (upstream's `jwt` module: domain
 * `user`, HTTP 401): the same namespace as `jwtExceptions` of
 * `@backendai/common/exception`, so `instanceof` works with either import.
 *
 * @example Usage
 * ```ts
 * import { jwtExceptions, JwtValidator } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(new JwtValidator().validate("x.y.z", "k"), jwtExceptions.JWTDecodeError);
 * ```
 */
export { jwtExceptions } from "../exception.ts";
