// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Browser sessions as upstream's web server keeps them
 * (`web/session/redis_storage.py`): the cookie `AIOHTTP_SESSION` (or the
 * header `X-BackendAI-SessionID`, which wins and is echoed) names a Redis
 * key `AIOHTTP_SESSION_<id>` holding `{"created", "session",
 * "expiration_dt"}` as Python's `json.dumps` writes it, with a TTL of the
 * cookie's max age (3600 s by default). {@linkcode SessionStorage} loads and
 * saves a {@linkcode Session}; {@linkcode sessionMiddleware} does both
 * around a handler.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import type { Middleware } from "./handler.ts";

/** The session cookie's name (upstream's default). */
export const SESSION_COOKIE_NAME = "AIOHTTP_SESSION";
/** The header that names a session instead of the cookie. */
export const SESSION_ID_HEADER = "X-BackendAI-SessionID";
/** A session's lifetime without a max age, in seconds. */
export const DEFAULT_SESSION_AGE = 3600;

/** A session as stored (upstream's `SessionData`). */
export interface SessionData {
  /** When it was created or last changed, in Unix seconds. */
  created?: number | undefined;
  /** When it expires, in Unix seconds. */
  expiration_dt?: number | undefined;
  /** The session's values. */
  session?: Record<string, unknown> | undefined;
}

/** How {@linkcode Session} is made. */
export interface SessionInit {
  /** Its key (the cookie's value), or `undefined` for a new one. */
  identity: string | undefined;
  /** What was stored, if anything. */
  data: SessionData | undefined;
  /** Whether it was just made. */
  isNew: boolean;
  /**
   * The storage's max age, in seconds.
   *
   * @default {undefined}
   */
  maxAge?: number | undefined;
  /**
   * The login session extension, in seconds.
   *
   * @default {undefined}
   */
  lifespan?: number | undefined;
  /**
   * The time now, in Unix seconds.
   *
   * @default {the clock}
   */
  now?: number | undefined;
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * One browser session: string keys to JSON values, with upstream's expiry
 * rules (an expired session loads empty; writing renews `created`).
 *
 * @example Usage
 * ```ts
 * import { Session } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const session = new Session({ identity: undefined, data: undefined, isNew: true, now: 1000 });
 * assert.equal(session.expirationDt, 1000 + 3600);
 * session.set("token", "t-1");
 * assert.equal(session.changed, true);
 * assert.deepEqual(session.toData(), { created: session.created, session: { token: "t-1" }, expiration_dt: 4600 });
 * ```
 */
export class Session {
  readonly #values = new Map<string, unknown>();
  #identity: string | undefined;
  #isNew: boolean;
  #created: number;
  #expirationDt: number;
  #changed = false;
  readonly #maxAge: number | undefined;

  /**
   * Makes a session from what was stored.
   *
   * @param init Identity, data, and the storage's ages.
   */
  constructor(init: SessionInit) {
    const data = init.data;
    const emptyData = data !== undefined && Object.keys(data).length === 0;
    this.#identity = emptyData ? undefined : init.identity;
    this.#isNew = emptyData ? true : init.isNew;
    this.#maxAge = init.maxAge;
    const now = init.now ?? unixNow();
    const created = data?.created;
    const expirationDt = data?.expiration_dt;
    let expired = false;
    if (expirationDt !== undefined && expirationDt !== null) {
      this.#expirationDt = expirationDt;
      if (now > expirationDt) expired = true;
    } else {
      const age = created ? now - created : now;
      if (init.maxAge !== undefined) {
        this.#expirationDt = now + init.maxAge;
        if (age > init.maxAge) expired = true;
      } else {
        this.#expirationDt = now + DEFAULT_SESSION_AGE;
      }
    }
    this.#created = this.#isNew || created === undefined || created === null
      ? now
      : created;
    if (this.#created > this.#expirationDt) {
      this.#expirationDt = now +
        (init.lifespan || init.maxAge || DEFAULT_SESSION_AGE);
      expired = false;
    }
    if (!expired && data?.session) {
      for (const [key, value] of Object.entries(data.session)) {
        this.#values.set(key, value);
      }
    }
  }

  /** The session's key, or `undefined` until it is first saved. */
  get identity(): string | undefined {
    return this.#identity;
  }

  /** Whether it was made for this request. */
  get isNew(): boolean {
    return this.#isNew;
  }

  /** When it was created or last written, in Unix seconds. */
  get created(): number {
    return this.#created;
  }

  /** When it expires, in Unix seconds. */
  get expirationDt(): number {
    return this.#expirationDt;
  }

