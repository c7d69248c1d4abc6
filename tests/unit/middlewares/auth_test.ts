// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { generateKeypair, JwtSigner, signRequest } from "../../../auth/mod.ts";
import { currentUser, triggeredUser } from "../../../contexts/mod.ts";
import { UserData } from "../../../data/mod.ts";
import { authMiddleware, errorMiddleware } from "../../../middlewares/mod.ts";
import { compose, jsonResponse } from "../../../web/mod.ts";
import { recordingLogger } from "./_helpers.ts";

const keypair = generateKeypair();
const user = new UserData({
  userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
  isAuthorized: true,
  isAdmin: false,
  isSuperadmin: false,
  role: "user",
  domainName: "default",
  domainId: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
});
const lookup = (accessKey: string) =>
  accessKey === keypair.accessKey
    ? { secretKey: keypair.secretKey, user }
    : undefined;

function app(
  options: {
    required?: (request: Request, path: string) => boolean;
    jwt?: boolean;
  } = {},
) {
  return compose([
    errorMiddleware({ logger: recordingLogger() }),
    authMiddleware({ lookup, ...options }),
  ], (_request, context) =>
    jsonResponse({
      caller: context.caller === undefined ? null : {
        accessKey: context.caller.accessKey,
        method: context.caller.method,
      },
      user: currentUser()?.userId ?? null,
      triggered: triggeredUser()?.userId ?? null,
    }));
}

const sign = (request: Request) =>
  signRequest(request, { ...keypair, apiVersion: "v9.20250722" });

Deno.test("authMiddleware: an HMAC-signed request runs as the keypair's user", async () => {
  const response = await app()(await sign(new Request("http://x/v9/folders")));
  assert.deepEqual(await response.json(), {
    caller: { accessKey: keypair.accessKey, method: "hmac" },
    user: user.userId,
    triggered: user.userId,
  });
});

Deno.test("authMiddleware: a JWT in X-BackendAI-Token wins over a signature", async () => {
  const token = await new JwtSigner().sign({
    accessKey: keypair.accessKey,
    role: "user",
  }, keypair.secretKey);
  const request = new Request("http://x/graphql", {
    headers: { "X-BackendAI-Token": token, authorization: "BackendAI garbage" },
  });
  const response = await app()(request);
  assert.equal(response.status, 200);
  assert.deepEqual((await response.json()).caller, {
    accessKey: keypair.accessKey,
    method: "jwt",
  });
});

Deno.test("authMiddleware: a bad JWT is AuthorizationFailed as upstream's manager answers, with the cause kept", async () => {
  const forged = await new JwtSigner().sign({
    accessKey: keypair.accessKey,
    role: "user",
  }, "not the secret");
  const response = await app()(
    new Request("http://x/", { headers: { "X-BackendAI-Token": forged } }),
  );
  assert.equal(response.status, 401);
  const body = await response.json();
  assert.equal(body.type, "https://api.backend.ai/probs/auth-failed");
  assert.equal(body.error_code, "user_auth_unauthorized");
  assert.match(
    body.msg,
    /^JWT validation failed: JWT signature verification failed/,
  );
  assert.equal(body.data.reason, "JWTInvalidSignatureError");
  const unknown = await new JwtSigner().sign({
    accessKey: "AKIAUNKNOWN",
    role: "user",
  }, "x");
  const missing = await app()(
    new Request("http://x/", { headers: { "X-BackendAI-Token": unknown } }),
  );
  assert.equal(missing.status, 401);
  assert.equal((await missing.json()).msg, "Access key not found");
  const garbage = await app()(
    new Request("http://x/", { headers: { "X-BackendAI-Token": "garbage" } }),
  );
  assert.equal(garbage.status, 401);
  await garbage.body?.cancel();
});

Deno.test("authMiddleware: no credentials is 401 where they are required, and passes where not", async () => {
  const required = await app()(new Request("http://x/v9/folders"));
  assert.equal(required.status, 401);
  assert.equal((await required.json()).msg, "Unauthorized access");
  const open = app({
    required: (_request, path) => !path.startsWith("/health"),
  });
  const health = await open(new Request("http://x/health"));
  assert.deepEqual(await health.json(), {
    caller: null,
    user: null,
    triggered: null,
  });
  assert.equal((await open(new Request("http://x/v9/folders"))).status, 401);
});

Deno.test("authMiddleware: each HMAC failure keeps its own status; with JWTs off the token is ignored", async () => {
  const stale = await signRequest(new Request("http://x/v9/folders"), {
    ...keypair,
    apiVersion: "v9.20250722",
    date: new Date(Date.now() - 3_600_000),
  });
  const skew = await app()(stale);
  assert.equal(skew.status, 400);
  assert.equal(
    (await skew.json()).type,
    "https://api.backend.ai/probs/invalid-auth-params",
  );
  const otherKey = await signRequest(new Request("http://x/v9/folders"), {
    ...generateKeypair(),
    apiVersion: "v9.20250722",
  });
  assert.equal((await app()(otherKey)).status, 401);
  const token = await new JwtSigner().sign({
    accessKey: keypair.accessKey,
    role: "user",
  }, keypair.secretKey);
  const noJwt = await app({ jwt: false })(
    new Request("http://x/", { headers: { "X-BackendAI-Token": token } }),
  );
  assert.equal(noJwt.status, 401, "the token alone does not authenticate");
  await noJwt.body?.cancel();
});
