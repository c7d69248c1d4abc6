// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated hostile HTTP requests against the standard middleware chain:
// oversize bodies (declared and streamed), wrong content types, bad JSON,
// forged and replayed HMAC signatures, clock skew, malformed Authorization
// headers, tampered JWTs (alg none, other algorithms, edited claims, wrong
// key, expired). Each one is answered with a problem+json 4xx carrying the
// right error code, never a 5xx, and never reaches a handler; hostile
// methods and paths do not grow the metrics' label sets. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import {
  AuthorizationFailed,
  JwtSigner,
  MalformedAuthorization,
  RequestDateInvalid,
  signRequest,
} from "../../auth/mod.ts";
import {
  BackendAISchemaValidationFailed,
  type ErrorCode,
  MalformedRequestBody,
} from "../../exception.ts";
import { RequestBodyTooLarge, UnsupportedMediaType } from "../../web/mod.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";
import {
  API_VERSION,
  type FuzzService,
  fuzzService,
  MAX_BODY_BYTES,
} from "./_http.ts";

/** Fixed, so generated dates and tokens replay exactly. */
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** An error class as the test expects it: its code and status. */
interface Expected {
  readonly code: ErrorCode;
  readonly status: number;
}

function expect(
  errorClass: { readonly code: ErrorCode; new (message?: string): unknown },
): Expected {
  const sample = new errorClass("sample") as { status: number };
  return { code: errorClass.code, status: sample.status };
}

const TOO_LARGE = expect(RequestBodyTooLarge);
const MEDIA_TYPE = expect(UnsupportedMediaType);
const BAD_JSON = expect(MalformedRequestBody);
const BAD_SCHEMA = expect(BackendAISchemaValidationFailed);
const UNAUTHORIZED = expect(AuthorizationFailed);
const MALFORMED_AUTH = expect(MalformedAuthorization);
const BAD_DATE = expect(RequestDateInvalid);

/** One generated hostile request and the refusal it must get. */
interface HttpCase {
  kind: string;
  request: Request;
  expected: readonly Expected[];
  /** The peer the request comes from. */
  peer?: string;
  /** Tokens and signatures that must not show up in answers or logs. */
  secrets: string[];
}

function base64url(text: string | Uint8Array): string {
  const bytes = typeof text === "string"
    ? new TextEncoder().encode(text)
    : text;
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  ).replace(/=+$/, "");
}

function echoRequest(
  body: BodyInit | null,
  headers: Record<string, string> = { "content-type": "application/json" },
): Request {
  return new Request("http://api.example/v9/echo", {
    method: "POST",
    body,
    headers,
  });
}

async function sign(
  service: FuzzService,
  request: Request,
  dateMs = service.now,
): Promise<Request> {
  return await signRequest(request, {
    ...service.keypair,
    apiVersion: API_VERSION,
    date: new Date(dateMs),
  });
}

function streamOf(
  bytes: Uint8Array,
  chunk: number,
): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** What a header value cannot carry through the Fetch API. */
// deno-lint-ignore no-control-regex
const HEADER_UNSAFE_REGEXP = /[\r\n\0]|[^\x00-\xff]/gu;

function withHeader(request: Request, name: string, value: string): Request {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  return new Request(request, { headers });
}

function authorizationOf(request: Request): string {
  return request.headers.get("authorization") ?? "";
}

