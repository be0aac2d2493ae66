// Repository URLs: refusing transport tricks and local paths, redacting credentials for logs, and comparing URLs that
// name one repository (or, for credential templates, a tree of them).
import { createHash } from 'node:crypto';
import { VaneError } from '../errors.js';

const SCP_LIKE = /^(?:[\w.-]+@)?[\w.-]+:(?!\/\/)/;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Transports a GitOps repository is reached by; anything else (ftp, a remote helper, ...) is refused. */
const REMOTE_SCHEMES: ReadonlySet<string> = new Set(['https', 'http', 'ssh', 'git+ssh', 'ssh+git', 'git']);

export interface RepoUrlPolicy {
  /** Operator opt-in (--allow-local-git-urls) for `file://` URLs and paths on the controller's disk. */
  allowLocal?: boolean;
}

/** Rejects URLs that would make git run a command, read an option, or (unless allowed) read the controller's disk. */
export function assertSafeRepoUrl(url: string, policy: RepoUrlPolicy = {}): void {
  if (url.length === 0) throw new VaneError('InvalidSpec', 'the repository URL is empty');
  if (url.startsWith('-')) throw new VaneError('InvalidSpec', 'a repository URL may not start with "-"');
  // `<transport>::<address>` selects a remote helper such as ext::, which runs arbitrary commands.
  if (/^[a-z][a-z0-9+.-]*::/i.test(url)) {
    throw new VaneError('InvalidSpec', `remote-helper URLs are not allowed: ${redactUrl(url)}`);
  }
  if (/[\s\0]/.test(url)) throw new VaneError('InvalidSpec', 'a repository URL may not contain whitespace');
  if (isLocalRepoUrl(url)) {
    if (policy.allowLocal === true) return;
    throw new VaneError(
      'Forbidden',
      `local repository URL ${redactUrl(url)} refused: a path on the controller's disk could name any repository there, ` +
        'other teams\' cached clones included; an operator may allow local URLs with --allow-local-git-urls (VANE_ALLOW_LOCAL_GIT_URLS=true)',
    );
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && !REMOTE_SCHEMES.has(scheme)) {
    throw new VaneError('InvalidSpec', `repository URLs with scheme ${scheme}:// are not supported: ${redactUrl(url)}`);
  }
}

/**
 * What git itself would read from the local filesystem: `file://` URLs, and anything without `://` that is not
 * scp-like (no colon at all, or a slash before the first colon: `/srv/repo.git`, `./repo`, `~/repo`, `C:\\repo`).
 */
export function isLocalRepoUrl(url: string): boolean {
  if (/^file:/i.test(url)) return true;
  if (SCHEME.test(url)) return false;
  if (/^[a-z]:[\\/]/i.test(url)) return true;
  const colon = url.indexOf(':');
  const slash = url.indexOf('/');
  return colon < 0 || (slash >= 0 && slash < colon);
}

/**
 * Replaces credentials embedded in URLs within `text` with `***`: the password of `user:password@`, or the whole
 * user part of an http(s) URL (`https://TOKEN@host`: tokens are often passed as the user name). The user part ends at
 * the last `@` before the host, so a password holding `@` is hidden whole. ssh's `git@` is not a secret and stays.
 */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/\s'"]*)@(?=[^/@\s'"]*(?:[/\s'"]|$))/gi, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) return `${scheme}${userinfo.slice(0, colon)}:***@`;
    return /^https?:\/\//i.test(scheme) ? `${scheme}***@` : `${scheme}${userinfo}@`;
  });
}

export function isSshUrl(url: string): boolean {
  return /^(?:ssh|git\+ssh|ssh\+git):\/\//i.test(url) || (SCP_LIKE.test(url) && !/^[a-z]:[\\/]/i.test(url));
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * A comparable form: scheme and host lower-cased, scp-like syntax turned into ssh://, no trailing slash or `.git`,
 * no credentials. Two URLs with the same form name the same repository for every purpose Vane has.
 */
export function normalizeRepoUrl(url: string): string {
  let value = url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && SCP_LIKE.test(value)) {
    const colon = value.indexOf(':');
    value = `ssh://${value.slice(0, colon)}/${value.slice(colon + 1).replace(/^\/+/, '')}`;
  }
  value = value.replace(/\/+$/, '').replace(/\.git$/i, '');
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/@]*@)?([^/]*)(.*)$/i.exec(value);
  if (!match) return value;
  const [, scheme = '', host = '', rest = ''] = match;
  return `${scheme.toLowerCase()}${host.toLowerCase()}${rest}`;
}

export interface RepoUrlParts {
  /** Lower case; `git+ssh` and `ssh+git` read as `ssh`, scp-like syntax as ssh. */
  scheme: string;
  /** Lower case, without user or port. */
  host: string;
  /** The port, or the scheme's default one. */
  port: string;
  /** Path segments, without empty ones and without a trailing `.git`. */
  segments: string[];
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { https: '443', http: '80', ssh: '22', git: '9418' };

/** A URL's components for comparing repositories by meaning; undefined for a local path or a malformed URL. */
export function repoUrlParts(url: string): RepoUrlParts | undefined {
  let value = url.trim();
  if (!SCHEME.test(value)) {
    if (isLocalRepoUrl(value) || !SCP_LIKE.test(value)) return undefined;
    const colon = value.indexOf(':');
    value = `ssh://${value.slice(0, colon)}/${value.slice(colon + 1)}`;
  }
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(value);
  if (!match) return undefined;
  const [, rawScheme = '', authority = '', path = ''] = match;
  const scheme = ['git+ssh', 'ssh+git'].includes(rawScheme.toLowerCase()) ? 'ssh' : rawScheme.toLowerCase();
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  if (!portMatch || !portMatch[1]) return undefined;
  const port = portMatch[2] !== undefined && portMatch[2] !== '' ? portMatch[2] : (DEFAULT_PORTS[scheme] ?? '');
  const segments = path.split('/').filter((segment) => segment !== '');
  const last = segments.length - 1;
  if (last >= 0) segments[last] = (segments[last] ?? '').replace(/\.git$/i, '');
  return { scheme, host: portMatch[1], port, segments: segments.filter((segment) => segment !== '') };
}

/**
 * Whether a credential template's URL covers a repository: same scheme, host and port, and the template's path
 * segments are the repository's first ones. `https://git.corp` covers `https://git.corp/team/app`, not
 * `https://git.corp.evil.io/...`; `https://git.corp/team` does not cover `https://git.corp/teamx/...`.
 */
export function repoUrlCovers(template: string, repository: string): boolean {
  const outer = repoUrlParts(template);
  const inner = repoUrlParts(repository);
  if (!outer || !inner) return false;
  if (outer.scheme !== inner.scheme || outer.host !== inner.host || outer.port !== inner.port) return false;
  return outer.segments.length <= inner.segments.length && outer.segments.every((segment, index) => segment === inner.segments[index]);
}

/** A directory name for the cached clone of `url`: readable host prefix plus a hash of the exact URL. */
export function repoCacheKey(url: string): string {
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?([^/:]+)/i.exec(url)?.[1] ?? 'local';
  const safeHost = host.replace(/[^a-z0-9.-]/gi, '_').slice(0, 40);
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return `${safeHost}-${digest}`;
}
