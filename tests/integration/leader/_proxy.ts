// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A TCP proxy in front of Redis that a test can cut: "reset" destroys every
// connection and refuses new ones; "blackhole" keeps connections open but
// forwards nothing, so commands are never answered.

import net from "node:net";

/** How the proxy treats traffic. */
export type ProxyMode = "pass" | "reset" | "blackhole";

/** A cuttable TCP proxy on 127.0.0.1. */
export class CuttableProxy {
  mode: ProxyMode = "pass";
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  private constructor(server: net.Server) {
    this.#server = server;
  }

  /** Starts a proxy to `host:port` on a free port. */
  static async start(host: string, port: number): Promise<CuttableProxy> {
    const server = net.createServer();
    const proxy = new CuttableProxy(server);
    server.on("connection", (client) => proxy.#accept(client, host, port));
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve)
    );
    return proxy;
  }

  /** The proxy's address, `127.0.0.1:<port>`. */
  get addr(): string {
    const address = this.#server.address() as net.AddressInfo;
    return `127.0.0.1:${address.port}`;
  }

  #accept(client: net.Socket, host: string, port: number): void {
    if (this.mode === "reset") {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk) => {
      if (this.mode === "pass") upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (this.mode === "pass") client.write(chunk);
    });
  }

  /** Cuts the traffic: "reset" also drops every open connection. */
  cut(mode: "reset" | "blackhole"): void {
    this.mode = mode;
    if (mode === "reset") {
      for (const socket of this.#sockets) socket.destroy();
    }
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
