// Specification of the User-Agent: every request names Vane and its version (from package.json), both from the
// sources and from the built program, so the API server's audit log and metrics can tell Vane's requests apart.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/kube-client.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { REPO_ROOT, cliEnv, runCli } from '../cli/support/run-cli.js';
import { startRecordingApiServer, type RecordingApiServer } from './support/recording-api-server.js';

const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const expected = `vane/${version} (${process.platform}/${process.arch}) node/${process.version}`;

let api: RecordingApiServer;

beforeAll(async () => {
  api = await startRecordingApiServer();
});

afterAll(async () => {
  await api?.close();
});

describe('User-Agent', () => {
  it('given a request from the transport, then the server sees vane/<version> (<os>/<arch>) node/<version>', async () => {
    const client = new KubeClient(await KubeTransport.fromKubeConfig(api.kubeConfig()));
    await client.list(Kinds.ConfigMap, 'default');
    client.transport.close();
    expect(api.requests.at(-1)?.headers['user-agent']).toBe(expected);
  });

  it('given the built CLI, then its requests carry the same version read from package.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vane-ua-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
    const before = api.requests.length;
    const result = await runCli(['list', 'rollouts', '--kubeconfig', kubeconfig], cliEnv());
    expect(result.code, result.stderr).toBe(0);
    const agents = new Set(api.requests.slice(before).map((r) => r.headers['user-agent']));
    expect([...agents]).toEqual([expected]);
  });
});
