// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode TrustedProxies}: the proxies whose forwarding headers are
 * believed (upstream's `manager.trusted-proxies`), decided on the peer
 * address of the connection, which a client cannot forge.
 *
 * @module
 */

import { ReadableCIDR } from "../types.ts";

/**
 * The networks of the proxies in front of a service. A bare address is a
 * one-host network, and the wildcard form (`10.1.*.*`) is accepted, as
 * upstream's `ReadableCIDR`. With none configured nothing is trusted: a
 * forwarding header (`X-Forwarded-For`, `X-Forwarded-URL`) is then ignored,
 * where upstream still believes it (with a deprecation warning).
 *
 * @example Resolving the client behind a proxy
 * ```ts
 * import { TrustedProxies } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const proxies = new TrustedProxies(["10.0.0.0/8"]);
 * assert.equal(proxies.trusts("10.0.0.5"), true);
 * // The proxy 10.0.0.5 says it forwards for 203.0.113.9.
 * assert.equal(proxies.clientIp("10.0.0.5", "203.0.113.9"), "203.0.113.9");
 * // A client that forges the header while connecting directly is caught.
 * assert.equal(proxies.clientIp("198.51.100.4", "203.0.113.9"), "198.51.100.4");
 * ```
 */
export class TrustedProxies {
  readonly #networks: readonly ReadableCIDR[];

  /**
   * Parses the networks.
   *
   * @param networks Addresses, CIDR networks or wildcard forms.
   * @throws {InvalidIPAddressError} When an entry is not an address or network.
   */
  constructor(networks: readonly string[] = []) {
    this.#networks = networks.map((network) => new ReadableCIDR(network));
  }

  /** Whether any proxy is configured. */
  get configured(): boolean {
    return this.#networks.length > 0;
  }

  /** The networks, normalised (`10.1.0.0/16`). */
  get networks(): readonly string[] {
    return this.#networks.map((network) => network.address);
  }

  /**
   * Whether an address belongs to a trusted proxy.
   *
   * @param address The peer's address.
   * @returns Whether it is trusted.
   */
  trusts(address: string | undefined): boolean {
    if (address === undefined) return false;
    for (const network of this.#networks) {
      if (network.contains(address)) return true;
    }
    return false;
  }

  /**
   * The client's address (upstream's `extract_client_ip` with trusted
   * proxies): the forwarding chain, from the outermost `X-Forwarded-For`
   * claim to the peer of this connection, walked inwards past every trusted
   * proxy; the first address that is not one is the client. Without trusted
   * proxies the header is not read: the peer is the client. Without a peer
   * (an adapter that does not know it) the header is not read either, since
   * nothing says a trusted proxy wrote it: the client is unknown.
   *
   * @param peer The peer address of the connection.
   * @param forwardedFor The `X-Forwarded-For` header, if any.
   * @returns The client's address, or `undefined` when unknown.
   */
  clientIp(
    peer: string | undefined,
    forwardedFor: string | null | undefined,
  ): string | undefined {
    if (!this.configured || !forwardedFor || peer === undefined) return peer;
    const chain = forwardedFor.split(",").map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    chain.push(peer);
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = chain[i] as string;
      if (!this.trusts(address)) return address;
    }
    return chain[0];
  }
}
