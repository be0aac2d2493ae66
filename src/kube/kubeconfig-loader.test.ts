// Specification of finding and loading a kubeconfig: kubectl's search order, and errors that name the file at fault or,
// when there is none, every place that was searched.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kubeconfig-loader.js';

const dir = mkdtempSync(join(tmpdir(), 'vane-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string, context = 'dev'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${context}-cluster`,
      `  cluster: { server: '${server}' }`,
      'users:',
      `- name: ${context}-user`,
      '  user: { token: abc }',
      'contexts:',
      `- name: ${context}`,
      `  context: { cluster: ${context}-cluster, user: ${context}-user }`,
      `current-context: ${context}`,
      '',
    ].join('\n'),
  );
  return path;
}

const nowhere = { env: {}, home: join(dir, 'no-home'), serviceAccountTokenPath: join(dir, 'no-token') };

describe('loadKubeConfig', () => {
  it('given no file anywhere, then the error lists every place searched and how to pass one', () => {
    expect(() => loadKubeConfig(nowhere)).toThrowError(
      `no kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set, ${join(dir, 'no-home', '.kube', 'config')} does not exist, and this is not a pod ($KUBERNETES_SERVICE_HOST is not set). Pass --kubeconfig FILE`,
    );
  });

  it('given a named file, then it wins over $KUBECONFIG and is named as the source', () => {
    const named = kubeconfig('named.yaml', 'https://named.example:6443');
    const other = kubeconfig('other.yaml', 'https://other.example:6443');
    const loaded = loadKubeConfig({ ...nowhere, path: named, env: { KUBECONFIG: other } });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://named.example:6443');
    expect(loaded.source).toBe(`kubeconfig ${named}`);
  });

  it('given $KUBECONFIG listing two files, then both are merged; ~/.kube/config is used only without $KUBECONFIG', () => {
    const first = kubeconfig('first.yaml', 'https://first.example:6443', 'first');
    const second = kubeconfig('second.yaml', 'https://second.example:6443', 'second');
    const loaded = loadKubeConfig({ ...nowhere, env: { KUBECONFIG: `${first}${delimiter}${second}` } });
    expect(loaded.kubeConfig.getContexts().map((c) => c.name)).toEqual(['first', 'second']);
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://first.example:6443');
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    const homeConfig = join(dir, 'home', '.kube', 'config');
    writeFileSync(homeConfig, readFileSync(kubeconfig('home.yaml', 'https://home.example:6443')));
    expect(loadKubeConfig({ ...nowhere, home: join(dir, 'home'), env: { KUBECONFIG: first } }).source).toBe(`kubeconfig ${first}`);
    const fromHome = loadKubeConfig({ ...nowhere, home: join(dir, 'home') });
    expect(fromHome.source).toBe(`kubeconfig ${homeConfig}`);
    expect(fromHome.kubeConfig.getCurrentCluster()?.server).toBe('https://home.example:6443');
  });

  it.each([
    ['a file that does not exist', () => ({ path: join(dir, 'missing.yaml') }), /^kubeconfig \S+missing\.yaml does not exist$/],
    ['a file that is not YAML', () => ({ path: write('broken.yaml', 'clusters: [\n') }), /^kubeconfig \S+broken\.yaml cannot be read: .*\(\d+:\d+\)$/],
    ['a file without current-context', () => ({ path: write('empty.yaml', 'apiVersion: v1\nkind: Config\n') }), /^kubeconfig \S+empty\.yaml has no current-context/],
    ['a plain-HTTP server', () => ({ path: kubeconfig('http.yaml', 'http://localhost:8080') }), /^kubeconfig \S+http\.yaml: cluster "dev-cluster" has the plain-HTTP server http:\/\/localhost:8080/],
    ['a context the file lacks', () => ({ path: kubeconfig('ctx.yaml', 'https://a.example'), context: 'prod' }), /^kubeconfig \S+ctx\.yaml has no context "prod" \(it has: dev\)$/],
  ])('given %s, then the error names the file and the fault', (_case, request, message) => {
    expect(() => loadKubeConfig({ ...nowhere, ...request() })).toThrowError(message);
  });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
