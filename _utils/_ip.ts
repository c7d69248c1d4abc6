// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Private IP address helpers that mirror Python's `ipaddress` module closely
// enough for the host normalisation of HostPortPair and ReadableCIDR.

/** A parsed IPv4 address. */
export interface ParsedIPv4 {
  readonly version: 4;
  /** The address as an unsigned 32-bit integer. */
  readonly value: number;
}

/** A parsed IPv6 address. */
export interface ParsedIPv6 {
  readonly version: 6;
  /** The address as a 128-bit integer. */
  readonly value: bigint;
  /** The zone (scope id) after `%`, if any. */
  readonly scopeId: string | undefined;
}

/** Either kind of parsed address. */
export type ParsedIP = ParsedIPv4 | ParsedIPv6;

const DECIMAL_OCTET_REGEXP = /^[0-9]{1,3}$/;
const HEXTET_REGEXP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses a dotted-quad IPv4 address the way Python's `IPv4Address` does:
 * four decimal octets, each at most 255, no leading zeros.
 */
export function parseIPv4(text: string): ParsedIPv4 | undefined {
  const octets = text.split(".");
  if (octets.length !== 4) return undefined;
  let value = 0;
  for (const octet of octets) {
    if (!DECIMAL_OCTET_REGEXP.test(octet)) return undefined;
    if (octet.length > 1 && octet.startsWith("0")) return undefined;
    const n = Number(octet);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return { version: 4, value };
}

/**
 * Parses an IPv6 address the way Python's `IPv6Address` does, including an
 * embedded IPv4 tail and a `%zone` suffix.
 */
export function parseIPv6(text: string): ParsedIPv6 | undefined {
  let addr = text;
  let scopeId: string | undefined;
  const percent = text.indexOf("%");
  if (percent >= 0) {
    addr = text.slice(0, percent);
    scopeId = text.slice(percent + 1);
    if (scopeId === "" || scopeId.includes("%")) return undefined;
  }
  const lastColon = addr.lastIndexOf(":");
  if (lastColon < 0) return undefined;
  const tail = addr.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    addr = `${addr.slice(0, lastColon + 1)}${(v4.value >>> 16).toString(16)}:${
      (v4.value & 0xffff).toString(16)
    }`;
  }
  const halves = addr.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    for (const part of half.split(":")) {
      if (!HEXTET_REGEXP.test(part)) return undefined;
      out.push(parseInt(part, 16));
    }
    return out;
  };
  const head = parseHalf(halves[0] ?? "");
  const rest = halves.length === 2 ? parseHalf(halves[1] ?? "") : [];
  if (head === undefined || rest === undefined) return undefined;
  let hextets: number[];
  if (halves.length === 2) {
    const skipped = 8 - head.length - rest.length;
    if (skipped < 1) return undefined;
    hextets = [...head, ...new Array<number>(skipped).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    hextets = head;
  }
  let value = 0n;
  for (const h of hextets) value = (value << 16n) | BigInt(h);
  return { version: 6, value, scopeId };
}

/** Parses either kind of address; IPv4 first, as Python's `ip_address` does. */
export function parseIP(text: string): ParsedIP | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** Formats an IPv4 integer as a dotted quad. */
export function formatIPv4(value: number): string {
  return [
    value >>> 24,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  ]
    .join(".");
}

/**
 * Formats an IPv6 integer as Python 3.13's `str(IPv6Address)` does: lower-case
 * hextets, the longest run (first on ties) of two or more zero hextets
 * compressed to `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
 */
export function formatIPv6(value: bigint, scopeId?: string): string {
  const suffix = scopeId === undefined ? "" : `%${scopeId}`;
  if (value >> 32n === 0xffffn) {
    return `::ffff:${formatIPv4(Number(value & 0xffffffffn))}${suffix}`;
  }
  const hextets: string[] = [];
  for (let i = 7; i >= 0; i--) {
    hextets.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  }
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && hextets[i] === "0") {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      const len = i - runStart;
      if (len > bestLen) {
        bestStart = runStart;
        bestLen = len;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) return hextets.join(":") + suffix;
  const head = hextets.slice(0, bestStart).join(":");
  const tail = hextets.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}${suffix}`;
}

/** Formats a parsed address as Python's `str()` does. */
export function formatIP(ip: ParsedIP): string {
  return ip.version === 4
    ? formatIPv4(ip.value)
    : formatIPv6(ip.value, ip.scopeId);
}
