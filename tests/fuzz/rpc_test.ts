// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated malformed callosum frames over real loopback sockets.
//
// Server side: a raw DEALER (the transport's connect()) sends our RpcServer
// wrong frame counts, garbage msgpack headers, wrong types in header fields,
// sequence ids past 32 bits, truncated bodies, unknown message types,
// extension types with bad data, and frames of up to 4 MiB, on the ZMTP
// transport and once on the zeromq (libzmq) one. After every case a PING
// with a fresh token must come back as its PONG (the server keeps serving),
// and every case that is not a valid callosum message must have been
// answered (ERROR or FAILURE) or logged as dropped: nothing vanishes
// silently. A valid call closes each run.
//
// Client side: a raw ROUTER answers each call of our RpcClient with a
// malformed reply; the call must fail with a typed AgentRpc* error (or
// time out as AgentRpcTimeoutError) within its timeout plus slack, never
// hang, never resolve with garbage.
//
// No unhandled rejection is allowed anywhere. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { Decoder, Encoder, ExtData } from "@msgpack/msgpack";
import {
  AgentRpcCancelledError,
  AgentRpcInternalError,
  AgentRpcResponseError,
  AgentRpcTimeoutError,
  AgentRpcUserError,
  packRpcBody,
  RpcClient,
  RpcExtType,
  RpcServer,
  type RpcSocket,
  type RpcTransport,
  zeromqTransport,
  zmtpTransport,
} from "../../clients/agent/mod.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { capturingLogger } from "./_capture.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

const TEXT = new TextEncoder();
const UPPER = TEXT.encode("UPPER");
const PING = TEXT.encode("PING");
const PONG = TEXT.encode("PONG");
const EMPTY = new Uint8Array(0);
const WAIT_MS = 10_000;
const CALL_TIMEOUT_MS = 200;
const SLACK_MS = 1_000;

const encoder = new Encoder();
const decoder = new Decoder();
const pack = (value: unknown): Uint8Array => encoder.encode(value);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no end in ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One generated input: the frames, and whether they form a valid message. */
interface FrameCase {
  kind: string;
  frames: Uint8Array[];
  /** A valid message the server may ignore without a word (not malformed). */
  valid: boolean;
}

function header(fields: Record<string, unknown>): Uint8Array {
  return pack({
    type: 1,
    meth: "echo",
    okey: EMPTY,
    seq: 1,
    zip: false,
    ...fields,
  });
}

function callData(body: unknown = { args: [1], kwargs: {} }): Uint8Array {
  return pack({ meta: EMPTY, body: packRpcBody(body) });
}

function badExt(f: Fuzz): ExtData {
  const codes = Object.values(RpcExtType) as number[];
  const type = f.chance(0.2) ? -1 : f.pick(codes);
  return new ExtData(type, f.bytes(f.int(20)));
}

function wrongValue(f: Fuzz): unknown {
  return f.pick([
    () => null,
    () => -1,
    () => 1.5,
    () => 2 ** 32,
    () => 2 ** 40,
    () => 2 ** 64,
    () => Number.MAX_SAFE_INTEGER,
    () => f.text(1 + f.int(8)),
    () => f.bytes(f.int(8)),
    () => [1, 2],
    () => ({ a: 1 }),
    () => true,
    () => badExt(f),
  ])();
}

