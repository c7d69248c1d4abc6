// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import { Etcd3 } from "etcd3";
import {
  AsyncEtcd,
  type AsyncEtcdOptions,
} from "../../../../clients/etcd/mod.ts";
import { halfstackEnv } from "../../../_halfstack.ts";
import { quietLogger } from "../../../_logger.ts";

/** A namespace of its own per test, so tests never see each other's keys. */
export function testNamespace(name: string): string {
  return `test-${name}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A client on the halfstack's etcd in a fresh namespace. */
export function halfstackEtcd(
  name: string,
  options: Partial<AsyncEtcdOptions> = {},
): AsyncEtcd {
  const { etcd } = halfstackEnv();
  return new AsyncEtcd({
    addrs: `${etcd.host}:${etcd.port}`,
    namespace: testNamespace(name),
    logger: quietLogger,
    ...options,
  });
}

/** A raw etcd3 client on the halfstack's etcd, to look at keys as stored. */
export function rawEtcd(): Etcd3 {
  const { etcd } = halfstackEnv();
  return new Etcd3({ hosts: `http://${etcd.host}:${etcd.port}` });
}

/** Deletes everything of a namespace and closes the client. */
export async function dropNamespace(client: AsyncEtcd): Promise<void> {
  const raw = rawEtcd();
  try {
    await raw.delete().prefix(`/sorna/${client.namespace}/`);
  } finally {
    raw.close();
    await client.close();
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
