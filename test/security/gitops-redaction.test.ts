// Issue #20, finding 4: credentials in URLs are redacted from logs, errors and status. A token used as the URL's user
// name (`https://TOKEN@host/...`) and a password containing `@` slipped through.
import { describe, expect, it } from 'vitest';
import { classifyGitFailure } from '../../src/gitops/git-failure.js';
import { redactUrl } from '../../src/gitops/repo-url.js';

describe('redactUrl', () => {
  it('given a token as the user name of an https URL, when redacting, then the token is gone', () => {
    const text = "fatal: unable to access 'https://ghp_0123456789abcdef@github.com/acme/gitops.git/': 403";
    expect(redactUrl(text)).not.toContain('ghp_0123456789abcdef');
    expect(redactUrl(text)).toContain('https://***@github.com/acme/gitops.git/');
  });

  it('given a password containing @, when redacting, then no part of it remains', () => {
    const text = 'cloning https://vane-bot:p@ss@w0rd@git.example.com/acme/gitops.git failed';
    expect(redactUrl(text)).not.toMatch(/p@ss|ss@w0rd|w0rd/);
    expect(redactUrl(text)).toContain('https://vane-bot:***@git.example.com/acme/gitops.git');
  });

  it('given several URLs on a line, when redacting, then each keeps its host and loses its secret', () => {
    const text = 'from https://a:one@h1.example/x to http://two@h2.example/y';
    expect(redactUrl(text)).toBe('from https://a:***@h1.example/x to http://***@h2.example/y');
  });

  it('given ssh and scp-like URLs with the usual git user, when redacting, then they are left readable', () => {
    expect(redactUrl('ssh://git@github.com/acme/gitops.git')).toBe('ssh://git@github.com/acme/gitops.git');
    expect(redactUrl('git@github.com:acme/gitops.git')).toBe('git@github.com:acme/gitops.git');
  });

  it('given a git failure naming a URL with a token, when classified, then the message carries no token', () => {
    const error = classifyGitFailure(new Error("fatal: could not read Password for 'https://TOKEN-77@git.example.com': terminal prompts disabled"), 'fetch');
    expect(error.message).not.toContain('TOKEN-77');
  });
});
