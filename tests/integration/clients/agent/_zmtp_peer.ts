// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * pyzmq's (libzmq's) DEALER and ROUTER for the ZMTP transport's interop
 * tests, run by Debian's `/usr/bin/python3` with `python3-zmq`:
 *
 * - `router <port> <heartbeat_ms>`: a ROUTER on 127.0.0.1 (port 0: a free
 *   one), printing its port, answering each message `[id, *frames]` with
 *   `[id, id.hex(), *frames]`; `quit` as the last frame ends it. With a
 *   heartbeat it PINGs its peers and drops those that do not answer.
 * - `dealer <endpoint> <identity> <heartbeat_ms>`: a DEALER sending
 *   messages (an empty frame, a 300-byte and a 1 MiB frame among them),
 *   pausing a second in the middle, expecting each back as sent, printing
 *   JSON.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { PYTHON, within } from "./_peer.ts";

/** The script. */
export const ZMTP_PEER_PY = String.raw`
import json, sys, time, zmq

def router(port, heartbeat):
    ctx = zmq.Context()
    s = ctx.socket(zmq.ROUTER)
    s.setsockopt(zmq.LINGER, 100)
    if heartbeat:
        s.setsockopt(zmq.HEARTBEAT_IVL, heartbeat)
        s.setsockopt(zmq.HEARTBEAT_TIMEOUT, heartbeat * 3)
        s.setsockopt(zmq.HEARTBEAT_TTL, heartbeat * 10)
    if port == 0:
        port = s.bind_to_random_port("tcp://127.0.0.1")
    else:
        s.bind("tcp://127.0.0.1:%d" % port)
    print(port, flush=True)
    s.setsockopt(zmq.RCVTIMEO, 30000)
    while True:
        frames = s.recv_multipart()
        ident = frames[0]
        s.send_multipart([ident, ident.hex().encode()] + frames[1:])
        if frames[-1] == b"quit":
            break
    s.close()
    ctx.term()

def dealer(endpoint, identity, heartbeat):
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 100)
    s.setsockopt(zmq.RCVTIMEO, 10000)
    if identity:
        s.setsockopt(zmq.IDENTITY, identity.encode())
    if heartbeat:
        s.setsockopt(zmq.HEARTBEAT_IVL, heartbeat)
        s.setsockopt(zmq.HEARTBEAT_TIMEOUT, heartbeat * 3)
    s.connect(endpoint)
    messages = [
        [b"a"],
        [b"", b"x"],
        [b"m" * 300, b""],
        [bytes(range(256)) * 4096],
        [b"after-pause"],
    ]
    ok = []
    for i, m in enumerate(messages):
        if i == len(messages) - 1:
            time.sleep(1)
        s.send_multipart(m)
        ok.append(s.recv_multipart() == m)
    s.send_multipart([b"quit"])
    s.recv_multipart()
    print(json.dumps({"ok": ok}), flush=True)
    s.close()
    ctx.term()

if __name__ == "__main__":
    if sys.argv[1] == "router":
        router(int(sys.argv[2]), int(sys.argv[3]))
    else:
        dealer(sys.argv[2], sys.argv[3], int(sys.argv[4]))
`;

/** A running pyzmq ROUTER. */
export interface PyRouter extends AsyncDisposable {
  /** Its port. */
  readonly port: number;
  /** Ends it (SIGKILL) and waits. */
  kill(): Promise<void>;
}

/**
 * Starts the pyzmq ROUTER and waits for its port.
 *
 * @param port 0 for a free port.
 * @param heartbeatMs 0 for none.
 * @returns The router.
 */
export async function startPyRouter(
  port = 0,
  heartbeatMs = 0,
): Promise<PyRouter> {
  const child = spawn(
    PYTHON,
    ["-c", ZMTP_PEER_PY, "router", String(port), String(heartbeatMs)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve())
  );
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
    }
    await exited;
  };
  const line = await within(
    new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += String(chunk);
        if (out.includes("\n")) resolve(out.split("\n")[0]!.trim());
      });
      exited.then(() =>
        reject(
          new Error(
            `pyzmq ROUTER exited: ${stderr} (install python3-zmq)`,
          ),
        )
      );
    }),
    10_000,
    "pyzmq ROUTER did not start",
  ).catch(async (error) => {
    await kill();
    throw error;
  });
  child.stdout!.removeAllListeners("data");
  child.stdout!.resume();
  return { port: Number(line), kill, [Symbol.asyncDispose]: kill };
}

/**
 * Runs the pyzmq DEALER against `endpoint` and returns its JSON.
 *
 * @param endpoint Our ROUTER.
 * @param identity "" for none.
 * @param heartbeatMs 0 for none.
 * @returns Which messages came back intact.
 */
export async function runPyDealer(
  endpoint: string,
  identity: string,
  heartbeatMs: number,
): Promise<{ ok: boolean[] }> {
  const child = spawn(
    PYTHON,
    [
      "-c",
      ZMTP_PEER_PY,
      "dealer",
      endpoint,
      identity,
      String(heartbeatMs),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => stdout += String(chunk));
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code))
  );
  const code = await within(exited, 30_000, "pyzmq DEALER hung").catch(
    async (error) => {
      child.kill("SIGKILL");
      await exited;
      throw error;
    },
  );
  if (code !== 0) throw new Error(`pyzmq DEALER failed (${code}): ${stderr}`);
  return JSON.parse(stdout);
}
