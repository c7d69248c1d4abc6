// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// AsyncEtcd against a private etcd started on free ports, so it can turn
// authentication on and restart the server (never the halfstack's). Each
// scenario (_restart_scenarios.ts) runs in a child process: Deno 2.9.6
// sometimes crashes in node:http2 when etcd restarts or the clients close,
// and a crash must not end the whole run; one crash is rerun once, loudly
// (tests/_isolated.ts, RELIABILITY.md).

import { runIsolated } from "../../../_isolated.ts";
import { SCENARIOS_URL } from "./_restart_scenarios.ts";

Deno.test({
  name:
    "auth: a user and password work; wrong ones give EtcdAuthError naming the user, never the password",
  fn: async () => {
    await runIsolated(SCENARIOS_URL, "authUserAndPassword");
  },
});

Deno.test({
  name:
    "a watch with auth survives an etcd restart and sees changes made after it (stale token renewed)",
  fn: async () => {
    await runIsolated(SCENARIOS_URL, "watchWithAuthSurvivesRestart");
  },
});

Deno.test({
  name:
    "a watch without auth resumes after an etcd restart; a lease outlasted by the outage is lost",
  fn: async () => {
    await runIsolated(SCENARIOS_URL, "watchWithoutAuthResumes");
  },
});
