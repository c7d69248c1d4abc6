// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * One way to make a connection reconnect, safe to ask for repeatedly.
 *
 * @module
 */

import type { Redis } from "ioredis";

/**
 * Makes ioredis drop the connection and connect again (its connector picks
 * the node). `disconnect(true)` half-closes the socket, so replies to
 * commands already sent still arrive, and ioredis stays `ready` until the
 * server closes its side; asking again meanwhile would stack listeners on
 * the socket and gain nothing, and so would asking while ioredis waits to
 * retry.
 *
 * @param redis The connection.
 * @returns Whether a reconnection was started.
 */
export function reconnect(redis: Redis): boolean {
  const status = redis.status;
  if (status === "end" || status === "close" || status === "reconnecting") {
    return false;
  }
  const stream = redis.stream as { writableEnded?: boolean } | undefined;
  if (stream?.writableEnded === true) return false;
  redis.disconnect(true);
  return true;
}
