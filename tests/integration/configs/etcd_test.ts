// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The etcd loader and watcher against the halfstack's etcd.

import assert from "node:assert/strict";
import { z } from "zod";
import {
  ConfigValidationError,
  EtcdConfigLoader,
  EtcdConfigWatcher,
  loadConfig,
  LoaderChain,
  RedisConfigSchema,
  TomlConfigLoader,
} from "../../../configs/mod.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quietLogger } from "../../_logger.ts";
import { dropNamespace, halfstackEtcd } from "../clients/etcd/_shared.ts";

Deno.test("the etcd loader merges over a TOML file; a bad value names its etcd key", async () => {
  const etcd = halfstackEtcd("configs-loader");
  const dir = await mkdtemp(join(tmpdir(), "backendai-configs-"));
  try {
    const file = join(dir, "storage-proxy.toml");
    await writeFile(
      file,
      '[redis]\naddr = "127.0.0.1:6379"\nuse-tls = false\n',
    );
    await etcd.putPrefix("config/redis", {
      "use-tls": "true",
      "request-timeout": "1500",
    });
    const schema = z.object({ redis: RedisConfigSchema });
    const config = await loadConfig(
      schema,
      new LoaderChain([
        new TomlConfigLoader(file),
        new EtcdConfigLoader(etcd, "config"),
      ]),
      { logger: quietLogger },
    );
    assert.equal(config.value.redis.addr?.toString(), "127.0.0.1:6379");
    assert.equal(config.value.redis.use_tls, true);
    assert.equal(config.value.redis.request_timeout, 1500);
    await etcd.put("config/redis/request-timeout", "soon");
    await assert.rejects(
      loadConfig(
        schema,
        new LoaderChain([
          new TomlConfigLoader(file),
          new EtcdConfigLoader(etcd, "config"),
        ]),
        {
          logger: quietLogger,
        },
      ),
      (error) => {
        assert.ok(error instanceof ConfigValidationError);
        assert.equal(
          error.message,
          "Invalid configuration: 1 problem\n" +
            `  - redis.request-timeout (etcd key /sorna/${etcd.namespace}/config/redis/request-timeout): ` +
            "Invalid input: expected number, received string",
        );
        return true;
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await dropNamespace(etcd);
  }
});

Deno.test("the config watcher turns etcd changes into typed events with unquoted paths", async () => {
  const etcd = halfstackEtcd("configs-watch");
  try {
    const controller = new AbortController();
    const { revision } = await etcd.listPrefix("ai/backend/config");
    await etcd.putPrefix("ai/backend/config", { redis: { "a/b": "1" } });
    await etcd.delete("ai/backend/config/redis/a%2Fb");
    const events = new EtcdConfigWatcher(etcd, "ai/backend/config").watch({
      signal: controller.signal,
      startRevision: revision + 1,
    });
    const put = (await events.next()).value;
    assert.deepEqual(
      { type: put?.type, path: put?.path, value: put?.value, key: put?.key },
      {
        type: "put",
        path: ["redis", "a/b"],
        value: "1",
        key: "ai/backend/config/redis/a%2Fb",
      },
    );
    const deleted = (await events.next()).value;
    assert.equal(deleted?.type, "delete");
    assert.deepEqual(deleted?.path, ["redis", "a/b"]);
    controller.abort();
    assert.equal((await events.next()).done, true);
  } finally {
    await dropNamespace(etcd);
  }
});