/** Replaces one character of `text` after `from` by a different one. */
function flipOne(f: Fuzz, text: string, from = 0): string {
  const at = from + f.int(Math.max(1, text.length - from));
  const alphabet = "0123456789abcdefABCDEF-_";
  let replacement = text[at] ?? "0";
  while (replacement === text[at]) replacement = f.pick([...alphabet]);
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

async function bodyCase(f: Fuzz, service: FuzzService): Promise<HttpCase> {
  switch (f.int(6)) {
    case 0: {
      // Declared oversize: refused before anything reads it.
      const size = MAX_BODY_BYTES + 1 + f.int(10 * MAX_BODY_BYTES);
      const request = echoRequest("a".repeat(size), {
        "content-type": "application/json",
        "content-length": String(size),
      });
      return {
        kind: "oversize:declared",
        request: f.chance(0.5) ? await sign(service, request) : request,
        expected: [TOO_LARGE],
        secrets: [],
      };
    }
    case 1: {
      // Streamed oversize (no Content-Length): refused while reading.
      const size = MAX_BODY_BYTES + 1 + f.int(4 * MAX_BODY_BYTES);
      const body = new TextEncoder().encode(
        JSON.stringify({ name: "x".repeat(size), count: 1 }),
      );
      const request = await sign(
        service,
        echoRequest(streamOf(body, 1 + f.int(2048))),
      );
      return {
        kind: "oversize:streamed",
        request,
        expected: [TOO_LARGE],
        secrets: [],
      };
    }
    case 2: {
      const contentType = f.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "json",
        "",
        "application/xml",
        f.text(8).replace(HEADER_UNSAFE_REGEXP, "").trim(),
      ]);
      const headers: Record<string, string> = {};
      if (contentType !== "") headers["content-type"] = contentType;
      const request = await sign(
        service,
        echoRequest('{"name":"a","count":1}', headers),
      );
      return {
        kind: "content-type",
        request,
        expected: [MEDIA_TYPE],
        secrets: [],
      };
    }
    case 3: {
      const body: BodyInit = f.chance(0.3)
        ? f.invalidUtf8() as Uint8Array<ArrayBuffer>
        : f.brokenJson();
      const request = await sign(service, echoRequest(body));
      return {
        kind: "bad-json",
        request,
        expected: [BAD_JSON],
        secrets: [],
      };
    }
    case 4: {
      const body = f.pick([
        { name: 5, count: 1 },
        { name: "a" },
        { name: "a", count: 1.5 },
        { name: "a", count: "1" },
        [],
        "text",
        null,
        f.json(2) as object,
      ]);
      // A random JSON value may happen to match: only keep it if it does not.
      const valid = typeof body === "object" && body !== null &&
        typeof (body as { name?: unknown }).name === "string" &&
        Number.isInteger((body as { count?: unknown }).count);
      const text = valid ? "[]" : JSON.stringify(body) ?? "null";
      const request = await sign(service, echoRequest(text));
      return {
        kind: "bad-schema",
        request,
        expected: [BAD_SCHEMA],
        secrets: [],
      };
    }
    default: {
      // A huge JSON nesting: parsed or refused, never a crash.
      const depth = MAX_BODY_BYTES / 2 - 2;
      const request = await sign(
        service,
        echoRequest("[".repeat(depth) + "]".repeat(depth)),
      );
      return {
        kind: "deep-json",
        request,
        expected: [BAD_SCHEMA],
        secrets: [],
      };
    }
  }
}

