// The functions Argo Rollouts' conditions call (its expr-lang environment), defined in CEL under the same names so
// a condition written for Argo compiles unchanged: `len(result) == 0 || result[0] >= 0.95`.
import type { Environment } from '@marcbachmann/cel-js';

/**
 * Argo Rollouts' utils/evaluate gives conditions `asInt`, `asFloat`, `isNaN`, `isInf`, `isNil` and `default`; expr-lang
 * itself gives `len`. Their meanings here, with CEL's types (a JSON number is a double; CEL ints are bigint):
 * - `len(x)`: the length of a list, string or map (CEL's `size`); anything else is an evaluation error.
 * - `default(x, y)`: `y` when `x` is null, else `x`. (Argo's ignores its first argument and looks at `result`; the
 *   idiom `default(result, y)` means the same in both.)
 * - `isNil(x)`: whether `x` is null.
 * - `isNaN(x)`, `isInf(x)`: on a number; isInf is true for both infinities, as Argo's `math.IsInf(f, 0)`.
 * - `asInt(x)`, `asFloat(x)`: a number, or a string holding one, as an int (truncated toward zero) or a double; any
 *   other value is an evaluation error, as Argo's panic is.
 */
export function registerArgoConditionFunctions(env: Environment): Environment {
  return env
    .registerFunction('len(dyn): int', (value: unknown) => BigInt(lengthOf(value)))
    .registerFunction('default(dyn, dyn): dyn', (value: unknown, fallback: unknown) => (value === null || value === undefined ? fallback : value))
    .registerFunction('isNil(dyn): bool', (value: unknown) => value === null || value === undefined)
    .registerFunction('isNaN(dyn): bool', (value: unknown) => Number.isNaN(numberOf('isNaN', value)))
    .registerFunction('isInf(dyn): bool', (value: unknown) => {
      const n = numberOf('isInf', value);
      return n === Infinity || n === -Infinity;
    })
    .registerFunction('asInt(dyn): int', (value: unknown) => asInt(value))
    .registerFunction('asFloat(dyn): double', (value: unknown) => asFloat(value));
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  throw new Error(`len() takes a list, string or map, not ${describe(value)}`);
}

function numberOf(name: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`${name}() takes a number, not ${describe(value)}`);
}

function asInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new Error(`asInt() cannot convert ${describe(value)}`);
}

function asFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    if (!Number.isNaN(n) || /^[+-]?nan$/i.test(value.trim())) return n;
  }
  throw new Error(`asFloat() cannot convert ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