function frameCase(f: Fuzz, seq: number): FrameCase {
  const kind = f.pick([
    "frame-count",
    "garbage-header",
    "header-not-map",
    "wrong-field",
    "huge-seq",
    "truncated-data",
    "truncated-body",
    "unknown-type",
    "bad-ext-header",
    "bad-ext-body",
    "oversized",
    "unknown-frame-type",
    "ping-garbage",
    "zip",
    "valid",
  ]);
  const ok = header({ seq });
  switch (kind) {
    case "frame-count": {
      const n = f.pick([1, 2, 4, 5]);
      const frames: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        frames.push(f.pick([UPPER, ok, callData(), f.bytes(f.int(16))]));
      }
      // Four or more frames that end in a valid message are a valid
      // message with extra envelope frames.
      const valid = n >= 4 && sameBytes(frames[n - 3]!, UPPER) &&
        sameBytes(frames[n - 2]!, ok) && sameBytes(frames[n - 1]!, callData());
      return { kind, frames, valid };
    }
    case "garbage-header":
      return {
        kind,
        frames: [UPPER, f.bytes(1 + f.int(40)), callData()],
        valid: false,
      };
    case "header-not-map":
      return {
        kind,
        frames: [UPPER, pack(f.pick([[1, "echo"], "x", 7, null])), callData()],
        valid: false,
      };
    case "wrong-field": {
      const field = f.pick(["type", "meth", "okey", "seq", "zip"]);
      let value = wrongValue(f);
      if (field === "zip" && !value) value = 1;
      if (field === "okey" && typeof value === "string") value = 3;
      if (field === "okey" && value instanceof Uint8Array) value = 3;
      if (field === "meth" && typeof value === "string") value = 3;
      return {
        kind: `wrong-${field}`,
        frames: [UPPER, header({ seq, [field]: value }), callData()],
        valid: false,
      };
    }
    case "huge-seq":
      return {
        kind,
        frames: [
          UPPER,
          header({ seq: f.pick([2 ** 32, 2 ** 33 + 1, 2 ** 53, 2 ** 63]) }),
          callData(),
        ],
        valid: false,
      };
    case "truncated-data": {
      const data = callData();
      return {
        kind,
        frames: [UPPER, ok, data.subarray(0, f.int(data.length))],
        valid: false,
      };
    }
    case "truncated-body": {
      const body = packRpcBody({ args: [f.text(20)], kwargs: { a: 1 } });
      const cut = body.subarray(0, f.int(body.length));
      return {
        kind,
        frames: [UPPER, ok, pack({ meta: EMPTY, body: cut })],
        valid: false,
      };
    }
    case "unknown-type":
      return {
        kind,
        frames: [
          UPPER,
          header({ seq, type: f.pick([7, 8, 42, 255, -1]) }),
          callData(),
        ],
        valid: false,
      };
    case "bad-ext-header":
      return {
        kind,
        frames: [UPPER, header({ seq, meth: badExt(f) }), callData()],
        valid: false,
      };
    case "bad-ext-body": {
      const body = pack({ args: [badExt(f)], kwargs: {} });
      return {
        kind,
        frames: [UPPER, ok, pack({ meta: EMPTY, body })],
        // An unknown extension code is kept as raw ExtData (valid); a
        // known code with bad bytes is answered with an ERROR.
        valid: true,
      };
    }
    case "oversized": {
      const size = (1 + f.int(4)) * 1024 * 1024;
      return {
        kind,
        frames: [UPPER, ok, pack({ meta: EMPTY, body: new Uint8Array(size) })],
        valid: false,
      };
    }
    case "unknown-frame-type":
      return {
        kind,
        frames: [
          f.pick([TEXT.encode("upper"), f.bytes(5), EMPTY]),
          ok,
          callData(),
        ],
        valid: false,
      };
    case "ping-garbage":
      return {
        kind,
        frames: [PING, f.bytes(f.int(64)), f.bytes(f.int(64))],
        valid: true,
      };
    case "zip":
      return {
        kind,
        frames: [UPPER, header({ seq, zip: true }), callData()],
        valid: false,
      };
    default:
      return { kind, frames: [UPPER, ok, callData()], valid: true };
  }
}

