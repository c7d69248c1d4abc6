// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode getRandomSeq}: random points at least a distance apart.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";

/**
 * Random points in [0, `length`] at least `minDistance` apart, in ascending
 * order, as upstream's `get_random_seq`. When the points fill the length
 * exactly (`numPoints * minDistance == length + minDistance`) they are equally
 * spaced: `getRandomSeq(10, 6, 2)` is `[0, 2, 4, 6, 8, 10]`.
 *
 * @example Usage
 * ```ts
 * import { getRandomSeq } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(getRandomSeq(10, 6, 2), [0, 2, 4, 6, 8, 10]);
 * const points = getRandomSeq(60, 5, 10);
 * assert.equal(points.length, 5);
 * for (let i = 1; i < points.length; i++) {
 *   assert.ok(points[i]! - points[i - 1]! >= 10 - 1e-9);
 * }
 * assert.throws(() => getRandomSeq(10, 12, 1));
 * ```
 *
 * @param length The length of the range.
 * @param numPoints How many points.
 * @param minDistance The least distance between neighbours.
 * @returns The points.
 * @throws {InvalidAPIParameters} When the points cannot fit (upstream raises
 * `AssertionError`) or an argument is negative or not finite.
 */
export function getRandomSeq(
  length: number,
  numPoints: number,
  minDistance: number,
): number[] {
  const data = { length, numPoints, minDistance };
  if (
    !Number.isFinite(length) || length < 0 ||
    !Number.isSafeInteger(numPoints) || numPoints < 0 ||
    !Number.isFinite(minDistance) || minDistance < 0
  ) {
    throw new InvalidAPIParameters(
      "Cannot make a random sequence: arguments must be finite and non-negative, numPoints whole",
      { data },
    );
  }
  if (numPoints * minDistance > length + minDistance) {
    throw new InvalidAPIParameters(
      `Cannot fit ${numPoints} points ${minDistance} apart into ${length}`,
      { data },
    );
  }
  const extra = length - (numPoints - 1) * minDistance;
  const weights = Array.from({ length: numPoints + 1 }, () => Math.random());
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const points: number[] = [];
  let position = 0;
  for (let i = 0; i < numPoints; i++) {
    const share = weightSum === 0
      ? 1 / (numPoints + 1)
      : (weights[i] ?? 0) / weightSum;
    position += minDistance + extra * share;
    points.push(position - minDistance);
  }
  return points;
}
