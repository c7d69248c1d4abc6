// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import {
  httpServiceDiscoveryDocument,
  httpServiceDiscoveryHandler,
  MemoryServiceDiscovery,
  type ServiceDiscovery,
  ServiceDiscoveryBackendError,
} from "../../../service_discovery/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { sampleService } from "../../conformance/service_discovery_suite.ts";

Deno.test("the document is upstream's: targets, custom labels, fixed labels winning in place", () => {
  const meta = sampleService("manager", "manager-1", {
    "2": "numeric key keeps its place",
    service_group: "overridden",
    zone: "a",
  });
  assert.equal(
    httpServiceDiscoveryDocument([meta]),
    `[{"targets":["10.0.0.1:8091"],"labels":{"2":"numeric key keeps its place",` +
      `"service_group":"manager","zone":"a","service_id":"${meta.id}",` +
      `"display_name":"manager-1","version":"26.8.1"}}]`,
  );
});

Deno.test("the handler answers 200 application/json with the full list, [] when empty", async () => {
  await using discovery = new MemoryServiceDiscovery();
  const handler = httpServiceDiscoveryHandler(discovery);
  let response = await handler(
    new Request("http://x/metrics/service_discovery"),
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(await response.text(), "[]");
  for (let i = 0; i < 3; i++) {
    await discovery.register(sampleService("agent", `a${i}`));
  }
  response = await handler(new Request("http://x/metrics/service_discovery"));
  const body = await response.json();
  assert.equal(body.length, 3);
  assert.deepEqual(
    body.map((e: { labels: { display_name: string } }) => e.labels.display_name)
      .sort(),
    ["a0", "a1", "a2"],
  );
  const head = await handler(new Request("http://x/", { method: "HEAD" }));
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
  const post = await handler(new Request("http://x/", { method: "POST" }));
  assert.equal(post.status, 405);
  await post.body?.cancel();
});

Deno.test("a failing backend answers its problem document, never a partial list", async () => {
  const failing = {
    discover: () =>
      Promise.reject(
        new ServiceDiscoveryBackendError("Redis is down", {
          data: { key: "k", operation: "discover" },
        }),
      ),
  } as unknown as ServiceDiscovery;
  const response = await httpServiceDiscoveryHandler(failing, {
    logger: quietLogger,
  })(
    new Request("http://x/"),
  );
  assert.equal(response.status, 503);
  assert.equal(
    response.headers.get("content-type"),
    "application/problem+json",
  );
  const problem = await response.json();
  assert.equal(problem.error_code, "backendai_generic_unavailable");
  const plain = {
    discover: () => Promise.reject(new Error("boom")),
  } as unknown as ServiceDiscovery;
  const crashed = await httpServiceDiscoveryHandler(plain, {
    logger: quietLogger,
  })(new Request("http://x/"));
  assert.equal(crashed.status, 500);
  assert.doesNotMatch(await crashed.text(), /boom/);
});

Deno.test("gzip when asked, the same document either way, with its length", async () => {
  await using discovery = new MemoryServiceDiscovery();
  for (let i = 0; i < 20; i++) {
    await discovery.register(sampleService("agent", `a${i}`));
  }
  const handler = httpServiceDiscoveryHandler(discovery);
  const get = (encoding: string) =>
    handler(
      new Request("http://x/metrics/service_discovery", {
        headers: { "accept-encoding": encoding },
      }),
    );
  const plain = await get("identity");
  const plainBytes = new Uint8Array(await plain.arrayBuffer());
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(plain.headers.get("content-length"), String(plainBytes.length));
  assert.equal(plain.headers.get("vary"), "accept-encoding");
  const text = new TextDecoder().decode(plainBytes);
  assert.equal(text, httpServiceDiscoveryDocument(await discovery.discover()));

  for (const encoding of ["gzip", "deflate, gzip;q=1.0"]) {
    const zipped = await get(encoding);
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    assert.equal(zipped.headers.get("content-length"), String(bytes.length));
    assert.ok(bytes.length < plainBytes.length);
    const unzipped = await new Response(
      new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
    ).text();
    assert.equal(unzipped, text);
  }

  // A HEAD answers the length a GET would send, without a body.
  const head = await handler(new Request("http://x/", { method: "HEAD" }));
  assert.equal(head.headers.get("content-length"), String(plainBytes.length));
  assert.equal(await head.text(), "");

  // A response's body is the response's own: changing it does not change the
  // next one.
  plainBytes.fill(0);
  assert.equal(await (await get("identity")).text(), text);
});
