// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  AccessKey,
  AgentId,
  AGENTID_MANAGER,
  AGENTID_STORAGE,
  ArchName,
  ClusterRole,
  ContainerId,
  DeviceId,
  DeviceName,
  generateAccessKey,
  generateKernelId,
  generateRuleId,
  generateSecretKey,
  generateSessionId,
  generateVolumeId,
  ImageAlias,
  ImageCanonical,
  InvalidIdentifierError,
  KernelId,
  MetricKey,
  parseUuid,
  ResourceGroupId,
  RuleId,
  RuntimeVariant,
  SecretKey,
  SessionId,
  SSHPrivateKey,
  SSHPublicKey,
  Subdomain,
  VolumeId,
} from "../../../types.ts";
import { BackendAIError } from "../../../exception.ts";

const CANONICAL = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

Deno.test("SessionId() accepts canonical UUIDs in any case and normalises to lower case", () => {
  assert.equal(SessionId(CANONICAL), CANONICAL);
  assert.equal(SessionId(CANONICAL.toUpperCase()), CANONICAL);
  assert.equal(SessionId("3F2504e0-4F89-41d3-9A0C-0305e82c3301"), CANONICAL);
});

Deno.test("SessionId() accepts the 32-hex form and inserts dashes", () => {
  assert.equal(SessionId("3f2504e04f8941d39a0c0305e82c3301"), CANONICAL);
  assert.equal(SessionId("3F2504E04F8941D39A0C0305E82C3301"), CANONICAL);
});

Deno.test("UUID ids reject malformed input with InvalidIdentifierError naming kind and value", () => {
  const bad = [
    "",
    "3f2504e0-4f89-41d3-9a0c-0305e82c330", // one short
    "3f2504e0-4f89-41d3-9a0c-0305e82c33011", // one long
    "3f2504e04f89-41d3-9a0c-0305e82c3301", // mixed dashes
    "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}",
    "urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "g f2504e0-4f89-41d3-9a0c-0305e82c3301",
    " 3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "3f2504e04f8941d39a0c0305e82c330g",
  ];
  for (
    const [ctor, kind] of [
      [SessionId, "SessionId"],
      [KernelId, "KernelId"],
      [VolumeId, "VolumeId"],
      [RuleId, "RuleId"],
    ] as const
  ) {
    for (const value of bad) {
      assert.throws(() => ctor(value), (err: unknown) => {
        assert.ok(err instanceof InvalidIdentifierError);
        assert.ok(err instanceof BackendAIError);
        assert.equal(err.status, 400);
        assert.equal(
          err.errorCode().toString(),
          "api_parsing_invalid-parameters",
        );
        assert.deepEqual(err.data, { kind, value });
        assert.ok(err.message.includes(kind));
        return true;
      }, `${kind}(${JSON.stringify(value)})`);
    }
  }
});

Deno.test("UUID ids reject non-string input at runtime", () => {
  assert.throws(
    () => KernelId(42 as unknown as string),
    InvalidIdentifierError,
  );
  assert.throws(
    () => SessionId(undefined as unknown as string),
    InvalidIdentifierError,
  );
});

Deno.test("KernelId(), VolumeId() and RuleId() normalise like SessionId()", () => {
  assert.equal(KernelId(CANONICAL.toUpperCase()), CANONICAL);
  assert.equal(VolumeId(CANONICAL.replaceAll("-", "")), CANONICAL);
  assert.equal(RuleId(CANONICAL), CANONICAL);
});

Deno.test("parseUuid() uses the given kind in errors and defaults to UUID", () => {
  assert.throws(() => parseUuid("x"), (err: unknown) => {
    assert.ok(err instanceof InvalidIdentifierError);
    assert.equal(err.data?.kind, "UUID");
    return true;
  });
  assert.throws(() => parseUuid("x", "Thing"), (err: unknown) => {
    assert.ok(err instanceof InvalidIdentifierError);
    assert.equal(err.data?.kind, "Thing");
    return true;
  });
});

