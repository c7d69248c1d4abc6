// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * One JSON endpoint (`GET /v9/ping`) on `Deno.serve`, in one of three
 * forms, for `bench:web` (scripts/bench/web.ts), which starts it as a
 * child process: `deno run -A _web_server.ts <bare|ours|hono> <port>`.
 *
 * - `bare`: the handler alone.
 * - `ours`: request id, access log (to a null sink), errors, API metrics
 *   and HMAC auth, in front of the router.
 * - `hono`: Hono with its nearest equivalents: its request id, its logger
 *   (printing nowhere), `onError` answering problem+json, a prom-client
 *   request counter and histogram labelled by route (as
 *   `@hono/prometheus` does), and HMAC auth (Hono has none: the same
 *   verifier as ours, in a Hono middleware).
 *
 * It prints `ready` once listening.
 *
 * @module
 */

// Inline on purpose: Hono is the benchmark's peer, not the package's.
// deno-lint-ignore no-import-prefix
import { Hono } from "npm:hono@4.13.23";
// deno-lint-ignore no-import-prefix
import { requestId } from "npm:hono@4.13.23/request-id";
// deno-lint-ignore no-import-prefix
import { logger as honoLogger } from "npm:hono@4.13.23/logger";
import { Counter, Histogram, Registry } from "prom-client";
import { HmacVerifier } from "../../auth/mod.ts";
import { BackendAIError } from "../../exception.ts";
import { MetricRegistry } from "../../metrics/mod.ts";
import {
  accessLogMiddleware,
  apiMetricsMiddleware,
  authMiddleware,
  errorMiddleware,
  requestIdMiddleware,
} from "../../middlewares/mod.ts";
import type { Logger } from "../../utils.ts";
import { compose, errorResponse, jsonResponse, Router } from "../../web/mod.ts";

/** The keypair the load generator signs with. */
export const BENCH_KEYPAIR = {
  accessKey: "AKIAIOSFODNN7EXAMPLE",
  secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

const BODY = { version: "v9.20250722", manager: "26.8.1" };
const nothing: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const lookup = (accessKey: string) =>
  accessKey === BENCH_KEYPAIR.accessKey ? BENCH_KEYPAIR : undefined;

function bare(): (request: Request) => Response {
  return () => jsonResponse(BODY);
}

function ours(): (request: Request) => Promise<Response> {
  const metrics = new MetricRegistry({ processMetrics: false });
  const router = new Router().get("/v9/ping", () => jsonResponse(BODY));
  return compose([
    requestIdMiddleware(),
    accessLogMiddleware({ logger: nothing }),
    errorMiddleware({ logger: nothing }),
    apiMetricsMiddleware(metrics.api),
    authMiddleware({ lookup, jwt: false }),
  ], router.handler);
}

function hono(): (request: Request) => Response | Promise<Response> {
  const registry = new Registry();
  const labelNames = ["method", "route", "status"];
  const count = new Counter({
    name: "http_requests_total",
    help: "Requests",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Duration",
    labelNames,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const verifier = new HmacVerifier({ lookup });
  const app = new Hono();
  app.use(requestId());
  app.use(honoLogger(() => {}));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const labels = {
      method: c.req.method,
      route: c.req.routePath,
      status: String(c.res.status),
    };
    count.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
  });
  app.use(async (c, next) => {
    await verifier.verify(c.req.raw);
    await next();
  });
  app.onError((error) =>
    error instanceof BackendAIError ? error.toResponse() : errorResponse(error)
  );
  app.get("/v9/ping", (c) => c.json(BODY));
  return app.fetch;
}

if (import.meta.main) {
  const [variant, portText] = Deno.args;
  const handler = variant === "bare"
    ? bare()
    : variant === "ours"
    ? ours()
    : variant === "hono"
    ? hono()
    : undefined;
  if (handler === undefined) {
    console.error(`unknown variant ${variant}: bare, ours or hono`);
    Deno.exit(2);
  }
  Deno.serve({
    hostname: "127.0.0.1",
    port: Number(portText),
    onListen: () => console.log("ready"),
  }, handler);
}
