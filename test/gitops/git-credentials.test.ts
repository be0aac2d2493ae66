// Specification of turning Argo CD and Flux secret layouts into git credentials: files, modes, cleanup, no leaks.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noCredentials, prepareGitCredentials } from '../../src/gitops/git-credentials.js';

const run = promisify(execFile);
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nunit-test-key\n-----END OPENSSH PRIVATE KEY-----';
let tempDir: string;

beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'vane-cred-test-'));
});

afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function mode(path: string): Promise<string> {
  return stat(path).then((info) => (info.mode & 0o777).toString(8));
}

/** The path after `-i` in GIT_SSH_COMMAND (quoted for the shell). */
function keyPath(command: string): string {
  const match = /-i '([^']+)'/.exec(command);
  if (!match?.[1]) throw new Error(`no -i in ${command}`);
  return match[1];
}

describe('prepareGitCredentials: SSH', () => {
  it('given a Flux secret with identity and known_hosts, when prepared, then ssh gets a 0600 key file and strict host checking against it', async () => {
    const creds = await prepareGitCredentials('ssh://git@github.com/acme/fleet', { identity: KEY, known_hosts: 'github.com ssh-ed25519 AAAA' }, { tempDir });
    const command = creds.env.GIT_SSH_COMMAND ?? '';
    const key = keyPath(command);

    expect(creds.kind).toBe('ssh');
    expect(command).toMatch(/^ssh -i '.+' -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='.+known_hosts'$/);
    expect(await readFile(key, 'utf8')).toBe(`${KEY}\n`);
    expect(await mode(key)).toBe('600');
    expect(await mode(dirname(key))).toBe('700');
    expect(JSON.stringify(creds.env)).not.toContain('unit-test-key');

    await creds.dispose();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('given an Argo CD secret with sshPrivateKey and no known_hosts, when prepared, then the configured known_hosts file is used', async () => {
    const creds = await prepareGitCredentials('git@git.example.com:acme/charts.git', { sshPrivateKey: KEY }, { tempDir, knownHostsFile: '/app/config/ssh_known_hosts' });
    expect(creds.env.GIT_SSH_COMMAND).toContain("-o StrictHostKeyChecking=yes -o UserKnownHostsFile='/app/config/ssh_known_hosts'");
    await creds.dispose();
  });

  it('given Argo CD insecure: "true", when prepared, then host keys are not checked, as Argo CD itself would do', async () => {
    const creds = await prepareGitCredentials('ssh://git@host/repo', { sshPrivateKey: KEY, insecure: 'true' }, { tempDir });
    expect(creds.env.GIT_SSH_COMMAND).toContain('-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null');
    await creds.dispose();
  });

  it('given an SSH URL but only a password in the secret, when prepared, then it fails saying the key is missing', async () => {
    await expect(prepareGitCredentials('git@host:repo.git', { username: 'u', password: 'p' }, { tempDir })).rejects.toThrow(/no SSH private key/);
  });
});

describe('prepareGitCredentials: HTTPS', () => {
  it('given username and password, when git asks the askpass script, then it answers from 0600 files and the env holds neither', async () => {
    const creds = await prepareGitCredentials('https://git.example.com/acme/gitops', { username: 'vane-bot', password: 'hunter2-secret' }, { tempDir });
    const askpass = creds.env.GIT_ASKPASS ?? '';

    expect(creds.kind).toBe('basic');
    expect((await run(askpass, ["Username for 'https://git.example.com': "])).stdout).toBe('vane-bot');
    expect((await run(askpass, ["Password for 'https://vane-bot@git.example.com': "])).stdout).toBe('hunter2-secret');
    expect(await mode(join(dirname(askpass), 'password'))).toBe('600');
    expect(JSON.stringify(creds.env)).not.toContain('hunter2-secret');
    expect(await readFile(askpass, 'utf8')).not.toContain('hunter2-secret');

    await creds.dispose();
    await creds.dispose();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('given only a token, when prepared, then it is the password of the x-access-token user', async () => {
    const creds = await prepareGitCredentials('https://github.com/acme/gitops', { token: 'ghp_token' }, { tempDir });
    expect((await run(creds.env.GIT_ASKPASS ?? '', ["Username for 'https://github.com': "])).stdout).toBe('x-access-token');
    expect((await run(creds.env.GIT_ASKPASS ?? '', ["Password for 'https://x-access-token@github.com': "])).stdout).toBe('ghp_token');
    await creds.dispose();
  });

  it('given a bearer token, when prepared, then it is sent as an extra header configured through the environment, not argv, and redirects are not followed', async () => {
    const creds = await prepareGitCredentials('https://bitbucket.example.com/scm/acme/gitops.git', { bearerToken: 'bbt' }, { tempDir });
    expect(creds.kind).toBe('bearer');
    expect(creds.env).toMatchObject({
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: 'Authorization: Bearer bbt',
      GIT_CONFIG_KEY_1: 'http.followRedirects',
      GIT_CONFIG_VALUE_1: 'false',
    });
    await creds.dispose();
  });

  it('given a CA certificate (Flux ca.crt), when prepared, then git trusts it through GIT_SSL_CAINFO', async () => {
    const creds = await prepareGitCredentials('https://git.internal/acme/gitops', { username: 'u', password: 'p', 'ca.crt': 'PEM' }, { tempDir });
    expect(await readFile(creds.env.GIT_SSL_CAINFO ?? '', 'utf8')).toBe('PEM');
    await creds.dispose();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('given no secret, when prepared, then git runs without credentials and never prompts', async () => {
    expect(await prepareGitCredentials('https://github.com/acme/public', undefined)).toBe(noCredentials);
    expect(noCredentials.env.GIT_TERMINAL_PROMPT).toBe('0');
  });
});
