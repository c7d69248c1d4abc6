// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { generateKeypair, generateSshKeypair } from "../../../auth/mod.ts";

Deno.test("generateKeypair: upstream's formats, from fresh randomness", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const { accessKey, secretKey } = generateKeypair();
    assert.match(accessKey, /^AKIA[A-Z2-7]{16}$/);
    assert.match(secretKey, /^[A-Za-z0-9_-]{40}$/);
    assert.equal(Buffer.from(secretKey, "base64url").length, 30);
    seen.add(accessKey);
    seen.add(secretKey);
  }
  assert.equal(seen.size, 400);
});

Deno.test("generateSshKeypair: an OpenSSH ssh-rsa public key of 2048 bits and a PKCS#1 PEM", async () => {
  const { publicKey, privateKey } = await generateSshKeypair();
  const [kind, blob] = publicKey.trimEnd().split(" ");
  assert.equal(kind, "ssh-rsa");
  const bytes = Buffer.from(blob!, "base64");
  let offset = 0;
  const next = () => {
    const length = bytes.readUInt32BE(offset);
    const value = bytes.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  assert.equal(next().toString(), "ssh-rsa");
  assert.equal(next().toString("hex"), "010001");
  const modulus = next();
  assert.equal(
    modulus[0],
    0,
    "a modulus with its top bit set gets a zero byte",
  );
  assert.equal((modulus.length - 1) * 8, 2048);
  assert.equal(offset, bytes.length);
  const lines = privateKey.trimEnd().split("\n");
  assert.equal(lines[0], "-----BEGIN RSA PRIVATE KEY-----");
  assert.equal(lines.at(-1), "-----END RSA PRIVATE KEY-----");
  for (const line of lines.slice(1, -2)) assert.equal(line.length, 64);
  const der = Buffer.from(lines.slice(1, -1).join(""), "base64");
  // RSAPrivateKey ::= SEQUENCE { version INTEGER (0), modulus INTEGER, ... }
  assert.equal(der[0], 0x30);
  assert.deepEqual([...der.subarray(4, 7)], [0x02, 0x01, 0x00]);
  assert.ok(publicKey.endsWith("\n") && privateKey.endsWith("\n"));
});