Deno.test("generate*Id() return fresh canonical lower-case UUIDs that pass validation", () => {
  for (
    const gen of [
      generateSessionId,
      generateKernelId,
      generateVolumeId,
      generateRuleId,
    ]
  ) {
    const a = gen();
    const b = gen();
    assert.notEqual(a, b);
    assert.match(
      a,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(SessionId(a), a);
  }
});

Deno.test("AccessKey() accepts AKIA plus 16 base32 characters, including upstream fixtures", () => {
  for (
    const key of [
      "AKIAIOSFODNN7EXAMPLE",
      "AKIAHUKCHDEZGEXAMPLE",
      "AKIANABBDUSEREXAMPLE",
      "AKIANATWOUSEREXAMPLE",
      "AKIANAMONITOREXAMPLE",
      "AKIAAAAAAAAAAAAAAAAA",
      "AKIA2345672345672345",
    ]
  ) {
    assert.equal(AccessKey(key), key);
  }
});

Deno.test("AccessKey() rejects wrong prefix, length, case and alphabet", () => {
  for (
    const key of [
      "",
      "AKIA",
      "AKIAIOSFODNN7EXAMPL", // 19
      "AKIAIOSFODNN7EXAMPLEX", // 21
      "akiaiosfodnn7example",
      "AKIAiosfodnn7example",
      "ASIAIOSFODNN7EXAMPLE",
      "AKIAIOSFODNN1EXAMPLE", // 1 is not base32
      "AKIAIOSFODNN0EXAMPLE", // 0 is not base32
      "AKIAIOSFODNN8EXAMPLE",
      "AKIAIOSFODNN7EXAMPL=",
      " AKIAIOSFODNN7EXAMPLE",
    ]
  ) {
    assert.throws(() => AccessKey(key), (err: unknown) => {
      assert.ok(err instanceof InvalidIdentifierError);
      assert.deepEqual(err.data, { kind: "AccessKey", value: key });
      return true;
    }, key);
  }
});

Deno.test("SecretKey() accepts 40 base64url or base64 characters", () => {
  for (
    const key of [
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", // upstream's admin fixture, has "/"
      "cWbsM_vBB4CzTW7JdORRMx8SjGI3-wEXAMPLEKEY",
      "C8qnIo29EZvXkPK_MXcuAakYTy4NYrxwmCEyNPlf",
      "P7oxTDdzHbEpUSs5v7r7EWj9yKstp8VpZ7SEyA-g",
      "a+b/c-d_".repeat(5),
    ]
  ) {
    assert.equal(SecretKey(key), key);
  }
});

Deno.test("SecretKey() rejects other lengths and characters without echoing the secret", () => {
  for (
    const key of [
      "",
      "x".repeat(39),
      "x".repeat(41),
      "x".repeat(39) + "=",
      "x".repeat(39) + " ",
      "x".repeat(39) + ".",
    ]
  ) {
    assert.throws(() => SecretKey(key), (err: unknown) => {
      assert.ok(err instanceof InvalidIdentifierError);
      assert.equal(err.data?.kind, "SecretKey");
      if (key !== "") assert.ok(!err.message.includes(key));
      assert.notEqual(err.data?.value, key === "" ? "x" : key);
      return true;
    });
  }
});

Deno.test("generateAccessKey() makes 20-character keys that AccessKey() accepts", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const key = generateAccessKey();
    assert.equal(key.length, 20);
    assert.equal(AccessKey(key), key);
    seen.add(key);
  }
  assert.equal(seen.size, 200);
});

Deno.test("generateAccessKey() uses the whole base32 alphabet", () => {
  const chars = new Set<string>();
  for (let i = 0; i < 200; i++) {
    for (const c of generateAccessKey().slice(4)) chars.add(c);
  }
  assert.equal(chars.size, 32);
});

Deno.test("generateSecretKey() makes 40 base64url characters (token_urlsafe(30))", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const key = generateSecretKey();
    assert.match(key, /^[A-Za-z0-9_-]{40}$/);
    assert.equal(SecretKey(key), key);
    seen.add(key);
  }
  assert.equal(seen.size, 200);
});

Deno.test("string ids accept any non-empty string unchanged and reject the empty string", () => {
  const ctors = {
    ContainerId,
    AgentId,
    ArchName,
    ImageAlias,
    Subdomain,
    ResourceGroupId,
    DeviceName,
    DeviceId,
    MetricKey,
    SSHPublicKey,
    SSHPrivateKey,
    ClusterRole,
    ImageCanonical,
    RuntimeVariant,
  };
  for (const [kind, ctor] of Object.entries(ctors)) {
    assert.equal(ctor(" Mixed Case "), " Mixed Case ", kind);
    assert.throws(() => ctor(""), (err: unknown) => {
      assert.ok(err instanceof InvalidIdentifierError);
      assert.deepEqual(err.data, { kind, value: "" });
      return true;
    }, kind);
    assert.throws(
      () => ctor(null as unknown as string),
      InvalidIdentifierError,
      kind,
    );
  }
});

Deno.test("AGENTID_MANAGER and AGENTID_STORAGE are upstream's reserved agent ids", () => {
  assert.equal(AGENTID_MANAGER, "manager");
  assert.equal(AGENTID_STORAGE, "storage");
  assert.equal(AgentId(AGENTID_MANAGER), AGENTID_MANAGER);
});

Deno.test("InvalidIdentifierError renders problem+json with kind and value", () => {
  try {
    ContainerId("");
    assert.fail("must throw");
  } catch (err) {
    assert.ok(err instanceof InvalidIdentifierError);
    const problem = err.toProblemJSON();
    assert.equal(
      problem.type,
      "https://api.backend.ai/probs/invalid-identifier",
    );
    assert.equal(problem.title, "Invalid identifier.");
    assert.deepEqual(problem.data, { kind: "ContainerId", value: "" });
    assert.equal(problem.msg, 'Cannot use "" as ContainerId: empty');
  }
});
