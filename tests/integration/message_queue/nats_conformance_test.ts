// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue conformance suite on NATS JetStream (the halfstack's
// NATS server), each test in a namespace of its own. Needs
// `deno task halfstack up`; fails, never skips, without it.

import { StreamQueue } from "../../../message_queue/mod.ts";
import { NatsStreamStore } from "../../../message_queue/nats/mod.ts";
import { defineMessageQueueConformance } from "../../conformance/message_queue_suite.ts";
import { natsFixture } from "../../_nats.ts";
import { quietLogger } from "../../_logger.ts";

defineMessageQueueConformance(
  { name: "nats", ttlSlackMs: 300 },
  async () => {
    const fixture = await natsFixture("conf");
    const options = { namespace: fixture.namespace, logger: quietLogger };
    const store = await NatsStreamStore.connect(
      { servers: fixture.server },
      options,
    );
    // Another client: entries written exactly as given.
    const raw = new NatsStreamStore(fixture.nc, options);
    return {
      queue: new StreamQueue(store, { logger: quietLogger }),
      writeRaw: async (stream, fields) => {
        await raw.add([{ stream, fields }]);
      },
      publishRaw: async (channel, data) => {
        fixture.nc.publish(raw.names.channel(channel), data);
        await fixture.nc.flush();
      },
      cleanup: async () => {
        await raw.close();
        await fixture.cleanup();
      },
    };
  },
);
