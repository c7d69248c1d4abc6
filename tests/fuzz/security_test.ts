// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Security checks, seeded where they draw input (see _gen.ts):
// - HMAC signatures are compared in constant time, by the function the
//   verifier's code path calls; JWT signatures are checked by WebCrypto;
// - credentials never reach the log, on success or failure;
// - CORS never reflects an origin it was not given;
// - X-Forwarded-For and X-Forwarded-URL from an untrusted peer are not
//   believed (the client IP stays the peer; a signature over a forwarded
//   URL does not verify);
// - a Redis url's password shows neither in its errors nor in a safe print,
//   a NATS url's not in a connection error.
// (Keys escaping their etcd prefix: etcd_keys_test.ts. Secrets in config
// errors and dumps: configs_test.ts. In HTTP answers: http_test.ts.)

import assert from "node:assert/strict";
import { JwtSigner, signRequest } from "../../auth/mod.ts";
import { BackendAIError } from "../../exception.ts";
import { connectNats } from "../../message_queue/nats/mod.ts";
import { quietLogger } from "../_logger.ts";
import {
  safePrintRedisConfig,
  valkeyOptions,
} from "../../clients/valkey/mod.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { fuzz, fuzzCases } from "./_gen.ts";
import {
  ALLOWED_ORIGIN,
  API_VERSION,
  fuzzService,
  TRUSTED_PROXY,
} from "./_http.ts";

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** The body of a top-level function in a source text, by brace matching. */
function functionBody(source: string, name: string): string {
  const start = source.indexOf(`function ${name}(`);
  assert.ok(start >= 0, `function ${name} not found`);
  const open = source.indexOf("{", source.indexOf(")", start));
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "{") depth++;
    else if (source[i] === "}" && --depth === 0) {
      return source.slice(open + 1, i);
    }
  }
  throw new Error(`function ${name} has no end`);
}

Deno.test("security: the HMAC verifier compares signatures with a constant-time function, and only with it", async () => {
  const source = await Deno.readTextFile(
    new URL("../../auth/hmac.ts", import.meta.url),
  );
  // The code path: verify() checks the signature with sameText().
  const verify = source.slice(
    source.indexOf("  async verify("),
    source.indexOf("  #checkDate("),
  );
  assert.match(verify, /if \(!sameText\(expected, auth\.signature\)\)/);
  // The signature is used nowhere else: no ===, startsWith, localeCompare.
  const uses = [...source.matchAll(/auth\.signature|\.signature\b/g)].length;
  const compared = [...source.matchAll(/sameText\([^)]*\.signature\)/g)].length;
  assert.equal(uses - compared, 0, "the signature is only passed to sameText");
  // The compare itself: every character, differences folded, no early exit.
  const body = functionBody(source, "sameText");
  assert.doesNotMatch(body, /\breturn\b[\s\S]*\breturn\b/, "one return");
  const beforeReturn = body.slice(0, body.lastIndexOf("return"));
  assert.doesNotMatch(beforeReturn, /\bbreak\b|\bcontinue\b|===|!==|\bif\b|\?/);
  assert.match(body, /for \(let i = 0; i < length; i\+\+\)/);
  assert.match(body, /difference \|= /);
  assert.match(body, /return difference === 0;\s*$/);

  // The JWT path leaves the signature to jose's jwtVerify (WebCrypto
  // verify with an HMAC key, constant time), pinned to HS256.
  const jwt = await Deno.readTextFile(
    new URL("../../auth/jwt.ts", import.meta.url),
  );
  assert.match(
    jwt,
    /jwtVerify\(token, await this\.#keys\.get\(secretKey\), \{\s*algorithms: \["HS256"\]/,
  );
  assert.doesNotMatch(jwt, /signature\s*[!=]==|[!=]==\s*signature/);
});

Deno.test("security: a signature that differs first, last or in length is refused alike", async () => {
  // Through the real verifier: no shortcut answers differently for a
  // signature that differs early, late, or in length (timing itself is not
  // measured: too noisy on shared machines; the source check above is the
  // constant-time guarantee).
  const service = fuzzService(NOW);
  const signed = await signRequest(new Request("http://api.example/v9/ping"), {
    ...service.keypair,
    apiVersion: API_VERSION,
    date: new Date(NOW),
  });
  const header = signed.headers.get("authorization") as string;
  const colon = header.lastIndexOf(":");
  const signature = header.slice(colon + 1);
  const variants = [
    (signature[0] === "0" ? "1" : "0") + signature.slice(1),
    signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0"),
    signature.slice(0, -1),
    signature + "0",
    "",
  ];
  for (const variant of variants) {
    const headers = new Headers(signed.headers);
    headers.set("authorization", header.slice(0, colon + 1) + variant);
    const response = await service.app(
      new Request(signed, { headers }),
      { remoteAddr: { hostname: "198.51.100.7", port: 1 } },
    );
    const problem = await response.json();
    assert.equal(response.status, 401, JSON.stringify(problem));
    assert.equal(problem.msg, "HMAC signature mismatch");
  }
  assert.equal(service.handled.count, 0);
});

