// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * NATS for integration tests: a namespace of its own per fixture (so tests
 * that run in parallel, and under other runtimes, never meet), a raw
 * connection for what bypasses the store, and a cleanup that deletes every
 * stream and bucket of the namespace.
 *
 * @module
 */

import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../message_queue/nats/mod.ts";
import { halfstackEnv } from "./_halfstack.ts";
import { quietLogger } from "./_logger.ts";

/** A raw connection and a fresh namespace. */
export interface NatsFixture {
  /** The server, `host:port`. */
  server: string;
  /** A namespace no other fixture uses. */
  namespace: string;
  /** A connection of the fixture's own. */
  nc: NatsConnection;
  /** Deletes the namespace's streams and buckets, closes `nc`. */
  cleanup(): Promise<void>;
}

/**
 * Connects to the halfstack's NATS with a new namespace.
 *
 * @param prefix The namespace's start (letters only).
 * @param server `host:port`; the halfstack's NATS by default.
 * @returns The fixture.
 */
export async function natsFixture(
  prefix: string,
  server?: string,
): Promise<NatsFixture> {
  const at = server ??
    `${halfstackEnv().nats.host}:${halfstackEnv().nats.port}`;
  const namespace = `${prefix}${crypto.randomUUID().slice(0, 8)}`;
  const nc = await connectNats({ servers: at }, { logger: quietLogger });
  return {
    server: at,
    namespace,
    nc,
    cleanup: async () => {
      try {
        await deleteNamespace(nc, namespace);
      } finally {
        await nc.close();
      }
    },
  };
}

/**
 * Deletes every stream (buckets included) whose name starts with the
 * namespace.
 *
 * @param nc A connection.
 * @param namespace The namespace.
 */
export async function deleteNamespace(
  nc: NatsConnection,
  namespace: string,
): Promise<void> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const names: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (
      name.startsWith(`${namespace}_`) || name.startsWith(`KV_${namespace}_`)
    ) {
      names.push(name);
    }
  }
  await Promise.all(
    names.map((name) => jsm.streams.delete(name).catch(() => {})),
  );
}
