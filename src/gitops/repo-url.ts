// Repository URLs: refusing transport tricks, redacting credentials for logs, and comparing URLs that name one repository.
import { createHash } from 'node:crypto';
import { VaneError } from '../errors.js';

const SCP_LIKE = /^(?:[\w.-]+@)?[\w.-]+:(?!\/\/)/;

/** Rejects URLs that would make git run a command or read an option instead of contacting a repository. */
export function assertSafeRepoUrl(url: string): void {
  if (url.length === 0) throw new VaneError('InvalidSpec', 'the repository URL is empty');
  if (url.startsWith('-')) throw new VaneError('InvalidSpec', 'a repository URL may not start with "-"');
  // `<transport>::<address>` selects a remote helper such as ext::, which runs arbitrary commands.
  if (/^[a-z][a-z0-9+.-]*::/i.test(url)) {
    throw new VaneError('InvalidSpec', `remote-helper URLs are not allowed: ${redactUrl(url)}`);
  }
  if (/[\s\0]/.test(url)) throw new VaneError('InvalidSpec', 'a repository URL may not contain whitespace');
}

/** Replaces any password embedded in URLs within `text` (`https://user:secret@host`) with `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+):([^/@\s]+)@/gi, '$1$2:***@');
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

/** A directory name for the cached clone of `url`: readable host prefix plus a hash of the exact URL. */
export function repoCacheKey(url: string): string {
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?([^/:]+)/i.exec(url)?.[1] ?? 'local';
  const safeHost = host.replace(/[^a-z0-9.-]/gi, '_').slice(0, 40);
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return `${safeHost}-${digest}`;
}
