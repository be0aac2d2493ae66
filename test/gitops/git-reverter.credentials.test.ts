// Specification of authenticating for real: HTTPS basic auth against git http-backend, SSH keys through GIT_SSH_COMMAND.
// @covers spec.rollback.git.secretRef
// @covers spec.rollback.git.secretRef.name
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { recordGitArgv, recordSsh } from './support/argv-recorder.js';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.js';
import { captureLogs } from './support/log-capture.js';
import { MemoryObjectReader } from './support/memory-object-reader.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { disposeTemplates, plainRelease } from './support/rollout-repos.js';

const PASSWORD = 'correct-horse-battery-staple-7781';
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAvane-test-key-material\n-----END OPENSSH PRIVATE KEY-----\n';

let sandbox: GitSandbox;
let server: GitHttpServer | undefined;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await sandbox.dispose();
});

afterAll(async () => {
  await disposeTemplates();
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** An Argo CD repository secret as the API server returns it. */
function argoSecret(url: string, password: string): MemoryObjectReader {
  return new MemoryObjectReader([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'repo-gitops', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
      data: { type: b64('git'), url: b64(url), username: b64('vane-bot'), password: b64(password) },
    },
  ]);
}

describe('GitReverter.revert over HTTPS basic auth', () => {
  it('given an Argo CD repository secret, when reverting, then git authenticates and the password is in no log, argv or environment', async () => {
    const repo = await plainRelease(sandbox);
    server = await startGitHttpServer({ projectRoot: sandbox.path('remotes'), auth: { username: 'vane-bot', password: PASSWORD } });
    const url = server.url('plain.git');
    const logs = captureLogs();
    const argv = await recordGitArgv(sandbox.root);
    const tempDir = sandbox.path('credentials');
    await mkdir(tempDir);

    const outcome = await reverterFor(sandbox, { reader: argoSecret(url, PASSWORD), logger: logs.logger, gitBinary: argv.program, credentials: { tempDir } }).revert(
      checkoutRequest({ repoURL: url, secretRef: { namespace: 'argocd', name: 'repo-gitops' } }),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: repo.release });
    expect(await new RemoteInspector(repo.bare).head()).toBe(outcome.git.commit);
    expect(server.authorizations).toContain(`Basic ${b64(`vane-bot:${PASSWORD}`)}`);
    expect(server.requests.some((request) => request.startsWith('POST /plain.git/git-receive-pack vane-bot'))).toBe(true);
    expect(logs.lines.length).toBeGreaterThan(5);
    expect(logs.text()).not.toContain(PASSWORD);
    expect(await argv.read()).not.toContain(PASSWORD);
    expect(await argv.environments()).not.toContain(PASSWORD);
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('given a wrong password, when reverting, then the record says Failed for authentication and still leaks nothing', async () => {
    const repo = await plainRelease(sandbox);
    server = await startGitHttpServer({ projectRoot: sandbox.path('remotes'), auth: { username: 'vane-bot', password: PASSWORD } });
    const url = server.url('plain.git');
    const wrong = 'wrong-password-3391';
    const logs = captureLogs();

    const outcome = await reverterFor(sandbox, { reader: argoSecret(url, wrong), logger: logs.logger }).revert(
      checkoutRequest({ repoURL: url, secretRef: { namespace: 'argocd', name: 'repo-gitops' } }),
    );

    expect(outcome).toMatchObject({ pushed: false, git: { state: 'Failed' } });
    expect(outcome.git.message).toMatch(/git clone failed \(authentication was refused; check the credentials secret\)/);
    expect(server.requests.filter((request) => request.endsWith(' !')).length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain(wrong);
    expect(JSON.stringify(outcome)).not.toContain(wrong);
    expect(await new RemoteInspector(repo.bare).head()).toBe(repo.release);
  });

  it('given no secret for a server that requires one, when reverting, then git fails without prompting', async () => {
    await plainRelease(sandbox);
    server = await startGitHttpServer({ projectRoot: sandbox.path('remotes'), auth: { username: 'vane-bot', password: PASSWORD } });
    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: server.url('plain.git') }));
    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringContaining('authentication was refused') });
  });

  it('given a secretRef to a missing Secret, when reverting, then the record says which secret is missing', async () => {
    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: 'https://git.example.com/acme/gitops', secretRef: { namespace: 'shop', name: 'nope' } }));
    expect(outcome.git).toMatchObject({ state: 'Failed', message: 'secret shop/nope not found' });
  });
});

describe('GitReverter.revert over SSH', () => {
  it('given a Flux secret with identity and known_hosts, when reverting, then ssh reads a 0600 key file that is removed afterwards', async () => {
    const repo = await plainRelease(sandbox);
    const ssh = await recordSsh(sandbox.root);
    const logs = captureLogs();
    const tempDir = sandbox.path('credentials');
    await mkdir(tempDir);
    const reader = new MemoryObjectReader([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'flux-system', namespace: 'flux-system' },
        data: { identity: b64(KEY), 'identity.pub': b64('ssh-ed25519 AAAA vane'), known_hosts: b64('git.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5') },
      },
    ]);
    const url = `ssh://git@git.test${repo.bare}`;

    const outcome = await reverterFor(sandbox, { reader, logger: logs.logger, credentials: { tempDir, sshProgram: ssh.program } }).revert(
      checkoutRequest({ repoURL: url, secretRef: { namespace: 'flux-system', name: 'flux-system' } }),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: repo.release, repoURL: url });
    const digest = createHash('sha256').update(KEY).digest('hex');
    const keyChecks = (await ssh.keyLog()).trim().split('\n');
    expect(keyChecks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keyChecks)).toEqual(new Set([`600 ${digest}`]));
    const invocations = await ssh.read();
    expect(invocations).toContain('-o StrictHostKeyChecking=yes');
    expect(invocations).toMatch(/git-receive-pack '.*plain\.git'/);
    expect(invocations).not.toContain('vane-test-key-material');
    expect(logs.text()).not.toContain('vane-test-key-material');
    expect(await readdir(tempDir)).toEqual([]);
  });
});