Deno.test("security: credentials never reach the log or the answer, accepted or refused", async () => {
  const service = fuzzService(NOW);
  const signer = new JwtSigner({ now: () => NOW });
  const token = await signer.sign(
    { accessKey: service.keypair.accessKey, role: "user" },
    service.keypair.secretKey,
  );
  const strangerToken = await signer.sign(
    { accessKey: service.keypair.accessKey, role: "superadmin" },
    service.stranger.secretKey,
  );
  const signed = await signRequest(new Request("http://api.example/v9/ping"), {
    ...service.keypair,
    apiVersion: API_VERSION,
    date: new Date(NOW),
  });
  const authorization = signed.headers.get("authorization") as string;
  const signature = authorization.slice(authorization.lastIndexOf(":") + 1);
  const requests = [
    signed,
    new Request(signed, {
      headers: new Headers([...signed.headers, [
        "cookie",
        "AIOHTTP_SESSION=sess-9f8e7d6c5b4a",
      ]]),
    }),
    new Request("http://api.example/v9/ping", {
      headers: { "x-backendai-token": token },
    }),
    new Request("http://api.example/v9/ping", {
      headers: { "x-backendai-token": strangerToken },
    }),
    new Request(`http://api.example/v9/ping?token=${token}`),
  ];
  const answers: string[] = [];
  for (const request of requests) {
    const response = await service.app(request, {
      remoteAddr: { hostname: "198.51.100.7", port: 1 },
    });
    answers.push(await response.text());
  }
  const logged = service.logger.text();
  assert.ok(service.logger.lines.length >= requests.length, "access log lines");
  for (
    const secret of [
      service.keypair.secretKey,
      service.stranger.secretKey,
      signature,
      token,
      strangerToken,
      "sess-9f8e7d6c5b4a",
    ]
  ) {
    assert.ok(!logged.includes(secret), `logged: ${secret}\n${logged}`);
    for (const answer of answers) {
      assert.ok(!answer.includes(secret), answer);
    }
  }
});

Deno.test("security: CORS never reflects an origin it was not given", async () => {
  const cases = Math.max(50, Math.round(fuzzCases("security") / 2));
  const f = fuzz("security-cors");
  const service = fuzzService(NOW);
  const near = [
    `${ALLOWED_ORIGIN}.evil.example`,
    `${ALLOWED_ORIGIN}:443`,
    `${ALLOWED_ORIGIN}/`,
    ALLOWED_ORIGIN.toUpperCase(),
    ALLOWED_ORIGIN.replace("https", "http"),
    `https://evil.example/${ALLOWED_ORIGIN}`,
    `${ALLOWED_ORIGIN} `,
    `null`,
    `*`,
    `https://console.example.`,
    `https://xconsole.example`,
    `${ALLOWED_ORIGIN}, https://evil.example`,
  ];
  let allowedSeen = 0;
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const origin = f.chance(0.1)
      ? ALLOWED_ORIGIN
      : f.chance(0.6)
      ? f.pick(near)
      : `https://${f.word()}.example`;
    const preflight = f.chance(0.5);
    const request = new Request("http://api.example/v9/ping", {
      method: preflight ? "OPTIONS" : "GET",
      headers: preflight
        ? {
          origin,
          "access-control-request-method": f.pick(["GET", "POST", "DELETE"]),
        }
        : { origin },
    });
    const response = await service.app(request, {
      remoteAddr: { hostname: "198.51.100.7", port: 1 },
    });
    await response.body?.cancel();
    const reflected = response.headers.get("access-control-allow-origin");
    // What the server is given: Fetch trims a header value's outer spaces.
    if (request.headers.get("origin") === ALLOWED_ORIGIN) {
      allowedSeen++;
      assert.equal(reflected, ALLOWED_ORIGIN, f.where(origin));
    } else {
      assert.equal(
        reflected,
        null,
        f.where(`reflected ${JSON.stringify(origin)}`),
      );
      assert.equal(
        response.headers.get("access-control-allow-credentials"),
        null,
      );
      if (preflight) assert.equal(response.status, 403, f.where(origin));
    }
  }
  assert.ok(allowedSeen > 0, "the allowed origin was tried too");
  await reportFaultFigures({
    kind: "fuzz",
    name: "security-cors",
    cases,
    crashes: 0,
  });
});

