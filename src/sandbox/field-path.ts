// Simple JSONPaths as CRDs use them (`.spec.replicas`, `.status.conditions[0].type`): read and write one field.
import { isJsonObject } from './schema/json-value.js';

type Step = string | number;

/** Splits `.a.b[0].c` into steps; returns undefined for paths beyond that simple form. */
export function parseFieldPath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) steps.push(m[1]);
    else steps.push(Number(m[2]));
    if (re.lastIndex === path.length) return steps;
  }
  return path === '' ? [] : undefined;
}

export function readField(obj: unknown, path: string): unknown {
  const steps = parseFieldPath(path);
  if (!steps) return undefined;
  let cur: unknown = obj;
  for (const step of steps) {
    if (typeof step === 'number') cur = Array.isArray(cur) ? cur[step] : undefined;
    else cur = isJsonObject(cur) ? cur[step] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets a field through objects only (creating them), as the scale subresource writes spec.replicas. */
export function writeField(obj: Record<string, unknown>, path: string, value: unknown): boolean {
  const steps = parseFieldPath(path);
  if (!steps || steps.length === 0 || steps.some((s) => typeof s === 'number')) return false;
  let cur: Record<string, unknown> = obj;
  for (const step of steps.slice(0, -1) as string[]) {
    const next = cur[step];
    if (!isJsonObject(next)) cur[step] = {};
    cur = cur[step] as Record<string, unknown>;
  }
  cur[steps[steps.length - 1] as string] = value;
  return true;
}
