// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Figures of one fault or fuzz test, written as `<dir>/<name>.json` when
 * `BACKEND_FAULTS_REPORT_DIR` is set (by `deno task faults`), so the runner
 * can sum them into its closing JSON line. Without the variable, nothing is
 * written.
 *
 * @module
 */

/** What one fault or fuzz test measured. Absent fields were not measured. */
export interface FaultFigures {
  /** `fault` for an injected failure, `fuzz` for generated bad input. */
  kind: "fault" | "fuzz";
  /** A short stable name, e.g. `consumers-sigkill`. */
  name: string;
  /** Messages or events sent. */
  sent?: number;
  /** Messages or events handled by a consumer. */
  handled?: number;
  /** Messages or events that ended in a dead-letter store. */
  deadLettered?: number;
  /** Messages or events neither handled nor dead-lettered. */
  lost?: number;
  /** Messages or events handled more than once. */
  duplicates?: number;
  /** Milliseconds from the fault's end to the first success after it. */
  recoveryMs?: number;
  /** Generated inputs tried. */
  cases?: number;
  /** Inputs that crashed, hung or got an untyped error. */
  crashes?: number;
  /**
   * Crashes of the runtime itself in the test's child process, rerun once
   * (tests/_isolated.ts): the known Deno 2.9.6 HTTP/2 crash.
   */
  runtimeCrashes?: number;
}

/**
 * Writes the figures when `BACKEND_FAULTS_REPORT_DIR` is set.
 *
 * @param figures What the test measured.
 */
export async function reportFaultFigures(figures: FaultFigures): Promise<void> {
  const dir = Deno.env.get("BACKEND_FAULTS_REPORT_DIR");
  if (dir === undefined || dir === "") return;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/${figures.name}.json`,
    JSON.stringify(figures) + "\n",
  );
}

/**
 * Adds `runtimeCrashes` to the figures `name` wrote (its child process
 * wrote them; the test's process knows of the crashes), when
 * `BACKEND_FAULTS_REPORT_DIR` is set.
 *
 * @param name The figures' name.
 * @param runtimeCrashes Runtime crashes before the passing run.
 */
export async function addRuntimeCrashes(
  name: string,
  runtimeCrashes: number,
): Promise<void> {
  const dir = Deno.env.get("BACKEND_FAULTS_REPORT_DIR");
  if (dir === undefined || dir === "") return;
  const path = `${dir}/${name}.json`;
  const figures = JSON.parse(await Deno.readTextFile(path)) as FaultFigures;
  await reportFaultFigures({ ...figures, runtimeCrashes });
}