Deno.test("security: X-Forwarded-For and X-Forwarded-URL from an untrusted peer are not believed", async () => {
  const cases = Math.max(50, Math.round(fuzzCases("security") / 2));
  const f = fuzz("security-forwarded");
  const service = fuzzService(NOW);
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const peer = f.pick([
      `198.51.100.${1 + f.int(254)}`,
      `203.0.113.${1 + f.int(254)}`,
      "10.0.0.2",
      "127.0.0.1",
      "::1",
      `2001:db8::${f.int(65535).toString(16)}`,
    ]);
    const spoofed = Array.from(
      { length: 1 + f.int(4) },
      () =>
        f.pick([
          TRUSTED_PROXY,
          "1.2.3.4",
          "127.0.0.1",
          `10.0.0.${f.int(256)}`,
          "unknown",
          "::1",
        ]),
    ).join(", ");
    // A valid signature, made for a URL the attacker claims was forwarded.
    const forwardedUrl = `http://api.example/v9/${
      f.pick(["admin", "ping", "echo"])
    }`;
    const signed = await signRequest(new Request(forwardedUrl), {
      ...service.keypair,
      apiVersion: API_VERSION,
      date: new Date(NOW),
    });
    const target = f.chance(0.5)
      ? "http://api.example/v9/ping"
      : "http://other.example/v9/ping";
    const sendsForwardedUrl = forwardedUrl !== "http://api.example/v9/ping" ||
      target !== "http://api.example/v9/ping";
    const headers = new Headers(signed.headers);
    headers.set("x-forwarded-for", spoofed);
    headers.set("x-forwarded-url", forwardedUrl);
    headers.delete("host");
    const before = service.handled.count;
    const response = await service.app(new Request(target, { headers }), {
      remoteAddr: { hostname: peer, port: 1 },
    });
    const text = await response.text();
    if (sendsForwardedUrl) {
      // Only the forwarded URL was signed: believing it would let it in.
      assert.equal(
        response.status,
        401,
        f.where(`${peer} ${forwardedUrl}: ${text}`),
      );
      assert.equal(
        service.handled.count,
        before,
        f.where("reached the handler"),
      );
    } else {
      // Signed for the real URL: accepted, and the client IP is the peer.
      assert.equal(response.status, 200, f.where(text));
      assert.equal(
        service.handled.clientIps.at(-1),
        peer,
        f.where(`X-Forwarded-For ${spoofed} believed from ${peer}`),
      );
    }
  }
  // Sanity: the trusted proxy's X-Forwarded-URL and X-Forwarded-For are used.
  const signed = await signRequest(
    new Request("http://front.example/v9/ping"),
    {
      ...service.keypair,
      apiVersion: API_VERSION,
      date: new Date(NOW),
    },
  );
  const headers = new Headers(signed.headers);
  headers.set("x-forwarded-url", "http://front.example/v9/ping");
  headers.set("x-forwarded-for", "203.0.113.50");
  const response = await service.app(
    new Request("http://api.internal/v9/ping", { headers }),
    { remoteAddr: { hostname: TRUSTED_PROXY, port: 1 } },
  );
  assert.equal(response.status, 200, await response.text());
  assert.equal(service.handled.clientIps.at(-1), "203.0.113.50");
  await reportFaultFigures({
    kind: "fuzz",
    name: "security-forwarded",
    cases,
    crashes: 0,
  });
});

Deno.test("security: a Redis url's password never shows in an error or a safe print", () => {
  const cases = Math.max(200, fuzzCases("security"));
  const f = fuzz("security-redis-url");
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const password = `Pw${f.word()}${
      f.pick(["", "/x", ":y", "@z", "%", "%zz", "%e0%a4", "#", "?", " "])
    }${i}`;
    const user = f.pick(["", "user", "u@x"]);
    const host = f.pick([
      "host",
      "127.0.0.1",
      "[::1]",
      "[::1",
      "ho st",
      "h:99999",
      "",
    ]);
    const url = `${
      f.pick(["redis", "rediss", "http", "redis:"])
    }://${user}:${password}@${host}/${f.pick(["0", "", "x", "1/2"])}`;
    let shown = "";
    try {
      valkeyOptions({ url });
    } catch (error) {
      assert.ok(
        error instanceof BackendAIError,
        f.where(`${url}: untyped ${String(error)}`),
      );
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        shown += `${e.message}\n${String(e)}\n${
          JSON.stringify((e as { data?: unknown }).data)
        }\n`;
      }
    }
    shown += safePrintRedisConfig({ url });
    assert.ok(!shown.includes(password), f.where(`${url}: ${shown}`));
  }
});

Deno.test("security: a NATS url's credentials never show in a connection error", async () => {
  const f = fuzz("security-nats-url");
  for (let i = 0; i < 40; i++) {
    f.caseIndex = i;
    const password = `Pw${f.word()}${
      f.pick(["", "/x", ":y", "@z", "%", "#", " "])
    }${i}`;
    const host = f.pick([
      "127.0.0.1:1",
      "[::1",
      "[::1]:1",
      "h:99999",
      "127.0.0.1:2",
    ]);
    const url = `${f.pick(["nats", "tls", "ws"])}://${
      f.pick(["u", ""])
    }:${password}@${host}`;
    const servers = f.chance(0.5) ? url : ["127.0.0.1:1", url];
    const error = await connectNats({ servers }, {
      logger: quietLogger,
      connectTimeoutMs: 2_000,
    }).then(async (nc) => {
      await nc.close();
      return undefined;
    }, (e) => e);
    assert.ok(
      error instanceof BackendAIError,
      f.where(`${url}: ${String(error)}`),
    );
    let shown = "";
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      shown += `${e.message}\n${
        JSON.stringify((e as { data?: unknown }).data)
      }\n`;
    }
    assert.ok(!shown.includes(password), f.where(`${url}: ${shown}`));
  }
});
