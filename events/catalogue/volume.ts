// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Volume mount events (upstream `event_types/volume/broadcast.py`),
 * broadcast to agents and storage proxies; none routes to SSE clients.
 * `quota_scope_id` is upstream's `QuotaScopeID` in its string form
 * `"<type>:<uuid>"`, checked with {@linkcode QuotaScopeId.parse}.
 *
 * @module
 */

import { z } from "zod";
import { QuotaScopeId } from "../../types.ts";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of `do_volume_mount`. */
export interface DoVolumeMountBody {
  /** The directory name under the mount prefix. */
  dir_name: string;
  /** The storage backend's name. */
  volume_backend_name: string;
  /** The quota scope. */
  quota_scope_id: string;
  /** What to mount (e.g. `host:/export`). */
  fs_location: string;
  /** The filesystem type (default `"nfs"`). */
  fs_type: string;
  /** Mount options. */
  cmd_options: string | null;
  /** Only nodes of this scaling group. */
  scaling_group: string | null;
  /** Whether to edit fstab. */
  edit_fstab: boolean;
  /** Which fstab (default `"/etc/fstab"`). */
  fstab_path: string;
}

/** The body of `do_volume_unmount`. */
export interface DoVolumeUnmountBody {
  /** The directory name under the mount prefix. */
  dir_name: string;
  /** The storage backend's name. */
  volume_backend_name: string;
  /** The quota scope. */
  quota_scope_id: string;
  /** Only nodes of this scaling group. */
  scaling_group: string | null;
  /** Whether to edit fstab. */
  edit_fstab: boolean;
  /** Which fstab. */
  fstab_path: string | null;
}

/** The body of `volume_mounted` and `volume_unmounted`. */
export interface VolumeMountResultBody {
  /** The node that (un)mounted. */
  node_id: string;
  /** `"agent"` or `"storage_proxy"` (upstream `VolumeMountableNodeType`). */
  node_type: string;
  /** Where. */
  mount_path: string;
  /** The quota scope. */
  quota_scope_id: string;
  /** The error, if it failed. */
  err_msg: string | null;
}

const quotaScopeId = z.string().refine((text) => {
  try {
    QuotaScopeId.parse(text);
    return true;
  } catch {
    return false;
  }
}, 'expected a quota scope id "<user|project>:<uuid>"');

/** `do_volume_mount`: ask agents and storage proxies to mount a volume. */
export const DoVolumeMountEvent: EventDefinition<DoVolumeMountBody> =
  defineEvent({
    name: "do_volume_mount",
    domain: EventDomain.VOLUME,
    pattern: "broadcast",
    schema: z.object({
      dir_name: z.string(),
      volume_backend_name: z.string(),
      quota_scope_id: quotaScopeId,
      fs_location: z.string(),
      fs_type: z.string().default("nfs"),
      cmd_options: z.string().nullable().default(null),
      scaling_group: z.string().nullable().default(null),
      edit_fstab: z.boolean().default(false),
      fstab_path: z.string().default("/etc/fstab"),
    }),
    legacyFields: [
      "dir_name",
      "volume_backend_name",
      "quota_scope_id",
      "fs_location",
      "fs_type",
      "cmd_options",
      "scaling_group",
      "edit_fstab",
      "fstab_path",
    ],
  });

/** `do_volume_unmount`: ask agents and storage proxies to unmount a volume. */
export const DoVolumeUnmountEvent: EventDefinition<DoVolumeUnmountBody> =
  defineEvent({
    name: "do_volume_unmount",
    domain: EventDomain.VOLUME,
    pattern: "broadcast",
    schema: z.object({
      dir_name: z.string(),
      volume_backend_name: z.string(),
      quota_scope_id: quotaScopeId,
      scaling_group: z.string().nullable().default(null),
      edit_fstab: z.boolean().default(false),
      fstab_path: z.string().nullable().default(null),
    }),
    legacyFields: [
      "dir_name",
      "volume_backend_name",
      "quota_scope_id",
      "scaling_group",
      "edit_fstab",
      "fstab_path",
    ],
  });

function mountResult(name: string): EventDefinition<VolumeMountResultBody> {
  return defineEvent({
    name,
    domain: EventDomain.VOLUME,
    pattern: "broadcast",
    schema: z.object({
      node_id: z.string(),
      node_type: z.string(),
      mount_path: z.string(),
      quota_scope_id: quotaScopeId,
      err_msg: z.string().nullable().default(null),
    }),
    legacyFields: [
      "node_id",
      "node_type",
      "mount_path",
      "quota_scope_id",
      "err_msg",
    ],
  });
}

/** `volume_mounted`: a node mounted a volume (or failed to: `err_msg`). */
export const VolumeMountedEvent: EventDefinition<VolumeMountResultBody> =
  mountResult("volume_mounted");

/** `volume_unmounted`: a node unmounted a volume (or failed to: `err_msg`). */
export const VolumeUnmountedEvent: EventDefinition<VolumeMountResultBody> =
  mountResult("volume_unmounted");

/**
 * The volume events (all broadcast).
 *
 * @example Decoding with upstream defaults
 * ```ts
 * import { DoVolumeMountEvent, VOLUME_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VOLUME_EVENTS.length, 4);
 * assert.ok(VOLUME_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * const body = DoVolumeMountEvent.decode({ body: {
 *   dir_name: "d", volume_backend_name: "nfs1", quota_scope_id: "user:f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   fs_location: "10.0.0.1:/export",
 * } });
 * assert.equal(body.fs_type, "nfs");
 * assert.equal(body.fstab_path, "/etc/fstab");
 * ```
 */
export const VOLUME_EVENTS: readonly EventDefinition<unknown>[] = [
  DoVolumeMountEvent,
  DoVolumeUnmountEvent,
  VolumeMountedEvent,
  VolumeUnmountedEvent,
];
