// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The UTF-8 encoder shared by the text helpers.
 *
 * @module
 */

/** UTF-8 encoder shared by the text helpers. */
export const ENCODER: TextEncoder = new TextEncoder();
