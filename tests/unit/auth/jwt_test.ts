// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { JWT_HEADER, JwtSigner, JwtValidator } from "../../../auth/mod.ts";
import { InvalidAPIParameters, jwtExceptions } from "../../../exception.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NOW = Date.parse("2026-11-28T12:00:00Z");
const NOW_S = NOW / 1000;

function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString("base64url");
}

/** A token made by hand: any header, any payload, HS-signed or not. */
function token(
  header: unknown,
  payload: unknown,
  options: { secret?: string; hash?: string; signature?: string } = {},
): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(
    typeof payload === "string" ? payload : JSON.stringify(payload),
  );
  const signature = options.signature ??
    createHmac(options.hash ?? "sha256", options.secret ?? SECRET)
      .update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

const HS256 = { alg: "HS256", typ: "JWT" };
const claims = (changes: Record<string, unknown> = {}) => ({
  exp: NOW_S + 900,
  iat: NOW_S,
  access_key: "AKIAIOSFODNN7EXAMPLE",
  role: "user",
  ...changes,
});

const validator = new JwtValidator({ now: () => NOW });

Deno.test("JwtSigner: HS256 with upstream's header, claims and order, 900 s by default", async () => {
  const signed = await new JwtSigner({ now: () => NOW + 999 }).sign(
    { accessKey: "AKIAIOSFODNN7EXAMPLE", role: "admin" },
    SECRET,
  );
  const [head, body, signature] = signed.split(".");
  assert.equal(
    Buffer.from(head!, "base64url").toString(),
    '{"alg":"HS256","typ":"JWT"}',
  );
  assert.equal(
    Buffer.from(body!, "base64url").toString(),
    `{"exp":${
      NOW_S + 900
    },"iat":${NOW_S},"access_key":"AKIAIOSFODNN7EXAMPLE","role":"admin"}`,
  );
  assert.equal(
    signature,
    createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url"),
  );
  assert.equal(
    signed,
    token(HS256, claims({ role: "admin" })),
    "a hand-made token is the same",
  );
  const short = await new JwtSigner({ now: () => NOW, expirationSeconds: 60 })
    .sign({ accessKey: "A", role: "user" }, SECRET);
  const parsed = await validator.validate(short, SECRET);
  assert.equal(parsed.exp - parsed.iat, 60);
  assert.throws(
    () => new JwtSigner({ expirationSeconds: 0 }),
    InvalidAPIParameters,
  );
  assert.equal(JWT_HEADER, "X-BackendAI-Token");
});

Deno.test("JwtValidator: a valid token gives exactly upstream's claims; extra claims are tolerated", async () => {
  assert.deepEqual(
    await validator.validate(token(HS256, claims()), SECRET),
    claims(),
  );
  const extra = token(HS256, claims({ sub: "someone", role: "superadmin" }));
  assert.equal((await validator.validate(extra, SECRET)).role, "superadmin");
  assert.equal(JwtValidator.peekAccessKey(extra), "AKIAIOSFODNN7EXAMPLE");
});

Deno.test("JwtValidator: the rejection matrix, one documented error each", async () => {
  const {
    JWTDecodeError,
    JWTExpiredError,
    JWTInvalidClaimsError,
    JWTInvalidSignatureError,
  } = jwtExceptions;
  const valid = token(HS256, claims());
  const [head, body] = valid.split(".");
  const cases: [string, string, new (...args: never[]) => Error][] = [
    ["two parts", `${head}.${body}`, JWTDecodeError],
    ["garbage", "not-a-token", JWTDecodeError],
    ["bad base64 header", `%%%.${body}.abc`, JWTDecodeError],
    ["payload not JSON", token(HS256, "not json"), JWTDecodeError],
    ["payload an array", token(HS256, "[1,2]"), JWTDecodeError],
    [
      "another key",
      token(HS256, claims(), { secret: "other" }),
      JWTInvalidSignatureError,
    ],
    [
      "tampered payload",
      `${head}.${b64url(JSON.stringify(claims({ role: "superadmin" })))}.${
        valid.split(".")[2]
      }`,
      JWTInvalidSignatureError,
    ],
    [
      "alg none",
      token({ alg: "none", typ: "JWT" }, claims(), { signature: "" }),
      JWTInvalidSignatureError,
    ],
    [
      "alg HS512",
      token({ alg: "HS512", typ: "JWT" }, claims(), { hash: "sha512" }),
      JWTInvalidSignatureError,
    ],
    [
      "alg RS256",
      token({ alg: "RS256", typ: "JWT" }, claims()),
      JWTInvalidSignatureError,
    ],
    ["expired now", token(HS256, claims({ exp: NOW_S })), JWTExpiredError],
    [
      "expired long ago",
      token(HS256, claims({ exp: NOW_S - 3600, iat: NOW_S - 4500 })),
      JWTExpiredError,
    ],
    [
      "issued in the future",
      token(HS256, claims({ iat: NOW_S + 60 })),
      JWTInvalidClaimsError,
    ],
    ["no exp", token(HS256, claims({ exp: undefined })), JWTInvalidClaimsError],
    ["no iat", token(HS256, claims({ iat: undefined })), JWTInvalidClaimsError],
    [
      "no access_key",
      token(HS256, claims({ access_key: undefined })),
      JWTInvalidClaimsError,
    ],
    [
      "no role",
      token(HS256, claims({ role: undefined })),
      JWTInvalidClaimsError,
    ],
    [
      "exp a string",
      token(HS256, claims({ exp: String(NOW_S + 900) })),
      JWTInvalidClaimsError,
    ],
    [
      "iat a string",
      token(HS256, claims({ iat: "now" })),
      JWTInvalidClaimsError,
    ],
    [
      "access_key a number",
      token(HS256, claims({ access_key: 7 })),
      JWTInvalidClaimsError,
    ],
    [
      "role a list",
      token(HS256, claims({ role: ["admin"] })),
      JWTInvalidClaimsError,
    ],
    [
      "role monitor",
      token(HS256, claims({ role: "monitor" })),
      JWTInvalidClaimsError,
    ],
  ];
  for (const [name, candidate, kind] of cases) {
    await assert.rejects(validator.validate(candidate, SECRET), (error) => {
      assert.ok(error instanceof kind, `${name}: got ${error}`);
      assert.ok(error instanceof jwtExceptions.JWTError, name);
      assert.equal((error as jwtExceptions.JWTError).status, 401, name);
      return true;
    });
  }
});

Deno.test("JwtValidator.peekAccessKey reads the claim before verifying, and refuses what has none", () => {
  assert.equal(
    JwtValidator.peekAccessKey(token(HS256, claims(), { secret: "unknown" })),
    "AKIAIOSFODNN7EXAMPLE",
  );
  assert.throws(
    () => JwtValidator.peekAccessKey("x.y"),
    jwtExceptions.JWTDecodeError,
  );
  assert.throws(
    () => JwtValidator.peekAccessKey(token(HS256, claims({ access_key: 1 }))),
    jwtExceptions.JWTInvalidClaimsError,
  );
});
