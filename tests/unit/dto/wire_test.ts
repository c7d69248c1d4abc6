// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The dto schemas accept what this library's own modules write (service
 * discovery's dict, etcd tree, Redis hash and HTTP SD document; the bgtask
 * events a real BackgroundTaskManager broadcasts), round-trip through
 * JSON, and refuse bad input naming the offending path.
 */

import assert from "node:assert/strict";
import type { z } from "zod";
import {
  BgtaskDonePayloadSchema,
  BgtaskMetaHashSchema,
  BgtaskPartialSuccessPayloadSchema,
  BgtaskSubtaskHashSchema,
  BgtaskUpdatedPayloadSchema,
  CreateFolderRequestSchema,
  GetVolumesResponseSchema,
  HttpServiceDiscoveryDocumentSchema,
  parseDto,
  ServiceMetadataEtcdTreeSchema,
  ServiceMetadataPayloadSchema,
  ServiceMetadataRedisHashSchema,
} from "../../../dto/mod.ts";
import {
  createServiceMetadata,
  httpServiceDiscoveryDocument,
  serviceMetadataToPython,
} from "../../../service_discovery/mod.ts";
import {
  toEtcdTree,
  toRedisFields,
} from "../../../service_discovery/_codec.ts";
import { PartialSuccess } from "../../../bgtask/mod.ts";
import { BackendAISchemaValidationFailed } from "../../../exception.ts";
import { harness } from "../bgtask/_harness.ts";

function services() {
  return [
    createServiceMetadata({
      displayName: "manager-1",
      serviceGroup: "manager",
      version: "26.4.0",
      endpoint: {
        address: "10.0.0.5",
        port: 8081,
        protocol: "http",
        prometheusAddress: "10.0.0.5:8081",
      },
      labels: { region: "kr-1", "odd key/x": "v" },
    }),
    createServiceMetadata({
      displayName: "agent-1",
      serviceGroup: "agent",
      version: "26.4.0",
      endpoint: {
        address: "agent.local",
        port: 6001,
        protocol: "grpc",
        prometheusAddress: "agent.local:6003",
      },
      healthStatus: { registrationTime: 1733555000, lastHeartbeat: 1e16 },
    }),
  ];
}

function failedPaths(error: unknown): unknown[] {
  assert.ok(error instanceof BackendAISchemaValidationFailed);
  return (error.data?.errors as Array<{ loc: unknown[] }>).map((e) => e.loc);
}

Deno.test("dto: service discovery's dict parses and round-trips through JSON", () => {
  for (const meta of services()) {
    const dict = serviceMetadataToPython(meta);
    const parsed = parseDto(
      ServiceMetadataPayloadSchema,
      dict,
      "ServiceMetadata",
    );
    assert.deepEqual(parsed, dict);
    assert.deepEqual(
      parseDto(
        ServiceMetadataPayloadSchema,
        JSON.parse(JSON.stringify(parsed)),
        "x",
      ),
      dict,
    );
  }
});

Deno.test("dto: service discovery's etcd tree and Redis hash parse", () => {
  for (const meta of services()) {
    const tree = toEtcdTree(meta) as Record<string, unknown>;
    // etcd keeps no empty prefix: an empty labels object reads back absent.
    if (Object.keys(tree.labels as object).length === 0) delete tree.labels;
    assert.deepEqual(
      parseDto(ServiceMetadataEtcdTreeSchema, tree, "tree"),
      tree,
    );
    const hash = Object.fromEntries(toRedisFields(meta));
    assert.deepEqual(
      parseDto(ServiceMetadataRedisHashSchema, hash, "hash"),
      serviceMetadataToPython(meta),
    );
  }
  const tree = toEtcdTree(services()[0]!) as {
    endpoint: Record<string, string>;
  };
  assert.throws(
    () =>
      parseDto(
        ServiceMetadataEtcdTreeSchema,
        { ...tree, endpoint: { ...tree.endpoint, port: "99999" } },
        "tree",
      ),
    (error) => {
      assert.deepEqual(failedPaths(error), [["endpoint", "port"]]);
      return true;
    },
  );
  const hash = Object.fromEntries(toRedisFields(services()[0]!));
  assert.throws(
    () =>
      parseDto(ServiceMetadataRedisHashSchema, {
        ...hash,
        health_status: '{"registration_time":"x","last_heartbeat":1.0}',
      }, "hash"),
    (error) => {
      assert.deepEqual(failedPaths(error), [[
        "health_status",
        "registration_time",
      ]]);
      return true;
    },
  );
});

Deno.test("dto: the HTTP SD document service discovery serves parses", () => {
  const doc = JSON.parse(httpServiceDiscoveryDocument(services()));
  const parsed = parseDto(HttpServiceDiscoveryDocumentSchema, doc, "HttpSD");
  assert.equal(parsed.length, 2);
  assert.equal(parsed[0]!.labels.service_group, "manager");
  assert.equal(parsed[0]!.labels.region, "kr-1");
  assert.deepEqual(parsed, doc);
  assert.throws(
    () =>
      parseDto(HttpServiceDiscoveryDocumentSchema, [{
        targets: ["h:1"],
        labels: { ...doc[0].labels, service_id: "nope" },
      }], "HttpSD"),
    (error) => {
      assert.deepEqual(failedPaths(error), [[0, "labels", "service_id"]]);
      return true;
    },
  );
});

