// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
export * from "./exception.ts";
