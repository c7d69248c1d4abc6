// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Artifact events (upstream `event_types/artifact/anycast.py` and
 * `event_types/artifact_registry/anycast.py`), anycast to the manager; they
 * do not route. `registry_type` is an `ArtifactRegistryType` value
 * (`"huggingface"`, `"reservoir"`), a Python `StrEnum`: upstream 26.8 pickled
 * it in the legacy form, and its readers take the plain string this library
 * writes there (`ArtifactRegistryType(event.registry_type)`).
 *
 * @example A model import that passed verification
 * ```ts
 * import { ARTIFACT_EVENTS, ModelImportDoneEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ARTIFACT_EVENTS.length, 4);
 * assert.equal(
 *   ModelImportDoneEvent.encode({
 *     model_id: "org/model", revision: "main", registry_type: "huggingface",
 *     registry_name: "hf", success: true, digest: null,
 *     verification_result: { verifiers: { clamav: {
 *       success: true, infected_count: 0, scanned_at: "2026-11-28T12:00:00Z",
 *       scan_time: 2, scanned_count: 14, metadata: {}, error: null,
 *     } } },
 *   }),
 *   '{"model_id":"org/model","revision":"main","registry_type":"huggingface",' +
 *     '"registry_name":"hf","success":true,"digest":null,"verification_result":' +
 *     '{"verifiers":{"clamav":{"success":true,"infected_count":0,' +
 *     '"scanned_at":"2026-11-28T12:00:00Z","scan_time":2.0,"scanned_count":14,' +
 *     '"metadata":{},"error":null}}}}',
 * );
 * ```
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of `model_verifying`. */
export interface ModelVerifyingBody {
  /** The model, e.g. `"org/model"`. */
  model_id: string;
  /** The revision. */
  revision: string;
  /** An `ArtifactRegistryType` value: `"huggingface"` or `"reservoir"`. */
  registry_type: string;
  /** The registry's name. */
  registry_name: string;
}

/** One verifier's result (upstream `VerifierResult`). */
export interface VerifierResult {
  /** Whether the verifier passed. */
  success: boolean;
  /** How many infected files it found. */
  infected_count: number;
  /** When verification started (ISO 8601, as pydantic writes datetimes). */
  scanned_at: string;
  /** Seconds the verification took (a Python float). */
  scan_time: number;
  /** How many files it scanned. */
  scanned_count: number;
  /** More from the verifier. */
  metadata: Record<string, string>;
  /** The verifier's error, if it failed with one. */
  error: string | null;
}

/** The verifiers' results (upstream `VerificationStepResult`). */
export interface VerificationStepResult {
  /** Each verifier's result, by its name. */
  verifiers: Record<string, VerifierResult>;
}

/** The body of `model_import_done`. */
export interface ModelImportDoneBody extends ModelVerifyingBody {
  /** Whether the import succeeded. */
  success: boolean;
  /** The imported revision's digest, if known. */
  digest: string | null;
  /** What verification found, if it ran. */
  verification_result: VerificationStepResult | null;
}

/** One model's metadata (upstream `ModelMetadataInfo`). */
export interface ModelMetadataInfo {
  /** The model. */
  model_id: string;
  /** The revision. */
  revision: string;
  /** Its README. */
  readme_content: string;
  /** An `ArtifactRegistryType` value. */
  registry_type: string;
  /** The registry's name. */
  registry_name: string;
  /** Its size in bytes. */
  size: number;
}

/** The body of `models_metadata_fetch_done`. */
export interface ModelMetadataFetchDoneBody {
  /** The fetched metadata. */
  model: ModelMetadataInfo;
}

const model = {
  model_id: z.string(),
  revision: z.string(),
  registry_type: z.string(),
  registry_name: z.string(),
};

/** `model_verifying`: mark a model revision as being verified. */
export const ModelVerifyingEvent: EventDefinition<ModelVerifyingBody> =
  defineEvent({
    name: "model_verifying",
    domain: EventDomain.ARTIFACT,
    pattern: "anycast",
    schema: z.object(model),
    legacyFields: ["model_id", "revision", "registry_type", "registry_name"],
  });

/** `model_import_done`: a model revision's import finished. */
export const ModelImportDoneEvent: EventDefinition<ModelImportDoneBody> =
  defineEvent({
    name: "model_import_done",
    domain: EventDomain.ARTIFACT,
    pattern: "anycast",
    schema: z.object({
      ...model,
      success: z.boolean(),
      digest: z.string().nullable(),
      verification_result: z.object({
        verifiers: z.record(
          z.string(),
          z.object({
            success: z.boolean(),
            infected_count: z.number().int(),
            scanned_at: z.string(),
            scan_time: z.number(),
            scanned_count: z.number().int(),
            metadata: z.record(z.string(), z.string()),
            error: z.string().nullable().default(null),
          }),
        ),
      }).nullable(),
    }),
    floatFields: ["verification_result.verifiers.*.scan_time"],
    // Upstream 26.8 packs verification_result.model_dump(), whose
    // scanned_at is a datetime (msgpack ext 2, temporenc); its reader
    // validates with pydantic, which takes the ISO text written here.
    legacyFields: [
      "model_id",
      "revision",
      "registry_type",
      "registry_name",
      "success",
      "digest",
      "verification_result",
    ],
  });

/** `models_metadata_fetch_done`: a model's metadata (README, size) was fetched. */
export const ModelMetadataFetchDoneEvent: EventDefinition<
  ModelMetadataFetchDoneBody
> = defineEvent({
  name: "models_metadata_fetch_done",
  domain: EventDomain.ARTIFACT,
  pattern: "anycast",
  schema: z.object({
    model: z.object({
      model_id: z.string(),
      revision: z.string(),
      readme_content: z.string(),
      registry_type: z.string(),
      registry_name: z.string(),
      size: z.number().int(),
    }),
  }),
  // Upstream 26.8 flattens the model, registry_name before registry_type.
  legacyFields: [
    "model.model_id",
    "model.revision",
    "model.readme_content",
    "model.registry_name",
    "model.registry_type",
    "model.size",
  ],
});

/** `do_scan_reservoir_registry`: scan the reservoir registries (upstream `artifact_registry`). */
export const DoScanReservoirRegistryEvent: EventDefinition<
  Record<string, never>
> = defineEvent({
  name: "do_scan_reservoir_registry",
  domain: EventDomain.ARTIFACT,
  pattern: "anycast",
  schema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  legacyFields: [],
});

/**
 * The artifact events (all anycast), the reservoir scan trigger included.
 *
 * @example Decoding upstream 26.8's flattened tuple
 * ```ts
 * import { ARTIFACT_EVENTS, ModelMetadataFetchDoneEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.ok(ARTIFACT_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const body = ModelMetadataFetchDoneEvent.decode({
 *   body: null,
 *   legacyArgs: ["org/model", "main", "# README", "hf", "huggingface", 1024],
 * });
 * assert.equal(body.model.registry_type, "huggingface");
 * assert.equal(body.model.registry_name, "hf");
 * ```
 */
export const ARTIFACT_EVENTS: readonly EventDefinition<unknown>[] = [
  ModelVerifyingEvent,
  ModelImportDoneEvent,
  ModelMetadataFetchDoneEvent,
  DoScanReservoirRegistryEvent,
];
