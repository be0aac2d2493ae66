// Issue #20, finding 4: credentials must reach the repository's own host only. The askpass helper answered any prompt,
// so a redirect to another host received the password; a bearer token went along as a header to wherever git went.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareGitCredentials } from '../../src/gitops/git-credentials.js';
import { GitSandbox } from '../gitops/support/git-sandbox.js';
import { startGitHttpServer, type GitHttpServer } from '../gitops/support/git-http-server.js';
import { MemoryObjectReader } from '../gitops/support/memory-object-reader.js';
import { checkoutRequest, reverterFor } from '../gitops/support/reverter-harness.js';
import { disposeTemplates, plainRelease } from '../gitops/support/rollout-repos.js';
import { startRedirectingServer, type RedirectingServer } from './support/redirecting-server.js';

const run = promisify(execFile);
const PASSWORD = 'hunter2-but-longer-9931';
const TOKEN = 'bearer-token-5512-never-elsewhere';

let sandbox: GitSandbox;
let elsewhere: GitHttpServer | undefined;
let redirector: RedirectingServer | undefined;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
});

afterEach(async () => {
  await redirector?.close();
  await elsewhere?.close();
  redirector = elsewhere = undefined;
  await sandbox.dispose();
});

afterAll(async () => {
  await disposeTemplates();
});

/** What the askpass program prints for a prompt, or the empty string when it declines. */
async function ask(program: string, prompt: string): Promise<string> {
  try {
    return (await run(program, [prompt])).stdout;
  } catch {
    return '';
  }
}

function secretReader(data: Record<string, string>): MemoryObjectReader {
  return new MemoryObjectReader([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: 'shop' }, stringData: data }]);
}

describe('the askpass helper', () => {
  it('given credentials for https://git.example.com, when git prompts for another host, then it answers nothing', async () => {
    const credentials = await prepareGitCredentials('https://git.example.com/acme/gitops.git', { username: 'vane-bot', password: PASSWORD });
    try {
      const askpass = credentials.env.GIT_ASKPASS ?? '';
      expect(await ask(askpass, "Username for 'https://git.example.com': ")).toBe('vane-bot');
      expect(await ask(askpass, "Password for 'https://vane-bot@git.example.com': ")).toBe(PASSWORD);
      expect(await ask(askpass, "Password for 'https://vane-bot@evil.example': ")).toBe('');
      expect(await ask(askpass, "Password for 'http://vane-bot@git.example.com': ")).toBe('');
      expect(await ask(askpass, "Password for 'https://vane-bot@git.example.com.evil.example': ")).toBe('');
      expect(await ask(askpass, "Username for 'https://git.example.com:8443': ")).toBe('');
    } finally {
      await credentials.dispose();
    }
  });
});

describe('a redirect to another host', () => {
  it('given basic credentials and a repository URL that redirects to another host, when reverting, then that host never receives the password', async () => {
    await plainRelease(sandbox);
    elsewhere = await startGitHttpServer({ projectRoot: sandbox.path('remotes'), auth: { username: 'someone', password: 'else' } });
    // 127.0.0.1 and localhost are different hosts to git: the redirect crosses origins.
    redirector = await startRedirectingServer(elsewhere.url('').replace('127.0.0.1', 'localhost').replace(/\/$/, ''));

    const outcome = await reverterFor(sandbox, { reader: secretReader({ username: 'vane-bot', password: PASSWORD }) }).revert(
      checkoutRequest({ repoURL: `${redirector.origin}/plain.git`, secretRef: { namespace: 'shop', name: 'git' } }),
    );

    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(outcome.git.state).toBe('Failed');
    const leaked = elsewhere.authorizations.filter((header) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').includes(PASSWORD));
    expect(leaked).toEqual([]);
  });

  it('given a bearer token and a repository URL that redirects to another host, when reverting, then that host never receives the token', async () => {
    await plainRelease(sandbox);
    elsewhere = await startGitHttpServer({ projectRoot: sandbox.path('remotes') });
    redirector = await startRedirectingServer(elsewhere.url('').replace('127.0.0.1', 'localhost').replace(/\/$/, ''));

    const outcome = await reverterFor(sandbox, { reader: secretReader({ bearerToken: TOKEN }) }).revert(
      checkoutRequest({ repoURL: `${redirector.origin}/plain.git`, secretRef: { namespace: 'shop', name: 'git' } }),
    );

    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(outcome.git.state).toBe('Failed');
    expect(elsewhere.authorizations.filter((header) => header.includes(TOKEN))).toEqual([]);
  });
});