async function hmacCase(f: Fuzz, service: FuzzService): Promise<HttpCase> {
  const valid = await sign(
    service,
    new Request("http://api.example/v9/ping"),
  );
  const header = authorizationOf(valid);
  const signature = header.slice(header.lastIndexOf(":") + 1);
  const secrets = [signature];
  switch (f.int(8)) {
    case 0:
      return {
        kind: "hmac:flipped-signature",
        request: withHeader(
          valid,
          "authorization",
          header.slice(0, header.lastIndexOf(":") + 1) + flipOne(f, signature),
        ),
        expected: [UNAUTHORIZED],
        secrets,
      };
    case 1:
      return {
        kind: "hmac:truncated-signature",
        request: withHeader(
          valid,
          "authorization",
          header.slice(0, header.length - 1 - f.int(signature.length)),
        ),
        expected: [UNAUTHORIZED],
        secrets,
      };
    case 2: {
      // Signed by a stranger's secret, claiming the known access key.
      const forged = await signRequest(
        new Request("http://api.example/v9/ping"),
        {
          accessKey: service.keypair.accessKey,
          secretKey: service.stranger.secretKey,
          apiVersion: API_VERSION,
          date: new Date(service.now),
        },
      );
      return {
        kind: "hmac:wrong-secret",
        request: forged,
        expected: [UNAUTHORIZED],
        secrets: [...secrets, authorizationOf(forged)],
      };
    }
    case 3: {
      const forged = await signRequest(
        new Request("http://api.example/v9/ping"),
        {
          ...service.stranger,
          apiVersion: API_VERSION,
          date: new Date(service.now),
        },
      );
      return {
        kind: "hmac:unknown-key",
        request: forged,
        expected: [UNAUTHORIZED],
        secrets,
      };
    }
    case 4: {
      // Replayed: the signature of GET /v9/ping on another request.
      const target = f.pick([
        new Request("http://api.example/v9/echo", {
          method: "POST",
          body: '{"name":"a","count":1}',
          headers: { "content-type": "application/json" },
        }),
        new Request("http://api.example/v9/ping?admin=1"),
        new Request("http://other.example/v9/ping"),
        new Request("http://api.example/v9/PING"),
      ]);
      const headers = new Headers(target.headers);
      for (
        const name of [
          "authorization",
          "date",
          "x-backendai-date",
          "x-backendai-version",
        ]
      ) {
        headers.set(name, valid.headers.get(name) ?? "");
      }
      return {
        kind: "hmac:replayed",
        request: new Request(target, { headers }),
        expected: [UNAUTHORIZED],
        secrets,
      };
    }
    case 5: {
      // Replayed with a fresh date (within the window): the date is signed.
      const shifted = new Date(service.now + 1000 + f.int(600_000))
        .toUTCString();
      const request = withHeader(
        withHeader(valid, "date", shifted),
        "x-backendai-date",
        shifted,
      );
      return {
        kind: "hmac:redated",
        request,
        expected: [UNAUTHORIZED, BAD_DATE],
        secrets,
      };
    }
    case 6: {
      // Clock skew: signed correctly, but too far from the server's clock.
      const skew = (15 * 60_000 + 1 + f.int(48 * 3600_000)) *
        (f.chance(0.5) ? 1 : -1);
      const request = await sign(
        service,
        new Request("http://api.example/v9/ping"),
        service.now + skew,
      );
      return {
        kind: "hmac:clock-skew",
        request,
        expected: [BAD_DATE],
        secrets: [authorizationOf(request)],
      };
    }
    default: {
      // Garbage in the Authorization header, or in the date.
      const garbage = f.pick([
        "BackendAI",
        "Bearer x",
        "BackendAI signMethod=HMAC-SHA256",
        "BackendAI credential=AK:sig",
        `BackendAI signMethod=HMAC-MD4, credential=${service.keypair.accessKey}:${signature}`,
        `BackendAI signMethod=HMAC-__proto__, credential=${service.keypair.accessKey}:${signature}`,
        `BackendAI signMethod=HMAC-SHA256 credential=${service.keypair.accessKey}`,
        "Sorna " + f.text(20).replace(HEADER_UNSAFE_REGEXP, ""),
        "BackendAI " + f.text(30).replace(HEADER_UNSAFE_REGEXP, ""),
      ]);
      if (f.chance(0.3)) {
        const date = f.pick([
          "",
          "yesterday",
          "0",
          "9999-99-99T99:99:99",
          f.text(12).replace(HEADER_UNSAFE_REGEXP, ""),
        ]);
        return {
          kind: "hmac:bad-date",
          request: withHeader(
            withHeader(valid, "date", date),
            "x-backendai-date",
            date,
          ),
          expected: [BAD_DATE, UNAUTHORIZED],
          secrets,
        };
      }
      return {
        kind: "hmac:malformed",
        request: withHeader(valid, "authorization", garbage),
        expected: [MALFORMED_AUTH, UNAUTHORIZED],
        secrets,
      };
    }
  }
}