  /**
   * Moves the expiry (marks the session changed).
   *
   * @param value The new expiry, in Unix seconds.
   */
  set expirationDt(value: number) {
    this.#expirationDt = value;
    this.#changed = true;
  }

  /** The storage's max age, in seconds. */
  get maxAge(): number | undefined {
    return this.#maxAge;
  }

  /** Whether it must be saved. */
  get changed(): boolean {
    return this.#changed;
  }

  /** Whether it holds no value. */
  get empty(): boolean {
    return this.#values.size === 0;
  }

  /**
   * A value.
   *
   * @param key The key.
   * @returns The value, or `undefined`.
   */
  get(key: string): unknown {
    return this.#values.get(key);
  }

  /**
   * Whether a key is set.
   *
   * @param key The key.
   * @returns Whether it is.
   */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /**
   * Sets a value (renews `created`, as upstream).
   *
   * @param key The key.
   * @param value A JSON value.
   */
  set(key: string, value: unknown): void {
    this.#values.set(key, value);
    this.#touch();
  }

  /**
   * Removes a value (renews `created`).
   *
   * @param key The key.
   */
  delete(key: string): void {
    if (this.#values.delete(key)) this.#touch();
  }

  /** Empties the session (a logout); saving it deletes the cookie. */
  invalidate(): void {
    this.#values.clear();
    this.#changed = true;
  }

  /** Marks the session changed without changing a value. */
  markChanged(): void {
    this.#changed = true;
  }

  #touch(): void {
    this.#changed = true;
    this.#created = unixNow();
  }

  /**
   * What is stored: `{}` when empty, else upstream's three fields.
   *
   * @returns The stored form.
   */
  toData(): SessionData {
    if (this.empty) return {};
    return {
      created: this.#created,
      session: Object.fromEntries(this.#values),
      expiration_dt: this.#expirationDt,
    };
  }
}

/**
 * Where sessions are kept: a Redis connection through
 * {@linkcode redisSessionStore}, or {@linkcode MemorySessionStore}.
 */
export interface SessionStore {
  /**
   * Reads a key.
   *
   * @param key The key.
   * @returns The stored text, or `null`.
   */
  get(key: string): Promise<string | null>;
  /**
   * Writes a key with a lifetime.
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime.
   */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** The part of an ioredis client {@linkcode redisSessionStore} uses. */
export interface RedisLike {
  /**
   * `GET key`.
   *
   * @param key The key.
   * @returns The value or `null`.
   */
  get(key: string): Promise<string | null>;
  /**
   * `SET key value EX seconds`.
   *
   * @param key The key.
   * @param value The value.
   * @param mode `"EX"`.
   * @param seconds The lifetime.
   * @returns The reply.
   */
  set(
    key: string,
    value: string,
    mode: "EX",
    seconds: number,
  ): Promise<unknown>;
}

/**
 * A session store on a Redis connection (an ioredis client from
 * `connectValkey`, in upstream's DB: `REDIS_STATISTICS_DB`, 0).
 *
 * @example Usage
 * ```ts
 * import { redisSessionStore } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const data = new Map<string, string>();
 * const store = redisSessionStore({
 *   get: async (key) => data.get(key) ?? null,
 *   set: async (key, value) => void data.set(key, value),
 * });
 * await store.set("AIOHTTP_SESSION_k", "{}", 60);
 * assert.equal(await store.get("AIOHTTP_SESSION_k"), "{}");
 * ```
 *
 * @param redis The connection.
 * @returns The store.
 */
export function redisSessionStore(redis: RedisLike): SessionStore {
  return {
    get: (key) => redis.get(key),
    set: async (key, value, ttlSeconds) => {
      await redis.set(key, value, "EX", ttlSeconds);
    },
  };
}

/**
 * Sessions in memory, with their lifetimes: for tests and the demo.
 *
 * @example Usage
 * ```ts
 * import { MemorySessionStore } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySessionStore();
 * await store.set("k", "v", 60);
 * assert.equal(await store.get("k"), "v");
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, { value: string; until: number }>();

  /**
   * Reads a key.
   *
   * @param key The key.
   * @returns The stored text, or `null` when absent or expired.
   */
  get(key: string): Promise<string | null> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(null);
    if (entry.until <= Date.now()) {
      this.#entries.delete(key);
      return Promise.resolve(null);
    }
    return Promise.resolve(entry.value);
  }

