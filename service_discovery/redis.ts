// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode RedisServiceDiscovery}: upstream's `RedisServiceDiscovery`
 * layout (a hash per service with a TTL).
 *
 * @module
 */

import type { Redis } from "ioredis";
import { errorText } from "../_error_text.ts";
import { raceSignal } from "../_wait.ts";
import {
  closeValkey,
  connectValkey,
  type ValkeyTarget,
} from "../clients/valkey/mod.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { fromRedisFields, toRedisFields } from "./_codec.ts";
import {
  ServiceDiscoveryBackendError,
  ServiceNotFoundError,
} from "./errors.ts";
import {
  checkServiceMetadata,
  modelServiceToServiceMetadata,
  withHeartbeat,
} from "./metadata.ts";
import {
  type DiscoveryCallOptions,
  MODEL_SERVICE_GROUP,
  MODEL_SERVICE_ROUTE_TTL_SECONDS,
  type ModelServiceMetadata,
  type ServiceDiscovery,
  type ServiceMetadata,
} from "./types.ts";

/** Options of {@linkcode RedisServiceDiscovery}. */
export interface RedisServiceDiscoveryOptions {
  /**
   * A connection to use (not closed by the discovery); its DB is the one
   * used. Give this or `target`.
   *
   * @default {undefined}
   */
  redis?: Redis | undefined;
  /**
   * Where to connect (the discovery owns and closes that connection); its
   * `db` defaults to 0 as upstream's `db_id`.
   *
   * @default {undefined}
   */
  target?: ValkeyTarget | undefined;
  /**
   * How long a registration lives without a heartbeat, in seconds.
   *
   * @default {180}
   */
  ttlSeconds?: number | undefined;
  /**
   * The key prefix: keys are `{prefix}.{group}.{id}`.
   *
   * @default {"service_discovery"}
   */
  prefix?: string | undefined;
  /**
   * Where entries that do not parse are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

const SCAN_COUNT = 100;

/** Escapes `*?[]\` so a group name matches only itself in `SCAN MATCH`. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Service discovery in Redis, as upstream: the key `service_discovery.{group}.{id}`
 * is a hash whose fields are the top-level fields of the metadata, each the
 * JSON orjson writes (`id` → `"\"<uuid>\""`, `endpoint` → an object), set
 * with `HSET` and `EXPIRE ttl` in one transaction; model routes get 300 s.
 * `discover()` scans `service_discovery.*.*`. Entries vanish with their TTL,
 * so a process that died is gone within it.
 *
 * @example Register and discover
 * ```ts ignore
 * import { createServiceMetadata, RedisServiceDiscovery } from "@backendai/common/service-discovery";
 *
 * const discovery = await RedisServiceDiscovery.connect({ target: { addr: "127.0.0.1:6379" } });
 * const me = createServiceMetadata({
 *   displayName: "web-1", serviceGroup: "webserver", version: "26.8.1",
 *   endpoint: { address: "10.0.0.7", port: 8090, protocol: "http", prometheusAddress: "10.0.0.7:8090" },
 * });
 * await discovery.register(me);
 * console.log(await discovery.discover());
 * await discovery.close();
 * ```
 */
export class RedisServiceDiscovery implements ServiceDiscovery {
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #ttl: number;
  readonly #prefix: string;
  readonly #logger: Logger;
  #closed = false;

  /**
   * Uses a connection the caller made (see {@linkcode RedisServiceDiscovery.connect}
   * to connect from a target).
   *
   * @param redis The connection.
   * @param options The TTL, prefix and logger.
   */
  constructor(
    redis: Redis,
    options: Omit<RedisServiceDiscoveryOptions, "redis" | "target"> & {
      owned?: boolean | undefined;
    } = {},
  ) {
    this.#redis = redis;
    this.#owned = options.owned ?? false;
    this.#ttl = options.ttlSeconds ?? 180;
    this.#prefix = options.prefix ?? "service_discovery";
    this.#logger = options.logger ?? consoleLogger;
  }

  /**
   * Connects from `target` (or wraps `redis`).
   *
   * @example Usage
   * ```ts ignore
   * import { RedisServiceDiscovery } from "@backendai/common/service-discovery";
   *
   * await using discovery = await RedisServiceDiscovery.connect({
   *   target: { sentinels: "127.0.0.1:26379", serviceName: "mymaster" },
   * });
   * ```
   *
   * @param options The connection or target, TTL, prefix and logger.
   * @returns The backend.
   */
  static async connect(
    options: RedisServiceDiscoveryOptions,
  ): Promise<RedisServiceDiscovery> {
    if (options.redis !== undefined) {
      return new RedisServiceDiscovery(options.redis, options);
    }
    const target = { db: 0, ...options.target };
    const redis = await connectValkey(target, {
      name: "service_discovery",
      logger: options.logger,
    });
    return new RedisServiceDiscovery(redis, { ...options, owned: true });
  }

  /**
   * Writes the service's hash with the TTL.
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns When written.
   */
  async register(
    metadata: ServiceMetadata,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const meta = checkServiceMetadata(metadata);
    await this.#write(meta, this.#ttl, options.signal);
  }

