// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Browser sessions in the halfstack's real Redis (DB 4), read and written
 * by a Python side playing upstream's web server: Debian's `/usr/bin/python3`
 * with `python3-redis`, storing what upstream's `RedisStorage` stores
 * (`json.dumps` of `created`, `session`, `expiration_dt` under
 * `AIOHTTP_SESSION_<id>`, with `max_age or 3600` as the TTL). Without the
 * module the test fails saying what to install; it never skips.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connectValkey } from "../../../clients/valkey/mod.ts";
import {
  compose,
  jsonResponse,
  redisSessionStore,
  sessionMiddleware,
  SessionStorage,
} from "../../../web/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

const PYTHON = "/usr/bin/python3";
const DB = 4;

const SCRIPT = String.raw`
import json, sys, time
try:
    import redis
except ImportError as e:
    sys.stderr.write("python3-redis is missing: %s\n" % e)
    sys.exit(3)
c = json.loads(sys.stdin.read())
r = redis.Redis(host=c["host"], port=c["port"], db=c["db"])
out = {}
if c["op"] == "read":
    raw = r.get(c["key"])
    out = {"raw": None if raw is None else raw.decode("utf-8"), "ttl": r.ttl(c["key"])}
    if raw is not None:
        # what upstream's encoder (json.dumps) writes for the same data
        out["python_dumps"] = json.dumps(json.loads(raw))
elif c["op"] == "login":
    # upstream's RedisStorage.save_session of a new session
    now = int(time.time())
    data = {"created": now, "session": c["session"], "expiration_dt": now + c["max_age"]}
    r.set(c["key"], json.dumps(data), ex=c["max_age"])
    out = {"created": now}
elif c["op"] == "delete":
    out = {"deleted": r.delete(c["key"])}
print(json.dumps(out))
`;

function python(
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { redis } = halfstackEnv();
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", SCRIPT], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => void (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code: number | null) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else if (code === 3) {
        reject(new Error(`${stderr.trim()}: run scripts/install_servers.sh`));
      } else reject(new Error(`${PYTHON} exited ${code}: ${stderr}`));
    });
    child.stdin.end(
      JSON.stringify({
        host: redis.host,
        port: redis.port,
        db: DB,
        ...request,
      }),
    );
  });
}

Deno.test("sessions in Redis: ours read as upstream's, upstream's read here, a logout stores {}", async () => {
  const env = halfstackEnv();
  const redis = await connectValkey(
    { addr: `${env.redis.host}:${env.redis.port}`, db: DB },
    { logger: quietLogger },
  );
  const keys: string[] = [];
  try {
    const storage = new SessionStorage(redisSessionStore(redis), {
      maxAge: 600,
    });
    const app = compose(
      [sessionMiddleware(storage)],
      async (request, context) => {
        const session = context.session!;
        const path = new URL(request.url).pathname;
        if (path === "/login") {
          session.set("user", "앨리스 \u2603");
          session.set("token", { accessKey: "AKIAIOSFODNN7EXAMPLE", n: 1.5 });
        } else if (path === "/logout") {
          session.invalidate();
        }
        return await Promise.resolve(
          jsonResponse({ user: session.get("user") ?? null }),
        );
      },
    );

    // Our login, read by upstream's side.
    const login = await app(new Request("http://127.0.0.1/login"));
    const id = login.headers.get("x-backendai-sessionid")!;
    assert.match(id, /^[0-9a-f]{32}$/);
    keys.push(`AIOHTTP_SESSION_${id}`);
    const stored = await python({ op: "read", key: `AIOHTTP_SESSION_${id}` });
    assert.equal(typeof stored.raw, "string");
    assert.equal(stored.raw, stored.python_dumps, "byte-equal to json.dumps");
    const data = JSON.parse(stored.raw as string);
    assert.deepEqual(Object.keys(data), [
      "created",
      "session",
      "expiration_dt",
    ]);
    assert.deepEqual(data.session, {
      user: "앨리스 \u2603",
      token: { accessKey: "AKIAIOSFODNN7EXAMPLE", n: 1.5 },
    });
    assert.equal(data.expiration_dt - data.created, 600);
    assert.ok(
      (stored.ttl as number) > 590 && (stored.ttl as number) <= 600,
      `TTL ${stored.ttl}`,
    );

    // Upstream's login, read here by the cookie and by the header.
    const theirs = "0123456789abcdef0123456789abcdef";
    keys.push(`AIOHTTP_SESSION_${theirs}`);
    await python({
      op: "login",
      key: `AIOHTTP_SESSION_${theirs}`,
      session: { user: "bob" },
      max_age: 600,
    });
    for (
      const headers of [
        { cookie: `AIOHTTP_SESSION=${theirs}` },
        { "x-backendai-sessionid": theirs },
      ]
    ) {
      const seen = await app(new Request("http://127.0.0.1/", { headers }));
      assert.deepEqual(await seen.json(), { user: "bob" });
    }

    // A logout stores {} under the key, as upstream's does.
    const logout = await app(
      new Request("http://127.0.0.1/logout", {
        headers: { cookie: `AIOHTTP_SESSION=${id}` },
      }),
    );
    await logout.body?.cancel();
    assert.match(logout.headers.get("set-cookie")!, /^AIOHTTP_SESSION="";/);
    const after = await python({ op: "read", key: `AIOHTTP_SESSION_${id}` });
    assert.equal(after.raw, "{}");
  } finally {
    for (const key of keys) await python({ op: "delete", key });
    redis.disconnect();
  }
});
