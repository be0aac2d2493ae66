// An ObjectReader over objects loaded from fixture YAML, with the label selectors Argo CD secret lookup uses.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { ObjectReader } from '../../../src/gitops/object-reader.js';

interface Stored {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export class MemoryObjectReader implements ObjectReader {
  readonly gets: string[] = [];

  constructor(private readonly objects: Stored[]) {}

  static async fromFiles(...paths: string[]): Promise<MemoryObjectReader> {
    const objects: Stored[] = [];
    for (const path of paths) objects.push(...(yaml.loadAll(await readFile(path, 'utf8')) as Stored[]).filter(Boolean));
    return new MemoryObjectReader(objects);
  }

  find(kind: string, namespace: string | undefined, name: string): Stored | undefined {
    return this.objects.find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<object | undefined> {
    this.gets.push(`${apiVersion} ${kind} ${namespace ?? ''}/${name}`);
    const found = this.objects.find(
      (o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace,
    );
    return Promise.resolve(found ? structuredClone(found) : undefined);
  }

  list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string): Promise<object[]> {
    const matches = this.objects.filter(
      (o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata?.namespace === namespace && selects(labelSelector, o.metadata?.labels ?? {}),
    );
    return Promise.resolve(matches.map((o) => structuredClone(o)));
  }

  add(object: Stored): void {
    this.objects.push(object);
  }
}

/** `key=value` and `key in (a,b)` terms joined by commas outside parentheses. */
function selects(selector: string, labels: Record<string, string>): boolean {
  const terms = selector.match(/[^,(]+(?:\([^)]*\))?/g) ?? [];
  return terms.every((term) => {
    const setMatch = /^\s*([^\s]+)\s+in\s+\(([^)]*)\)\s*$/.exec(term);
    if (setMatch) return setMatch[2]!.split(',').map((v) => v.trim()).includes(labels[setMatch[1]!] ?? '\0');
    const [key, value] = term.split('=').map((part) => part.trim());
    return key !== undefined && labels[key] === value;
  });
}
