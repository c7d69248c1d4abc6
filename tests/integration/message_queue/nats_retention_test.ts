// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue retention suite on NATS JetStream (the halfstack's
// NATS server), each test in a namespace of its own. "Another client" is a
// second store on a connection of its own, whose add with maxLen cuts the
// stream as a producer that trims on every add does. Needs
// `deno task halfstack up`; fails, never skips, without it.

import { StreamQueue } from "../../../message_queue/mod.ts";
import { NatsStreamStore } from "../../../message_queue/nats/mod.ts";
import { defineRetentionConformance } from "../../conformance/message_queue_retention_suite.ts";
import { natsFixture } from "../../_nats.ts";
import { quietLogger } from "../../_logger.ts";

defineRetentionConformance({ name: "nats" }, async (options) => {
  const fixture = await natsFixture("ret");
  const storeOptions = { namespace: fixture.namespace, logger: quietLogger };
  const store = await NatsStreamStore.connect(
    { servers: fixture.server },
    storeOptions,
  );
  const other = new NatsStreamStore(fixture.nc, storeOptions);
  return {
    queue: new StreamQueue(store, { logger: quietLogger, ...options }),
    writeRaw: async (stream, fields, maxLen) => {
      await other.add([{ stream, fields }], maxLen);
    },
    publishRaw: async (channel, data) => {
      fixture.nc.publish(other.names.channel(channel), data);
      await fixture.nc.flush();
    },
    // The namespace goes as a whole at cleanup.
    removeStreams: () => Promise.resolve(),
    cleanup: async () => {
      await other.close();
      await fixture.cleanup();
    },
  };
});
