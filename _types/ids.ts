// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Branded identifier types. Each id has a type and a validating constructor of
 * the same name: `SessionId("…")` checks its input and returns a `SessionId`.
 * UUID-based ids are normalised to canonical lower-case 8-4-4-4-12 form.
 *
 * @module
 */

import { encodeBase64 } from "../_utils/base64.ts";
import { canonicalUuid } from "../_utils/uuid.ts";
import { InvalidIdentifierError } from "./errors.ts";

const ACCESS_KEY_REGEXP = /^AKIA[A-Z2-7]{16}$/;
const SECRET_KEY_REGEXP = /^[A-Za-z0-9_\-+/]{40}$/;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function invalid(
  kind: string,
  value: unknown,
  reason: string,
): InvalidIdentifierError {
  return new InvalidIdentifierError(
    `Cannot use ${describe(value)} as ${kind}: ${reason}`,
    { data: { kind, value } },
  );
}

/**
 * Checks and normalises a UUID string: canonical 8-4-4-4-12 (any case) or 32
 * hex digits become canonical lower case.
 *
 * @param value The input.
 * @param kind The id kind named in the error.
 * @returns The canonical lower-case form.
 * @throws {InvalidIdentifierError} If `value` is not a UUID in either form.
 *
 * @example Usage
 * ```ts
 * import { parseUuid } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   parseUuid("3F2504E04F8941D39A0C0305E82C3301"),
 *   "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
 * );
 * ```
 */
export function parseUuid(value: string, kind: string = "UUID"): string {
  if (typeof value !== "string") throw invalid(kind, value, "not a string");
  const uuid = canonicalUuid(value);
  if (uuid === undefined) throw invalid(kind, value, "not a UUID");
  return uuid;
}

function nonEmpty(kind: string, value: string): string {
  if (typeof value !== "string") throw invalid(kind, value, "not a string");
  if (value.length === 0) throw invalid(kind, value, "empty");
  return value;
}

/** A session's UUID, canonical lower case. */
export type SessionId = string & { readonly __brand: "SessionId" };
/**
 * Checks and normalises a session id.
 *
 * @param value A UUID, canonical or 32 hex digits.
 * @returns The canonical lower-case id.
 * @throws {InvalidIdentifierError} If `value` is not a UUID.
 *
 * @example Usage
 * ```ts
 * import { SessionId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const id: SessionId = SessionId("3F2504E0-4F89-41D3-9A0C-0305E82C3301");
 * assert.equal(id, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
 * ```
 */
export function SessionId(value: string): SessionId {
  return parseUuid(value, "SessionId") as SessionId;
}

/** A kernel's UUID, canonical lower case. */
export type KernelId = string & { readonly __brand: "KernelId" };
/**
 * Checks and normalises a kernel id.
 *
 * @param value A UUID, canonical or 32 hex digits.
 * @returns The canonical lower-case id.
 * @throws {InvalidIdentifierError} If `value` is not a UUID.
 *
 * @example Usage
 * ```ts
 * import { KernelId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(KernelId("0123456789abcdef0123456789ABCDEF"), "01234567-89ab-cdef-0123-456789abcdef");
 * ```
 */
export function KernelId(value: string): KernelId {
  return parseUuid(value, "KernelId") as KernelId;
}

/** A storage volume's UUID (upstream `VolumeID`), canonical lower case. */
export type VolumeId = string & { readonly __brand: "VolumeId" };
/**
 * Checks and normalises a volume id.
 *
 * @param value A UUID, canonical or 32 hex digits.
 * @returns The canonical lower-case id.
 * @throws {InvalidIdentifierError} If `value` is not a UUID.
 *
 * @example Usage
 * ```ts
 * import { VolumeId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VolumeId("00000000-0000-0000-0000-000000000001"), "00000000-0000-0000-0000-000000000001");
 * ```
 */
export function VolumeId(value: string): VolumeId {
  return parseUuid(value, "VolumeId") as VolumeId;
}

/** A rule's UUID (for example an auto-scaling rule), canonical lower case. */
export type RuleId = string & { readonly __brand: "RuleId" };
/**
 * Checks and normalises a rule id.
 *
 * @param value A UUID, canonical or 32 hex digits.
 * @returns The canonical lower-case id.
 * @throws {InvalidIdentifierError} If `value` is not a UUID.
 *
 * @example Usage
 * ```ts
 * import { RuleId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => RuleId("1234"));
 * ```
 */