  /**
   * Writes a key.
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime.
   */
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, { value, until: Date.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }
}

/** Options of {@linkcode SessionStorage}. */
export interface SessionStorageOptions {
  /**
   * The cookie's name; the Redis key is `<name>_<id>`.
   *
   * @default {"AIOHTTP_SESSION"}
   */
  cookieName?: string | undefined;
  /**
   * The cookie's `Max-Age` and the Redis TTL, in seconds (upstream's
   * `session.max_age`); without it the TTL is 3600 s and the cookie has no
   * `Max-Age`.
   *
   * @default {undefined}
   */
  maxAge?: number | undefined;
  /**
   * The login session extension, in seconds (upstream's
   * `login_session_extension_sec`, which defaults to `max_age`).
   *
   * @default {maxAge}
   */
  lifespan?: number | undefined;
  /**
   * The cookie's `Path`.
   *
   * @default {"/"}
   */
  path?: string | undefined;
  /**
   * The cookie's `Domain`.
   *
   * @default {undefined}
   */
  domain?: string | undefined;
  /**
   * Send the cookie over HTTPS only.
   *
   * @default {false}
   */
  secure?: boolean | undefined;
  /**
   * Hide the cookie from scripts.
   *
   * @default {true}
   */
  httpOnly?: boolean | undefined;
  /**
   * The cookie's `SameSite`.
   *
   * @default {undefined}
   */
  sameSite?: "Strict" | "Lax" | "None" | undefined;
  /**
   * Makes a new session's id.
   *
   * @default {a random UUID without dashes, as upstream's uuid4().hex}
   */
  keyFactory?: (() => string) | undefined;
}

/**
 * Loads and saves sessions as upstream's `RedisStorage` does.
 *
 * @example Login, then the next request
 * ```ts
 * import { MemorySessionStore, SessionStorage } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const storage = new SessionStorage(new MemorySessionStore(), { maxAge: 600 });
 * const login = await storage.load(new Request("http://x/login"));
 * login.set("user", "alice");
 * const response = await storage.save(login, new Response("ok"));
 * const id = response.headers.get("x-backendai-sessionid")!;
 * assert.match(response.headers.get("set-cookie")!, /^AIOHTTP_SESSION=[0-9a-f]{32}; /);
 * const next = await storage.load(new Request("http://x/", { headers: { cookie: `AIOHTTP_SESSION=${id}` } }));
 * assert.equal(next.get("user"), "alice");
 * ```
 */
export class SessionStorage {
  readonly #store: SessionStore;
  readonly #cookieName: string;
  readonly #maxAge: number | undefined;
  readonly #lifespan: number | undefined;
  readonly #path: string;
  readonly #domain: string | undefined;
  readonly #secure: boolean;
  readonly #httpOnly: boolean;
  readonly #sameSite: string | undefined;
  readonly #keyFactory: () => string;

