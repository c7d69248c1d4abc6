// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Keypairs in upstream's formats (`manager/models/keypair/row.py`), from
 * WebCrypto randomness: {@linkcode generateKeypair} (the API access and
 * secret keys) and {@linkcode generateSshKeypair} (the RSA keypair of a
 * user's SSH/SFTP access).
 *
 * @module
 */

import { UnreachableError } from "../exception.ts";
import { encodeBase64 } from "../utils.ts";

/** An API keypair. */
export interface Keypair {
  /** `AKIA` and 16 base32 characters (20 in all). */
  readonly accessKey: string;
  /** 40 URL-safe base64 characters (30 random bytes). */
  readonly secretKey: string;
}

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * RFC 4648 base32 of bytes whose length is a multiple of 5 (no padding).
 */
function base32(bytes: Uint8Array): string {
  let text = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) text += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return text;
}

/**
 * A new API keypair, as upstream's `generate_keypair()`: the access key is
 * `"AKIA" + base32(10 random bytes)`, the secret key
 * `token_urlsafe(30)` (URL-safe base64 of 30 random bytes, unpadded).
 *
 * @example Usage
 * ```ts
 * import { generateKeypair } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const { accessKey, secretKey } = generateKeypair();
 * assert.match(accessKey, /^AKIA[A-Z2-7]{16}$/);
 * assert.match(secretKey, /^[A-Za-z0-9_-]{40}$/);
 * ```
 *
 * @returns The keypair.
 */
export function generateKeypair(): Keypair {
  const access = crypto.getRandomValues(new Uint8Array(10));
  const secret = crypto.getRandomValues(new Uint8Array(30));
  return {
    accessKey: `AKIA${base32(access)}`,
    secretKey: encodeBase64(secret, {
      alphabet: "base64url",
      omitPadding: true,
    }),
  };
}

/** An SSH keypair in upstream's text formats. */
export interface SshKeypair {
  /** `ssh-rsa AAAA…` (OpenSSH), ending with a newline. */
  readonly publicKey: string;
  /** `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1 PEM), ending with a newline. */
  readonly privateKey: string;
}

/** The length and contents of the DER element at `offset`. */
function derElement(
  bytes: Uint8Array,
  offset: number,
): { tag: number; start: number; end: number } {
  const tag = bytes[offset] as number;
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) {
      length = length * 256 + (bytes[start + i] as number);
    }
    start += count;
  }
  return { tag, start, end: start + length };
}

/** The RSAPrivateKey (PKCS#1) inside a PKCS#8 PrivateKeyInfo. */
function pkcs1FromPkcs8(pkcs8: Uint8Array): Uint8Array {
  const info = derElement(pkcs8, 0); // SEQUENCE
  const version = derElement(pkcs8, info.start); // INTEGER 0
  const algorithm = derElement(pkcs8, version.end); // SEQUENCE
  const key = derElement(pkcs8, algorithm.end); // OCTET STRING
  if (info.tag !== 0x30 || version.tag !== 0x02 || key.tag !== 0x04) {
    throw new UnreachableError("Cannot read the exported PKCS#8 key");
  }
  return pkcs8.subarray(key.start, key.end);
}

function base64url(text: string): Uint8Array {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** An SSH wire string: a 4-byte length, then the bytes. */
function sshString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

/** An SSH mpint: big-endian, with a zero byte when the top bit is set. */
function sshMpint(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const padded = (trimmed[0] as number) & 0x80
    ? Uint8Array.of(0, ...trimmed)
    : trimmed;
  return sshString(padded);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(
    parts.reduce((size, part) => size + part.length, 0),
  );
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A new RSA-2048 keypair for SSH/SFTP, as upstream's
 * `generate_ssh_keypair()`: the public key in OpenSSH form, the private
 * key as a PKCS#1 PEM ("TraditionalOpenSSL"), each ending with a newline.
 * `ssh-keygen -y -f <private key>` gives back the public key.
 *
 * @example Usage
 * ```ts
 * import { generateSshKeypair } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const { publicKey, privateKey } = await generateSshKeypair();
 * assert.match(publicKey, /^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+\n$/);
 * assert.match(privateKey, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
 * ```
 *
 * @returns The keypair.
 */
export async function generateSshKeypair(): Promise<SshKeypair> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(
    await crypto.subtle.exportKey("pkcs8", pair.privateKey),
  );
  const body = encodeBase64(pkcs1FromPkcs8(pkcs8)).match(/.{1,64}/g) ?? [];
  const privateKey = `-----BEGIN RSA PRIVATE KEY-----\n${
    body.join("\n")
  }\n-----END RSA PRIVATE KEY-----\n`;
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const blob = concat([
    sshString(new TextEncoder().encode("ssh-rsa")),
    sshMpint(base64url(jwk.e as string)),
    sshMpint(base64url(jwk.n as string)),
  ]);
  return { publicKey: `ssh-rsa ${encodeBase64(blob)}\n`, privateKey };
}