Deno.test("dto: the bgtask events a real manager broadcasts parse", async () => {
  await using h = await harness();
  const done = await h.manager.start(async (reporter) => {
    reporter.total = 2;
    await reporter.update(1, "half");
    await reporter.update(1);
    return "finished";
  });
  const failed = await h.manager.start(() => {
    throw new Error("broken");
  });
  const partial = await h.manager.start(() =>
    new PartialSuccess("2 of 3 pulled", ["image-c: not found"])
  );
  for (const id of [done, failed, partial]) await h.manager.wait(id);
  await h.until(() =>
    [done, failed, partial].every((id) =>
      h.of(id).some((e) => e.name !== "bgtask_updated")
    )
  );
  const schemas: Record<string, z.ZodType<unknown, unknown>> = {
    bgtask_updated: BgtaskUpdatedPayloadSchema,
    bgtask_done: BgtaskDonePayloadSchema,
    bgtask_failed: BgtaskDonePayloadSchema,
    bgtask_cancelled: BgtaskDonePayloadSchema,
    bgtask_partial_success: BgtaskPartialSuccessPayloadSchema,
  };
  const names = new Set<string>();
  for (const event of h.events) {
    const schema = schemas[event.name];
    assert.ok(schema, `no schema for ${event.name}`);
    assert.deepEqual(parseDto(schema, event.body, event.name), event.body);
    names.add(event.name);
  }
  assert.deepEqual([...names].sort(), [
    "bgtask_done",
    "bgtask_failed",
    "bgtask_partial_success",
    "bgtask_updated",
  ]);
  const updated = h.of(done).find((e) => e.body.message === "half");
  assert.equal(updated?.body.current_progress, 1);
  assert.throws(
    () =>
      parseDto(BgtaskUpdatedPayloadSchema, {
        ...updated!.body,
        current_progress: "1",
      }, "bgtask_updated"),
    (error) => {
      assert.deepEqual(failedPaths(error), [["current_progress"]]);
      return true;
    },
  );
});

Deno.test("dto: bgtask hashes take string fields only", () => {
  const meta = {
    task_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b",
    task_name: "clone",
    task_type: "single",
    body: '{"volume":"local"}',
    ongoing_count: "1",
    success_count: "0",
    failure_count: "0",
  };
  assert.deepEqual(parseDto(BgtaskMetaHashSchema, meta, "meta"), meta);
  assert.throws(
    () =>
      parseDto(
        BgtaskMetaHashSchema,
        { ...meta, ongoing_count: 1, body: "{" },
        "meta",
      ),
    (error) => {
      assert.deepEqual(failedPaths(error), [["body"], ["ongoing_count"]]);
      return true;
    },
  );
  const subtask = {
    task_id: meta.task_id,
    key: "__whole__",
    status: "success",
    last_message: "done",
    current_progress: "2",
    total_progress: "2.5",
  };
  assert.deepEqual(
    parseDto(BgtaskSubtaskHashSchema, subtask, "subtask"),
    subtask,
  );
  assert.throws(
    () =>
      parseDto(
        BgtaskSubtaskHashSchema,
        { ...subtask, total_progress: "a lot" },
        "subtask",
      ),
    (error) => {
      assert.deepEqual(failedPaths(error), [["total_progress"]]);
      return true;
    },
  );
});

Deno.test("dto: storage proxy schemas fill defaults and name every offending path", () => {
  assert.deepEqual(
    CreateFolderRequestSchema.parse({ volume: "local", vfid: "user:u/f" }),
    { volume: "local", vfid: "user:u/f", options: {} },
  );
  assert.throws(
    () =>
      parseDto(GetVolumesResponseSchema, {
        volumes: [
          {
            name: "a",
            backend: "vfs",
            path: "/a",
            fsprefix: ".",
            capabilities: [],
          },
          {
            name: "b",
            backend: 2,
            path: "/b",
            fsprefix: ".",
            capabilities: "all",
          },
        ],
      }, "GetVolumesResponse"),
    (error) => {
      assert.deepEqual(failedPaths(error), [
        ["volumes", 1, "backend"],
        ["volumes", 1, "capabilities"],
      ]);
      assert.match(
        (error as Error).message,
        /^Invalid GetVolumesResponse at volumes\.1\.backend, volumes\.1\.capabilities$/,
      );
      assert.equal(
        (error as BackendAISchemaValidationFailed).data?.schema,
        "GetVolumesResponse",
      );
      return true;
    },
  );
  // A newer storage proxy's extra field is kept, not refused.
  const volumes = parseDto(GetVolumesResponseSchema, {
    volumes: [{
      name: "a",
      backend: "vfs",
      path: "/a",
      fsprefix: ".",
      capabilities: [],
      extra: 1,
    }],
  }, "GetVolumesResponse");
  assert.equal((volumes.volumes[0] as unknown as { extra: number }).extra, 1);
});
