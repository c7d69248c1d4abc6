// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode authMiddleware}: authenticates a request by its JWT
 * (`X-BackendAI-Token`) or its HMAC signature (`Authorization`), as
 * upstream's manager does, resolving keys through a lookup the caller
 * gives.
 *
 * @module
 */

import {
  AuthorizationFailed,
  AuthorizationMissing,
  UnknownAccessKey,
} from "../auth/errors.ts";
import { HmacVerifier } from "../auth/hmac.ts";
import { JWT_HEADER, JwtValidator } from "../auth/jwt.ts";
import type { TrustedProxies } from "../auth/trusted_proxies.ts";
import { withTriggeredUser, withUser } from "../contexts/user.ts";
import type { UserData } from "../data/user.ts";
import { jwtExceptions } from "../exception.ts";
import type { Middleware } from "../web/handler.ts";

/** What the key lookup of {@linkcode authMiddleware} gives for an access key. */
export interface AuthKeypair {
  /** The keypair's secret key. */
  readonly secretKey: string;
  /**
   * The keypair's user: put in the context (`currentUser()`,
   * `triggeredUser()`) while the handler runs.
   */
  readonly user?: UserData | undefined;
}

/** Options of {@linkcode authMiddleware}. */
export interface AuthMiddlewareOptions {
  /**
   * Finds the active keypair of an access key (`undefined` when there is
   * none, which is answered as `UnknownAccessKey`).
   */
  lookup: (
    accessKey: string,
  ) => AuthKeypair | undefined | Promise<AuthKeypair | undefined>;
  /**
   * Whether a request needs credentials: without any, a request that needs
   * them gets `AuthorizationMissing` (401) and one that does not goes on
   * unauthenticated. Requests with credentials are always checked.
   *
   * @default {() => true}
   */
  required?: ((request: Request, path: string) => boolean) | undefined;
  /**
   * Proxies whose `X-Forwarded-URL` the HMAC check believes.
   *
   * @default {none}
   */
  trustedProxies?: TrustedProxies | readonly string[] | undefined;
  /**
   * Accept JWTs in `X-BackendAI-Token`.
   *
   * @default {true}
   */
  jwt?: boolean | undefined;
  /**
   * The clock, in ms since the epoch (for the date window and JWT expiry).
   *
   * @default {Date.now}
   */
  now?: (() => number) | undefined;
}

/**
 * Authenticates requests (upstream's manager auth middleware, without its
 * database: the caller's `lookup` finds keypairs). A JWT in
 * `X-BackendAI-Token` wins over an `Authorization` signature: its claimed
 * access key is looked up and the token checked with that keypair's secret
 * key; a JWT that fails is answered as upstream does, with
 * `AuthorizationFailed` ("JWT validation failed: …", 401) whose `cause` is
 * the `jwtExceptions` error. A signature is checked by an `HmacVerifier`,
 * each failure with its own error. On success `context.caller` holds the
 * access key, the method and the user, and the handler runs with that user
 * in the context.
 *
 * @example Usage
 * ```ts
 * import { generateKeypair, signRequest } from "@backendai/common/auth";
 * import { authMiddleware, errorMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const keypair = generateKeypair();
 * const app = compose([
 *   errorMiddleware({ logger: { debug() {}, info() {}, warn() {}, error() {} } }),
 *   authMiddleware({ lookup: (key) => key === keypair.accessKey ? keypair : undefined }),
 * ], (_request, context) => new Response(context.caller?.accessKey));
 * const signed = await signRequest(new Request("http://x/v9/ping"), { ...keypair, apiVersion: "v9.20250722" });
 * assert.equal(await (await app(signed)).text(), keypair.accessKey);
 * assert.equal((await app(new Request("http://x/v9/ping"))).status, 401);
 * ```
 *
 * @param options The key lookup and what is required.
 * @returns The middleware.
 */
export function authMiddleware(options: AuthMiddlewareOptions): Middleware {
  const lookup = options.lookup;
  const verifier = new HmacVerifier<AuthKeypair>({
    lookup: async (accessKey) => await lookup(accessKey),
    trustedProxies: options.trustedProxies,
    now: options.now,
  });
  const validator = new JwtValidator({ now: options.now });
  const acceptJwt = options.jwt ?? true;
  const required = options.required ?? (() => true);
  return async (request, next, context) => {
    const token = acceptJwt ? request.headers.get(JWT_HEADER) : null;
    let accessKey: string;
    let keypair: AuthKeypair;
    let method: "hmac" | "jwt";
    if (token) {
      try {
        accessKey = JwtValidator.peekAccessKey(token);
        const found = await lookup(accessKey);
        if (found === undefined) {
          throw new UnknownAccessKey("Access key not found", {
            data: { accessKey },
          });
        }
        await validator.validate(token, found.secretKey);
        keypair = found;
      } catch (error) {
        if (!(error instanceof jwtExceptions.JWTError)) throw error;
        throw new AuthorizationFailed(
          `JWT validation failed: ${error.message}`,
          {
            data: { header: JWT_HEADER, reason: error.name },
            cause: error,
          },
        );
      }
      method = "jwt";
    } else if (request.headers.has("authorization")) {
      const verified = await verifier.verify(request, {
        peerAddress: context.remoteAddr?.hostname,
      });
      accessKey = verified.accessKey;
      keypair = verified.keypair;
      method = "hmac";
    } else if (required(request, context.url.pathname)) {
      throw new AuthorizationMissing("Unauthorized access", {
        data: { header: "Authorization" },
      });
    } else {
      return await next();
    }
    const user = keypair.user;
    context.caller = { accessKey, method, user };
    if (user === undefined) return await next();
    return await withUser(user, () => withTriggeredUser(user, () => next()));
  };
}