export function RuleId(value: string): RuleId {
  return parseUuid(value, "RuleId") as RuleId;
}

/**
 * Makes a new random session id (UUID v4).
 *
 * @returns A fresh id.
 *
 * @example Usage
 * ```ts
 * import { generateSessionId, SessionId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const id = generateSessionId();
 * assert.equal(SessionId(id), id);
 * ```
 */
export function generateSessionId(): SessionId {
  return crypto.randomUUID() as SessionId;
}

/**
 * Makes a new random kernel id (UUID v4).
 *
 * @returns A fresh id.
 *
 * @example Usage
 * ```ts
 * import { generateKernelId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.notEqual(generateKernelId(), generateKernelId());
 * ```
 */
export function generateKernelId(): KernelId {
  return crypto.randomUUID() as KernelId;
}

/**
 * Makes a new random volume id (UUID v4).
 *
 * @returns A fresh id.
 *
 * @example Usage
 * ```ts
 * import { generateVolumeId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(generateVolumeId().length, 36);
 * ```
 */
export function generateVolumeId(): VolumeId {
  return crypto.randomUUID() as VolumeId;
}

/**
 * Makes a new random rule id (UUID v4).
 *
 * @returns A fresh id.
 *
 * @example Usage
 * ```ts
 * import { generateRuleId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.match(generateRuleId(), /^[0-9a-f-]{36}$/);
 * ```
 */
export function generateRuleId(): RuleId {
  return crypto.randomUUID() as RuleId;
}

/**
 * An API access key: `"AKIA"` followed by 16 characters of `[A-Z2-7]` (the
 * base32 text of 10 random bytes), 20 characters in all.
 */
export type AccessKey = string & { readonly __brand: "AccessKey" };
/**
 * Checks an access key against the format the manager generates
 * (`models/keypair/row.py:generate_keypair`). The check is case-sensitive.
 *
 * @param value The key.
 * @returns The key, branded.
 * @throws {InvalidIdentifierError} If `value` is not `AKIA` + 16 base32 characters.
 *
 * @example Usage
 * ```ts
 * import { AccessKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AccessKey("AKIAIOSFODNN7EXAMPLE"), "AKIAIOSFODNN7EXAMPLE");
 * assert.throws(() => AccessKey("akiaiosfodnn7example"));
 * ```
 */
export function AccessKey(value: string): AccessKey {
  if (typeof value !== "string") {
    throw invalid("AccessKey", value, "not a string");
  }
  if (!ACCESS_KEY_REGEXP.test(value)) {
    throw invalid(
      "AccessKey",
      value,
      'expected "AKIA" and 16 characters of [A-Z2-7]',
    );
  }
  return value as AccessKey;
}

/**
 * An API secret key: 40 characters. Generated keys are base64url
 * (`secrets.token_urlsafe(30)`); the standard-base64 characters `+` and `/`
 * are accepted too, because upstream's example fixture key
 * (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) contains `/`.
 */
export type SecretKey = string & { readonly __brand: "SecretKey" };
/**
 * Checks a secret key: exactly 40 characters of `[A-Za-z0-9_-+/]`.
 *
 * @param value The key.
 * @returns The key, branded.
 * @throws {InvalidIdentifierError} If `value` has another length or character.
 *
 * @example Usage
 * ```ts
 * import { SecretKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SecretKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").length, 40);
 * assert.throws(() => SecretKey("short"));
 * ```
 */
export function SecretKey(value: string): SecretKey {
  if (typeof value !== "string") {
    throw invalid("SecretKey", value, "not a string");
  }
  if (!SECRET_KEY_REGEXP.test(value)) {
    throw invalid(
      "SecretKey",
      "(redacted)",
      "expected 40 characters of [A-Za-z0-9_-+/]",
    );
  }
  return value as SecretKey;
}

/**
 * Makes a new access key as the manager does: `"AKIA"` + base32 of 10 random
 * bytes.
 *
 * @returns A fresh access key.
 *
 * @example Usage
 * ```ts
 * import { AccessKey, generateAccessKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const key = generateAccessKey();
 * assert.equal(key.length, 20);
 * assert.equal(AccessKey(key), key);
 * ```
 */