  /**
   * Deletes the service's hash.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns When deleted.
   */
  async unregister(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const key = this.#key(serviceGroup, serviceId);
    await this.#call(
      "unregister",
      key,
      options.signal,
      () => this.#redis.del(key),
    );
  }

  /**
   * Writes the service again with a fresh heartbeat and TTL.
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns The metadata written.
   */
  async heartbeat(
    metadata: ServiceMetadata,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceMetadata> {
    const beat = withHeartbeat(checkServiceMetadata(metadata));
    await this.#write(beat, this.#ttl, options.signal);
    return beat;
  }

  /**
   * Every service (`SCAN MATCH {prefix}.*.*`, then `HGETALL` each, pipelined).
   *
   * @param options The signal.
   * @returns The services.
   */
  discover(
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    return this.#scan(`${globEscape(this.#prefix)}.*.*`, options.signal);
  }

  /**
   * The services of one group.
   *
   * @param serviceGroup The group.
   * @param options The signal.
   * @returns The services.
   */
  getServiceGroup(
    serviceGroup: string,
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    return this.#scan(
      `${globEscape(this.#prefix)}.${globEscape(serviceGroup)}.*`,
      options.signal,
    );
  }

  /**
   * One service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns The service.
   * @throws {ServiceNotFoundError} When absent.
   * @throws {InvalidServiceMetadataError} When the stored hash does not
   * parse (a field that is not JSON, or not of the metadata's shape).
   */
  async getService(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceMetadata> {
    const key = this.#key(serviceGroup, serviceId);
    const fields = await this.#call(
      "getService",
      key,
      options.signal,
      () => this.#redis.hgetall(key),
    );
    if (Object.keys(fields).length === 0) {
      throw new ServiceNotFoundError(
        `No service "${serviceId}" in group "${serviceGroup}"`,
        { data: { serviceGroup, serviceId, key } },
      );
    }
    return fromRedisFields(fields);
  }

  /**
   * Makes `model-services` hold exactly these routes (300 s TTL each).
   *
   * @param routes The current routes.
   * @param options The signal.
   * @returns When synced.
   */
  async syncModelServiceRoutes(
    routes: readonly ModelServiceMetadata[],
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const metas = routes.map(modelServiceToServiceMetadata);
    const existing = await this.getServiceGroup(MODEL_SERVICE_GROUP, options);
    for (const meta of metas) {
      await this.#write(meta, MODEL_SERVICE_ROUTE_TTL_SECONDS, options.signal);
    }
    const keep = new Set(metas.map((meta) => meta.id));
    for (const route of existing) {
      if (!keep.has(route.id)) {
        await this.unregister(MODEL_SERVICE_GROUP, route.id, options);
      }
    }
  }

  /**
   * Closes the connection if the discovery made it.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await closeValkey(this.#redis);
  }

  /**
   * Same as {@linkcode RedisServiceDiscovery.close}.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #key(group: string, id: string): string {
    return `${this.#prefix}.${group}.${id}`;
  }

  async #write(
    meta: ServiceMetadata,
    ttl: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const key = this.#key(meta.serviceGroup, meta.id);
    const fields = toRedisFields(meta).flat();
    await this.#call("register", key, signal, async () => {
      const results = await this.#redis.multi()
        .hset(key, ...fields)
        .expire(key, ttl)
        .exec();
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
    });
  }

  async #scan(
    pattern: string,
    signal: AbortSignal | undefined,
  ): Promise<ServiceMetadata[]> {
    const keys = await this.#call("discover", pattern, signal, async () => {
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await this.#redis.scan(
          cursor,
          "MATCH",
          pattern,
          "COUNT",
          SCAN_COUNT,
        );
        found.push(...batch);
        cursor = next;
      } while (cursor !== "0" && !signal?.aborted);
      return [...new Set(found)];
    });
    if (keys.length === 0) return [];
    const hashes = await this.#call("discover", pattern, signal, async () => {
      const pipeline = this.#redis.pipeline();
      for (const key of keys) pipeline.hgetall(key);
      return (await pipeline.exec()) ?? [];
    });
    const services: ServiceMetadata[] = [];
    hashes.forEach(([error, fields], i) => {
      const key = keys[i] as string;
      if (error !== null) {
        this.#logger.warn("service discovery entry left out: read failed", {
          key,
          error: errorText(error),
        });
        return;
      }
      const hash = fields as Record<string, string>;
      if (Object.keys(hash).length === 0) return; // expired since the scan
      try {
        services.push(fromRedisFields(hash));
      } catch (parseError) {
        this.#logger.warn(
          "service discovery entry left out: it does not parse",
          {
            key,
            error: errorText(parseError),
          },
        );
      }
    });
    return services;
  }

  async #call<T>(
    operation: string,
    key: string,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await raceSignal(fn(), signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      throw new ServiceDiscoveryBackendError(
        `Cannot ${operation} "${key}" in Redis: ${errorText(error)}`,
        { data: { key, operation }, cause: error },
      );
    }
  }
}
