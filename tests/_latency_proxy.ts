// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A TCP proxy that delays every chunk by a fixed time in each direction, so
 * that a test or a benchmark counts round trips by the clock: through it, one round
 * trip takes at least twice the delay.
 *
 * @module
 */

import { createConnection, createServer, type Socket } from "node:net";

/** A running proxy. */
export interface LatencyProxy extends AsyncDisposable {
  /** `127.0.0.1:<port>` to connect to instead of the target. */
  readonly addr: string;
}

function relay(from: Socket, to: Socket, delayMs: number): void {
  from.on("data", (chunk) => {
    // Timers of the same delay fire in order, so the stream keeps its order.
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on("close", () => setTimeout(() => to.destroy(), delayMs));
  from.on("error", () => to.destroy());
}

/**
 * Starts a proxy to `host:port` that delays each direction by `delayMs`.
 *
 * @param target The server.
 * @param delayMs The one-way delay.
 * @returns The proxy; dispose of it to stop it and its connections.
 */
export async function latencyProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    relay(client, upstream, delayMs);
    relay(upstream, client, delayMs);
  });
  await new Promise<void>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve())
  );
  const address = server.address();
  const port = typeof address === "object" && address !== null
    ? address.port
    : 0;
  return {
    addr: `127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Let the delayed writes and closes run out.
      await new Promise((r) => setTimeout(r, delayMs * 2 + 10));
    },
  };
}