export function generateAccessKey(): AccessKey {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let bits = 0;
  let buffer = 0;
  let text = "AKIA";
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return text as AccessKey;
}

/**
 * Makes a new secret key as the manager does: base64url of 30 random bytes
 * (40 characters, no padding).
 *
 * @returns A fresh secret key.
 *
 * @example Usage
 * ```ts
 * import { generateSecretKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.match(generateSecretKey(), /^[A-Za-z0-9_-]{40}$/);
 * ```
 */
export function generateSecretKey(): SecretKey {
  const bytes = crypto.getRandomValues(new Uint8Array(30));
  return encodeBase64(bytes, { alphabet: "base64url" }) as SecretKey;
}

/** A container's id as the container runtime reports it (for Docker, 64 hex digits). Any non-empty string. */
export type ContainerId = string & { readonly __brand: "ContainerId" };
/**
 * Checks that a ContainerId is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ContainerId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ContainerId("a1b2c3d4e5f6"), "a1b2c3d4e5f6");
 * assert.throws(() => ContainerId(""));
 * ```
 */
export function ContainerId(value: string): ContainerId {
  return nonEmpty("ContainerId", value) as ContainerId;
}

/** An agent's id (usually its hostname, or `i-…` in the manager's `agents` table). Any non-empty string. */
export type AgentId = string & { readonly __brand: "AgentId" };
/**
 * Checks that a AgentId is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { AgentId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AgentId("i-agent-01"), "i-agent-01");
 * assert.throws(() => AgentId(""));
 * ```
 */
export function AgentId(value: string): AgentId {
  return nonEmpty("AgentId", value) as AgentId;
}

/**
 * The agent id that marks events sent by the manager.
 *
 * @example Usage
 * ```ts
 * import { AGENTID_MANAGER } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AGENTID_MANAGER, "manager");
 * ```
 */
export const AGENTID_MANAGER: AgentId = "manager" as AgentId;

/**
 * The agent id that marks events sent by the storage proxy.
 *
 * @example Usage
 * ```ts
 * import { AGENTID_STORAGE } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AGENTID_STORAGE, "storage");
 * ```
 */
export const AGENTID_STORAGE: AgentId = "storage" as AgentId;

/** A CPU architecture name as Backend.AI spells it (`x86_64`, `aarch64`). Any non-empty string. */
export type ArchName = string & { readonly __brand: "ArchName" };
/**
 * Checks that a ArchName is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ArchName } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ArchName("aarch64"), "aarch64");
 * assert.throws(() => ArchName(""));
 * ```
 */
export function ArchName(value: string): ArchName {
  return nonEmpty("ArchName", value) as ArchName;
}

/** An alias of a container image. Any non-empty string. */
export type ImageAlias = string & { readonly __brand: "ImageAlias" };
/**
 * Checks that a ImageAlias is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ImageAlias } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ImageAlias("python"), "python");
 * assert.throws(() => ImageAlias(""));
 * ```
 */
export function ImageAlias(value: string): ImageAlias {
  return nonEmpty("ImageAlias", value) as ImageAlias;
}

/** A subdomain name used for app-proxy routing. Any non-empty string. */
export type Subdomain = string & { readonly __brand: "Subdomain" };
/**
 * Checks that a Subdomain is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { Subdomain } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(Subdomain("my-app"), "my-app");
 * assert.throws(() => Subdomain(""));
 * ```
 */
export function Subdomain(value: string): Subdomain {
  return nonEmpty("Subdomain", value) as Subdomain;
}

/** A resource group's name (upstream `ResourceGroupID`, historically the scaling group). Any non-empty string. */
export type ResourceGroupId = string & { readonly __brand: "ResourceGroupId" };
/**
 * Checks that a ResourceGroupId is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ResourceGroupId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ResourceGroupId("default"), "default");
 * assert.throws(() => ResourceGroupId(""));
 * ```
 */
export function ResourceGroupId(value: string): ResourceGroupId {
  return nonEmpty("ResourceGroupId", value) as ResourceGroupId;
}

