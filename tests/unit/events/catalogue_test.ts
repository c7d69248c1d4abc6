// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The wire contract of the upstream catalogue, one row per event: decoding
// a JSON body or a legacy msgpack tuple (with upstream's defaults), JSON
// text in upstream's field order with Python floats, domain ids, cache ids,
// the SSE projection, and what must not decode. Every row has a body, and
// every body goes both ways in both forms: encode then decode gives it back
// as JSON (upstream main) and as the legacy msgpack tuple (26.8.x), the
// tuple read by the same codec that reads queue messages; or the legacy
// form refuses it, naming the field. The Python side of both forms is
// checked in tests/integration/events/interop_test.ts.

import assert from "node:assert/strict";
import { decodeStreamFields } from "../../../message_queue/mod.ts";
import {
  AGENT_EVENTS,
  AgentErrorEvent,
  AgentHeartbeatEvent,
  AgentImagesRemoveEvent,
  AgentInstalledImagesRemoveEvent,
  AgentStartedEvent,
  AgentStatusHeartbeatEvent,
  AgentTerminatedEvent,
  ARTIFACT_EVENTS,
  BGTASK_EVENTS,
  BgtaskCancelledEvent,
  BgtaskDoneEvent,
  BgtaskFailedEvent,
  BgtaskPartialSuccessEvent,
  BgtaskUpdatedEvent,
  DoAgentResourceCheckEvent,
  DoDeploymentLifecycleEvent,
  DoDeploymentLifecycleIfNeededEvent,
  DoIdleCheckEvent,
  DoReconcileProcessEvent,
  DoReconcileProcessIfNeededEvent,
  DoRouteLifecycleEvent,
  DoRouteLifecycleIfNeededEvent,
  DoScanReservoirRegistryEvent,
  DoSokovanProcessIfNeededEvent,
  DoSokovanProcessScheduleEvent,
  DoSweepStaleServicesEvent,
  DoSyncKernelLogsEvent,
  DoTerminateSessionAnycastEvent,
  DoTerminateSessionEvent,
  DoVolumeMountEvent,
  DoVolumeUnmountEvent,
  type EventDefinition,
  EventPayloadEncodingError,
  ExecutionCancelledEvent,
  ExecutionFinishedEvent,
  ExecutionStartedEvent,
  ExecutionTimeoutEvent,
  IDLE_CHECK_EVENTS,
  IMAGE_EVENTS,
  ImagePullFailedEvent,
  ImagePullFinishedEvent,
  ImagePullStartedEvent,
  KERNEL_ANYCAST_EVENTS,
  KERNEL_BROADCAST_EVENTS,
  KernelCancelledAnycastEvent,
  KernelCancelledBroadcastEvent,
  KernelCreatingAnycastEvent,
  KernelCreatingBroadcastEvent,
  KernelPreparingAnycastEvent,
  KernelPreparingBroadcastEvent,
  KernelPullingAnycastEvent,
  KernelPullingBroadcastEvent,
  KernelStartedAnycastEvent,
  KernelStartedBroadcastEvent,
  KernelTerminatedAnycastEvent,
  KernelTerminatedBroadcastEvent,
  KernelTerminatingAnycastEvent,
  KernelTerminatingBroadcastEvent,
  ModelImportDoneEvent,
  ModelMetadataFetchDoneEvent,
  ModelVerifyingEvent,
  NOTIFICATION_EVENTS,
  NotificationTriggeredEvent,
  SCHEDULE_EVENTS,
  SchedulingEvent,
  SERVICE_DISCOVERY_EVENTS,
  ServiceDeregisteredEvent,
  ServiceRegisteredEvent,
  SESSION_ANYCAST_EVENTS,
  SESSION_BROADCAST_EVENTS,
  SessionCancelledAnycastEvent,
  SessionCancelledEvent,
  SessionCheckingPreconditionAnycastEvent,
  SessionCheckingPreconditionEvent,
  SessionEnqueuedAnycastEvent,
  SessionEnqueuedEvent,
  SessionFailureAnycastEvent,
  SessionFailureEvent,
  SessionPreparingEvent,
  SessionScheduledEvent,
  SessionStartedAnycastEvent,
  SessionStartedBroadcastEvent,
  SessionSuccessAnycastEvent,
  SessionSuccessEvent,
  SessionTerminatedAnycastEvent,
  SessionTerminatedBroadcastEvent,
  SessionTerminatingAnycastEvent,
  SessionTerminatingEvent,
  VFOLDER_EVENTS,
  VFolderCloneFailureEvent,
  VFolderCloneSuccessEvent,
  VFolderDeleteRequestEvent,
  VFolderDeletionFailureEvent,
  VFolderDeletionSuccessEvent,
  VOLUME_EVENTS,
  VolumeMountedEvent,
  VolumeUnmountedEvent,
} from "../../../events/mod.ts";

