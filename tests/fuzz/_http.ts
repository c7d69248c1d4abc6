// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The service the HTTP fuzz and security tests attack: the standard
 * middleware chain (request id, client IP, access log, CORS, errors,
 * metrics, body limit, HMAC/JWT auth) in front of a router with a JSON
 * endpoint, every log line captured, every handler call counted.
 *
 * @module
 */

import { z } from "zod";
import { generateKeypair, type Keypair } from "../../auth/mod.ts";
import { currentClientIp } from "../../contexts/mod.ts";
import { MetricRegistry } from "../../metrics/mod.ts";
import { standardMiddlewares } from "../../middlewares/mod.ts";
import {
  compose,
  jsonResponse,
  readJson,
  Router,
  type ServeHandler,
} from "../../web/mod.ts";
import { type CapturingLogger, capturingLogger } from "./_capture.ts";

/** The largest body the service takes. */
export const MAX_BODY_BYTES = 4096;
/** The one origin CORS allows. */
export const ALLOWED_ORIGIN = "https://console.example";
/** The one proxy the service trusts. */
export const TRUSTED_PROXY = "10.0.0.1";
/** The API version every signed request claims. */
export const API_VERSION = "v9.20250722";

/** The service and what it saw. */
export interface FuzzService {
  /** The composed handler. */
  app: ServeHandler;
  /** The keypair the service knows. */
  keypair: Keypair;
  /** A keypair it does not know. */
  stranger: Keypair;
  /** Every log line. */
  logger: CapturingLogger;
  /** How many requests reached a handler, and what they saw. */
  handled: { count: number; clientIps: (string | undefined)[] };
  /** The service's clock (ms since the epoch), fixed for reproducibility. */
  now: number;
  /** The metrics registry the chain records into. */
  metrics: MetricRegistry;
}

const EchoBody = z.object({ name: z.string(), count: z.number().int() });

/**
 * Makes the service.
 *
 * @param now The fixed clock, in ms since the epoch.
 * @returns The service.
 */
export function fuzzService(now: number): FuzzService {
  const keypair = generateKeypair();
  const stranger = generateKeypair();
  const logger = capturingLogger();
  const metrics = new MetricRegistry();
  const handled = { count: 0, clientIps: [] as (string | undefined)[] };
  const router = new Router()
    .post("/v9/echo", async (request) => {
      const body = await readJson(request, EchoBody, {
        maxBytes: MAX_BODY_BYTES,
      });
      handled.count++;
      return jsonResponse(body);
    })
    .get("/v9/ping", () => {
      handled.count++;
      handled.clientIps.push(currentClientIp());
      return jsonResponse({ ip: currentClientIp() ?? null });
    });
  const app = compose(
    standardMiddlewares({
      logger,
      router,
      trustedProxies: [TRUSTED_PROXY],
      cors: { origins: [ALLOWED_ORIGIN] },
      metrics: metrics.api,
      maxBodyBytes: MAX_BODY_BYTES,
      auth: {
        lookup: (accessKey) =>
          accessKey === keypair.accessKey ? keypair : undefined,
        now: () => now,
      },
    }),
    router.handler,
  );
  return { app, keypair, stranger, logger, handled, now, metrics };
}
