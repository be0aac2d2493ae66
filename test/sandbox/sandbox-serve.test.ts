// Sandbox only: the standalone server: preloaded CRD files, printed instructions, clean stop.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { serveSandbox } from '../../src/sandbox/serve.js';
import { FIXTURE_CRD_DIR } from '../fixtures/fixture-files.js';

const FIXTURE_CRD = join(FIXTURE_CRD_DIR, 'smi-trafficsplit.yaml');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-serve-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('serveSandbox', () => {
  it('given CRD files, when served until told to stop, then it prints how to connect, serves the CRDs, and stops', async () => {
    const lines: string[] = [];
    let release: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (release = resolve));
    let ready: (s: Sandbox) => void = () => undefined;
    const started = new Promise<Sandbox>((resolve) => (ready = resolve));
    const serving = serveSandbox({ dir, crdFiles: [FIXTURE_CRD], logLevel: 'silent', print: (l) => lines.push(l), until, onReady: ready });

    const sandbox = await started;
    const text = lines.join('\n');
    expect(text).toContain(`kubeconfig: ${join(dir, 'kubeconfig')}`);
    expect(text).toContain(`export KUBECONFIG=${join(dir, 'kubeconfig')}; kubectl get ns`);

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    const crd = await kc.makeApiClient(k8s.ApiextensionsV1Api).readCustomResourceDefinition({ name: 'trafficsplits.split.smi-spec.io' });
    expect(crd.spec.group).toBe('split.smi-spec.io');

    release();
    await serving;
    expect(lines.at(-1)).toBe('Sandbox stopped.');
    await expect(kc.makeApiClient(k8s.CoreV1Api).listNamespace({})).rejects.toThrow();
    expect(existsSync(join(dir, 'kubeconfig'))).toBe(true);
  });
});