/** What a message carries to `decode`: a JSON body or a legacy tuple. */
interface Wire {
  body: unknown;
  legacyArgs?: readonly unknown[];
}

/** One event and what it must do on the wire. */
interface Row {
  event: EventDefinition<unknown>;
  name: string;
  pattern: "anycast" | "broadcast";
  /** The body under test is decoded from this... */
  decode?: Wire;
  /** ...or is this one, as is. */
  body?: unknown;
  /** Fields of that body, by dotted path (`endpoints.0.metadata`). */
  fields?: Record<string, unknown>;
  /** `encode(body)`, exactly. */
  json?: string;
  /** `domainId(body)` (`null`: the event does not route). */
  domainId?: string | null;
  /** `cacheId(body)`. */
  cacheId?: string;
  /** Fields of `userEvent(body)`: its event name and data. */
  userEvent?: { event?: string; data?: Record<string, unknown> };
  /** A message that must not decode. */
  rejects?: Wire;
  /** The legacy tuple of the body, as msgpack reads it back. */
  legacyArgs?: readonly unknown[];
  /** The legacy form refuses the body, naming this field. */
  legacyRefused?: string;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const KERNEL = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const SESSION = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const VFID = `user:${SESSION}/${KERNEL}`;
const VFID2 = `project:${KERNEL}/${SESSION}`;
const IMAGE = "cr.backend.ai/stable/python:3.13";

const ROWS: readonly Row[] = [
  // agent.ts
  {
    event: AgentStartedEvent,
    name: "agent_started",
    pattern: "anycast",
    body: { reason: "self-started" },
    json: '{"reason":"self-started"}',
  },
  {
    event: AgentTerminatedEvent,
    name: "agent_terminated",
    pattern: "anycast",
    body: { reason: "shutdown" },
    domainId: null,
  },
  {
    event: AgentErrorEvent,
    name: "agent_error",
    pattern: "anycast",
    decode: { body: { message: "disk full" } },
    fields: { severity: "ERROR", traceback: null },
  },
  {
    event: AgentHeartbeatEvent,
    name: "agent_heartbeat",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [{ region: "local" }] },
    fields: { agent_info: { region: "local" } },
    legacyRefused: "agent_info",
  },
  {
    event: AgentImagesRemoveEvent,
    name: "agent_images_remove",
    pattern: "anycast",
    body: { image_canonicals: [IMAGE] },
  },
  {
    event: AgentInstalledImagesRemoveEvent,
    name: "agent_installed_images_remove",
    pattern: "anycast",
    body: {
      scanned_images: { [IMAGE]: { canonical: IMAGE, digest: "sha256:ab" } },
    },
  },
  {
    event: DoAgentResourceCheckEvent,
    name: "do_agent_resource_check",
    pattern: "anycast",
    body: { agent_id: "i-1" },
    json: '{"agent_id":"i-1"}',
  },
  {
    event: AgentStatusHeartbeatEvent,
    name: "agent_status_heartbeat",
    pattern: "anycast",
    decode: { body: { agent_id: "i-1", containers: [] } },
    fields: { containers: [] },
  },
  // bgtask.ts
  {
    event: BgtaskUpdatedEvent,
    name: "bgtask_updated",
    pattern: "broadcast",
    body: {
      task_id: TASK,
      current_progress: 0,
      total_progress: 10,
      message: "Task started",
    },
    json: `{"task_id":"${TASK}","current_progress":0.0,` +
      '"total_progress":10.0,"message":"Task started"}',
    legacyArgs: [TASK, 0, 10, "Task started"],
  },
  {
    event: BgtaskDoneEvent,
    name: "bgtask_done",
    pattern: "broadcast",
    body: { task_id: TASK, message: null },
    cacheId: `bgtask.${TASK}`,
    userEvent: { data: { message: "None" } },
  },
  {
    event: BgtaskCancelledEvent,
    name: "bgtask_cancelled",
    pattern: "broadcast",
    body: { task_id: TASK, message: "cancelled" },
  },
  {
    event: BgtaskFailedEvent,
    name: "bgtask_failed",
    pattern: "broadcast",
    body: { task_id: TASK, message: "boom" },
  },
  {
    event: BgtaskPartialSuccessEvent,
    name: "bgtask_partial_success",
    pattern: "broadcast",
    decode: { body: { task_id: TASK, message: "ok" } },
    fields: { errors: [] },
    userEvent: { event: "bgtask_done" },
  },
  // image.ts
  {
    event: ImagePullStartedEvent,
    name: "image_pull_started",
    pattern: "anycast",
    decode: { body: null, legacyArgs: ["python:3.12", "i-1", 1700000000] },
    domainId: "python:3.12",
    json: '{"image":"python:3.12","agent_id":"i-1",' +
      '"timestamp":1700000000.0,"image_ref":null}',
    legacyArgs: ["python:3.12", "i-1", 1700000000],
  },
  {
    event: ImagePullFinishedEvent,
    name: "image_pull_finished",
    pattern: "anycast",
    decode: { body: { image: "x", agent_id: "i-1", timestamp: 1.5 } },
    fields: { msg: null },
  },
  {
    event: ImagePullFailedEvent,
    name: "image_pull_failed",
    pattern: "anycast",
    body: { image: IMAGE, agent_id: "i-1", msg: "not found", image_ref: null },
  },
  // kernel.ts
  {
    event: KernelPreparingAnycastEvent,
    name: "kernel_preparing",
    pattern: "anycast",
    decode: { body: { kernel_id: KERNEL, session_id: SESSION } },
    fields: { creation_info: {} },
    domainId: KERNEL,
  },
  {
    event: KernelPullingAnycastEvent,
    name: "kernel_pulling",
    pattern: "anycast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: {},
    },
  },
  {
    event: KernelCreatingAnycastEvent,
    name: "kernel_creating",
    pattern: "anycast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: {},
    },
  },
  {
    event: KernelStartedAnycastEvent,
    name: "kernel_started",
    pattern: "anycast",
    decode: {
      body: null,
      legacyArgs: [KERNEL, SESSION, "", { container_id: "c1" }],
    },
    fields: { creation_info: { container_id: "c1" } },
  },
  {
    event: KernelCancelledAnycastEvent,
    name: "kernel_cancelled",
    pattern: "anycast",
    body: { kernel_id: KERNEL, session_id: SESSION, reason: "user-requested" },
  },
  {
    event: KernelTerminatingAnycastEvent,
    name: "kernel_terminating",
    pattern: "anycast",
    decode: { body: { kernel_id: KERNEL, session_id: SESSION } },
    fields: { exit_code: -1 },
    domainId: null,
  },
  {
    event: KernelTerminatedAnycastEvent,
    name: "kernel_terminated",
    pattern: "anycast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "user-requested",
      exit_code: 0,
    },
  },
  {
    event: DoSyncKernelLogsEvent,
    name: "do_sync_kernel_logs",
    pattern: "anycast",
    body: { kernel_id: KERNEL, container_id: "c1" },
    json: `{"kernel_id":"${KERNEL}","container_id":"c1"}`,
  },
  {
    event: KernelPreparingBroadcastEvent,
    name: "kernel_preparing",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: {},
    },
  },
  {
    event: KernelPullingBroadcastEvent,
    name: "kernel_pulling",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: {},
    },
  },
  {
    event: KernelCreatingBroadcastEvent,
    name: "kernel_creating",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: {},
    },
  },
  {
    event: KernelStartedBroadcastEvent,
    name: "kernel_started",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "",
      creation_info: { container_id: "c1" },
    },
  },
  {
    event: KernelCancelledBroadcastEvent,
    name: "kernel_cancelled",
    pattern: "broadcast",
    body: { kernel_id: KERNEL, session_id: SESSION, reason: "user-requested" },
  },
  {
    event: KernelTerminatingBroadcastEvent,
    name: "kernel_terminating",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "user-requested",
      exit_code: 0,
    },
  },
  {
    event: KernelTerminatedBroadcastEvent,
    name: "kernel_terminated",
    pattern: "broadcast",
    body: {
      kernel_id: KERNEL,
      session_id: SESSION,
      reason: "user-requested",
      exit_code: 0,
    },
  },
  // schedule.ts
  {
    event: DoSokovanProcessIfNeededEvent,
    name: "do_sokovan_process_if_needed",
    pattern: "anycast",
    body: { schedule_type: "schedule" },
    json: '{"schedule_type":"schedule"}',
  },
  {
    event: DoSokovanProcessScheduleEvent,
    name: "do_sokovan_process_schedule",
    pattern: "anycast",
    decode: { body: null, legacyArgs: ["start"] },
    fields: { schedule_type: "start" },
  },
  {
    event: DoDeploymentLifecycleIfNeededEvent,
    name: "do_deployment_lifecycle_if_needed",
    pattern: "anycast",
    body: { lifecycle_type: "check_pending", sub_step: null },
  },
  {
    event: DoDeploymentLifecycleEvent,
    name: "do_deployment_lifecycle",
    pattern: "anycast",
    body: { lifecycle_type: "check_pending", sub_step: "replicas" },
  },
  {
    event: DoRouteLifecycleIfNeededEvent,
    name: "do_route_lifecycle_if_needed",
    pattern: "anycast",
    body: { lifecycle_type: "provisioning" },
  },
  {
    event: DoRouteLifecycleEvent,
    name: "do_route_lifecycle",
    pattern: "anycast",
    body: { lifecycle_type: "x" },
    domainId: null,
  },
  {
    event: DoReconcileProcessIfNeededEvent,
    name: "do_reconcile_process_if_needed",
    pattern: "anycast",
    body: { reconcile_type: "kernel" },
    json: '{"reconcile_type":"kernel"}',
  },
  {
    event: DoReconcileProcessEvent,
    name: "do_reconcile_process",
    pattern: "anycast",
    body: { reconcile_type: "kernel" },
  },
  // service_discovery.ts
  {
    event: ServiceRegisteredEvent,
    name: "service_registered",
    pattern: "anycast",
    decode: {
      body: {
        instance_id: "i-1",
        service_group: "manager",
        display_name: "Manager",
        version: "26.1.0",
        startup_time: "2026-11-28T12:00:00Z",
        endpoints: [{
          role: "main",
          scope: "private",
          address: "10.0.0.2",
          port: 8081,
          protocol: "http",
        }],
      },
    },
    fields: { "endpoints.0.metadata": {}, config_hash: "" },
    legacyArgs: [
      utf8(
        '{"instance_id":"i-1","service_group":"manager",' +
          '"display_name":"Manager","version":"26.1.0","labels":{},' +
          '"endpoints":[{"role":"main","scope":"private",' +
          '"address":"10.0.0.2","port":8081,"protocol":"http",' +
          '"metadata":{}}],"config_hash":""}',
      ),
      utf8("2026-11-28T12:00:00Z"),
    ],
  },
  {
    event: ServiceDeregisteredEvent,
    name: "service_deregistered",
    pattern: "anycast",
    body: { instance_id: "i-1", service_group: "manager" },
    json: '{"instance_id":"i-1","service_group":"manager"}',
    legacyArgs: [utf8("i-1"), utf8("manager")],
  },
  {
    event: DoSweepStaleServicesEvent,
    name: "do_sweep_stale_services",
    pattern: "anycast",
    body: {},
    json: "{}",
    legacyArgs: [new Uint8Array(0)],
  },
  // artifact.ts
  {
    event: ModelVerifyingEvent,
    name: "model_verifying",
    pattern: "anycast",
    body: {
      model_id: "org/model",
      revision: "main",
      registry_type: "huggingface",
      registry_name: "hf",
    },
    json: '{"model_id":"org/model","revision":"main",' +
      '"registry_type":"huggingface","registry_name":"hf"}',
    domainId: null,
    legacyArgs: ["org/model", "main", "huggingface", "hf"],
  },
  {
    event: ModelImportDoneEvent,
    name: "model_import_done",
    pattern: "anycast",
    decode: {
      body: {
        model_id: "org/model",
        revision: "main",
        registry_type: "reservoir",
        registry_name: "r1",
        success: true,
        digest: "sha256:ab",
        verification_result: {
          verifiers: {
            clamav: {
              success: true,
              infected_count: 0,
              scanned_at: "2026-11-28T12:00:00Z",
              scan_time: 1.25,
              scanned_count: 3,
              metadata: {},
            },
          },
        },
      },
    },
    fields: { "verification_result.verifiers.clamav.error": null },
    legacyArgs: ["org/model", "main", "reservoir", "r1", true, "sha256:ab", {
      verifiers: {
        clamav: {
          success: true,
          infected_count: 0,
          scanned_at: "2026-11-28T12:00:00Z",
          scan_time: 1.25,
          scanned_count: 3,
          metadata: {},
          error: null,
        },
      },
    }],
  },
  {
    event: ModelMetadataFetchDoneEvent,
    name: "models_metadata_fetch_done",
    pattern: "anycast",
    body: {
      model: {
        model_id: "org/model",
        revision: "main",
        readme_content: "# Model",
        registry_type: "huggingface",
        registry_name: "hf",
        size: 1024,
      },
    },
    json: '{"model":{"model_id":"org/model","revision":"main",' +
      '"readme_content":"# Model","registry_type":"huggingface",' +
      '"registry_name":"hf","size":1024}}',
    // Upstream 26.8 flattens the model, registry_name first.
    legacyArgs: ["org/model", "main", "# Model", "hf", "huggingface", 1024],
  },
  {
    event: DoScanReservoirRegistryEvent,
    name: "do_scan_reservoir_registry",
    pattern: "anycast",
    body: {},
    json: "{}",
    legacyArgs: [],
  },
  // idle.ts
  {
    event: DoIdleCheckEvent,
    name: "do_idle_check",
    pattern: "anycast",
    body: {},
    json: "{}",
    domainId: null,
    legacyArgs: [],
  },
  // notification.ts
  {
    event: NotificationTriggeredEvent,
    name: "notification_triggered",
    pattern: "anycast",
    body: {
      rule_type: "session.started",
      timestamp: "2026-11-28T12:00:00Z",
      notification_data: { session_id: SESSION, user: "john" },
    },
    json: '{"rule_type":"session.started",' +
      '"timestamp":"2026-11-28T12:00:00Z",' +
      `"notification_data":{"session_id":"${SESSION}","user":"john"}}`,
    legacyArgs: [
      utf8("session.started"),
      utf8("2026-11-28T12:00:00Z"),
      utf8(`{"session_id":"${SESSION}","user":"john"}`),
    ],
  },
  // session.ts, broadcast
  {
    event: DoTerminateSessionEvent,
    name: "do_terminate_session",
    pattern: "broadcast",
    decode: { body: null, legacyArgs: [SESSION, "idle-timeout"] },
    fields: { reason: "idle-timeout" },
  },
  {
    event: SessionEnqueuedEvent,
    name: "session_enqueued",
    pattern: "broadcast",
    decode: { body: { session_id: SESSION, creation_id: "c-1" } },
    fields: { reason: "unknown" },
    domainId: SESSION,
  },
  {
    event: SessionScheduledEvent,
    name: "session_scheduled",
    pattern: "broadcast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionCheckingPreconditionEvent,
    name: "session_checking_precondition",
    pattern: "broadcast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionPreparingEvent,
    name: "session_preparing",
    pattern: "broadcast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionCancelledEvent,
    name: "session_cancelled",
    pattern: "broadcast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionStartedBroadcastEvent,
    name: "session_started",
    pattern: "broadcast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionTerminatingEvent,
    name: "session_terminating",
    pattern: "broadcast",
    body: { session_id: SESSION, reason: "user-requested" },
  },
  {
    event: SessionTerminatedBroadcastEvent,
    name: "session_terminated",
    pattern: "broadcast",
    body: { session_id: SESSION, reason: "user-requested" },
  },
  {
    event: SessionSuccessEvent,
    name: "session_success",
    pattern: "broadcast",
    decode: { body: { session_id: SESSION, exit_code: 0 } },
    fields: { exit_code: 0 },
  },
  {
    event: SessionFailureEvent,
    name: "session_failure",
    pattern: "broadcast",
    body: { session_id: SESSION, reason: "task-failed", exit_code: 1 },
  },
  {
    event: SchedulingEvent,
    name: "scheduling",
    pattern: "broadcast",
    decode: {
      body: null,
      legacyArgs: [SESSION, "c-1", "pending->scheduled", "ok"],
    },
    cacheId: `session_scheduler.${SESSION}`,
  },
  // session.ts, anycast
  {
    event: DoTerminateSessionAnycastEvent,
    name: "do_terminate_session",
    pattern: "anycast",
    body: { session_id: SESSION, reason: "idle-timeout" },
  },
  {
    event: SessionEnqueuedAnycastEvent,
    name: "session_enqueued",
    pattern: "anycast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionCheckingPreconditionAnycastEvent,
    name: "session_checking_precondition",
    pattern: "anycast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionCancelledAnycastEvent,
    name: "session_cancelled",
    pattern: "anycast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionStartedAnycastEvent,
    name: "session_started",
    pattern: "anycast",
    body: { session_id: SESSION, creation_id: "c-1", reason: "unknown" },
  },
  {
    event: SessionTerminatingAnycastEvent,
    name: "session_terminating",
    pattern: "anycast",
    body: { session_id: SESSION, reason: "user-requested" },
  },
  {
    event: SessionTerminatedAnycastEvent,
    name: "session_terminated",
    pattern: "anycast",
    body: { session_id: SESSION, reason: "user-requested" },
  },
  {
    event: SessionSuccessAnycastEvent,
    name: "session_success",
    pattern: "anycast",
    body: { session_id: SESSION, reason: "task-finished", exit_code: 0 },
  },
  {
    event: SessionFailureAnycastEvent,
    name: "session_failure",
    pattern: "anycast",
    body: { session_id: SESSION, reason: "task-failed", exit_code: 1 },
  },
  {
    event: ExecutionStartedEvent,
    name: "execution_started",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [SESSION] },
    domainId: SESSION,
  },
  {
    event: ExecutionFinishedEvent,
    name: "execution_finished",
    pattern: "anycast",
    body: { session_id: SESSION },
  },
  {
    event: ExecutionTimeoutEvent,
    name: "execution_timeout",
    pattern: "anycast",
    body: { session_id: SESSION },
  },
  {
    event: ExecutionCancelledEvent,
    name: "execution_cancelled",
    pattern: "anycast",
    body: { session_id: SESSION },
  },
  // vfolder.ts
  {
    event: VFolderDeletionSuccessEvent,
    name: "vfolder_deletion_success",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [VFID] },
    domainId: VFID,
  },
  {
    event: VFolderDeletionFailureEvent,
    name: "vfolder_deletion_failure",
    pattern: "anycast",
    body: { vfid: VFID, message: "busy" },
  },
  {
    event: VFolderCloneSuccessEvent,
    name: "vfolder_clone_success",
    pattern: "anycast",
    decode: { body: { vfid: KERNEL, dst_vfid: SESSION } },
    fields: { dst_vfid: SESSION },
    rejects: { body: { vfid: "a", dst_vfid: "b" } },
  },
  {
    event: VFolderCloneFailureEvent,
    name: "vfolder_clone_failure",
    pattern: "anycast",
    body: { vfid: VFID, dst_vfid: VFID2, message: "no space" },
  },
  {
    event: VFolderDeleteRequestEvent,
    name: "vfolder_delete_request",
    pattern: "anycast",
    body: { vfid: VFID, volume: "local:volume1" },
  },
  // volume.ts
  {
    event: DoVolumeMountEvent,
    name: "do_volume_mount",
    pattern: "broadcast",
    decode: {
      body: {
        dir_name: "d",
        volume_backend_name: "nfs1",
        quota_scope_id: `user:${SESSION}`,
        fs_location: "10.0.0.1:/export",
      },
    },
    fields: { fs_type: "nfs", fstab_path: "/etc/fstab" },
  },
  {
    event: DoVolumeUnmountEvent,
    name: "do_volume_unmount",
    pattern: "broadcast",
    decode: {
      body: null,
      legacyArgs: ["d", "nfs1", `project:${SESSION}`, null, true, null],
    },
    fields: { edit_fstab: true },
  },
  {
    event: VolumeMountedEvent,
    name: "volume_mounted",
    pattern: "broadcast",
    body: {
      node_id: "i-1",
      node_type: "agent",
      mount_path: "/mnt/d",
      quota_scope_id: `user:${SESSION}`,
      err_msg: null,
    },
  },
  {
    event: VolumeUnmountedEvent,
    name: "volume_unmounted",
    pattern: "broadcast",
    body: {
      node_id: "s-1",
      node_type: "storage-proxy",
      mount_path: "/mnt/d",
      quota_scope_id: `project:${SESSION}`,
      err_msg: "busy",
    },
  },
];

