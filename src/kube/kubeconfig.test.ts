// Specification of Vane's kubeconfig: what each kind of user puts on a request, and when fetched credentials (token
// files, exec plugins) are fetched again.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { inClusterKubeconfig, Kubeconfig, mergeKubeconfigs, parseKubeconfig, parseKubeconfigFile } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'vane-kubeconfig-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A one-context kubeconfig whose user is `user` (YAML flow mapping). */
function withUser(user: string, cluster = "{ server: 'https://api.example:6443' }"): Kubeconfig {
  const text = ['clusters:', `- { name: c, cluster: ${cluster} }`, 'users:', `- { name: u, user: ${user} }`, 'contexts:', '- { name: x, context: { cluster: c, user: u } }', 'current-context: x', ''].join('\n');
  return new Kubeconfig(parseKubeconfig(text, dir));
}

async function applied(kc: Kubeconfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

function bearer(opts: https.RequestOptions): unknown {
  return (opts.headers as Record<string, string>)['Authorization'];
}

describe('Kubeconfig', () => {
  it('given a token user, then each request carries it as a bearer token', async () => {
    expect(bearer(await applied(withUser('{ token: abc }')))).toBe('Bearer abc');
  });

  it('given basic auth, then the request carries user:password', async () => {
    expect((await applied(withUser('{ username: ann, password: pw }'))).auth).toBe('ann:pw');
  });

  it('given a CA, client certificate and key by relative path, then they are read relative to the file and set on the request', async () => {
    write('ca.pem', 'CA');
    write('client.pem', 'CERT');
    write('client.key', 'KEY');
    const file = write(
      'certs.yaml',
      ['clusters:', '- { name: c, cluster: { server: "https://a:6443", certificate-authority: ca.pem, tls-server-name: api.internal } }', 'users:', '- { name: u, user: { client-certificate: client.pem, client-key-data: ' + Buffer.from('KEY2').toString('base64') + ' } }', 'contexts:', '- { name: x, context: { cluster: c, user: u } }', 'current-context: x', ''].join('\n'),
    );
    const kc = new Kubeconfig(parseKubeconfigFile(file));
    const opts = await applied(kc);
    expect(String(opts.ca)).toBe('CA');
    expect(String(opts.cert)).toBe('CERT');
    expect(String(opts.key)).toBe('KEY2');
    expect(kc.getCurrentCluster()?.tlsServerName).toBe('api.internal');
  });

  it('given a certificate file that cannot be read, then the error names the user and the file', () => {
    expect(() => parseKubeconfig('users:\n- { name: u, user: { client-certificate: missing.pem } }\n', dir)).toThrow(/user "u": client-certificate \S+missing\.pem cannot be read/);
  });

  it('given entries without a name or a non-list, then the error says which', () => {
    expect(() => parseKubeconfig('clusters:\n- { cluster: { server: x } }\n', dir)).toThrow('clusters[0] has no name');
    expect(() => parseKubeconfig('users: {}\n', dir)).toThrow('users is not a list');
  });

  it('given a token file, then it is read again once a minute has passed, so a rotated token is picked up', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-08T00:00:00Z'), toFake: ['Date'] });
    try {
      const tokenFile = write('token', 'one\n');
      const kc = withUser(`{ tokenFile: ${tokenFile} }`);
      expect(bearer(await applied(kc))).toBe('Bearer one');
      writeFileSync(tokenFile, 'two\n');
      expect(bearer(await applied(kc))).toBe('Bearer one');
      vi.setSystemTime(Date.now() + 61_000);
      expect(bearer(await applied(kc))).toBe('Bearer two');
      rmSync(tokenFile);
      vi.setSystemTime(Date.now() + 61_000);
      expect(bearer(await applied(kc))).toBe('Bearer two');
    } finally {
      vi.useRealTimers();
    }
  });

  it('given an exec plugin, then it runs once per credential lifetime with the cluster info, and again when the credential is about to expire', async () => {
    const log = join(dir, 'exec.log');
    const plugin = write(
      'plugin.sh',
      [
        '#!/bin/sh',
        `echo "$GREETING $KUBERNETES_EXEC_INFO" >> ${log}`,
        'n=$(wc -l < ' + log + ')',
        'expiry=$(date -u -d "+${EXPIRY_SECONDS} seconds" +%Y-%m-%dT%H:%M:%SZ)',
        'echo "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"t$n\\",\\"expirationTimestamp\\":\\"$expiry\\"}}"',
        '',
      ].join('\n'),
    );
    chmodSync(plugin, 0o755);
    const exec = `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh, args: [], provideClusterInfo: true, env: [{ name: GREETING, value: hi }, { name: EXPIRY_SECONDS, value: '3600' }] } }`;
    const kc = withUser(exec);
    const [a, b] = await Promise.all([applied(kc), applied(kc)]);
    expect([bearer(a), bearer(b)]).toEqual(['Bearer t1', 'Bearer t1']);
    expect(bearer(await applied(kc))).toBe('Bearer t1');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.slice('hi '.length))).toMatchObject({ kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://api.example:6443' } } });

    const shortLived = withUser(exec.replace("'3600'", "'5'"));
    expect(bearer(await applied(shortLived))).toBe('Bearer t2');
    expect(bearer(await applied(shortLived))).toBe('Bearer t3');
  });

  it('given an exec plugin that fails or prints no credential, then the error names the plugin, its message and its install hint', async () => {
    const failing = write('failing.sh', '#!/bin/sh\necho "not logged in" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    await expect(applied(withUser(`{ exec: { command: ${failing}, installHint: 'run login first' } }`))).rejects.toThrow(/exec plugin \S+failing\.sh failed: not logged in \(run login first\)/);
    const empty = write('empty.sh', '#!/bin/sh\necho "{\\"status\\":{}}"\n');
    chmodSync(empty, 0o755);
    await expect(applied(withUser(`{ exec: { command: ${empty} } }`))).rejects.toThrow(/gave neither a token nor a client certificate/);
    await expect(applied(withUser('{ exec: { command: /bin/echo, args: [hello] } }'))).rejects.toThrow(/not an ExecCredential/);
  });

  it('given an auth-provider user, then client-node serves it (an OIDC id-token that has not expired is sent as is)', async () => {
    const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600, iss: 'https://idp.example' })).toString('base64url');
    const idToken = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${claims}.sig`;
    const kc = withUser(`{ auth-provider: { name: oidc, config: { client-id: vane, idp-issuer-url: 'https://idp.example', id-token: '${idToken}' } } }`);
    expect(bearer(await applied(kc))).toBe(`Bearer ${idToken}`);
  });

  it('merges as kubectl does: the first file to name a thing or a current-context wins', () => {
    const a = parseKubeconfig('clusters:\n- { name: c, cluster: { server: "https://a" } }\ncurrent-context: ""\n', dir);
    const b = parseKubeconfig('clusters:\n- { name: c, cluster: { server: "https://b" } }\n- { name: d, cluster: { server: "https://d" } }\ncurrent-context: x\n', dir);
    const merged = mergeKubeconfigs([a, b]);
    expect(merged.clusters.map((c) => c.server)).toEqual(['https://a', 'https://d']);
    expect(merged.currentContext).toBe('x');
  });

  it('given a pod, then the in-cluster kubeconfig points at the API Service (IPv6 in brackets) with the service account token and CA', async () => {
    const token = write('sa-token', 'sa\n');
    const ca = write('sa-ca.crt', 'SACA');
    const kc = inClusterKubeconfig({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, token, ca);
    expect(kc.getCurrentCluster()?.server).toBe('https://[fd00::1]:6443');
    const opts = await applied(kc);
    expect(bearer(opts)).toBe('Bearer sa');
    expect(String(opts.ca)).toBe('SACA');
  });
});
