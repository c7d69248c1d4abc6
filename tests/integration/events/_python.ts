// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Python side of the interop tests: Debian's `/usr/bin/python3` with
 * `python3-msgpack` (and `python3-redis` for the Redis round trips), playing
 * an upstream 26.8.x component. Its script packs and reads event tuples as
 * upstream 26.8.1 does: `SERIALIZE` is each event's `serialize()` and
 * `READ` the conversions of its `deserialize()`, transcribed by hand from
 * upstream's source (`event_types/*`), independently of this library's
 * `legacyFields`; `packb`/`unpackb` use upstream's options
 * (`msgpack.py`), and the envelopes follow `message_queue/types.py`
 * (`MessagePayload`).
 *
 * It always runs `/usr/bin/python3`: a `python3` earlier on PATH may be
 * another build without Debian's modules. Without them the test fails with
 * a message saying what to install (scripts/install_servers.sh); it never
 * skips.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";

/** Debian's interpreter, where python3-msgpack and python3-redis live. */
export const PYTHON = "/usr/bin/python3";

const SCRIPT = String.raw`
import base64, datetime, json, sys, uuid
try:
    import msgpack
except ImportError as e:
    sys.stderr.write("python3-msgpack is missing: %s\n" % e)
    sys.exit(3)


# Bytes cross the JSON pipe as {"$b64": ...}.
def to_wire(v):
    if isinstance(v, (bytes, bytearray)):
        return {"$b64": base64.b64encode(v).decode("ascii")}
    if isinstance(v, (list, tuple)):
        return [to_wire(x) for x in v]
    if isinstance(v, dict):
        return {k: to_wire(x) for k, x in v.items()}
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


def from_wire(v):
    if isinstance(v, dict):
        if set(v) == {"$b64"}:
            return base64.b64decode(v["$b64"])
        return {k: from_wire(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_wire(x) for x in v]
    return v


# upstream msgpack.py: DEFAULT_PACK_OPTS / DEFAULT_UNPACK_OPTS (the UUID ext).
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
    return msgpack.unpackb(b, raw=False, strict_map_key=False, use_list=False, ext_hook=_ext_hook)


# upstream json.py is orjson: compact, non-ASCII as is.
def dump_json(o):
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False)


def F(x):
    return x if x is None else float(x)


def creation(b):
    return (b["kernel_id"], b["session_id"], b["reason"], b["creation_info"])


def kernel_cancelled(b):
    return (b["kernel_id"], b["session_id"], b["reason"])


def kernel_termination(b):
    return (b["kernel_id"], b["session_id"], b["reason"], b["exit_code"])


def session_creation(b):
    return (b["session_id"], b["creation_id"], b["reason"])


def session_termination(b):
    return (b["session_id"], b["reason"])


def session_result(b):
    return (b["session_id"], b["reason"], b["exit_code"])


def verification(v):
    if v is None:
        return None
    return {
        "verifiers": {
            name: {
                "success": r["success"],
                "infected_count": r["infected_count"],
                "scanned_at": r["scanned_at"],
                "scan_time": F(r["scan_time"]),
                "scanned_count": r["scanned_count"],
                "metadata": r["metadata"],
                "error": r.get("error"),
            }
            for name, r in v["verifiers"].items()
        }
    }


def image_pull_started(b):
    # image_ref is left out when None (a non-None one is a pickled ImageRef).
    return (b["image"], b["agent_id"], F(b["timestamp"]))


# Each event's serialize() in upstream 26.8.1, by (name, pattern).
SERIALIZE = {
    ("agent_started", "anycast"): lambda b: (b["reason"],),
    ("agent_terminated", "anycast"): lambda b: (b["reason"],),
    ("agent_error", "anycast"): lambda b: (
        b["message"], b["traceback"], b["user"], b["context_env"], b["severity"]),
    ("agent_images_remove", "anycast"): lambda b: (b["image_canonicals"],),
    ("agent_installed_images_remove", "anycast"): lambda b: ({
        str(canonical): {"canonical": image["canonical"], "digest": image["digest"]}
        for canonical, image in b["scanned_images"].items()
    },),
    ("do_agent_resource_check", "anycast"): lambda b: (b["agent_id"],),
    ("bgtask_updated", "broadcast"): lambda b: (
        b["task_id"], F(b["current_progress"]), F(b["total_progress"]), b["message"]),
    ("bgtask_done", "broadcast"): lambda b: (b["task_id"], b["message"]),
    ("bgtask_cancelled", "broadcast"): lambda b: (b["task_id"], b["message"]),
    ("bgtask_failed", "broadcast"): lambda b: (b["task_id"], b["message"]),
    ("bgtask_partial_success", "broadcast"): lambda b: (
        b["task_id"], b["message"], b["errors"]),
    ("image_pull_started", "anycast"): image_pull_started,
    ("image_pull_finished", "anycast"): lambda b: (
        b["image"], b["agent_id"], F(b["timestamp"]), b["msg"], None),
    ("image_pull_failed", "anycast"): lambda b: (b["image"], b["agent_id"], b["msg"]),
    ("do_sync_kernel_logs", "anycast"): lambda b: (b["kernel_id"], b["container_id"]),
    ("do_sokovan_process_if_needed", "anycast"): lambda b: (b["schedule_type"],),
    ("do_sokovan_process_schedule", "anycast"): lambda b: (b["schedule_type"],),
    ("do_deployment_lifecycle_if_needed", "anycast"): lambda b: (
        b["lifecycle_type"], b["sub_step"]),
    ("do_deployment_lifecycle", "anycast"): lambda b: (b["lifecycle_type"], b["sub_step"]),
    ("do_route_lifecycle_if_needed", "anycast"): lambda b: (b["lifecycle_type"],),
    ("do_route_lifecycle", "anycast"): lambda b: (b["lifecycle_type"],),
    ("do_reconcile_process_if_needed", "anycast"): lambda b: (b["reconcile_type"],),
    ("do_reconcile_process", "anycast"): lambda b: (b["reconcile_type"],),
    ("service_registered", "anycast"): lambda b: (
        dump_json({
            "instance_id": b["instance_id"],
            "service_group": b["service_group"],
            "display_name": b["display_name"],
            "version": b["version"],
            "labels": b["labels"],
            "endpoints": [
                {k: ep[k] for k in ("role", "scope", "address", "port", "protocol", "metadata")}
                for ep in b["endpoints"]
            ],
            "config_hash": b["config_hash"],
        }).encode(),
        b["startup_time"].encode(),
    ),
    ("service_deregistered", "anycast"): lambda b: (
        b["instance_id"].encode(), b["service_group"].encode()),
    ("do_sweep_stale_services", "anycast"): lambda b: (b"",),
    ("do_terminate_session", "broadcast"): session_termination,
    ("do_terminate_session", "anycast"): session_termination,
    ("session_enqueued", "broadcast"): session_creation,
    ("session_checking_precondition", "broadcast"): session_creation,
    ("session_cancelled", "broadcast"): session_creation,
    ("session_terminating", "broadcast"): session_termination,
    ("session_terminated", "broadcast"): session_termination,
    ("session_success", "broadcast"): session_result,
    ("session_failure", "broadcast"): session_result,
    ("scheduling", "broadcast"): lambda b: (
        b["session_id"], b["creation_id"], b["status_transition"], b["reason"]),
    ("session_enqueued", "anycast"): session_creation,
    ("session_checking_precondition", "anycast"): session_creation,
    ("session_cancelled", "anycast"): session_creation,
    ("session_started", "anycast"): session_creation,
    ("session_terminating", "anycast"): session_termination,
    ("session_terminated", "anycast"): session_termination,
    ("session_success", "anycast"): session_result,
    ("session_failure", "anycast"): session_result,
    ("execution_started", "anycast"): lambda b: (b["session_id"],),
    ("execution_finished", "anycast"): lambda b: (b["session_id"],),
    ("execution_timeout", "anycast"): lambda b: (b["session_id"],),
    ("execution_cancelled", "anycast"): lambda b: (b["session_id"],),
    ("vfolder_deletion_success", "anycast"): lambda b: (b["vfid"],),
    ("vfolder_deletion_failure", "anycast"): lambda b: (b["vfid"], b["message"]),
    ("vfolder_clone_success", "anycast"): lambda b: (b["vfid"], b["dst_vfid"]),
    ("vfolder_clone_failure", "anycast"): lambda b: (b["vfid"], b["dst_vfid"], b["message"]),
    ("do_volume_mount", "broadcast"): lambda b: (
        b["dir_name"], b["volume_backend_name"], b["quota_scope_id"], b["fs_location"],
        b["fs_type"], b["cmd_options"], b["scaling_group"], b["edit_fstab"], b["fstab_path"]),
    ("do_volume_unmount", "broadcast"): lambda b: (
        b["dir_name"], b["volume_backend_name"], b["quota_scope_id"], b["scaling_group"],
        b["edit_fstab"], b["fstab_path"]),
    ("volume_mounted", "broadcast"): lambda b: (
        b["node_id"], b["node_type"], b["mount_path"], b["quota_scope_id"], b["err_msg"]),
    ("volume_unmounted", "broadcast"): lambda b: (
        b["node_id"], b["node_type"], b["mount_path"], b["quota_scope_id"], b["err_msg"]),
    ("model_verifying", "anycast"): lambda b: (
        b["model_id"], b["revision"], b["registry_type"], b["registry_name"]),
    ("model_import_done", "anycast"): lambda b: (
        b["model_id"], b["revision"], b["registry_type"], b["registry_name"],
        b["success"], b["digest"], verification(b["verification_result"])),
    ("models_metadata_fetch_done", "anycast"): lambda b: (
        b["model"]["model_id"], b["model"]["revision"], b["model"]["readme_content"],
        b["model"]["registry_name"], b["model"]["registry_type"], b["model"]["size"]),
    ("do_scan_reservoir_registry", "anycast"): lambda b: (),
    ("do_idle_check", "anycast"): lambda b: tuple(),
    ("notification_triggered", "anycast"): lambda b: (
        b["rule_type"].encode(), b["timestamp"].encode(),
        dump_json(b["notification_data"]).encode()),
}
for kind in ("kernel_preparing", "kernel_pulling", "kernel_creating", "kernel_started"):
    for pattern in ("anycast", "broadcast"):
        SERIALIZE[(kind, pattern)] = creation
for pattern in ("anycast", "broadcast"):
    SERIALIZE[("kernel_cancelled", pattern)] = kernel_cancelled
    SERIALIZE[("kernel_terminating", pattern)] = kernel_termination
    SERIALIZE[("kernel_terminated", pattern)] = kernel_termination

LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "TRACE", "NOTSET"}


def read_log_level(value):
    # LogLevel(value[4])
    if value not in LOG_LEVELS:
        raise ValueError("%r is not a LogLevel" % (value,))
    return value


def read_uuids(count):
    return lambda v: [uuid.UUID(x) for x in v[:count]]


def read_vfids(count):
    # VFolderID.from_str: "[<quota scope>/]<uuid>"
    return lambda v: [uuid.UUID(text.rsplit("/", 1)[-1]) for text in v[:count]]


def text_of(v):
    return v.decode() if isinstance(v, (bytes, bytearray)) else v


# The conversions of each deserialize() in upstream 26.8.1 that care about a
# value's type (uuid.UUID(str), bytes.decode(), datetime.fromisoformat, ...):
# they raise when a str arrives for bytes or the reverse.
READ = {
    "bgtask": read_uuids(1),
    "kernel": read_uuids(2),
    "do_sync_kernel_logs": read_uuids(1),
    "session": read_uuids(1),
    "service_registered": lambda v: (
        json.loads(v[0].decode()), datetime.datetime.fromisoformat(v[1].decode())),
    "service_deregistered": lambda v: (v[0].decode(), v[1].decode()),
    "notification_triggered": lambda v: (
        v[0].decode(), datetime.datetime.fromisoformat(v[1].decode()), json.loads(v[2])),
    "agent_error": lambda v: read_log_level(v[4]),
    "vfolder_deletion": read_vfids(1),
    "vfolder_clone": read_vfids(2),
}


def reader_of(name):
    for prefix in ("bgtask", "do_sync_kernel_logs", "kernel", "vfolder_deletion",
                   "vfolder_clone"):
        if name.startswith(prefix):
            return READ[prefix]
    if name in READ:
        return READ[name]
    if name.startswith(("session", "execution", "do_terminate_session", "scheduling")):
        return READ["session"]
    return lambda v: v


def metadata_json(metadata):
    # upstream 26.8.1 always sends metadata: dump_json(MessageMetadata(...)).
    return dump_json({
        "request_id": metadata.get("request_id"),
        "user": metadata.get("user"),
        "triggered_user": metadata.get("triggered_user"),
    })


def check_legacy(case, problems):
    key = tuple(case["key"])
    body = case["body"]
    label = "%s (%s)" % key
    if key not in SERIALIZE:
        problems.append("%s: no 26.8.1 serialize() here" % label)
        return
    expected = packb(SERIALIZE[key](body))
    if "fields" in case:
        # The anycast stream entry, as MessagePayload.from_anycast reads it.
        fields = from_wire(case["fields"])
        names = list(fields)
        if names[:3] != ["name", "source", "args"] or "payload" in fields:
            problems.append("%s: anycast fields are %s" % (label, names))
        if text_of(fields["name"]) != key[0]:
            problems.append("%s: name %r" % (label, fields["name"]))
        if fields["args"] != expected:
            problems.append("%s: args %s, Python packs %s" % (
                label, fields["args"].hex(), expected.hex()))
        args = unpackb(fields["args"])
        if not isinstance(args, tuple):
            problems.append("%s: args is not a tuple" % label)
        try:
            reader_of(key[0])(args)
        except Exception as e:
            problems.append("%s: deserialize() would fail: %r" % (label, e))
        if "metadata" in fields:
            metadata = json.loads(fields["metadata"])
            if metadata.get("request_id") != case.get("request_id"):
                problems.append("%s: metadata %r" % (label, metadata))
        elif case.get("request_id") is not None:
            problems.append("%s: no metadata" % label)
    if "broadcast" in case:
        # The broadcast message, as MessagePayload.from_broadcast reads it.
        document = json.loads(case["broadcast"])
        if list(document)[:3] != ["name", "source", "args"] or "payload" in document:
            problems.append("%s: broadcast keys are %s" % (label, list(document)))
        args = base64.b64decode(document["args"])
        if args != expected:
            problems.append("%s: broadcast args %s, Python packs %s" % (
                label, args.hex(), expected.hex()))
        try:
            reader_of(key[0])(unpackb(args))
        except Exception as e:
            problems.append("%s: deserialize() would fail: %r" % (label, e))
        if document["name"] != key[0]:
            problems.append("%s: broadcast name %r" % (label, document["name"]))
        if "metadata" in document:
            metadata = json.loads(document["metadata"])
            if metadata.get("request_id") != case.get("request_id"):
                problems.append("%s: broadcast metadata %r" % (label, metadata))


def check_main(case, problems):
    key = tuple(case["key"])
    label = "%s (%s)" % key
    if "fields" in case:
        fields = from_wire(case["fields"])
        if list(fields)[:3] != ["name", "source", "payload"] or "args" in fields:
            problems.append("%s: main anycast fields are %s" % (label, list(fields)))
        if json.loads(text_of(fields["payload"])) != case["body"]:
            problems.append("%s: main payload %s" % (label, fields["payload"]))
    if "broadcast" in case:
        document = json.loads(case["broadcast"])
        if list(document)[:3] != ["name", "source", "payload"] or "args" in document:
            problems.append("%s: main broadcast keys %s" % (label, list(document)))
        if json.loads(document["payload"]) != case["body"]:
            problems.append("%s: main broadcast payload %s" % (label, document["payload"]))


def pack(case):
    key = tuple(case["key"])
    body = case["body"]
    args = packb(SERIALIZE[key](body))
    metadata = metadata_json({"request_id": case.get("request_id")})
    payload = dump_json(body)
    return {
        # MessagePayload.serialize_anycast / serialize_broadcast of 26.8.1.
        "legacyFields": to_wire({
            "name": key[0].encode(), "source": b"python-26.8",
            "args": args, "metadata": metadata.encode(),
        }),
        "legacyBroadcast": dump_json({
            "name": key[0], "source": "python-26.8",
            "args": base64.b64encode(args).decode("ascii"), "metadata": metadata,
        }),
        # main's AnycastPayload / BroadcastPayload.
        "mainFields": to_wire({
            "name": key[0].encode(), "source": b"python-main", "payload": payload.encode(),
        }),
        "mainBroadcast": dump_json({"name": key[0], "source": "python-main", "payload": payload}),
    }


def redis_client(request):
    try:
        import redis
    except ImportError as e:
        sys.stderr.write("python3-redis is missing: %s\n" % e)
        sys.exit(3)
    return redis.Redis(host=request["host"], port=request["port"], db=request["db"])


def main():
    mode = sys.argv[1]
    request = json.loads(sys.stdin.readline() or "null")
    if mode == "keys":
        print(json.dumps([list(key) for key in SERIALIZE]))
    elif mode == "unpack":
        problems = []
        for case in request["cases"]:
            (check_legacy if case["form"] == "legacy" else check_main)(case, problems)
        print(json.dumps({"checked": len(request["cases"]), "problems": problems}))
    elif mode == "pack":
        print(json.dumps([pack(case) for case in request["cases"]]))
    elif mode == "xrange":
        client = redis_client(request)
        entries = client.xrange(request["stream"])
        print(json.dumps([to_wire({k.decode(): v for k, v in fields.items()})
                          for _id, fields in entries]))
    elif mode == "xadd":
        client = redis_client(request)
        for fields in request["entries"]:
            client.xadd(request["stream"], from_wire(fields))
        print(json.dumps({"added": len(request["entries"])}))
    elif mode == "get":
        client = redis_client(request)
        value = client.get(request["key"])
        print(json.dumps(None if value is None else value.decode()))
    elif mode == "publish":
        client = redis_client(request)
        receivers = [client.publish(request["channel"], text) for text in request["messages"]]
        print(json.dumps(receivers))
    elif mode == "subscribe":
        client = redis_client(request)
        pubsub = client.pubsub()
        pubsub.subscribe(request["channel"])
        while pubsub.get_message(timeout=5) is None:
            pass  # the subscribe confirmation
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        received = []
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=20)
        while len(received) < request["count"] and datetime.datetime.now() < deadline:
            message = pubsub.get_message(timeout=1)
            if message is not None and message["type"] == "message":
                received.append(message["data"].decode())
        print(json.dumps(received))
    else:
        raise SystemExit("unknown mode %r" % mode)


main()
`;