/** A compute device plugin's name (`cpu`, `cuda`, …). Any non-empty string. */
export type DeviceName = string & { readonly __brand: "DeviceName" };
/**
 * Checks that a DeviceName is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { DeviceName } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DeviceName("cuda"), "cuda");
 * assert.throws(() => DeviceName(""));
 * ```
 */
export function DeviceName(value: string): DeviceName {
  return nonEmpty("DeviceName", value) as DeviceName;
}

/** One device's id within a device plugin. Any non-empty string. */
export type DeviceId = string & { readonly __brand: "DeviceId" };
/**
 * Checks that a DeviceId is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { DeviceId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DeviceId("0"), "0");
 * assert.throws(() => DeviceId(""));
 * ```
 */
export function DeviceId(value: string): DeviceId {
  return nonEmpty("DeviceId", value) as DeviceId;
}

/** The key of a collected metric (`cpu_util`, `mem`, …). Any non-empty string. */
export type MetricKey = string & { readonly __brand: "MetricKey" };
/**
 * Checks that a MetricKey is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { MetricKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MetricKey("cpu_util"), "cpu_util");
 * assert.throws(() => MetricKey(""));
 * ```
 */
export function MetricKey(value: string): MetricKey {
  return nonEmpty("MetricKey", value) as MetricKey;
}

/** An SSH public key in OpenSSH text form. Any non-empty string. */
export type SSHPublicKey = string & { readonly __brand: "SSHPublicKey" };
/**
 * Checks that a SSHPublicKey is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { SSHPublicKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SSHPublicKey("ssh-ed25519 AAAAC3Nza…"), "ssh-ed25519 AAAAC3Nza…");
 * assert.throws(() => SSHPublicKey(""));
 * ```
 */
export function SSHPublicKey(value: string): SSHPublicKey {
  return nonEmpty("SSHPublicKey", value) as SSHPublicKey;
}

/** An SSH private key in PEM or OpenSSH text form. Any non-empty string. */
export type SSHPrivateKey = string & { readonly __brand: "SSHPrivateKey" };
/**
 * Checks that a SSHPrivateKey is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { SSHPrivateKey } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SSHPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----"), "-----BEGIN OPENSSH PRIVATE KEY-----");
 * assert.throws(() => SSHPrivateKey(""));
 * ```
 */
export function SSHPrivateKey(value: string): SSHPrivateKey {
  return nonEmpty("SSHPrivateKey", value) as SSHPrivateKey;
}

/** A kernel's role in a multi-container session (`main`, `sub`). Any non-empty string. */
export type ClusterRole = string & { readonly __brand: "ClusterRole" };
/**
 * Checks that a ClusterRole is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ClusterRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ClusterRole("main"), "main");
 * assert.throws(() => ClusterRole(""));
 * ```
 */
export function ClusterRole(value: string): ClusterRole {
  return nonEmpty("ClusterRole", value) as ClusterRole;
}

/** An image's canonical reference (`registry/project/name:tag`). Any non-empty string. */
export type ImageCanonical = string & { readonly __brand: "ImageCanonical" };
/**
 * Checks that a ImageCanonical is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { ImageCanonical } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ImageCanonical("cr.backend.ai/stable/python:3.13-ubuntu24.04"), "cr.backend.ai/stable/python:3.13-ubuntu24.04");
 * assert.throws(() => ImageCanonical(""));
 * ```
 */
export function ImageCanonical(value: string): ImageCanonical {
  return nonEmpty("ImageCanonical", value) as ImageCanonical;
}

/** A model-service runtime variant name (`vllm`, `nim`, `custom`, …). Any non-empty string. */
export type RuntimeVariant = string & { readonly __brand: "RuntimeVariant" };
/**
 * Checks that a RuntimeVariant is a non-empty string.
 *
 * @param value The id.
 * @returns The id, branded.
 * @throws {InvalidIdentifierError} If `value` is empty or not a string.
 *
 * @example Usage
 * ```ts
 * import { RuntimeVariant } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RuntimeVariant("vllm"), "vllm");
 * assert.throws(() => RuntimeVariant(""));
 * ```
 */
export function RuntimeVariant(value: string): RuntimeVariant {
  return nonEmpty("RuntimeVariant", value) as RuntimeVariant;
}