  /**
   * Makes a storage.
   *
   * @param store Where sessions are kept.
   * @param options Cookie and lifetime settings.
   */
  constructor(store: SessionStore, options: SessionStorageOptions = {}) {
    const { maxAge } = options;
    if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge > 0)) {
      invalidOption(
        "session",
        "maxAge",
        maxAge,
        "must be a whole number of seconds over 0",
      );
    }
    this.#store = store;
    this.#cookieName = options.cookieName ?? SESSION_COOKIE_NAME;
    this.#maxAge = maxAge;
    this.#lifespan = options.lifespan ?? maxAge;
    this.#path = options.path ?? "/";
    this.#domain = options.domain;
    this.#secure = options.secure ?? false;
    this.#httpOnly = options.httpOnly ?? true;
    this.#sameSite = options.sameSite;
    this.#keyFactory = options.keyFactory ??
      (() => crypto.randomUUID().replaceAll("-", ""));
  }

  /** The cookie's name. */
  get cookieName(): string {
    return this.#cookieName;
  }

  /**
   * The session of a request: the one `X-BackendAI-SessionID` or the cookie
   * names, or a new one.
   *
   * @param request The request.
   * @returns The session.
   */
  async load(request: Request): Promise<Session> {
    const key = request.headers.get(SESSION_ID_HEADER) ??
      readCookie(request.headers.get("cookie"), this.#cookieName);
    const fresh = () =>
      new Session({
        identity: undefined,
        data: undefined,
        isNew: true,
        maxAge: this.#maxAge,
        lifespan: this.#lifespan,
      });
    if (key === undefined) return fresh();
    const stored = await this.#store.get(`${this.#cookieName}_${key}`);
    if (stored === null) return fresh();
    let data: SessionData | undefined;
    try {
      const parsed = JSON.parse(stored);
      if (typeof parsed === "object" && parsed !== null) {
        data = parsed as SessionData;
        if (data.expiration_dt === undefined) {
          data.expiration_dt = unixNow() +
            (this.#lifespan ?? DEFAULT_SESSION_AGE);
        }
      }
    } catch {
      data = undefined;
    }
    return new Session({
      identity: key,
      data,
      isNew: false,
      maxAge: this.#maxAge,
      lifespan: this.#lifespan,
    });
  }

  /**
   * Saves a session and sets its cookie and header on the response: a new
   * session gets an id; an emptied one deletes the cookie (and is stored
   * as `{}`, as upstream does).
   *
   * @param session The session.
   * @param response The response to send.
   * @param sessionExtension Moves the expiry to now plus this many seconds.
   * @returns The response with the cookie (a copy when its headers were
   * immutable).
   */
  async save(
    session: Session,
    response: Response,
    sessionExtension?: number,
  ): Promise<Response> {
    if (sessionExtension !== undefined) {
      session.expirationDt = unixNow() + sessionExtension;
    }
    const headers = new Headers(response.headers);
    let key = session.identity;
    if (key === undefined) {
      key = this.#keyFactory();
      headers.set(SESSION_ID_HEADER, key);
      headers.append("set-cookie", this.#cookie(key, session.expirationDt));
    } else if (session.empty) {
      headers.append("set-cookie", this.#deletedCookie());
    } else {
      headers.set(SESSION_ID_HEADER, key);
      headers.append("set-cookie", this.#cookie(key, session.expirationDt));
    }
    await this.#store.set(
      `${this.#cookieName}_${key}`,
      pythonJson(session.toData()),
      this.#maxAge ?? DEFAULT_SESSION_AGE,
    );
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }

  #cookie(value: string, expirationDt: number): string {
    let cookie = `${this.#cookieName}=${value}; Expires=${
      new Date(expirationDt * 1000).toUTCString()
    }`;
    if (this.#maxAge !== undefined) cookie += `; Max-Age=${this.#maxAge}`;
    return cookie + this.#attributes();
  }

  #deletedCookie(): string {
    return `${this.#cookieName}=""; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0` +
      this.#attributes();
  }

  #attributes(): string {
    let text = `; Path=${this.#path}`;
    if (this.#domain !== undefined) text += `; Domain=${this.#domain}`;
    if (this.#secure) text += "; Secure";
    if (this.#httpOnly) text += "; HttpOnly";
    if (this.#sameSite !== undefined) text += `; SameSite=${this.#sameSite}`;
    return text;
  }

  /**
   * A middleware that loads the session into `context.session` and saves
   * it after the handler when it changed.
   *
   * @returns The middleware.
   */
  middleware(): Middleware {
    return sessionMiddleware(this);
  }
}

/**
 * Loads the request's session into `context.session` and, when the handler
 * changed it, saves it onto the response (upstream's `session_middleware`).
 *
 * @example Usage
 * ```ts
 * import { compose, MemorySessionStore, sessionMiddleware, SessionStorage } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const storage = new SessionStorage(new MemorySessionStore());
 * const app = compose([sessionMiddleware(storage)], (_request, context) => {
 *   context.session?.set("visits", Number(context.session.get("visits") ?? 0) + 1);
 *   return new Response("ok");
 * });
 * const first = await app(new Request("http://x/"));
 * const id = first.headers.get("x-backendai-sessionid")!;
 * await app(new Request("http://x/", { headers: { "x-backendai-sessionid": id } }));
 * const session = await storage.load(new Request("http://x/", { headers: { "x-backendai-sessionid": id } }));
 * assert.equal(session.get("visits"), 2);
 * ```
 *
 * @param storage The storage.
 * @returns The middleware.
 */
export function sessionMiddleware(storage: SessionStorage): Middleware {
  return async (request, next, context) => {
    const session = await storage.load(request);
    context.session = session;
    const response = await next();
    return session.changed ? await storage.save(session, response) : response;
  };
}

/** A cookie's value from a `Cookie` header. */
function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const equals = part.indexOf("=");
    if (equals < 0) continue;
    if (part.slice(0, equals).trim() !== name) continue;
    let value = part.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1);
    }
    return value === "" ? undefined : value;
  }
  return undefined;
}

/**
 * JSON as Python's `json.dumps` writes it by default: `", "` and `": "`
 * separators, non-ASCII escaped as `\uXXXX`.
 */
function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) {
    return `[${value.map((item) => pythonJson(item)).join(", ")}]`;
  }
  if (typeof value === "object") {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === "function") return pythonJson(json.call(value));
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined && typeof item !== "function");
    return `{${
      entries.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`)
        .join(", ")
    }}`;
  }
  return "null";
}
