// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Python stand-in for a Backend.AI peer speaking callosum's frames, run
 * as `/usr/bin/python3 -c CALLOSUM_PEER_PY <mode> ...` (a string, so the
 * compiled tests under Node find it too). Its modes: `server` (bind a ROUTER
 * on 127.0.0.1, print the port, serve), `client ENDPOINT` (the interop
 * checks, JSON out), `bench ENDPOINT N INFLIGHT` (ping calls, JSON out).
 *
 * @module
 */

/** The Python source. */
export const CALLOSUM_PEER_PY: string = String
  .raw`"""A stand-in for a Python Backend.AI peer speaking callosum 1.0.3's frames.

Written from callosum's lower/zeromq.py and rpc/message.py and Backend.AI's
common/msgpack.py (packb/unpackb options, the UUID extension), with Debian's
python3-zmq and python3-msgpack; callosum itself is not installed.

  server                       bind a ROUTER on 127.0.0.1, print the port, serve
  client ENDPOINT              run the interop checks against a server, print JSON
  bench ENDPOINT N INFLIGHT    N ping calls with INFLIGHT in flight, print JSON
"""

import json
import sys
import time
import traceback
import uuid

import msgpack
import zmq
import zmq.utils.z85

RESULT, FUNCTION, FAILURE, ERROR, CANCEL, CANCELLED = 2, 1, 3, 4, 5, 6


def mpackb(v):
    return msgpack.packb(v, use_bin_type=True)


def munpackb(b):
    return msgpack.unpackb(b, raw=False, use_list=False)


def _default(o):
    if isinstance(o, tuple):
        return list(o)
    if isinstance(o, uuid.UUID):
        return msgpack.ExtType(1, o.bytes)
    raise TypeError("Unknown type: %r" % (o,))


def packb(v):
    return msgpack.packb(v, use_bin_type=True, strict_types=True, default=_default)


def _ext_hook(code, data):
    if code == 1:
        return uuid.UUID(bytes=data)
    return msgpack.ExtType(code, data)


def unpackb(b):
    return msgpack.unpackb(
        b, raw=False, strict_map_key=False, use_list=False, ext_hook=_ext_hook
    )


def header(msgtype, meth, okey, seq):
    return mpackb({"type": msgtype, "meth": meth, "okey": okey, "seq": seq, "zip": False})


def describe(v):
    """A JSON view of a decoded body, keeping the Python types visible."""
    if isinstance(v, uuid.UUID):
        return {"$uuid": str(v)}
    if isinstance(v, msgpack.ExtType):
        return {"$ext": v.code, "hex": v.data.hex()}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, (list, tuple)):
        return [describe(x) for x in v]
    if isinstance(v, dict):
        return {str(k): describe(x) for k, x in v.items()}
    return v


def zap_reply(zap, allowed):
    """callosum's ZAPServer with Backend.AI's AgentAuthHandler.check_client."""
    version, request_id, domain, _address, _identity, mechanism, *credentials = (
        zap.recv_multipart())
    status, text, user = b"400", b"Access denied", b""
    if mechanism == b"CURVE" and len(credentials) == 1:
        if domain == b"local" and zmq.utils.z85.encode(credentials[0]) == allowed:
            status, text, user = b"200", b"OK", b"manager"
    zap.send_multipart([version, request_id, status, text, user, b""])


def serve(curve=None):
    ctx = zmq.Context()
    zap = None
    sock = ctx.socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 100)
    if curve is not None:
        secret, allowed = curve
        zap = ctx.socket(zmq.REP)
        zap.linger = 1
        zap.bind("inproc://zeromq.zap.01")
        sock.zap_domain = b"local"
        sock.curve_server = True
        sock.curve_secretkey = secret.encode()
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    print(port, flush=True)
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    if zap is not None:
        poller.register(zap, zmq.POLLIN)
    cancels = []
    while True:
        ready = dict(poller.poll())
        if zap is not None and zap in ready:
            zap_reply(zap, curve[1].encode())
        if sock not in ready:
            continue
        frames = sock.recv_multipart()
        if len(frames) < 3:
            continue
        *pre, ztype, raw_header, raw_body = frames
        if ztype == b"PING":
            sock.send_multipart([*pre, b"PONG", raw_header, raw_body])
            continue
        if ztype != b"UPPER":
            continue
        h = munpackb(raw_header)
        data = munpackb(raw_body)
        meth, okey, seq = h["meth"], h["okey"], h["seq"]
        if h["type"] == CANCEL:
            cancels.append([meth, describe(okey), seq])
            continue
        if h["type"] != FUNCTION:
            continue
        body = unpackb(data["body"])
        args, kwargs = body["args"], body["kwargs"]
        if meth == "silent":
            continue  # never answers: the caller times out and cancels
        if meth == "quit":
            sock.send_multipart([*pre, b"UPPER", header(RESULT, meth, okey, seq),
                                 mpackb({"meta": mpackb([]), "body": packb(None)})])
            break
        try:
            if meth == "ping":
                result = args[0]
            elif meth == "echo":
                result = {"args": args, "kwargs": kwargs,
                          "types": [type(a).__name__ for a in args],
                          "okey_type": type(okey).__name__}
            elif meth == "cancels":
                result = cancels
            elif meth == "health_v2":
                result = {"status": "ok", "version": "26.1.0", "component": "agent",
                          "connectivity": {"overall_healthy": True, "connectivity_checks": [],
                                           "timestamp": "2026-12-07T12:00:00+00:00"}}
            elif meth == "fail":
                result = 1 / 0
            else:
                raise KeyError(meth)
        except Exception as e:
            meta = mpackb([type(e).__name__, repr(e), traceback.format_exc()])
            sock.send_multipart([*pre, b"UPPER", header(FAILURE, meth, okey, seq),
                                 mpackb({"meta": meta, "body": None})])
            continue
        sock.send_multipart([*pre, b"UPPER", header(RESULT, meth, okey, seq),
                             mpackb({"meta": mpackb([]), "body": packb(result)})])
    sock.close()
    ctx.term()


class Client:
    def __init__(self, endpoint, curve=None):
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 100)
        if curve is not None:
            # As callosum's client authenticator: ZAP domain, then the keys.
            server_public, public, secret = curve
            self.sock.zap_domain = b"local"
            self.sock.curve_serverkey = server_public.encode()
            self.sock.curve_publickey = public.encode()
            self.sock.curve_secretkey = secret.encode()
        self.sock.connect(endpoint)
        self.seq = 0

    def ping_check(self, timeout_ms=5000):
        self.sock.send_multipart([b"PING", b"", b""])
        if not self.sock.poll(timeout_ms):
            raise RuntimeError("no PONG")
        return self.sock.recv_multipart()[0] == b"PONG"

    def send(self, meth, args, kwargs, okey=b""):
        seq = self.seq
        self.seq = (self.seq + 1) % (2**32)
        self.sock.send_multipart([b"UPPER", header(FUNCTION, meth, okey, seq),
                                  mpackb({"meta": b"", "body": packb({"args": args, "kwargs": kwargs})})])
        return seq

    def recv(self):
        if not self.sock.poll(5000):
            raise RuntimeError("no reply")
        ztype, raw_header, raw_body = self.sock.recv_multipart()
        h = munpackb(raw_header)
        data = munpackb(raw_body)
        return h, data

    def call(self, meth, args, kwargs, okey=b""):
        seq = self.send(meth, args, kwargs, okey)
        h, data = self.recv()
        assert h["seq"] == seq and h["meth"] == meth, (h, seq, meth)
        out = {"type": h["type"], "okey": describe(h["okey"])}
        if h["type"] == RESULT:
            out["result"] = describe(unpackb(data["body"]))
        elif h["type"] in (FAILURE, ERROR):
            out["error"] = list(munpackb(data["meta"]))
        return out

    def close(self):
        self.sock.close()
        self.ctx.term()


def client(endpoint):
    c = Client(endpoint)
    out = {"pong": c.ping_check()}
    out["ping"] = c.call("ping", ["ping"], {})
    out["ping_str_okey"] = c.call("ping", ["ping"], {}, okey="")
    out["echo"] = c.call("echo", [uuid.UUID("12345678-1234-5678-1234-567812345678"), b"\x00\x01", (1, 2)], {"n": 2**40})
    out["unknown"] = c.call("no_such_method", [], {})
    out["after_unknown"] = c.call("ping", ["still"], {})
    out["fail"] = c.call("fail", [], {})
    out["health"] = c.call("health_v2", [], {"req": {}, "agent_id": None})
    # A CANCEL for a call in progress, as callosum's client sends on timeout.
    seq = c.send("slow", [], {})
    c.sock.send_multipart([b"UPPER", header(CANCEL, "slow", b"", seq),
                           mpackb({"meta": mpackb([]), "body": None})])
    h, data = c.recv()
    out["cancelled"] = {"type": h["type"], "seq": h["seq"] == seq, "meth": h["meth"],
                        "body": data["body"]}
    c.close()
    print(json.dumps(out), flush=True)


def curve_client(endpoint, server_public, public, secret):
    c = Client(endpoint, (server_public, public, secret))
    try:
        pong = c.ping_check(1500)
    except RuntimeError:
        c.close()
        print(json.dumps({"pong": False}), flush=True)
        return
    out = {"pong": pong, "ping": c.call("ping", ["ping"], {})}
    c.close()
    print(json.dumps(out), flush=True)


def bench(endpoint, n, inflight):
    c = Client(endpoint)
    c.ping_check()
    sent = {}
    latencies = []
    done = 0
    start = time.perf_counter()
    while done < n:
        while len(sent) < inflight and done + len(sent) < n:
            seq = c.send("ping", ["ping"], {})
            sent[seq] = time.perf_counter()
        h, _ = c.recv()
        latencies.append(time.perf_counter() - sent.pop(h["seq"]))
        done += 1
    seconds = time.perf_counter() - start
    latencies.sort()
    c.close()
    print(json.dumps({
        "calls": n, "seconds": seconds, "callsPerSec": n / seconds,
        "p50Ms": latencies[len(latencies) // 2] * 1000,
        "p99Ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }), flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "server":
        serve()
    elif mode == "curve-server":
        serve((sys.argv[2], sys.argv[3]))
    elif mode == "client":
        client(sys.argv[2])
    elif mode == "curve-client":
        curve_client(*sys.argv[2:6])
    elif mode == "bench":
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
`;