/** A value for the Python side: bytes travel as `{ $b64 }`. */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return { $b64: Buffer.from(value).toString("base64") };
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

/** A value from the Python side: `{ $b64 }` back to bytes. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === "$b64") {
      return new Uint8Array(Buffer.from(String(record.$b64), "base64"));
    }
    return Object.fromEntries(keys.map((k) => [k, fromWire(record[k])]));
  }
  return value;
}

function missing(detail: string): Error {
  return new Error(
    `The interop tests need Debian's ${PYTHON} with python3-msgpack and ` +
      `python3-redis (run scripts/install_servers.sh): ${detail}`,
  );
}

/** A running Python process of the script, line by line. */
export interface PythonProcess {
  /** Resolves with the next line the process prints. */
  nextLine(): Promise<string>;
  /** Resolves with the JSON of its last line once it exits with 0. */
  result(): Promise<unknown>;
}

/**
 * Starts the script in `mode` with `request` on its stdin.
 *
 * @param mode What to do (`keys`, `unpack`, `pack`, `xrange`, `xadd`,
 * `get`, `publish`, `subscribe`).
 * @param request Its input, as JSON.
 * @returns The running process.
 */
export function startPython(mode: string, request: unknown): PythonProcess {
  const child = spawn(PYTHON, ["-c", SCRIPT, mode], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: ((line: string) => void)[] = [];
  let consumed = 0;
  const pump = () => {
    while (waiters.length > 0) {
      const end = stdout.indexOf("\n", consumed);
      if (end < 0) return;
      const line = stdout.slice(consumed, end);
      consumed = end + 1;
      waiters.shift()?.(line);
    }
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    pump();
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => void (stderr += chunk));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "ENOENT" ? missing(`${PYTHON} does not exist`) : err,
      ));
    child.on("close", (code: number | null) => {
      if (code === 0) resolve();
      else if (code === 3) reject(missing(stderr.trim()));
      else reject(new Error(`${PYTHON} ${mode} exited ${code}: ${stderr}`));
    });
  });
  child.stdin.end(JSON.stringify(request) + "\n");
  return {
    nextLine: () =>
      Promise.race([
        new Promise<string>((resolve) => {
          waiters.push(resolve);
          pump();
        }),
        exited.then(() => {
          throw new Error(`${PYTHON} ${mode} exited before printing a line`);
        }),
      ]),
    result: async () => {
      await exited;
      const lines = stdout.trimEnd().split("\n");
      return JSON.parse(lines[lines.length - 1] ?? "null");
    },
  };
}

/**
 * Runs the script in `mode` and returns the JSON it prints.
 *
 * @param mode What to do.
 * @param request Its input.
 * @returns The parsed output.
 */
export function runPython(mode: string, request: unknown): Promise<unknown> {
  return startPython(mode, request).result();
}
