// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Service records as other components store them, corrupted: Redis hashes
// of a valid service with one field broken (not JSON, the wrong JSON type,
// missing, a port or time out of range, labels that are not text), written
// raw into the shared halfstack's Redis beside valid ones, and etcd trees
// mutated the same way (in process). discover() never throws and returns
// exactly the records that parse; getService() returns a record or throws
// a typed error; the parsers throw only InvalidServiceMetadataError.
// Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { BackendAIError } from "../../exception.ts";
import {
  InvalidServiceMetadataError,
  RedisServiceDiscovery,
} from "../../service_discovery/mod.ts";
import {
  fromEtcdTree,
  fromRedisFields,
  toEtcdTree,
  toRedisFields,
} from "../../service_discovery/_codec.ts";
import { sampleService } from "../conformance/service_discovery_suite.ts";
import { halfstackEnv } from "../_halfstack.ts";
import { quietLogger } from "../_logger.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

const DB = 8;

/** A JSON text of the wrong kind, or not JSON at all. */
function badJson(f: Fuzz): string {
  return f.pick([
    () => f.brokenJson(),
    () => JSON.stringify(f.pick([5, -1, 1e308, null, true, "", [], {}, "x"])),
    () => JSON.stringify(f.json(2)) ?? "null",
    () => JSON.stringify({ address: 5, port: "x", protocol: null }),
    () => JSON.stringify({ port: f.pick([-1, 0, 65536, 1.5, 2 ** 53]) }),
    () => JSON.stringify({ registration_time: "x", last_heartbeat: -Infinity }),
    () => JSON.stringify({ k: 5, "": null }),
  ])();
}

function corruptFields(
  f: Fuzz,
  fields: Array<[string, string]>,
): Record<string, string> {
  const out = Object.fromEntries(fields);
  const key = f.pick(Object.keys(out));
  switch (f.int(3)) {
    case 0:
      delete out[key];
      break;
    case 1:
      out[f.pick(["extra", "__proto__", "constructor", key])] = badJson(f);
      break;
    default:
      out[key] = badJson(f);
  }
  if (Object.keys(out).length === 0) out.id = badJson(f);
  return out;
}

function corruptTree(f: Fuzz, tree: unknown): unknown {
  const copy = structuredClone(tree) as Record<string, unknown>;
  const section = f.pick([
    "id",
    "endpoint",
    "health_status",
    "labels",
    "version",
  ]);
  const replacement = f.pick([
    () => undefined,
    () => f.json(2),
    () => ({ port: f.text(4), address: {}, registration_time: "x" }),
    () => f.text(8),
  ])();
  if (replacement === undefined) delete copy[section];
  else copy[section] = replacement;
  return copy;
}

function parses(fields: Record<string, string>): boolean {
  try {
    fromRedisFields(fields);
    return true;
  } catch (error) {
    assert.ok(
      error instanceof InvalidServiceMetadataError,
      `untyped: ${String(error)} for ${JSON.stringify(fields)}`,
    );
    return false;
  }
}

Deno.test("fuzz: corrupted service records are left out by discover() and refused typed by getService()", async () => {
  const cases = fuzzCases("service-discovery");
  const f = fuzz("service-discovery");
  const env = halfstackEnv();
  const prefix = `fuzz-sd-${crypto.randomUUID().slice(0, 8)}`;
  const raw = new Redis({ ...env.redis, db: DB, lazyConnect: true });
  await raw.connect();
  const discovery = await RedisServiceDiscovery.connect({
    target: { addr: `${env.redis.host}:${env.redis.port}`, db: DB },
    prefix,
    logger: quietLogger,
  });
  let crashes = 0;
  try {
    const expected = new Set<string>();
    const written: {
      group: string;
      id: string;
      fields: Record<string, string>;
    }[] = [];
    const pipeline = raw.pipeline();
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const group = f.pick(["manager", "agent", "storage"]);
      const meta = sampleService(group, `svc-${i}`);
      const fields = f.chance(0.2)
        ? Object.fromEntries(toRedisFields(meta))
        : corruptFields(f, toRedisFields(meta));
      const key = `${prefix}.${group}.${meta.id}`;
      const flat = Object.entries(fields).flat();
      if (flat.length === 0) continue;
      pipeline.hset(key, ...flat);
      pipeline.expire(key, 600);
      written.push({ group, id: meta.id, fields });
      if (parses(fields)) expected.add(meta.id);
    }
    await pipeline.exec();
    const found = await discovery.discover();
    assert.deepEqual(
      new Set(found.map((service) => service.id)),
      expected,
      f.where("discover() returns exactly the records that parse"),
    );
    for (const [i, entry] of written.entries()) {
      f.caseIndex = i;
      try {
        const service = await discovery.getService(entry.group, entry.id);
        assert.ok(
          expected.has(service.id),
          f.where("a corrupt record returned"),
        );
      } catch (error) {
        if (!(error instanceof BackendAIError)) {
          crashes++;
          f.fail(`getService: untyped ${String(error)}`);
        }
        assert.ok(
          !expected.has(entry.id),
          f.where(`refused: ${String(error)}`),
        );
      }
    }
    // The etcd form, in process: a tree that does not parse is refused typed.
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const tree = corruptTree(
        f,
        toEtcdTree(sampleService("manager", `e-${i}`)),
      );
      try {
        fromEtcdTree(tree);
      } catch (error) {
        if (!(error instanceof InvalidServiceMetadataError)) {
          crashes++;
          f.fail(
            `fromEtcdTree: untyped ${String(error)} for ${
              JSON.stringify(tree)
            }`,
          );
        }
      }
    }
    await reportFaultFigures({
      kind: "fuzz",
      name: "service-discovery",
      cases: cases * 2,
      crashes,
    });
  } finally {
    const keys = await raw.keys(`${prefix}.*`);
    if (keys.length > 0) await raw.del(...keys);
    await discovery.close();
    await raw.quit();
  }
});
