// A MeasureContext for provider tests: arguments and an in-memory Secret store that records what was read.
import { MetricError, type MeasureContext } from '../../../src/analysis/metric-provider.js';

export interface TestContextOptions {
  namespace?: string;
  args?: Record<string, string>;
  /** Secrets as `name → key → value`. */
  secrets?: Record<string, Record<string, string>>;
  signal?: AbortSignal;
}

export interface TestContext extends MeasureContext {
  /** `namespace/name/key` of every Secret read, in order. */
  readonly secretReads: string[];
}

export function measureContext(options: TestContextOptions = {}): TestContext {
  const secretReads: string[] = [];
  const store = options.secrets ?? {};
  return {
    namespace: options.namespace ?? 'shop',
    args: options.args ?? {},
    signal: options.signal,
    secretReads,
    secrets: async (namespace, name, key) => {
      secretReads.push(`${namespace}/${name}/${key}`);
      const value = store[name]?.[key];
      if (value === undefined) throw new MetricError('NotFound', `Secret ${namespace}/${name} has no key "${key}"`);
      return value;
    },
  };
}