async function fuzzServer(
  name: string,
  transport: RpcTransport,
  cases: number,
): Promise<number> {
  const f = fuzz(name);
  const logger = capturingLogger();
  const server = new RpcServer({
    transport,
    logger,
    methods: { echo: ({ args }) => args },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const dealer: RpcSocket = await transport.connect(endpoint, {});
  let crashes = 0;
  const kinds = new Map<string, number>();
  try {
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const c = frameCase(f, 1_000 + i);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      const dropped = () =>
        logger.lines.filter((l) => l.message.includes("dropped")).length;
      const droppedBefore = dropped();
      await within(dealer.send(c.frames), WAIT_MS, f.where("send"));
      const token = TEXT.encode(`token-${i}`);
      await within(dealer.send([PING, token, EMPTY]), WAIT_MS, f.where("ping"));
      // Read until our PONG: what came before it answered the case.
      let answered = 0;
      for (;;) {
        const reply = await within(dealer.receive(), WAIT_MS, f.where(c.kind))
          .catch((error) => {
            crashes++;
            throw error;
          });
        const n = reply.length;
        if (
          n >= 3 && sameBytes(reply[n - 3]!, PONG) &&
          sameBytes(reply[n - 2]!, token)
        ) break;
        answered++;
      }
      if (!c.valid && answered === 0 && dropped() === droppedBefore) {
        crashes++;
        f.fail(`a ${c.kind} message vanished without a reply or a log line`);
      }
    }
    // A valid call after all of it.
    await dealer.send([
      UPPER,
      header({ seq: 7 }),
      callData({ args: ["last"], kwargs: {} }),
    ]);
    const reply = await within(dealer.receive(), WAIT_MS, "the last call");
    assert.equal(reply.length, 3);
    assert.ok(sameBytes(reply[0]!, UPPER), "the last call got a reply");
  } finally {
    dealer.close();
    await server.close({ graceMs: 1_000 });
  }
  const drops = logger.lines.filter((l) => l.message.includes("dropped"));
  assert.ok(drops.length > 0, "malformed frames were logged");
  // Each drop is logged as a warning with the codec's typed error
  // (InvalidAPIParameters: "Invalid callosum message: ...").
  const untyped = drops.filter((l) =>
    l.level !== "warn" ||
    !String(l.fields?.error).includes("Invalid callosum message")
  );
  assert.deepEqual(untyped, [], "each drop says why, with the codec's error");
  assert.ok(kinds.size >= 10, `kinds tried: ${[...kinds.keys()]}`);
  console.log(
    `${name}: ${cases} cases, ${drops.length} logged as dropped, kinds ${
      JSON.stringify(Object.fromEntries(kinds))
    }`,
  );
  return crashes;
}

let unhandled = 0;
const onUnhandled = (event: PromiseRejectionEvent) => {
  unhandled++;
  console.error("unhandled rejection", event.reason);
};

Deno.test("fuzz: malformed callosum frames to the RPC server (zmtp, zeromq)", async () => {
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    const cases = fuzzCases("agent-rpc");
    const zeromqCases = Math.max(20, Math.round(cases / 5));
    let crashes = await fuzzServer("rpc-server-zmtp", zmtpTransport(), cases);
    crashes += await fuzzServer(
      "rpc-server-zeromq",
      zeromqTransport(),
      zeromqCases,
    );
    assert.equal(unhandled, 0, "no unhandled rejection");
    assert.equal(crashes, 0);
    await reportFaultFigures({
      kind: "fuzz",
      name: "rpc-server",
      cases: cases + zeromqCases,
      crashes,
    });
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
});

/** A malformed reply to a call; `valid` when it is a well-formed result. */
function replyCase(
  f: Fuzz,
  call: { seq: number; meth: string; okey: unknown },
): { kind: string; frames: Uint8Array[]; valid: boolean | "either" } {
  const head = (fields: Record<string, unknown>) =>
    pack({
      type: 2,
      meth: call.meth,
      okey: call.okey,
      seq: call.seq,
      zip: false,
      ...fields,
    });
  const resultData = (body: Uint8Array) => pack({ meta: pack([]), body });
  const errorData = (meta: Uint8Array) => pack({ meta, body: null });
  const kind = f.pick([
    "garbage",
    "frame-count",
    "wrong-field",
    "other-seq",
    "truncated-body",
    "bad-ext-body",
    "failure-bad-meta",
    "error-bad-meta",
    "failure-ok",
    "cancelled",
    "unknown-type",
    "none",
    "valid",
  ]);
  switch (kind) {
    case "garbage":
      return {
        kind,
        frames: [UPPER, f.bytes(f.int(30)), f.bytes(f.int(30))],
        valid: false,
      };
    case "frame-count":
      return {
        kind,
        frames: [f.pick([UPPER, head({}), f.bytes(4)])],
        valid: false,
      };
    case "wrong-field": {
      const field = f.pick(["type", "meth", "okey", "seq", "zip"]);
      let value = wrongValue(f);
      if (field === "zip" && !value) value = 1;
      return {
        kind: `wrong-${field}`,
        frames: [UPPER, head({ [field]: value }), resultData(packRpcBody(1))],
        valid: false,
      };
    }
    case "other-seq":
      return {
        kind,
        frames: [
          UPPER,
          head({ seq: call.seq + 1 + f.int(1000) }),
          resultData(packRpcBody(1)),
        ],
        valid: false,
      };
    case "truncated-body": {
      const body = packRpcBody({ a: f.text(10) });
      return {
        kind,
        frames: [
          UPPER,
          head({}),
          resultData(
            body.subarray(0, body.length - 1 - f.int(body.length - 1)),
          ),
        ],
        valid: false,
      };
    }
    case "bad-ext-body": {
      const ext = badExt(f);
      const known = (Object.values(RpcExtType) as number[]).includes(ext.type);
      return {
        kind,
        frames: [UPPER, head({}), resultData(pack([ext]))],
        // An unknown code arrives as ExtData, nothing lost: a valid result;
        // random bytes under a known code may happen to be valid too.
        valid: known || ext.type === -1 ? "either" : true,
      };
    }
    case "failure-bad-meta":
      return {
        kind,
        frames: [
          UPPER,
          head({ type: 3 }),
          errorData(f.pick([EMPTY, f.bytes(8), pack(["a", 1])])),
        ],
        valid: false,
      };
    case "error-bad-meta":
      return {
        kind,
        frames: [UPPER, head({ type: 4 }), errorData(pack({ name: "x" }))],
        valid: false,
      };
    case "failure-ok":
      return {
        kind,
        frames: [
          UPPER,
          head({ type: 3 }),
          errorData(pack(["KeyError", "KeyError('x')", "tb"])),
        ],
        valid: false,
      };
    case "cancelled":
      return {
        kind,
        frames: [
          UPPER,
          head({ type: 6 }),
          pack({ meta: pack([]), body: null }),
        ],
        valid: false,
      };
    case "unknown-type":
      return {
        kind,
        frames: [
          UPPER,
          head({ type: f.pick([0, 1, 5, 9]) }),
          resultData(packRpcBody(1)),
        ],
        valid: false,
      };
    case "none":
      return { kind, frames: [], valid: false };
    default:
      return {
        kind,
        frames: [UPPER, head({}), resultData(packRpcBody("fine"))],
        valid: true,
      };
  }
}

const TYPED = [
  AgentRpcTimeoutError,
  AgentRpcResponseError,
  AgentRpcUserError,
  AgentRpcInternalError,
  AgentRpcCancelledError,
];

async function fuzzClient(
  name: string,
  transport: RpcTransport,
  cases: number,
): Promise<number> {
  const f = fuzz(name);
  const router = await transport.bind("tcp://127.0.0.1:0", {});
  let crashes = 0;
  const pending: { peer: Uint8Array; header: Record<string, unknown> }[] = [];
  const waiters: (() => void)[] = [];
  const serving = (async () => {
    for (;;) {
      let frames: Uint8Array[];
      try {
        frames = await router.receive();
      } catch {
        return;
      }
      const [peer, type, head] = frames;
      if (type && sameBytes(type, PING)) {
        await router.send([peer!, PONG, frames[2]!, frames[3]!]);
        continue;
      }
      const decoded = decoder.decode(head!) as Record<string, unknown>;
      if (decoded.type !== 1) continue; // a CANCEL after a timeout
      pending.push({ peer: peer!, header: decoded });
      waiters.shift()?.();
    }
  })();
  const logger = capturingLogger();
  const client = await RpcClient.connect(router.endpoint, {
    transport,
    logger,
    timeoutMs: CALL_TIMEOUT_MS,
  });
  const outcomes = new Map<string, number>();
  try {
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const started = performance.now();
      const call = client.invoke("m", { args: [i], kwargs: {} });
      const settled = call.then((value) => ({ value }), (error) => ({ error }));
      if (pending.length === 0) {
        await within(
          new Promise<void>((r) => waiters.push(r)),
          WAIT_MS,
          f.where("call"),
        );
      }
      const request = pending.shift()!;
      const c = replyCase(f, {
        seq: request.header.seq as number,
        meth: request.header.meth as string,
        okey: request.header.okey,
      });
      if (c.frames.length > 0) await router.send([request.peer, ...c.frames]);
      const outcome = await within(
        settled,
        CALL_TIMEOUT_MS + SLACK_MS,
        f.where(c.kind),
      )
        .catch((error) => {
          crashes++;
          throw error;
        });
      const elapsed = performance.now() - started;
      if (elapsed > CALL_TIMEOUT_MS + SLACK_MS) {
        crashes++;
        f.fail(`${c.kind}: the call took ${Math.round(elapsed)} ms`);
      }
      if ("value" in outcome) {
        if (c.valid === false) {
          crashes++;
          f.fail(`${c.kind}: the call resolved with ${String(outcome.value)}`);
        }
        outcomes.set("resolved", (outcomes.get("resolved") ?? 0) + 1);
      } else {
        const typed = TYPED.some((type) => outcome.error instanceof type);
        if (!typed || c.valid === true) {
          crashes++;
          f.fail(`${c.kind}: the call failed with ${String(outcome.error)}`);
        }
        const name = (outcome.error as Error).name;
        outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
      }
    }
  } finally {
    await client.close();
    router.close();
    await serving;
  }
  // The replies reached more than the timeout path.
  assert.ok(
    outcomes.size >= (cases >= 50 ? 4 : 2),
    `outcomes: ${[...outcomes]}`,
  );
  console.log(
    `${name}: ${cases} cases, outcomes ${
      JSON.stringify(Object.fromEntries(outcomes))
    }`,
  );
  return crashes;
}

Deno.test("fuzz: malformed callosum replies to the RPC client fail typed, in time", async () => {
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    const cases = Math.max(40, Math.round(fuzzCases("agent-rpc") / 4));
    let crashes = await fuzzClient("rpc-client-zmtp", zmtpTransport(), cases);
    crashes += await fuzzClient("rpc-client-zeromq", zeromqTransport(), 20);
    assert.equal(unhandled, 0, "no unhandled rejection");
    assert.equal(crashes, 0);
    await reportFaultFigures({
      kind: "fuzz",
      name: "rpc-client",
      cases: cases + 20,
      crashes,
    });
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
});