async function jwtCase(f: Fuzz, service: FuzzService): Promise<HttpCase> {
  const signer = new JwtSigner({ now: () => service.now });
  const token = await signer.sign(
    { accessKey: service.keypair.accessKey, role: "user" },
    service.keypair.secretKey,
  );
  const [header, payload, signature] = token.split(".") as [
    string,
    string,
    string,
  ];
  const claims = JSON.parse(
    atob(payload.replace(/-/g, "+").replace(/_/g, "/")),
  );
  let forged: string;
  let kind: string;
  switch (f.int(8)) {
    case 0:
      kind = "jwt:alg-none";
      forged = `${
        base64url(
          JSON.stringify({ alg: f.pick(["none", "None", "NONE"]), typ: "JWT" }),
        )
      }.${payload}.${f.chance(0.5) ? "" : signature}`;
      break;
    case 1:
      kind = "jwt:other-alg";
      forged = `${
        base64url(
          JSON.stringify({
            alg: f.pick(["HS512", "RS256", "ES256", "HS384", "PS256"]),
            typ: "JWT",
          }),
        )
      }.${payload}.${signature}`;
      break;
    case 2:
      kind = "jwt:edited-claims";
      forged = `${header}.${
        base64url(
          JSON.stringify({
            ...claims,
            role: f.pick(["admin", "superadmin"]),
            exp: claims.exp + f.int(1e6),
          }),
        )
      }.${signature}`;
      break;
    case 3:
      kind = "jwt:flipped-signature";
      // Not the last character: its low bits are padding, so some flips
      // there decode to the same signature bytes (base64url malleability,
      // which jose accepts, as most libraries do; the bytes are unchanged).
      forged = `${header}.${payload}.${flipOne(f, signature.slice(0, -1))}${
        signature.slice(-1)
      }`;
      break;
    case 4:
      kind = "jwt:wrong-key";
      forged = await signer.sign(
        { accessKey: service.keypair.accessKey, role: "superadmin" },
        service.stranger.secretKey,
      );
      break;
    case 5: {
      kind = "jwt:expired";
      const old = new JwtSigner({
        now: () => service.now - 901_000 - f.int(1e9),
      });
      forged = await old.sign(
        { accessKey: service.keypair.accessKey, role: "user" },
        service.keypair.secretKey,
      );
      break;
    }
    case 6: {
      kind = "jwt:issued-in-future";
      const later = new JwtSigner({
        now: () => service.now + 60_000 + f.int(1e9),
      });
      forged = await later.sign(
        { accessKey: service.keypair.accessKey, role: "user" },
        service.keypair.secretKey,
      );
      break;
    }
    default:
      kind = "jwt:garbage";
      forged = f.pick([
        f.text(40).replace(HEADER_UNSAFE_REGEXP, ""),
        `${header}.${payload}`,
        `${header}..${signature}`,
        `${header}.${base64url("not json")}.${signature}`,
        `${header}.${base64url(f.invalidUtf8())}.${signature}`,
        `..`,
        `${header}.${payload}.${signature}.extra`,
      ]) || "x";
      break;
  }
  return {
    kind,
    request: new Request("http://api.example/v9/ping", {
      headers: { "x-backendai-token": forged },
    }),
    expected: [UNAUTHORIZED],
    secrets: [token, forged],
  };
}

/**
 * Sends one case and checks the refusal; returns an error text when the
 * answer is wrong (the caller fails with the seed).
 */
