import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaneError } from '../errors.js';
import { loadStaticTokenFile, parseStaticTokens, sha256Hex, StaticTokenAuthenticator } from './static-token-authenticator.js';

const ALICE_TOKEN = 'alice-secret-token';

describe('StaticTokenAuthenticator', () => {
  it('given a digest of the token, when the token is presented, then the subject and groups come back', async () => {
    const auth = new StaticTokenAuthenticator([{ sha256: sha256Hex(ALICE_TOKEN), subject: 'alice', groups: ['deployers'] }]);
    expect(await auth.authenticate(ALICE_TOKEN)).toEqual({ username: 'alice', groups: ['deployers', 'system:authenticated'] });
    expect(await auth.authenticate('alice-secret-tokeN')).toBeUndefined();
    expect(await auth.authenticate(sha256Hex(ALICE_TOKEN))).toBeUndefined();
  });

  it('reads YAML with a tokens list and JSON with a bare list alike', () => {
    const digest = sha256Hex(ALICE_TOKEN);
    const fromYaml = parseStaticTokens(`tokens:\n  - sha256: ${digest.toUpperCase()}\n    subject: alice\n`);
    const fromJson = parseStaticTokens(JSON.stringify([{ sha256: digest, subject: 'alice', groups: ['a'] }]));
    expect(fromYaml).toEqual([{ sha256: digest, subject: 'alice', groups: undefined }]);
    expect(fromJson[0]?.groups).toEqual(['a']);
  });

  it.each([
    ['a plaintext token field', 'tokens: [{sha256: "' + 'a'.repeat(64) + '", subject: x, token: hunter2}]', 'tokens[0].token: unknown field'],
    ['a short digest', 'tokens: [{sha256: abc, subject: x}]', 'tokens[0].sha256: must be the 64 hex digits'],
    ['no subject', `tokens: [{sha256: "${'b'.repeat(64)}"}]`, 'tokens[0].subject: must be a non-empty string'],
    ['groups that are not strings', `tokens: [{sha256: "${'c'.repeat(64)}", subject: x, groups: [1]}]`, 'tokens[0].groups: must be a list of strings'],
    ['the same digest twice', `- {sha256: "${'d'.repeat(64)}", subject: x}\n- {sha256: "${'d'.repeat(64)}", subject: y}`, 'tokens[1].sha256: duplicate digest'],
    ['no list at all', 'users: []', 'expected a list of tokens'],
  ])('given %s, then loading fails naming the entry', (_what, text, message) => {
    expect(() => parseStaticTokens(text, 'tokens.yaml')).toThrowError(message);
    expect(() => parseStaticTokens(text)).toThrowError(VaneError);
  });

  it('loads a token file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-tokens-'));
    try {
      const path = join(dir, 'tokens.json');
      await writeFile(path, JSON.stringify({ tokens: [{ sha256: sha256Hex('t1'), subject: 'ci', groups: ['pipelines'] }] }));
      const auth = await loadStaticTokenFile(path);
      expect(auth.size).toBe(1);
      expect((await auth.authenticate('t1'))?.username).toBe('ci');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('given the file changes, when the check interval has passed, then the new tokens are in force and a removed one is revoked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-tokens-'));
    try {
      const path = join(dir, 'tokens.yaml');
      await writeFile(path, `tokens: [{sha256: "${sha256Hex('old')}", subject: ci}]`);
      let now = 0;
      const auth = await loadStaticTokenFile(path, { checkEveryMs: 1000, now: () => now });
      await writeFile(path, `tokens: [{sha256: "${sha256Hex('new')}", subject: ci}, {sha256: "${sha256Hex('other')}", subject: bot}]`);
      expect((await auth.authenticate('old'))?.username).toBe('ci');
      now = 1000;
      expect(await auth.authenticate('old')).toBeUndefined();
      expect((await auth.authenticate('new'))?.username).toBe('ci');
      expect(auth.size).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('given the file changes into something unreadable, then the tokens read before stay in force and the error is reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-tokens-'));
    try {
      const path = join(dir, 'tokens.yaml');
      await writeFile(path, `tokens: [{sha256: "${sha256Hex('t1')}", subject: ci}]`);
      const errors: string[] = [];
      const auth = await loadStaticTokenFile(path, { checkEveryMs: 0, onReloadError: (err) => errors.push(err.message) });
      await writeFile(path, 'tokens: [{sha256: nope, subject: ci}]');
      expect((await auth.authenticate('t1'))?.username).toBe('ci');
      expect(errors).toEqual([expect.stringContaining('tokens[0].sha256')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
