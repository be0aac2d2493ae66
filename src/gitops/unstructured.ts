// Safe reads of untyped data (Kubernetes objects fetched as JSON, YAML documents from a repository).

export type Unstructured = Record<string, unknown>;

export function isRecord(value: unknown): value is Unstructured {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined as soon as a step is missing or of the wrong shape. */
export function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

export function stringAt(value: unknown, path: ReadonlyArray<string | number>): string | undefined {
  const found = valueAt(value, path);
  return typeof found === 'string' ? found : undefined;
}

export function recordAt(value: unknown, path: ReadonlyArray<string | number>): Unstructured | undefined {
  const found = valueAt(value, path);
  return isRecord(found) ? found : undefined;
}

export function arrayAt(value: unknown, path: ReadonlyArray<string | number>): unknown[] {
  const found = valueAt(value, path);
  return Array.isArray(found) ? found : [];
}

/** Non-empty string values of a string-to-string map; other entries are dropped. */
export function stringMapAt(value: unknown, path: ReadonlyArray<string | number>): Record<string, string> {
  const found = recordAt(value, path) ?? {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(found)) {
    if (typeof entry === 'string') result[key] = entry;
  }
  return result;
}