/** The exported lists: how many events each holds, all of one pattern. */
const LISTS: readonly {
  name: string;
  list: readonly EventDefinition<unknown>[];
  length: number;
  pattern: "anycast" | "broadcast";
}[] = [
  { name: "AGENT_EVENTS", list: AGENT_EVENTS, length: 8, pattern: "anycast" },
  {
    name: "ARTIFACT_EVENTS",
    list: ARTIFACT_EVENTS,
    length: 4,
    pattern: "anycast",
  },
  {
    name: "IDLE_CHECK_EVENTS",
    list: IDLE_CHECK_EVENTS,
    length: 1,
    pattern: "anycast",
  },
  {
    name: "NOTIFICATION_EVENTS",
    list: NOTIFICATION_EVENTS,
    length: 1,
    pattern: "anycast",
  },
  {
    name: "BGTASK_EVENTS",
    list: BGTASK_EVENTS,
    length: 5,
    pattern: "broadcast",
  },
  { name: "IMAGE_EVENTS", list: IMAGE_EVENTS, length: 3, pattern: "anycast" },
  {
    name: "KERNEL_ANYCAST_EVENTS",
    list: KERNEL_ANYCAST_EVENTS,
    length: 8,
    pattern: "anycast",
  },
  {
    name: "KERNEL_BROADCAST_EVENTS",
    list: KERNEL_BROADCAST_EVENTS,
    length: 7,
    pattern: "broadcast",
  },
  {
    name: "SCHEDULE_EVENTS",
    list: SCHEDULE_EVENTS,
    length: 8,
    pattern: "anycast",
  },
  {
    name: "SERVICE_DISCOVERY_EVENTS",
    list: SERVICE_DISCOVERY_EVENTS,
    length: 3,
    pattern: "anycast",
  },
  {
    name: "SESSION_BROADCAST_EVENTS",
    list: SESSION_BROADCAST_EVENTS,
    length: 12,
    pattern: "broadcast",
  },
  {
    name: "SESSION_ANYCAST_EVENTS",
    list: SESSION_ANYCAST_EVENTS,
    length: 13,
    pattern: "anycast",
  },
  {
    name: "VFOLDER_EVENTS",
    list: VFOLDER_EVENTS,
    length: 5,
    pattern: "anycast",
  },
  {
    name: "VOLUME_EVENTS",
    list: VOLUME_EVENTS,
    length: 4,
    pattern: "broadcast",
  },
];