async function check(
  service: FuzzService,
  testCase: HttpCase,
): Promise<string | undefined> {
  const before = service.handled.count;
  let response: Response;
  try {
    response = await service.app(testCase.request, {
      remoteAddr: { hostname: testCase.peer ?? "198.51.100.7", port: 40000 },
    });
  } catch (err) {
    return `threw ${
      err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    }`;
  }
  const text = await response.text();
  if (service.handled.count !== before) {
    return `reached the handler (${response.status})`;
  }
  if (response.status >= 500) return `answered ${response.status}: ${text}`;
  if (response.status < 400) return `accepted (${response.status}): ${text}`;
  if (response.headers.get("content-type") !== "application/problem+json") {
    return `content type ${response.headers.get("content-type")}`;
  }
  let problem: { error_code?: string; type?: string; title?: string };
  try {
    problem = JSON.parse(text);
  } catch {
    return `not JSON: ${text}`;
  }
  const match = testCase.expected.find((expected) =>
    expected.status === response.status &&
    expected.code.toString() === problem.error_code
  );
  if (match === undefined) {
    return `answered ${response.status} ${problem.error_code}, expected ${
      testCase.expected.map((e) => `${e.status} ${e.code}`).join(" or ")
    }: ${text}`;
  }
  for (const secret of [service.keypair.secretKey, ...testCase.secrets]) {
    if (secret.length >= 8 && text.includes(secret)) {
      return `the answer shows a secret or token: ${text}`;
    }
  }
  return undefined;
}

Deno.test("fuzz: hostile requests get a problem+json 4xx with the right code, never a 5xx, never the handler", async () => {
  const cases = fuzzCases("http-middlewares") + fuzzCases("http-auth");
  const f = fuzz("http-middlewares");
  const service = fuzzService(NOW);
  const kinds = new Map<string, number>();
  const secrets = new Set<string>();
  let crashes = 0;
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const which = f.int(3);
    const testCase = which === 0
      ? await bodyCase(f, service)
      : which === 1
      ? await hmacCase(f, service)
      : await jwtCase(f, service);
    kinds.set(testCase.kind, (kinds.get(testCase.kind) ?? 0) + 1);
    for (const secret of testCase.secrets) secrets.add(secret);
    const problem = await check(service, testCase);
    if (problem !== undefined) {
      crashes++;
      f.fail(`${testCase.kind}: ${problem}`);
    }
  }
  // Hostile methods and paths do not grow the metrics' label sets.
  for (let i = 0; i < 200; i++) {
    f.caseIndex = cases + i;
    const method = f.chance(0.5)
      ? `${f.word().toUpperCase()}${i}`
      : f.pick(["GET", "POST", "PROPFIND", "M-SEARCH", "BREW"]);
    const response = await service.app(
      new Request(`http://api.example/${f.word()}/${f.word()}`, { method }),
      { remoteAddr: { hostname: "198.51.100.7", port: 1 } },
    );
    assert.ok(response.status >= 400 && response.status < 500, f.where(method));
    await response.body?.cancel();
  }
  const exposition = await service.metrics.toPrometheus();
  const series = exposition.split("\n").filter((line) =>
    line.startsWith("backendai_api_request_count_total{")
  );
  const labels = (name: string) =>
    new Set(
      series.map((line) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1]),
    );
  assert.ok(labels("method").size <= 10, [...labels("method")].join(" "));
  assert.ok(labels("endpoint").size <= 3, [...labels("endpoint")].join(" "));
  // Sanity: the same service accepts what is valid.
  const ok = await service.app(
    await sign(
      service,
      new Request("http://api.example/v9/echo", {
        method: "POST",
        body: '{"name":"a","count":1}',
        headers: { "content-type": "application/json" },
      }),
    ),
  );
  assert.equal(ok.status, 200, await ok.text());
  assert.equal(service.handled.count, 1);
  assert.ok(kinds.size >= 20, `only ${kinds.size} kinds: ${[...kinds.keys()]}`);
  // Nothing logged carries a secret key or a token.
  const logged = service.logger.text();
  for (
    const secret of [
      service.keypair.secretKey,
      service.stranger.secretKey,
      ...secrets,
    ]
  ) {
    if (secret.length >= 8) {
      assert.ok(
        !logged.includes(secret),
        `a secret or token was logged: ${secret}`,
      );
    }
  }
  await reportFaultFigures({
    kind: "fuzz",
    name: "http-middlewares",
    cases,
    crashes,
  });
});
