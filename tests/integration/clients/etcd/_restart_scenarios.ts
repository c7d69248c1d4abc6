// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The scenarios of restart_test.ts, run there in a child process each
// (tests/_isolated.ts): AsyncEtcd against a private etcd started on free
// ports, so it can turn authentication on and restart the server (never the
// halfstack's).

import assert from "node:assert/strict";
import {
  AsyncEtcd,
  EtcdAuthError,
  type EtcdWatchEvent,
} from "../../../../clients/etcd/mod.ts";
import { quietLogger } from "../../../_logger.ts";
import { consoleLogger } from "../../../../utils.ts";
import { PrivateEtcd } from "../../../_private_servers.ts";

const USER = "svc";
const PASSWORD = "svc-secret-pw";

function client(etcd: PrivateEtcd, password: string | undefined): AsyncEtcd {
  return new AsyncEtcd({
    addrs: etcd.address,
    namespace: "restart",
    credentials: password === undefined ? undefined : { user: USER, password },
    requestTimeoutMs: 2_000,
    watchReconnectIntervalMs: 200,
    watchReconnectMaxIntervalMs: 1_000,
    logger: Deno.env.get("DEBUG_ETCD") ? consoleLogger : quietLogger,
  });
}

async function next(
  iterator: AsyncIterator<EtcdWatchEvent>,
  timeoutMs: number,
): Promise<EtcdWatchEvent> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`No watch event within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    assert.equal(result.done, false);
    return result.value as EtcdWatchEvent;
  } finally {
    clearTimeout(timer);
  }
}

/** This module's URL, for runIsolated. */
export const SCENARIOS_URL: string = import.meta.url;

/** auth: a user and password work; wrong ones give EtcdAuthError naming the user, never the password */
export async function authUserAndPassword(): Promise<void> {
  await using etcd = await PrivateEtcd.start();
  await etcd.enableAuth(USER, PASSWORD);
  const good = client(etcd, PASSWORD);
  const bad = client(etcd, "wrong-pw");
  const none = client(etcd, undefined);
  try {
    await good.put("config/a", "1");
    assert.equal(await good.get("config/a"), "1");
    await assert.rejects(bad.get("config/a"), (error) => {
      assert.ok(error instanceof EtcdAuthError, String(error));
      assert.equal(error.data?.user, USER);
      assert.equal(error.data?.key, "/sorna/restart/config/a");
      assert.doesNotMatch(JSON.stringify(error.toProblemJSON()), /wrong-pw/);
      assert.doesNotMatch(error.message, /wrong-pw/);
      return true;
    });
    await assert.rejects(none.get("config/a"), EtcdAuthError);
  } finally {
    await Promise.all([good.close(), bad.close(), none.close()]);
  }
}

/** a watch with auth survives an etcd restart and sees changes made after it (stale token renewed) */
export async function watchWithAuthSurvivesRestart(): Promise<void> {
  await using etcd = await PrivateEtcd.start();
  await etcd.enableAuth(USER, PASSWORD);
  const watcher = client(etcd, PASSWORD);
  const writer = client(etcd, PASSWORD);
  try {
    const lease = await watcher.grantLease(30);
    await watcher.put("svc/leased", "alive", { lease });
    const watch = watcher.watchPrefix("svc");
    await watch.ready;
    const events = watch[Symbol.asyncIterator]();
    await writer.put("svc/k", "before");
    assert.equal((await next(events, 5_000)).value, "before");
    await etcd.restart(500);
    // Only the writer makes unary calls: the watch renews its own token.
    await writer.put("svc/k", "after");
    const after = await next(events, 15_000);
    assert.equal(after.key, "svc/k");
    assert.equal(after.value, "after");
    // The lease outlived the restart (down well under its TTL).
    assert.equal(await writer.get("svc/leased"), "alive");
    assert.equal(lease.lost, false);
    await watch.close();
  } finally {
    await Promise.all([watcher.close(), writer.close()]);
  }
}

/** a watch without auth resumes after an etcd restart; a lease outlasted by the outage is lost */
export async function watchWithoutAuthResumes(): Promise<void> {
  await using etcd = await PrivateEtcd.start();
  const watcher = client(etcd, undefined);
  const writer = client(etcd, undefined);
  try {
    const lease = await watcher.grantLease(1);
    const lost = new Promise<void>((resolve) => lease.onLost(() => resolve()));
    await watcher.put("svc/leased", "alive", { lease });
    const watch = watcher.watchPrefix("svc");
    await watch.ready;
    const events = watch[Symbol.asyncIterator]();
    await etcd.restart(2_500);
    await writer.put("svc/k", "after");
    let event = await next(events, 15_000);
    // The expired lease's delete may come first.
    while (event.key !== "svc/k") event = await next(events, 15_000);
    assert.equal(event.value, "after");
    await lost;
    assert.equal(lease.lost, true);
    await watch.close();
  } finally {
    await Promise.all([watcher.close(), writer.close()]);
  }
}
