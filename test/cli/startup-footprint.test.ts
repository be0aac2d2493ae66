// What `vane` processes load: the modules reachable through static imports from the entry point, the controller, the
// API server and the CLI's cluster backend (commands import their implementations when they run). Two packages are
// kept out of those sets because of what they cost a process that does not need them — client-node's
// KubeConfig module loads its whole generated API (about 60 MiB of RSS and a second of startup), prometheus-query
// brings axios — and are imported where they are used (docs/adr/0020-own-kubeconfig.md).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** The static (value) imports of one module: `import x from`, `import {x} from`, `export … from`, `import 'x'`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) found.push(match[1]!);
  return found;
}

/** Every source module and package reachable from `entries` through static imports. */
function staticClosure(entries: readonly string[]): { modules: Set<string>; packages: Map<string, string> } {
  const modules = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.set(specifier, file.slice(SRC.length + 1));
    }
  }
  return { modules, packages };
}

describe('startup footprint', () => {
  const { modules, packages } = staticClosure(['main.ts', 'cli/start-controller.ts', 'cli/start-api-server.ts', 'cli/kube-rollout-backend.ts'].map((f) => join(SRC, f)));

  it('walks the real import graph (the transport, the kubeconfig, the reconcilers and the Prometheus provider are in it)', () => {
    for (const file of ['kube/kube-transport.ts', 'kube/kubeconfig.ts', 'reconcile/rollout-informers.ts', 'analysis/providers/prometheus-provider.ts']) {
      expect(modules).toContain(join(SRC, file));
    }
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['express', 'xstate', 'js-yaml', 'pino']));
  });

  it.each(['@kubernetes/client-node', 'prometheus-query', 'axios'])('no module of those processes imports %s statically', (name) => {
    const importers = [...packages].filter(([specifier]) => specifier === name || specifier.startsWith(`${name}/`)).map(([, file]) => file);
    expect(importers).toEqual([]);
  });
});
