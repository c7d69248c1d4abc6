// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Python floats as text, shared by the etcd client (values are `str(v)`)
// and service discovery (etcd values, and Redis fields written by orjson).

/**
 * Python's `repr(float)` (= `str(float)`): the shortest digits that read
 * back as the same number, `.0` on integral values, the exponent form with a
 * sign and at least two digits from 1e16 up and below 1e-4 (`1e+16`,
 * `1.5e-05`), and `inf`, `-inf`, `nan`.
 *
 * @param value The number.
 * @returns The text.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e16 || (magnitude < 1e-4 && magnitude !== 0)) {
    const text = value.toExponential();
    const e = text.indexOf("e");
    const sign = text[e + 1] === "-" ? "-" : "+";
    return `${text.slice(0, e)}e${sign}${text.slice(e + 2).padStart(2, "0")}`;
  }
  if (Number.isInteger(value)) {
    return value === 0 && 1 / value < 0 ? "-0.0" : `${value}.0`;
  }
  return String(value);
}

/**
 * A finite number as orjson writes a Python float: shortest digits, `.0` on
 * integral values, plain decimals from 1e-5 up to below 1e16, the exponent
 * form without `+` outside (`1e16`, `1e-6`).
 *
 * @param value A finite number.
 * @returns The JSON text.
 */
export function orjsonFloat(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e16 || (magnitude < 1e-5 && magnitude !== 0)) {
    return value.toExponential().replace("e+", "e");
  }
  if (Number.isInteger(value)) {
    return value === 0 && 1 / value < 0 ? "-0.0" : `${value}.0`;
  }
  return String(value);
}
