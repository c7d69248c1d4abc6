// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  compose,
  MemorySessionStore,
  Session,
  SESSION_ID_HEADER,
  sessionMiddleware,
  SessionStorage,
  type SessionStore,
} from "../../../web/mod.ts";

class RecordingStore implements SessionStore {
  readonly writes: { key: string; value: string; ttl: number }[] = [];
  readonly #data = new Map<string, string>();
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#data.get(key) ?? null);
  }
  set(key: string, value: string, ttl: number): Promise<void> {
    this.writes.push({ key, value, ttl });
    this.#data.set(key, value);
    return Promise.resolve();
  }
  put(key: string, value: string): void {
    this.#data.set(key, value);
  }
}

Deno.test("Session follows upstream's expiry rules", () => {
  const now = 10_000;
  const stored = {
    created: 9_000,
    session: { user: "alice" },
    expiration_dt: 11_000,
  };
  const live = new Session({ identity: "k", data: stored, isNew: false, now });
  assert.equal(live.get("user"), "alice");
  assert.equal(live.created, 9_000);
  assert.equal(live.changed, false);
  const expired = new Session({
    identity: "k",
    data: { ...stored, expiration_dt: 9_999 },
    isNew: false,
    now,
  });
  assert.equal(expired.empty, true, "an expired session loads empty");
  const aged = new Session({
    identity: "k",
    data: { created: 1_000, session: { user: "bob" } },
    isNew: false,
    maxAge: 600,
    now,
  });
  assert.equal(aged.empty, true, "older than max age");
  assert.equal(aged.expirationDt, now + 600);
  const emptyData = new Session({ identity: "k", data: {}, isNew: false, now });
  assert.equal(emptyData.identity, undefined, "{} is a new session");
  assert.equal(emptyData.isNew, true);
});

Deno.test("SessionStorage: a new session gets an id, a cookie, the header, and upstream's JSON with the TTL", async () => {
  const store = new RecordingStore();
  const storage = new SessionStorage(store, {
    maxAge: 600,
    secure: true,
    sameSite: "Lax",
    keyFactory: () => "0123456789abcdef0123456789abcdef",
  });
  const session = await storage.load(new Request("http://x/"));
  assert.equal(session.isNew, true);
  session.set("token", "t\u00e9");
  const response = await storage.save(session, new Response("ok"));
  assert.equal(
    response.headers.get(SESSION_ID_HEADER),
    "0123456789abcdef0123456789abcdef",
  );
  const cookie = response.headers.get("set-cookie")!;
  assert.match(
    cookie,
    /^AIOHTTP_SESSION=0123456789abcdef0123456789abcdef; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=600; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
  );
  assert.equal(store.writes.length, 1);
  const write = store.writes[0]!;
  assert.equal(write.key, "AIOHTTP_SESSION_0123456789abcdef0123456789abcdef");
  assert.equal(write.ttl, 600);
  assert.equal(
    write.value,
    `{"created": ${session.created}, "session": {"token": "t\\u00e9"}, "expiration_dt": ${session.expirationDt}}`,
  );
  assert.equal(await response.text(), "ok");
});

Deno.test("SessionStorage: the header wins over the cookie; an unknown or corrupt key is a new session", async () => {
  const store = new RecordingStore();
  store.put(
    "AIOHTTP_SESSION_fromheader",
    JSON.stringify({ created: 1, session: { who: "header" } }),
  );
  store.put(
    "AIOHTTP_SESSION_fromcookie",
    JSON.stringify({ created: 1, session: { who: "cookie" } }),
  );
  store.put("AIOHTTP_SESSION_corrupt", "{not json");
  const storage = new SessionStorage(store, { lifespan: 3600 });
  const both = await storage.load(
    new Request("http://x/", {
      headers: {
        [SESSION_ID_HEADER]: "fromheader",
        cookie: "a=b; AIOHTTP_SESSION=fromcookie",
      },
    }),
  );
  assert.equal(both.get("who"), "header");
  const cookie = await storage.load(
    new Request("http://x/", {
      headers: { cookie: 'a=b; AIOHTTP_SESSION="fromcookie"' },
    }),
  );
  assert.equal(cookie.get("who"), "cookie");
  assert.equal(cookie.identity, "fromcookie");
  const unknown = await storage.load(
    new Request("http://x/", { headers: { cookie: "AIOHTTP_SESSION=nope" } }),
  );
  assert.equal(unknown.isNew, true);
  const corrupt = await storage.load(
    new Request("http://x/", {
      headers: { cookie: "AIOHTTP_SESSION=corrupt" },
    }),
  );
  assert.equal(corrupt.empty, true);
  assert.equal(corrupt.identity, "corrupt");
});

Deno.test("SessionStorage: a logout (emptied session) deletes the cookie and stores {} as upstream", async () => {
  const store = new RecordingStore();
  store.put(
    "AIOHTTP_SESSION_k1",
    JSON.stringify({
      created: 1,
      session: { user: "a" },
      expiration_dt: 4_102_444_800,
    }),
  );
  const storage = new SessionStorage(store);
  const session = await storage.load(
    new Request("http://x/", { headers: { cookie: "AIOHTTP_SESSION=k1" } }),
  );
  assert.equal(session.get("user"), "a");
  session.invalidate();
  const response = await storage.save(
    session,
    new Response(null, { status: 204 }),
  );
  assert.equal(response.status, 204);
  assert.equal(response.headers.get(SESSION_ID_HEADER), null);
  assert.match(
    response.headers.get("set-cookie")!,
    /^AIOHTTP_SESSION=""; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\//,
  );
  assert.deepEqual(store.writes.map((w) => [w.key, w.value, w.ttl]), [[
    "AIOHTTP_SESSION_k1",
    "{}",
    3600,
  ]]);
});

Deno.test("sessionMiddleware saves only a changed session, and keeps the handler's own cookies", async () => {
  const store = new RecordingStore();
  const storage = new SessionStorage(new MemorySessionStore());
  const counting = new SessionStorage(store);
  const app = compose([sessionMiddleware(counting)], (request, context) => {
    if (request.url.endsWith("/login")) context.session?.set("user", "alice");
    const response = new Response("ok");
    response.headers.append("set-cookie", "theme=dark");
    return response;
  });
  const plain = await app(new Request("http://x/"));
  assert.equal(store.writes.length, 0);
  assert.deepEqual(plain.headers.getSetCookie(), ["theme=dark"]);
  const login = await app(new Request("http://x/login"));
  assert.equal(store.writes.length, 1);
  assert.equal(login.headers.getSetCookie().length, 2);
  assert.throws(
    () => new SessionStorage(store, { maxAge: 0 }),
    InvalidAPIParameters,
  );
  assert.equal(storage.cookieName, "AIOHTTP_SESSION");
});
