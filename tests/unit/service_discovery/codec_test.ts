// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The bytes each backend stores, as upstream's Python writes them.

import assert from "node:assert/strict";
import {
  fromEtcdTree,
  fromRedisFields,
  toEtcdTree,
  toRedisFields,
} from "../../../service_discovery/_codec.ts";
import {
  createServiceMetadata,
  serviceMetadataFromPython,
} from "../../../service_discovery/mod.ts";
import { flattenNested } from "../../../clients/etcd/_keys.ts";

const META = createServiceMetadata({
  id: "F38DEA23-50FA-42A0-B5AE-338F5F4693F4",
  displayName: "manager-1",
  serviceGroup: "manager",
  version: "26.8.1",
  endpoint: {
    address: "10.0.0.1",
    port: 8081,
    protocol: "http",
    prometheusAddress: "10.0.0.1:8091",
  },
  healthStatus: { registrationTime: 1733555000, lastHeartbeat: 1733555060.25 },
  labels: { "zone/a": "x", "한": "값" },
});

Deno.test("etcd: put_prefix(model_dump()) keys and str() values", () => {
  const flat = Object.fromEntries(flattenNested("p", toEtcdTree(META)));
  assert.deepEqual(flat, {
    "p/id": "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
    "p/display_name": "manager-1",
    "p/service_group": "manager",
    "p/version": "26.8.1",
    "p/endpoint/address": "10.0.0.1",
    "p/endpoint/port": "8081",
    "p/endpoint/protocol": "http",
    "p/endpoint/prometheus_address": "10.0.0.1:8091",
    "p/health_status/registration_time": "1733555000.0",
    "p/health_status/last_heartbeat": "1733555060.25",
    "p/labels/zone%2Fa": "x",
    "p/labels/%ED%95%9C": "값",
  });
  // No labels: no labels keys at all (upstream's empty dict writes nothing).
  const bare = Object.fromEntries(
    flattenNested("p", toEtcdTree({ ...META, labels: {} })),
  );
  assert.ok(!Object.keys(bare).some((k) => k.startsWith("p/labels")));
  assert.deepEqual(fromEtcdTree({ ...toEtcdTree(META) }), META);
});

Deno.test("redis: each top-level field is orjson.dumps of its value", () => {
  assert.deepEqual(toRedisFields(META), [
    ["id", '"f38dea23-50fa-42a0-b5ae-338f5f4693f4"'],
    ["display_name", '"manager-1"'],
    ["service_group", '"manager"'],
    ["version", '"26.8.1"'],
    [
      "endpoint",
      '{"address":"10.0.0.1","port":8081,"protocol":"http","prometheus_address":"10.0.0.1:8091"}',
    ],
    [
      "health_status",
      '{"registration_time":1733555000.0,"last_heartbeat":1733555060.25}',
    ],
    ["labels", '{"zone/a":"x","한":"값"}'],
  ]);
  assert.deepEqual(
    fromRedisFields(Object.fromEntries(toRedisFields(META))),
    META,
  );
});

Deno.test("reading is lax as pydantic: numbers from strings, labels optional", () => {
  const meta = serviceMetadataFromPython({
    id: META.id,
    display_name: "m",
    service_group: "manager",
    version: "1",
    endpoint: {
      address: "h",
      port: "80",
      protocol: "http",
      prometheus_address: "h:80",
    },
    health_status: { registration_time: "1.5", last_heartbeat: 2 },
  });
  assert.equal(meta.endpoint.port, 80);
  assert.equal(meta.healthStatus.registrationTime, 1.5);
  assert.throws(
    () =>
      serviceMetadataFromPython({
        ...JSON.parse(
          JSON.stringify({
            id: META.id,
            display_name: "m",
            service_group: "g",
            version: "1",
          }),
        ),
        endpoint: {
          address: "h",
          port: "x",
          protocol: "http",
          prometheus_address: "h:1",
        },
        health_status: { registration_time: 1, last_heartbeat: 1 },
      }),
    /endpoint\.port/,
  );
});
