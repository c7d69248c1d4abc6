// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Signatures and tokens against a Python side written from upstream's
 * algorithms (see `_python.ts`): random requests signed by Python verify
 * here, ours verify there, JWTs are byte-equal both ways and are refused
 * alike, and `ssh-keygen` reads our SSH keys.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createHmac } from "node:crypto";
import {
  generateSshKeypair,
  type HashType,
  HmacVerifier,
  JwtSigner,
  JwtValidator,
  SignatureMismatch,
  signRequest,
} from "../../../auth/mod.ts";
import { jwtExceptions } from "../../../exception.ts";
import { python } from "./_python.ts";

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(
  Deno.env.get("AUTH_INTEROP_SEED") ?? Date.now() % 1_000_000,
);
const rand = random(SEED);
const pick = <T>(items: readonly T[]): T =>
  items[Math.floor(rand() * items.length)] as T;
const text = (alphabet: string, min: number, max: number) =>
  Array.from(
    { length: min + Math.floor(rand() * (max - min + 1)) },
    () => pick([...alphabet]),
  ).join("");

const HASHES = ([
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
  "sha3_224",
  "sha3_256",
  "sha3_384",
  "sha3_512",
  "blake2b",
  "blake2s",
] as const).filter((hash) => {
  const node = hash.replace("sha3_", "sha3-").replace("blake2b", "blake2b512")
    .replace("blake2s", "blake2s256");
  try {
    createHash(node);
    createHmac(node, "k"); // Bun 1.4 hashes BLAKE2 but refuses its HMAC
    return true;
  } catch {
    return false;
  }
}) as HashType[];

const UNRESERVED = "abcdefghijklmnopqrstuvwxyz0123456789-._~";

function randomRequest() {
  // No "." or ".." segment: URL parsers (yarl on the client, the runtime's
  // on the server) resolve them before anyone signs or checks.
  const segments = Array.from(
    { length: 1 + Math.floor(rand() * 4) },
    () => text(UNRESERVED, 1, 10).replace(/^\.+$/, "dots"),
  );
  const query = rand() < 0.6
    ? "?" +
      Array.from(
        { length: 1 + Math.floor(rand() * 3) },
        () =>
          `${text(UNRESERVED, 1, 6)}=${
            encodeURIComponent(text("ab c/é한=&+%", 0, 8))
          }`,
      ).join("&")
    : "";
  const port = pick(["", ":8081", ":443", ":9090"]);
  return {
    method: pick(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    relUrl: `/${segments.join("/")}${query}`,
    host: `${text("abcdefghij", 3, 8)}.example${port}`,
    version: pick(["v4.20181215", "v6.20220615", "v8.20240315", "v9.20250722"]),
    hashType: pick(HASHES),
    accessKey: `AKIA${text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)}`,
    secretKey: text(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_é한",
      20,
      40,
    ),
    date: new Date(Date.now() + Math.floor((rand() - 0.5) * 20 * 60_000)),
  };
}

Deno.test(`auth interop: requests signed by upstream's client algorithm (Python) verify here (seed ${SEED})`, async () => {
  const cases = Array.from({ length: 150 }, () => ({
    ...randomRequest(),
    contentType: pick([
      "application/json",
      "text/plain",
      "application/octet-stream",
    ]),
  }));
  const signed = await python(cases.map((c) => ({
    op: "client_sign",
    method: c.method,
    rel_url: c.relUrl,
    // Python's isoformat() with microseconds, as upstream's client sends it.
    date: c.date.toISOString().replace(
      "Z",
      `${String(Math.floor(rand() * 1000)).padStart(3, "0")}+00:00`,
    ),
    host: c.host,
    content_type: c.contentType,
    version: c.version,
    access_key: c.accessKey,
    secret_key: c.secretKey,
    hash_type: c.hashType,
  }))) as Record<string, string>[];
  for (const [i, c] of cases.entries()) {
    const headers: Record<string, string> = { ...signed[i], Host: c.host };
    const verifier = new HmacVerifier({
      lookup: (key) =>
        key === c.accessKey ? { secretKey: c.secretKey } : undefined,
    });
    const request = new Request(`http://${c.host}${c.relUrl}`, {
      method: c.method,
      headers,
    });
    const verified = await verifier.verify(request).catch((error) => {
      throw new Error(
        `case ${i} (seed ${SEED}): ${error}\n${JSON.stringify({ c, headers })}`,
      );
    });
    assert.equal(verified.hashType, c.hashType);
    const tamperedHeaders = { ...headers };
    tamperedHeaders.Authorization = tamperedHeaders.Authorization!.replace(
      /.$/,
      (x: string) => x === "0" ? "1" : "0",
    );
    await assert.rejects(
      verifier.verify(
        new Request(request.url, {
          method: c.method,
          headers: tamperedHeaders,
        }),
      ),
      SignatureMismatch,
    );
  }
});

Deno.test(`auth interop: requests we sign pass upstream's server check (Python) (seed ${SEED})`, async () => {
  const cases = Array.from({ length: 150 }, () => ({
    ...randomRequest(),
    contentType: pick([
      "application/json",
      "application/json; charset=utf-8",
      "Text/Plain",
      undefined,
    ]),
  }));
  const requests: Record<string, unknown>[] = [];
  for (const c of cases) {
    const init: RequestInit = { method: c.method };
    if (c.contentType !== undefined) {
      init.headers = { "content-type": c.contentType };
    }
    const request = await signRequest(
      new Request(`http://${c.host}${c.relUrl}`, init),
      {
        accessKey: c.accessKey,
        secretKey: c.secretKey,
        apiVersion: c.version,
        hashType: c.hashType,
        date: c.date,
      },
    );
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    requests.push({
      op: "server_check",
      method: request.method,
      raw_path: url.pathname + url.search,
      host: url.host,
      headers,
      secret_key: c.secretKey,
    });
    // The same request with another path must not pass.
    requests.push({
      op: "server_check",
      method: request.method,
      raw_path: url.pathname + "x" + url.search,
      host: url.host,
      headers,
      secret_key: c.secretKey,
    });
  }
  const results = await python(requests);
  for (let i = 0; i < results.length; i += 2) {
    assert.equal(
      results[i],
      true,
      `case ${i / 2} (seed ${SEED}): ${JSON.stringify(requests[i])}`,
    );
    assert.equal(
      results[i + 1],
      false,
      `tampered case ${i / 2} (seed ${SEED})`,
    );
  }
});

Deno.test("auth interop: upstream's documented example gives, in Python, the signature the unit test pins", async () => {
  assert.deepEqual(await python([{ op: "docs_vector" }]), [
    "ca177162e332893e70743f6612ffe2cfad8b1a036bcfddf4a83f4897459be757",
  ]);
});

Deno.test(`auth interop: JWTs are byte-equal with PyJWT's and verify both ways (seed ${SEED})`, async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases = Array.from({ length: 40 }, () => ({
    accessKey: `AKIA${text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)}`,
    role: pick(["admin", "user", "superadmin"] as const),
    secretKey: text("abcdefghijklmnopqrstuvwxyz0123456789é한", 10, 40),
    lifetime: pick([60, 900, 86400]),
    iat: now - Math.floor(rand() * 50),
  }));
  const theirs = await python(cases.map((c) => ({
    op: "jwt_encode",
    access_key: c.accessKey,
    role: c.role,
    secret_key: c.secretKey,
    lifetime: c.lifetime,
    iat: c.iat,
  }))) as string[];
  const ours: string[] = [];
  for (const [i, c] of cases.entries()) {
    const signer = new JwtSigner({
      now: () => c.iat * 1000,
      expirationSeconds: c.lifetime,
    });
    const token = await signer.sign(
      { accessKey: c.accessKey, role: c.role },
      c.secretKey,
    );
    assert.equal(token, theirs[i], `case ${i} (seed ${SEED})`);
    ours.push(token);
    const claims = await new JwtValidator().validate(theirs[i]!, c.secretKey);
    assert.deepEqual(claims, {
      exp: c.iat + c.lifetime,
      iat: c.iat,
      access_key: c.accessKey,
      role: c.role,
    });
  }
  const decoded = await python(cases.map((c, i) => ({
    op: "jwt_decode",
    token: ours[i],
    secret_key: c.secretKey,
  }))) as { ok?: Record<string, unknown> }[];
  for (const [i, c] of cases.entries()) {
    assert.equal(decoded[i]?.ok?.access_key, c.accessKey, `case ${i}`);
  }
});