/** The value at a dotted path (`endpoints.0.metadata`) of `value`. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    value,
  );
}

for (const row of ROWS) {
  const label = `${row.name} (${row.pattern})`;
  Deno.test(`catalogue: ${label} keeps its wire contract`, () => {
    const { event } = row;
    assert.equal(event.name, row.name);
    assert.equal(event.pattern, row.pattern);
    const body = row.decode === undefined ? row.body : event.decode(row.decode);
    assert.notEqual(body, undefined, "the row has a body");
    // Both ways as JSON: the text decodes back to the body.
    const text = event.encode(body);
    assert.deepEqual(event.decode({ body: JSON.parse(text) }), body);
    // Both ways as the legacy tuple, or refused by name.
    assert.ok(event.legacyFields !== undefined, "it has a legacy form");
    if (row.legacyRefused !== undefined) {
      assert.throws(
        () => event.encodeLegacy(body),
        (err: unknown) =>
          err instanceof EventPayloadEncodingError &&
          err.data?.event === row.name &&
          err.data?.field === row.legacyRefused,
      );
    } else {
      const message = decodeStreamFields({
        name: row.name,
        source: "s",
        args: event.encodeLegacy(body),
      });
      if (row.legacyArgs !== undefined) {
        assert.deepEqual(message.legacyArgs, row.legacyArgs);
      }
      assert.deepEqual(event.decode(message), body);
    }
    for (const [path, expected] of Object.entries(row.fields ?? {})) {
      assert.deepEqual(at(body, path), expected, path);
    }
    if (row.json !== undefined) assert.equal(event.encode(body), row.json);
    if (row.domainId !== undefined) {
      assert.equal(event.domainId(body), row.domainId);
    }
    if (row.cacheId !== undefined) {
      assert.equal(event.cacheId(body), row.cacheId);
    }
    if (row.userEvent?.event !== undefined) {
      assert.equal(event.userEvent(body)?.event, row.userEvent.event);
    }
    for (
      const [key, expected] of Object.entries(row.userEvent?.data ?? {})
    ) {
      assert.deepEqual(event.userEvent(body)?.data[key], expected, key);
    }
    if (row.rejects !== undefined) {
      const rejected = row.rejects;
      assert.throws(() => event.decode(rejected));
    }
  });
}

Deno.test("catalogue: every event of every list has one row", () => {
  const listed = LISTS.flatMap(({ list }) => list);
  assert.equal(new Set(listed).size, listed.length);
  assert.deepEqual(
    new Set(ROWS.map((row) => row.event)),
    new Set(listed),
  );
  assert.equal(ROWS.length, listed.length);
});

for (const { name, list, length, pattern } of LISTS) {
  Deno.test(`catalogue: ${name} holds ${length} ${pattern} events`, () => {
    assert.equal(list.length, length);
    assert.ok(list.every((definition) => definition.pattern === pattern));
  });
}
