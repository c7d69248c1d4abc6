// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// SSE clients for sse_load_test.ts, in a process of their own so that the
// server's and the clients' sockets do not share one open-file limit: opens
// `count` HTTP/1.1 connections (node:net, so the test sees real sockets and
// real bytes), sends `GET <path>` on each, and counts per connection the
// `bgtask_updated` and `bgtask_done` frames until the chunked body ends.
// Connections are opened `batch` at a time (the listen backlog is finite).
// Prints `connected <n>` once every response's headers arrived, then one
// JSON line with the counts when every connection has ended. The first
// `quitters` connections go away (close their socket) as soon as they have
// two `bgtask_updated` frames; `quit <n>` is printed once all of them did.
// argv: <port> <path> <count> <batch> <quitters>

import { connect, type Socket } from "node:net";
import process from "node:process";

const [port = "0", path = "/", count = "1", batch = "200", quitters = "0"] =
  process.argv.slice(-5);

/** What one connection saw. */
interface ClientState {
  socket: Socket;
  /** The last bytes, so a frame split across reads is still found. */
  tail: string;
  headers: boolean;
  status: number;
  updates: number;
  done: number;
  ended: boolean;
  error: string | undefined;
  /** Goes away after two updates. */
  quitter: boolean;
}

const clients: ClientState[] = [];
let connected = 0;
let ended = 0;
let quit = 0;
let allEnded!: () => void;
const finished = new Promise<void>((resolve) => (allEnded = resolve));

function countOf(text: string, needle: string): number {
  let n = 0;
  for (
    let at = text.indexOf(needle);
    at >= 0;
    at = text.indexOf(needle, at + 1)
  ) n++;
  return n;
}

function open(): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    const state: ClientState = {
      socket,
      tail: "",
      headers: false,
      status: 0,
      updates: 0,
      done: 0,
      ended: false,
      error: undefined,
      quitter: clients.length < Number(quitters),
    };
    clients.push(state);
    socket.setEncoding("utf8");
    const end = () => {
      if (state.ended) return;
      state.ended = true;
      ended++;
      if (!state.headers) resolve();
      if (ended === Number(count)) allEnded();
    };
    socket.on("connect", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Accept: text/event-stream\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: string) => {
      let text = state.tail + chunk;
      if (!state.headers) {
        const at = text.indexOf("\r\n\r\n");
        if (at < 0) {
          state.tail = text;
          return;
        }
        state.headers = true;
        state.status = Number(text.slice(9, 12));
        connected++;
        resolve();
        text = text.slice(at + 4);
      }
      // Frames are counted on whole lines: `event: <name>\n`.
      const lastNewline = text.lastIndexOf("\n");
      const whole = lastNewline < 0 ? "" : text.slice(0, lastNewline + 1);
      state.updates += countOf(whole, "event: bgtask_updated\n");
      state.done += countOf(whole, "event: bgtask_done\n");
      state.tail = text.slice(lastNewline + 1);
      if (state.quitter && state.updates >= 2 && !socket.destroyed) {
        socket.destroy();
        if (++quit === Number(quitters)) console.log(`quit ${quit}`);
        return;
      }
      // The chunked body's last chunk: the response is complete.
      if (whole.endsWith("\r\n0\r\n\r\n")) {
        socket.end();
      }
    });
    socket.on("error", (error) => {
      state.error = error.message;
    });
    socket.on("close", end);
  });
}

const total = Number(count);
const size = Number(batch);
for (let first = 0; first < total; first += size) {
  const opens: Promise<void>[] = [];
  for (let i = first; i < Math.min(total, first + size); i++) {
    opens.push(open());
  }
  await Promise.all(opens);
}
console.log(`connected ${connected}`);
await finished;
const stayers = clients.filter((client) => !client.quitter);
const updates = stayers.map((client) => client.updates);
console.log(JSON.stringify({
  clients: clients.length,
  connected,
  ok: clients.filter((client) => client.status === 200).length,
  quit,
  done: stayers.filter((client) => client.done === 1).length,
  doneTwice: stayers.filter((client) => client.done > 1).length,
  quitterDone: clients.filter((client) => client.quitter && client.done > 0)
    .length,
  minUpdates: updates.length === 0 ? 0 : Math.min(...updates),
  maxUpdates: updates.length === 0 ? 0 : Math.max(...updates),
  errors: clients.filter((client) => client.error !== undefined).length,
  firstError: clients.find((client) => client.error !== undefined)?.error,
}));
