// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode httpServiceDiscoveryHandler}: the Prometheus HTTP SD endpoint of
 * upstream's manager (`GET /metrics/service_discovery`), as a web-standard
 * handler.
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import { errorText } from "../_error_text.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import type { ServiceDiscovery, ServiceMetadata } from "./types.ts";

/** Options of {@linkcode httpServiceDiscoveryHandler}. */
export interface HttpServiceDiscoveryOptions {
  /**
   * Where a failed `discover()` is logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/**
 * The JSON document Prometheus reads, exactly as upstream's manager writes it
 * (compact, orjson's form): for each service
 * `{"targets":["<prometheus_address>"],"labels":{<custom labels>,"service_id":…,"service_group":…,"display_name":…,"version":…}}`,
 * the fixed labels overriding custom ones of the same name (which keep
 * their place, as a Python dict update does).
 *
 * @example Usage
 * ```ts
 * import { createServiceMetadata, httpServiceDiscoveryDocument } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = createServiceMetadata({
 *   id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   displayName: "manager-1", serviceGroup: "manager", version: "26.8.1",
 *   endpoint: { address: "10.0.0.1", port: 8081, protocol: "http", prometheusAddress: "10.0.0.1:8091" },
 *   labels: { version: "custom", zone: "a" },
 * });
 * assert.equal(
 *   httpServiceDiscoveryDocument([meta]),
 *   '[{"targets":["10.0.0.1:8091"],"labels":{"version":"26.8.1","zone":"a",' +
 *     '"service_id":"f38dea23-50fa-42a0-b5ae-338f5f4693f4","service_group":"manager","display_name":"manager-1"}}]',
 * );
 * assert.equal(httpServiceDiscoveryDocument([]), "[]");
 * ```
 *
 * @param services The services.
 * @returns The JSON text.
 */
export function httpServiceDiscoveryDocument(
  services: readonly ServiceMetadata[],
): string {
  const items: string[] = [];
  for (const service of services) {
    const labels = new Map<string, string>(Object.entries(service.labels));
    labels.set("service_id", service.id);
    labels.set("service_group", service.serviceGroup);
    labels.set("display_name", service.displayName);
    labels.set("version", service.version);
    const parts: string[] = [];
    for (const [key, value] of labels) {
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    }
    items.push(
      `{"targets":[${
        JSON.stringify(service.endpoint.prometheusAddress)
      }],"labels":{${parts.join(",")}}}`,
    );
  }
  return `[${items.join(",")}]`;
}

/**
 * A web-standard handler for Prometheus `http_sd_configs` (works with
 * `Deno.serve`, Bun's server, Hono, or Node through an adapter): `GET` (and
 * `HEAD`) answer 200 `application/json` with every discovered service, the
 * full list every time and `[]` when there is none (upstream answered 500
 * when nothing was registered, which made Prometheus keep stale targets).
 * The body is encoded once per list: backends that return the same array
 * until something changes (the etcd view, memory) are served without
 * re-encoding, and a client that accepts gzip (Prometheus does) gets the
 * body compressed, also once per list (1 000 targets: about 170 KiB plain,
 * 29 KiB gzipped). A failed `discover()` answers with its problem document
 * (503 for an unreachable backend), so Prometheus keeps its last good list.
 *
 * @example Serve it
 * ```ts
 * import {
 *   createServiceMetadata, httpServiceDiscoveryHandler, MemoryServiceDiscovery,
 * } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * await using discovery = new MemoryServiceDiscovery();
 * const handler = httpServiceDiscoveryHandler(discovery);
 * assert.equal(await (await handler(new Request("http://x/metrics/service_discovery"))).text(), "[]");
 * await discovery.register(createServiceMetadata({
 *   displayName: "a", serviceGroup: "agent", version: "1",
 *   endpoint: { address: "h", port: 1, protocol: "grpc", prometheusAddress: "h:9100" },
 * }));
 * const response = await handler(new Request("http://x/metrics/service_discovery"));
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("content-type"), "application/json");
 * assert.deepEqual((await response.json())[0].targets, ["h:9100"]);
 * ```
 *
 * @param discovery Where services are found.
 * @param options The logger.
 * @returns The handler.
 */
export function httpServiceDiscoveryHandler(
  discovery: ServiceDiscovery,
  options: HttpServiceDiscoveryOptions = {},
): (request: Request) => Promise<Response> {
  const logger = options.logger ?? consoleLogger;
  let lastList: readonly ServiceMetadata[] | undefined;
  // Blobs: immutable, so every response shares one without a copy (a
  // Uint8Array body is copied per response, 173 KiB for 1 000 targets).
  let lastBody = new Blob(["[]"]);
  let lastGzip: Promise<Blob> | undefined;
  return async (request: Request): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response(null, {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    let services: readonly ServiceMetadata[];
    try {
      services = await discovery.discover();
    } catch (error) {
      logger.warn("HTTP service discovery cannot list services", {
        error: errorText(error),
      });
      if (error instanceof BackendAIError) return error.toResponse();
      return new Response(
        JSON.stringify({
          type: "https://api.backend.ai/probs/internal-server-error",
          title: "Service discovery failed",
        }),
        {
          status: 500,
          headers: { "content-type": "application/problem+json" },
        },
      );
    }
    if (services !== lastList) {
      lastBody = new Blob([httpServiceDiscoveryDocument(services)]);
      lastGzip = undefined;
      lastList = services;
    }
    const headers: Record<string, string> = {
      "content-type": "application/json",
      vary: "accept-encoding",
    };
    let body = lastBody;
    if (
      lastBody.size >= GZIP_MIN_BYTES &&
      /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")
    ) {
      lastGzip ??= gzip(lastBody);
      body = await lastGzip;
      headers["content-encoding"] = "gzip";
    }
    // A Blob body would otherwise go out chunked, without a length.
    headers["content-length"] = String(body.size);
    return new Response(request.method === "HEAD" ? null : body, {
      status: 200,
      headers,
    });
  };
}

/** Bodies smaller than this are sent as they are. */
const GZIP_MIN_BYTES = 1024;

async function gzip(body: Blob): Promise<Blob> {
  const stream = body.stream().pipeThrough(new CompressionStream("gzip"));
  return new Blob([await new Response(stream).arrayBuffer()]);
}
