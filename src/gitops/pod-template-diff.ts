// The fields two pod templates differ in, as paths a person reads (`spec.containers[app].env[LOG_LEVEL].value`), images aside.
import { isDeepStrictEqual } from 'node:util';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import { isRecord } from './unstructured.js';

const CONTAINER_LISTS: ReadonlySet<string> = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * Every field where `failing` differs from `stable`, except the container images (what a targeted edit restores) and
 * the pod-template-hash label. Lists whose entries all have a `name` (containers, env, volumes, ports) are compared by
 * name, other lists by position. Objects are compared by meaning: the order of keys does not matter.
 */
export function templateDifferences(stable: unknown, failing: unknown): string[] {
  const found: string[] = [];
  collect(stable, failing, [], found);
  return found;
}

type Step = { key: string } | { name: string } | { index: number };

function collect(a: unknown, b: unknown, path: Step[], found: string[]): void {
  if (isIgnored(path) || isDeepStrictEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) collect(a[key], b[key], [...path, { key }], found);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    collectList(a, b, path, found);
    return;
  }
  found.push(render(path));
}

function collectList(a: unknown[], b: unknown[], path: Step[], found: string[]): void {
  const named = (list: unknown[]): Map<string, unknown> | undefined => {
    const entries = list.map((entry) => (isRecord(entry) && typeof entry.name === 'string' ? ([entry.name, entry] as const) : undefined));
    return entries.every((entry) => entry !== undefined) ? new Map(entries) : undefined;
  };
  const byNameA = named(a);
  const byNameB = named(b);
  if (byNameA && byNameB) {
    for (const name of [...new Set([...byNameA.keys(), ...byNameB.keys()])]) collect(byNameA.get(name), byNameB.get(name), [...path, { name }], found);
    return;
  }
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) collect(a[index], b[index], [...path, { index }], found);
}

function isIgnored(path: Step[]): boolean {
  const keys = path.map((step) => ('key' in step ? step.key : undefined));
  const last = keys[keys.length - 1];
  if (last === 'image' && keys.length >= 4 && keys[0] === 'spec' && CONTAINER_LISTS.has(keys[1] ?? '')) return true;
  return keys.length === 3 && keys[0] === 'metadata' && keys[1] === 'labels' && last === POD_TEMPLATE_HASH_LABEL;
}

function render(path: Step[]): string {
  return path
    .map((step, index) => {
      if ('index' in step) return `[${step.index}]`;
      if ('name' in step) return `[${step.name}]`;
      const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(step.key);
      return plain ? `${index > 0 ? '.' : ''}${step.key}` : `[${JSON.stringify(step.key)}]`;
    })
    .join('');
}
