// Authenticates bearer tokens against a static token file (standalone use): sha256 digests of the tokens, each with a
// subject and groups, in YAML or JSON. The file is read at start and again whenever it changes (a mounted Secret is
// updated in place), so removing a token revokes it without a restart.
//
// File shape:  tokens: [{ sha256: <64 hex chars>, subject: alice, groups: [deployers] }]   (a bare list also works)
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';
import type { Authenticator, Identity } from './authenticator.js';

export interface StaticTokenEntry {
  sha256: string;
  subject: string;
  groups?: string[];
}

const HEX_DIGEST = /^[0-9a-f]{64}$/;

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class StaticTokenAuthenticator implements Authenticator {
  private readonly byDigest = new Map<string, Identity>();

  constructor(entries: readonly StaticTokenEntry[]) {
    for (const entry of entries) {
      this.byDigest.set(entry.sha256.toLowerCase(), { username: entry.subject, groups: [...(entry.groups ?? []), 'system:authenticated'] });
    }
  }

  authenticate(token: string): Promise<Identity | undefined> {
    // Looking up by digest rather than comparing tokens: a caller cannot steer a digest's prefix, so the lookup's
    // timing tells nothing about the stored tokens.
    return Promise.resolve(this.byDigest.get(sha256Hex(token)));
  }

  get size(): number {
    return this.byDigest.size;
  }
}

/** Parses a token file's text (YAML is a superset of JSON, so one parser reads both); errors name the entry. */
export function parseStaticTokens(text: string, source = 'token file'): StaticTokenEntry[] {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new VaneError('InvalidSpec', `${source}: not valid YAML or JSON: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(doc) ? doc : (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new VaneError('InvalidSpec', `${source}: expected a list of tokens or an object with a "tokens" list`);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const entry = checkEntry(item, `${source}: tokens[${i}]`);
    if (seen.has(entry.sha256)) throw new VaneError('InvalidSpec', `${source}: tokens[${i}].sha256: duplicate digest`);
    seen.add(entry.sha256);
    return entry;
  });
}

export interface StaticTokenFileOptions {
  /** How often, at most, the file is looked at for a change (on the next authentication after this long). */
  checkEveryMs?: number;
  /** Told when a changed file cannot be read or parsed; the tokens read before stay in force. */
  onReloadError?: (err: Error) => void;
  now?: () => number;
}

export const DEFAULT_TOKEN_FILE_CHECK_MS = 5_000;

/** The token file, re-read when its identity, size or modification time changes. */
export class StaticTokenFile implements Authenticator {
  private checkedAt: number;
  private checking: Promise<void> | undefined;

  private constructor(private readonly path: string, private current: StaticTokenAuthenticator, private version: string, private readonly options: StaticTokenFileOptions) {
    this.checkedAt = this.now();
  }

  static async load(path: string, options: StaticTokenFileOptions = {}): Promise<StaticTokenFile> {
    const version = await fileVersion(path);
    return new StaticTokenFile(path, await readTokens(path), version, options);
  }

  async authenticate(token: string): Promise<Identity | undefined> {
    if (this.now() - this.checkedAt >= (this.options.checkEveryMs ?? DEFAULT_TOKEN_FILE_CHECK_MS)) {
      this.checking ??= this.reloadIfChanged().finally(() => (this.checking = undefined));
      await this.checking;
    }
    return this.current.authenticate(token);
  }

  get size(): number {
    return this.current.size;
  }

  private async reloadIfChanged(): Promise<void> {
    this.checkedAt = this.now();
    try {
      const version = await fileVersion(this.path);
      if (version === this.version) return;
      this.current = await readTokens(this.path);
      this.version = version;
    } catch (err) {
      this.options.onReloadError?.(err as Error);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

export function loadStaticTokenFile(path: string, options: StaticTokenFileOptions = {}): Promise<StaticTokenFile> {
  return StaticTokenFile.load(path, options);
}

async function readTokens(path: string): Promise<StaticTokenAuthenticator> {
  return new StaticTokenAuthenticator(parseStaticTokens(await readFile(path, 'utf8'), path));
}

/** Follows symlinks, as a mounted Secret's file is one (its target changes on update). */
async function fileVersion(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

function checkEntry(item: unknown, where: string): StaticTokenEntry {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new VaneError('InvalidSpec', `${where}: must be an object`);
  const { sha256, subject, groups, ...rest } = item as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new VaneError('InvalidSpec', `${where}.${unknown}: unknown field (tokens are stored as sha256 digests only)`);
  if (typeof sha256 !== 'string' || !HEX_DIGEST.test(sha256.toLowerCase())) {
    throw new VaneError('InvalidSpec', `${where}.sha256: must be the 64 hex digits of the token's SHA-256 digest`);
  }
  if (typeof subject !== 'string' || subject.trim() === '') throw new VaneError('InvalidSpec', `${where}.subject: must be a non-empty string`);
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string'))) {
    throw new VaneError('InvalidSpec', `${where}.groups: must be a list of strings`);
  }
  return { sha256: sha256.toLowerCase(), subject, groups: groups as string[] | undefined };
}