Deno.test("auth interop: PyJWT and we refuse the same bad tokens (a future iat is mapped here, upstream lets it through)", async () => {
  const now = Math.floor(Date.now() / 1000);
  const secret = "shared secret";
  const good = (changes: Record<string, unknown>) =>
    python([{
      op: "jwt_encode",
      access_key: "AK",
      role: "user",
      secret_key: secret,
      lifetime: 900,
      iat: now,
      ...changes,
    }]);
  const [expired] = await python([{
    op: "jwt_encode",
    access_key: "AK",
    role: "user",
    secret_key: secret,
    lifetime: 10,
    iat: now - 100,
  }]) as string[];
  const [future] = await python([{
    op: "jwt_encode",
    access_key: "AK",
    role: "user",
    secret_key: secret,
    lifetime: 900,
    iat: now + 600,
  }]) as string[];
  const [valid] = await good({}) as string[];
  const [head, body, signature] = valid!.split(".");
  const none = `${
    btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, "")
  }.${body}.`;
  const tampered = `${head}.${body}.${signature!.slice(0, -2)}AA`;
  const cases: [string, string, string, new (...args: never[]) => Error][] = [
    [
      "expired",
      expired!,
      "ExpiredSignatureError",
      jwtExceptions.JWTExpiredError,
    ],
    [
      "future iat",
      future!,
      "ImmatureSignatureError",
      jwtExceptions.JWTInvalidClaimsError,
    ],
    [
      "alg none",
      none,
      "InvalidAlgorithmError",
      jwtExceptions.JWTInvalidSignatureError,
    ],
    [
      "tampered",
      tampered,
      "InvalidSignatureError",
      jwtExceptions.JWTInvalidSignatureError,
    ],
  ];
  const results = await python(
    cases.map(([, token]) => ({ op: "jwt_decode", token, secret_key: secret })),
  ) as {
    error?: string;
  }[];
  for (const [i, [name, token, pyjwtError, ours]] of cases.entries()) {
    assert.equal(results[i]?.error, pyjwtError, name);
    await assert.rejects(
      new JwtValidator().validate(token, secret),
      ours,
      name,
    );
  }
});

Deno.test("auth interop: ssh-keygen derives our public key from our private key", async () => {
  const { publicKey, privateKey } = await generateSshKeypair();
  const dir = await mkdtemp(join(tmpdir(), "bai-ssh-"));
  try {
    const file = join(dir, "id_rsa");
    await writeFile(file, privateKey, { mode: 0o600 });
    const derived = await new Promise<string>((resolve, reject) => {
      execFile("ssh-keygen", ["-y", "-f", file], (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`ssh-keygen failed (openssh-client): ${stderr || error}`),
          );
        } else resolve(stdout);
      });
    });
    assert.equal(derived.trim(), publicKey.trim());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
