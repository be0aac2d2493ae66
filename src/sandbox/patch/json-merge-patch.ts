// JSON merge patch (RFC 7386), the `application/merge-patch+json` patch type of the Kubernetes API.
import { isJsonObject, jsonClone } from '../schema/json-value.js';
import type { JsonObject } from '../schema/json-value.js';

/**
 * Applies `patch` to `target`: objects merge key by key, `null` deletes a key, anything else (arrays
 * included) replaces the target value whole. Keys keep the target's order; new keys follow. Neither
 * argument is mutated, and the result shares no objects with them.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return jsonClone(patch);
  const base: JsonObject = isJsonObject(target) ? target : {};
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(base)) {
    if (!(key in patch)) result[key] = jsonClone(value);
    else if (patch[key] !== null) result[key] = applyMergePatch(value, patch[key]);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in base) && value !== null) result[key] = applyMergePatch(undefined, value);
  }
  return result;
}
