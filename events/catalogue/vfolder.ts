// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Virtual folder events (upstream `event_types/vfolder/anycast.py`),
 * anycast, routed by the folder id. A `VFolderID` travels as its string
 * form (`str(vfid)`) in the legacy tuple; the JSON form is accepted as a
 * string or an object.
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** A virtual folder id: its string form, or upstream's object form. */
export type VFolderIdValue = string | Record<string, unknown>;

/** The body of `vfolder_deletion_success`. */
export interface VFolderBody {
  /** The folder. */
  vfid: VFolderIdValue;
}

/** The body of `vfolder_deletion_failure`. */
export interface VFolderFailureBody extends VFolderBody {
  /** What went wrong. */
  message: string;
}

/** The body of `vfolder_clone_success`. */
export interface VFolderCloneBody extends VFolderBody {
  /** The new folder. */
  dst_vfid: VFolderIdValue;
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

const vfid = z.union([z.string(), z.record(z.string(), z.unknown())]);
const routeBy = (body: VFolderBody): string =>
  typeof body.vfid === "string" ? body.vfid : JSON.stringify(body.vfid);

/**
 * `vfolder_deletion_success`.
 *
 * @example Usage
 * ```ts
 * import { VFolderDeletionSuccessEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = VFolderDeletionSuccessEvent.decode({ body: null, legacyArgs: ["user:u-1/f-1"] });
 * assert.equal(VFolderDeletionSuccessEvent.domainId(body), "user:u-1/f-1");
 * ```
 */
export const VFolderDeletionSuccessEvent: EventDefinition<VFolderBody> =
  defineEvent({
    name: "vfolder_deletion_success",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid }),
    domainId: routeBy,
    legacyFields: ["vfid"],
  });

/**
 * `vfolder_deletion_failure`.
 *
 * @example Usage
 * ```ts
 * import { VFolderDeletionFailureEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFolderDeletionFailureEvent.name, "vfolder_deletion_failure");
 * ```
 */
export const VFolderDeletionFailureEvent: EventDefinition<VFolderFailureBody> =
  defineEvent({
    name: "vfolder_deletion_failure",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid, message: z.string() }),
    domainId: routeBy,
    legacyFields: ["vfid", "message"],
  });

/**
 * `vfolder_clone_success`.
 *
 * @example Usage
 * ```ts
 * import { VFolderCloneSuccessEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = VFolderCloneSuccessEvent.decode({ body: { vfid: "a", dst_vfid: "b" } });
 * assert.equal(body.dst_vfid, "b");
 * ```
 */
export const VFolderCloneSuccessEvent: EventDefinition<VFolderCloneBody> =
  defineEvent({
    name: "vfolder_clone_success",
    domain: EventDomain.VFOLDER,
    pattern: "anycast",
    schema: z.object({ vfid, dst_vfid: vfid }),
    domainId: routeBy,
    legacyFields: ["vfid", "dst_vfid"],
  });

/**
 * `vfolder_clone_failure`.
 *
 * @example Usage
 * ```ts
 * import { VFolderCloneFailureEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFolderCloneFailureEvent.name, "vfolder_clone_failure");
 * ```
 */
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

/**
 * `vfolder_delete_request`.
 *
 * @example Usage
 * ```ts
 * import { VFolderDeleteRequestEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFolderDeleteRequestEvent.name, "vfolder_delete_request");
 * ```
 */
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

/** The vfolder events (all anycast). */
export const VFOLDER_EVENTS: readonly EventDefinition<unknown>[] = [
  VFolderDeletionSuccessEvent,
  VFolderDeletionFailureEvent,
  VFolderCloneSuccessEvent,
  VFolderCloneFailureEvent,
  VFolderDeleteRequestEvent,
];
