// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A scripted stand-in for a Valkey server on 127.0.0.1, enough for ioredis
 * (its handshake and ready check) and for tests of timeouts, health checks
 * and `WAIT`: each command is answered by {@linkcode FakeValkey.reply}, in
 * order, after the delay {@linkcode FakeValkey.delays} gives its name (a
 * delayed reply holds back the replies after it, as a busy server does;
 * `Infinity` never answers).
 * node:net, not Deno.listen, so the tests run under Node and Bun too.
 *
 * @module
 */

import { createServer, type Server, type Socket } from "node:net";

/** A RESP reply: `+simple`, `-error`, `:int`, a bulk string, an array, or nil. */
export type Reply =
  | { simple: string }
  | { error: string }
  | number
  | string
  | null
  | Reply[];

function encode(reply: Reply): string {
  if (reply === null) return "$-1\r\n";
  if (typeof reply === "number") return `:${reply}\r\n`;
  if (typeof reply === "string") {
    return `$${new TextEncoder().encode(reply).length}\r\n${reply}\r\n`;
  }
  if (Array.isArray(reply)) {
    return `*${reply.length}\r\n${reply.map(encode).join("")}`;
  }
  if ("simple" in reply) return `+${reply.simple}\r\n`;
  return `-${reply.error}\r\n`;
}

// Parses complete RESP arrays of bulk strings from `text`; returns them and
// what is left.
function parse(text: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  outer: while (at < text.length) {
    if (text[at] !== "*") throw new Error(`inline commands unsupported`);
    let end = text.indexOf("\r\n", at);
    if (end < 0) break;
    const count = Number(text.slice(at + 1, end));
    let pos = end + 2;
    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      end = text.indexOf("\r\n", pos);
      if (end < 0) break outer;
      const length = Number(text.slice(pos + 1, end));
      if (text.length < end + 2 + length + 2) break outer;
      args.push(text.slice(end + 2, end + 2 + length));
      pos = end + 2 + length + 2;
    }
    commands.push(args);
    at = pos;
  }
  return { commands, rest: text.slice(at) };
}

/** The fake server. */
export class FakeValkey {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  // Sockets with no reply waiting, which answer at once.
  readonly #idle = new Set<Socket>();
  /** Every command received, in order, lower-case name first. */
  readonly received: string[][] = [];
  /** Reply delays in ms by command name (lower case); `Infinity` never answers. */
  readonly delays: Map<string, number> = new Map();
  /** The `ROLE` answer's first element. */
  role = "master";
  /** Connections accepted so far. */
  connections = 0;
  /** Answers a command; the default answers what ioredis needs. */
  reply: (args: string[]) => Reply = (args) => this.defaultReply(args);

  private constructor(server: Server) {
    this.#server = server;
  }

  /**
   * Listens on a free port.
   *
   * @returns The server.
   */
  static async start(): Promise<FakeValkey> {
    const server = createServer();
    const fake = new FakeValkey(server);
    server.on("connection", (socket: Socket) => fake.#accept(socket));
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve())
    );
    return fake;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** `host:port`. */
  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * How many commands of this name were received.
   *
   * @param name Lower-case command name.
   * @returns The count.
   */
  count(name: string): number {
    return this.received.filter((args) => args[0] === name).length;
  }

  /**
   * The answer to a command when no test script overrides it.
   *
   * @param args The command.
   * @returns The answer.
   */
  defaultReply(args: string[]): Reply {
    switch (args[0]) {
      case "ping":
        return { simple: "PONG" };
      case "info":
        return `# Replication\r\nrole:${this.role}\r\nloading:0\r\n`;
      case "role":
        return this.role === "master"
          ? ["master", 0, []]
          : ["slave", "127.0.0.1", 1, "connected", 0];
      case "quit":
        return { simple: "OK" };
      default:
        return { simple: "OK" };
    }
  }

  #accept(socket: Socket): void {
    this.connections++;
    this.#sockets.add(socket);
    this.#idle.add(socket);
    socket.setEncoding("latin1");
    let buffer = "";
    let previous = Promise.resolve();
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const { commands, rest } = parse(buffer);
      buffer = rest;
      for (const command of commands) {
        const args = [(command[0] ?? "").toLowerCase(), ...command.slice(1)];
        this.received.push(args);
        const delay = this.delays.get(args[0] as string) ?? 0;
        const answer = () => {
          if (socket.destroyed) return;
          socket.write(encode(this.reply(args)));
          if (args[0] === "quit") socket.end();
        };
        if (delay === 0 && this.#idle.has(socket)) {
          answer();
          continue;
        }
        this.#idle.delete(socket);
        const turn = previous.then(() =>
          delay === Infinity ? new Promise<void>(() => {}) : new Promise<void>(
            (resolve) =>
              setTimeout(() => {
                answer();
                resolve();
              }, delay),
          )
        );
        previous = turn;
        void turn.then(() => {
          if (previous === turn) this.#idle.add(socket);
        });
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.#sockets.delete(socket);
      this.#idle.delete(socket);
    });
  }

  /** Drops every client connection (the server keeps listening). */
  dropClients(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening and drops every client. */
  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Same as {@linkcode FakeValkey.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
