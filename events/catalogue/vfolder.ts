// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Virtual folder events (upstream `event_types/vfolder/anycast.py`),
 * anycast, routed by the folder id. A `VFolderID` travels as its string
 * form (`str(vfid)`: `[<quota scope>/]<uuid>`), checked with
 * {@linkcode VFolderId.fromString}.
 *
 * @module
 */

import { z } from "zod";
import { VFolderId } from "../../types.ts";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of `vfolder_deletion_success`. */
export interface VFolderBody {
  /** The folder. */
  vfid: string;
}

/** The body of `vfolder_deletion_failure`. */
export interface VFolderFailureBody extends VFolderBody {
  /** What went wrong. */
  message: string;
}

/** The body of `vfolder_clone_success`. */
export interface VFolderCloneBody extends VFolderBody {
  /** The new folder. */
  dst_vfid: string;
}

/** The body of `vfolder_clone_failure`. */
export interface VFolderCloneFailureBody extends VFolderCloneBody {
  /** What went wrong. */
  message: string;
}

/** The body of `vfolder_delete_request`. */
export interface VFolderDeleteRequestBody extends VFolderBody {
  /** The volume it is on. */
  volume: string;
}

const vfid = z.string().refine((text) => {
  try {
    VFolderId.fromString(text);
    return true;
  } catch {
    return false;
  }
}, 'expected a vfolder id "[<quota scope>/]<uuid>"');
const routeBy = (body: VFolderBody): string => body.vfid;

/** `vfolder_deletion_success`: a virtual folder was deleted. */
export const VFolderDeletionSuccessEvent: EventDefinition<VFolderBody> =
  defineEvent({
    name: "vfolder_deletion_success",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid }),
    domainId: routeBy,
    legacyFields: ["vfid"],
  });

/** `vfolder_deletion_failure`: a virtual folder could not be deleted. */
export const VFolderDeletionFailureEvent: EventDefinition<VFolderFailureBody> =
  defineEvent({
    name: "vfolder_deletion_failure",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid, message: z.string() }),
    domainId: routeBy,
    legacyFields: ["vfid", "message"],
  });

/** `vfolder_clone_success`: a virtual folder was cloned into a new one. */
export const VFolderCloneSuccessEvent: EventDefinition<VFolderCloneBody> =
  defineEvent({
    name: "vfolder_clone_success",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid, dst_vfid: vfid }),
    domainId: routeBy,
    legacyFields: ["vfid", "dst_vfid"],
  });

/** `vfolder_clone_failure`: a virtual folder could not be cloned. */
export const VFolderCloneFailureEvent: EventDefinition<
  VFolderCloneFailureBody
> = defineEvent({
  name: "vfolder_clone_failure",
  domain: EventDomain.VFOLDER,
  pattern: "anycast",
  schema: z.object({ vfid, dst_vfid: vfid, message: z.string() }),
  domainId: routeBy,
  legacyFields: ["vfid", "dst_vfid", "message"],
});

/** `vfolder_delete_request`: a request to delete a virtual folder on a volume. */
export const VFolderDeleteRequestEvent: EventDefinition<
  VFolderDeleteRequestBody
> = defineEvent({
  name: "vfolder_delete_request",
  domain: EventDomain.VFOLDER,
  pattern: "anycast",
  schema: z.object({ vfid, volume: z.string() }),
  domainId: routeBy,
  legacyFields: ["vfid", "volume"],
});

/**
 * The vfolder events (all anycast).
 *
 * @example Routing by folder id
 * ```ts
 * import { VFOLDER_EVENTS, VFolderDeletionSuccessEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFOLDER_EVENTS.length, 5);
 * assert.ok(VFOLDER_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const VFID = "user:f38dea23-50fa-42a0-b5ae-338f5f4693f4/0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
 * const body = VFolderDeletionSuccessEvent.decode({ body: null, legacyArgs: [VFID] });
 * assert.equal(VFolderDeletionSuccessEvent.domainId(body), VFID);
 * ```
 */
export const VFOLDER_EVENTS: readonly EventDefinition<unknown>[] = [
  VFolderDeletionSuccessEvent,
  VFolderDeletionFailureEvent,
  VFolderCloneSuccessEvent,
  VFolderCloneFailureEvent,
  VFolderDeleteRequestEvent,
];
