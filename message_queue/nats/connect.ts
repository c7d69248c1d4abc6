// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode connectNats}: a NATS connection from a {@linkcode NatsTarget},
 * on the official client's Node transport (`@nats-io/transport-node`,
 * `node:net`), which Deno and Bun run as well. It reconnects for ever by
 * itself (subscriptions and pulls resume on the new connection); each
 * disconnect and reconnect is logged.
 *
 * @module
 */

import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { InvalidAPIParameters } from "../../exception.ts";
import { consoleLogger, type Logger } from "../../utils.ts";
import { raceSignal } from "../../_wait.ts";
import { NatsConnectionError } from "./errors.ts";

/**
 * Where a NATS server (or cluster) is and how to log in.
 *
 * @example Usage
 * ```ts
 * import type { NatsTarget } from "@backendai/common/message-queue/nats";
 *
 * const target: NatsTarget = { servers: ["nats-1:4222", "nats-2:4222"], token: "s3cret" };
 * ```
 */
export interface NatsTarget {
  /** `host:port` or `nats://host:port`, one or several (a cluster). */
  readonly servers: string | readonly string[];
  /**
   * User name.
   *
   * @default {undefined}
   */
  readonly user?: string | undefined;
  /**
   * Password of `user`.
   *
   * @default {undefined}
   */
  readonly pass?: string | undefined;
  /**
   * Authentication token.
   *
   * @default {undefined}
   */
  readonly token?: string | undefined;
  /**
   * Require TLS (with the runtime's trusted certificates).
   *
   * @default {false}
   */
  readonly tls?: boolean | undefined;
}

/** Options of {@linkcode connectNats}. */
export interface NatsConnectOptions {
  /**
   * The client name the server shows.
   *
   * @default {"backendai"}
   */
  name?: string | undefined;
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Where disconnects and reconnects are logged.
   *
   * @default {console}
   */
  logger?: Logger | undefined;
  /**
   * Gives up waiting for the first connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * The credentials in server urls (`nats://user:pass@host`): each url's
 * userinfo (from `://` to its last `@`, found without parsing, so a url
 * that does not parse counts too) and its password part, longest first.
 */
function credentialsOf(servers: readonly string[]): string[] {
  const found = new Set<string>();
  for (const server of servers) {
    const at = server.lastIndexOf("@");
    if (at < 0) continue;
    const scheme = server.indexOf("://");
    const userinfo = server.slice(scheme >= 0 ? scheme + 3 : 0, at);
    const colon = userinfo.indexOf(":");
    for (const part of [userinfo, colon < 0 ? "" : userinfo.slice(colon + 1)]) {
      if (part !== "") found.add(part);
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** A text with every one of `credentials` in it masked. */
function maskCredentials(text: string, credentials: readonly string[]): string {
  let out = text;
  for (const secret of credentials) out = out.split(secret).join("***");
  return out;
}

/**
 * Connects to NATS and waits until the connection is ready.
 *
 * @example Usage
 * ```ts ignore
 * import { connectNats } from "@backendai/common/message-queue/nats";
 *
 * const nc = await connectNats({ servers: "127.0.0.1:4222" });
 * await nc.close();
 * ```
 *
 * @param target Where the server is.
 * @param options Name, timeout, logger, abort signal.
 * @returns The connection; close it with `close()` or `drain()`.
 * @throws {InvalidAPIParameters} When `servers` is empty.
 * @throws {NatsConnectionError} When no server is reached in time.
 */
export async function connectNats(
  target: NatsTarget,
  options: NatsConnectOptions = {},
): Promise<NatsConnection> {
  const servers = typeof target.servers === "string"
    ? target.servers.split(",").map((s) => s.trim()).filter((s) => s !== "")
    : [...target.servers];
  if (servers.length === 0) {
    throw new InvalidAPIParameters('A NATS target needs "servers"', {
      data: { field: "servers" },
    });
  }
  const logger = options.logger ?? consoleLogger;
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const credentials = credentialsOf(servers);
  let nc: NatsConnection;
  try {
    nc = await raceSignal(
      connect({
        servers,
        name: options.name ?? "backendai",
        ...(target.user === undefined ? {} : { user: target.user }),
        ...(target.pass === undefined ? {} : { pass: target.pass }),
        ...(target.token === undefined ? {} : { token: target.token }),
        ...(target.tls ? { tls: {} } : {}),
        timeout: timeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        reconnectJitter: 100,
        pingInterval: 10_000,
      }),
      options.signal,
    );
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    // A server url may carry `user:pass@`: neither the message, the data
    // nor the cause shows it (the url parser's TypeError quotes the url).
    const shown = servers.map((server) => maskCredentials(server, credentials));
    const text = err instanceof Error ? err.message : String(err);
    const reason = maskCredentials(text, credentials);
    const cause = reason === text ? err : Object.assign(new Error(reason), {
      name: err instanceof Error ? err.name : "Error",
    });
    throw new NatsConnectionError(
      `Cannot connect to NATS at ${shown.join(", ")}: ${reason}`,
      { cause, data: { servers: shown } },
    );
  }
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect") {
        logger.warn(`message queue: NATS ${status.type}ed`, {
          server: maskCredentials(String(status.server), credentials),
        });
      }
    }
  })().catch(() => {});
  return nc;
}
