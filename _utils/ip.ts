// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode isIpAddressFormat}: IP addresses as Python's `ipaddress` reads them.
 *
 * @module
 */

import { parseIP } from "./_ip.ts";

/**
 * Tells whether text is an IPv4 or IPv6 address as Python's
 * `ipaddress.ip_address` reads it (upstream's `is_ip_address_format`):
 * dotted quads without leading zeros, IPv6 with `::`, an IPv4 tail or a
 * `%zone`. Host names, CIDR blocks and bracketed IPv6 are not addresses.
 *
 * @example Usage
 * ```ts
 * import { isIpAddressFormat } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isIpAddressFormat("192.168.0.1"));
 * assert.ok(isIpAddressFormat("::1"));
 * assert.ok(!isIpAddressFormat("localhost"));
 * assert.ok(!isIpAddressFormat("010.0.0.1"));
 * ```
 *
 * @param text The text to check.
 * @returns `true` for an IP address.
 */
export function isIpAddressFormat(text: string): boolean {
  return typeof text === "string" && parseIP(text) !== undefined;
}
