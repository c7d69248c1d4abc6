// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Python side of the service discovery interop tests: Debian's
 * `/usr/bin/python3` with its standard library only (Debian has no etcd
 * client library), talking to etcd through its v3 JSON gateway (HTTP, base64
 * keys). The script transcribes, by hand, how upstream reads and writes a
 * registration:
 *
 * - reading: `AsyncEtcd.get_prefix` (a range over the raw prefix, keys
 *   demangled, sorted, `make_dict_from_pairs` with `unquote` on each path
 *   component), then `ServiceMetadata.from_dict` (pydantic's lax coercion:
 *   `UUID(id)`, `int(port)`, `float(times)`, `labels` defaulting to `{}`);
 * - writing: `ETCDServiceDiscovery.register` = `put_prefix(prefix,
 *   model_dump())`, i.e. `_flatten_nested_dict` with `quote(k, safe="")`
 *   and `str(v)` values, in one transaction.
 *
 * It never uses this library's code. It always runs `/usr/bin/python3`; a
 * missing interpreter fails the test, it never skips.
 *
 * @module
 */

import { spawn } from "node:child_process";

/** Debian's interpreter. */
export const PYTHON = "/usr/bin/python3";

const SCRIPT = String.raw`
import base64, json, sys, time, uuid, urllib.request
from urllib.parse import quote as _quote, unquote

def quote(s):
    return _quote(s, safe="")

def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")

def unb64(s):
    return base64.b64decode(s).decode("utf-8")

def call(endpoint, path, body):
    req = urllib.request.Request(
        "http://%s%s" % (endpoint, path),
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())

def prefix_range_end(key):
    b = bytearray(key.encode("utf-8"))
    for i in range(len(b) - 1, -1, -1):
        if b[i] < 0xFF:
            b[i] += 1
            return base64.b64encode(bytes(b[: i + 1])).decode("ascii")
    return base64.b64encode(b"\0").decode("ascii")

# etcd.py: _mangle_key / _demangle_key with GLOBAL scope prefix "".
def mangle(ns, k):
    return "/sorna/%s/%s" % (ns, k[1:] if k.startswith("/") else k)

def demangle(ns, k):
    p = "/sorna/%s/" % ns
    return k[len(p):] if k.startswith(p) else k

# etcd.py: make_dict_from_pairs.
def make_dict_from_pairs(key_prefix, pairs, path_sep="/"):
    result = {}
    len_prefix = len(key_prefix)
    for k, v in pairs:
        if not k.startswith(key_prefix):
            continue
        subkey = k[len_prefix:]
        if subkey.startswith(path_sep):
            subkey = subkey[1:]
        path_components = subkey.split("/")
        parent = result
        for p in path_components[:-1]:
            p = unquote(p)
            if p not in parent:
                parent[p] = {}
            if p in parent and not isinstance(parent[p], dict):
                root = parent[p]
                parent[p] = {"": root}
            parent = parent[p]
        parent[unquote(path_components[-1])] = v
    return result

def get_prefix(endpoint, ns, key_prefix):
    mangled = mangle(ns, key_prefix)
    resp = call(endpoint, "/v3/kv/range", {"key": b64(mangled), "range_end": prefix_range_end(mangled)})
    pairs = [(demangle(ns, unb64(kv["key"])), unb64(kv.get("value", ""))) for kv in resp.get("kvs", [])]
    pairs.sort(key=lambda x: x[0])
    return make_dict_from_pairs(key_prefix, pairs, "/")

# ServiceMetadata.from_dict with pydantic's lax coercion of the str() values.
def service_from_dict(d):
    ep = d["endpoint"]
    hs = d["health_status"]
    return {
        "id": str(uuid.UUID(d["id"])),
        "display_name": str(d["display_name"]),
        "service_group": str(d["service_group"]),
        "version": str(d["version"]),
        "endpoint": {
            "address": str(ep["address"]),
            "port": int(ep["port"]),
            "protocol": str(ep["protocol"]),
            "prometheus_address": str(ep["prometheus_address"]),
        },
        "health_status": {
            "registration_time": float(hs["registration_time"]),
            "last_heartbeat": float(hs["last_heartbeat"]),
        },
        "labels": {str(k): str(v) for k, v in d.get("labels", {}).items()},
    }

# etcd.py: _flatten_nested_dict.
def flatten(key_prefix, obj, out):
    for k, v in obj.items():
        fk = key_prefix if k == "" else key_prefix + "/" + quote(k)
        if isinstance(v, dict):
            flatten(fk, v, out)
        else:
            out[fk] = v
    return out

def main():
    req = json.loads(sys.stdin.read())
    endpoint, ns, prefix = req["endpoint"], req["namespace"], req["prefix"]
    if req["op"] == "discover":
        groups = get_prefix(endpoint, ns, prefix)
        services = [service_from_dict(cfg) for _, svcs in groups.items() for _, cfg in svcs.items()]
        print(json.dumps(services))
    elif req["op"] == "register":
        now = time.time()
        dump = {
            "id": uuid.UUID(req["id"]),
            "display_name": "python-agent",
            "service_group": "agent",
            "version": "26.8.1",
            "endpoint": {"address": "10.0.9.9", "port": 6001, "protocol": "grpc", "prometheus_address": "10.0.9.9:6003"},
            "health_status": {"registration_time": now, "last_heartbeat": now},
            "labels": {"zone/a": "x", "k:v": "y"},
        }
        key = "%s/%s/%s" % (prefix, dump["service_group"], dump["id"])
        flat = flatten(key, dump, {})
        ops = [{"request_put": {"key": b64(mangle(ns, k)), "value": b64(str(v))}} for k, v in flat.items()]
        call(endpoint, "/v3/kv/txn", {"success": ops})
        print(json.dumps({"registration_time": repr(now), "keys": sorted(flat)}))

main()
`;

/**
 * Runs the script with `request` on stdin and returns its JSON answer.
 *
 * @param request What to do: `{op: "discover" | "register", endpoint, namespace, prefix, id?}`.
 * @returns The parsed stdout.
 */
export function runPython(request: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", SCRIPT], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.once(
      "error",
      (error) =>
        reject(
          new Error(
            `Cannot run ${PYTHON} (Debian package python3): ${error.message}`,
          ),
        ),
    );
    child.once("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`${PYTHON} exited with ${code}: ${err}`));
        return;
      }
      try {
        resolve(JSON.parse(out));
      } catch (error) {
        reject(
          new Error(
            `Cannot read the Python answer ${JSON.stringify(out)}: ${error}`,
          ),
        );
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}
