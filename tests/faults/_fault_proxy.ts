// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A TCP proxy on loopback whose behaviour the test switches at run time,
 * to break the network between a client and a real server:
 *
 * - `pass`: bytes flow both ways.
 * - `delay`: each chunk waits `delayMs` in each direction (order kept).
 * - `blackhole`: a partition: bytes are held both ways (connections stay
 *   open, new ones are accepted), and delivered in order when the mode
 *   changes back, as TCP would once the route heals.
 * - `half-open`: every connection open now, and every new one while the
 *   mode lasts, goes dead for good: bytes vanish both ways and nothing
 *   closes it (a peer that crashed without a FIN or RST). Only new
 *   connections made after the mode changes back work.
 * - `refuse`: new connections are reset at once.
 * - `cut-on-reply`: the first bytes the server sends on any connection are
 *   not passed on; that connection is reset instead, and the mode goes
 *   back to `pass` (a reply lost with its connection).
 *
 * {@linkcode FaultProxy.cut} resets every open connection now, whatever
 * the mode.
 *
 * @module
 */

import { createConnection, createServer, type Socket } from "node:net";

/** How the proxy treats bytes and connections; see the module doc. */
export type FaultMode =
  | "pass"
  | "delay"
  | "blackhole"
  | "half-open"
  | "refuse"
  | "cut-on-reply";

/** A running proxy. */
export interface FaultProxy extends AsyncDisposable {
  /** `127.0.0.1:<port>` to connect to instead of the target. */
  readonly addr: string;
  /** The port. */
  readonly port: number;
  /** The mode now; set it to change how the proxy behaves from now on. */
  mode: FaultMode;
  /** The delay of `delay` mode, in ms each way. */
  delayMs: number;
  /** Connections open now. */
  readonly connections: number;
  /** Connections reset so far (by `cut()`, `refuse` or `cut-on-reply`). */
  readonly resets: number;
  /** Resets every open connection now. */
  cut(): void;
}

/**
 * Starts a proxy to `host:port`, in `pass` mode.
 *
 * @param target The server.
 * @returns The proxy; dispose of it to stop it and its connections.
 */
export async function faultProxy(
  target: { host: string; port: number },
): Promise<FaultProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let resets = 0;
  const reset = (pair: [Socket, Socket]) => {
    pairs.delete(pair);
    resets++;
    for (const socket of pair) socket.resetAndDestroy?.() ?? socket.destroy();
  };
  const proxy = {
    mode: "pass" as FaultMode,
    delayMs: 0,
  };
  // Bytes held by `blackhole`, per destination, in order.
  const held = new Map<Socket, Buffer[]>();
  const dead = new WeakSet<Socket>();
  const release = () => {
    for (const [to, chunks] of held) {
      if (!to.destroyed && !dead.has(to)) {
        for (const chunk of chunks) to.write(chunk);
      }
    }
    held.clear();
  };
  const relay = (
    from: Socket,
    to: Socket,
    pair: [Socket, Socket],
    fromServer: boolean,
  ) => {
    from.on("data", (chunk: Buffer) => {
      const mode = proxy.mode;
      if (dead.has(to)) return;
      if (mode === "half-open") {
        dead.add(from);
        dead.add(to);
        return;
      }
      if (mode === "blackhole") {
        const chunks = held.get(to) ?? [];
        chunks.push(chunk);
        held.set(to, chunks);
        return;
      }
      if (mode === "cut-on-reply" && fromServer) {
        proxy.mode = "pass";
        reset(pair);
        return;
      }
      if (mode === "delay" && proxy.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!to.destroyed) to.write(chunk);
        }, proxy.delayMs);
        timers.add(timer);
        return;
      }
      if (!to.destroyed) to.write(chunk);
    });
    from.on("close", () => {
      pairs.delete(pair);
      held.delete(to);
      to.destroy();
    });
    from.on("error", () => to.destroy());
  };
  const setMode = (mode: FaultMode) => {
    const before = proxy.mode;
    proxy.mode = mode;
    if (mode === "half-open") {
      for (const pair of pairs) for (const socket of pair) dead.add(socket);
    }
    if (before === "blackhole" && mode !== "blackhole") release();
  };
  const server = createServer((client) => {
    client.on("error", () => {});
    if (proxy.mode === "refuse") {
      resets++;
      client.resetAndDestroy?.() ?? client.destroy();
      return;
    }
    const upstream = createConnection(target.port, target.host);
    upstream.on("error", () => {});
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: [Socket, Socket] = [client, upstream];
    if (proxy.mode === "half-open") {
      dead.add(client);
      dead.add(upstream);
    }
    pairs.add(pair);
    relay(client, upstream, pair, false);
    relay(upstream, client, pair, true);
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
    port,
    get mode() {
      return proxy.mode;
    },
    set mode(mode: FaultMode) {
      setMode(mode);
    },
    get delayMs() {
      return proxy.delayMs;
    },
    set delayMs(ms: number) {
      proxy.delayMs = ms;
    },
    get connections() {
      return pairs.size;
    },
    get resets() {
      return resets;
    },
    cut() {
      for (const pair of [...pairs]) reset(pair);
    },
    async [Symbol.asyncDispose]() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      held.clear();
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        for (const socket of pair) socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
