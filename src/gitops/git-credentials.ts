// Git credentials from a Kubernetes Secret (Argo CD or Flux layout), handed to git through files and env, never argv.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaneError } from '../errors.js';
import type { ObjectReader } from './object-reader.js';
import { isHttpUrl, isSshUrl } from './repo-url.js';
import { isRecord, stringMapAt } from './unstructured.js';

export interface SecretRef {
  namespace: string;
  name: string;
}

export type CredentialKind = 'none' | 'ssh' | 'basic' | 'bearer';

export interface GitCredentials {
  readonly kind: CredentialKind;
  /** Variables for the git process: paths and switches only, plus a bearer header when the secret has one. */
  readonly env: Readonly<Record<string, string>>;
  /** Removes the key and askpass files; safe to call more than once. */
  dispose(): Promise<void>;
}

export interface CredentialOptions {
  /** Where the per-operation 0700 directory for key files is made; defaults to the OS temp dir. */
  tempDir?: string;
  /** The ssh program; defaults to `ssh`. */
  sshProgram?: string;
  /** known_hosts used when the secret carries none (e.g. the one mounted from argocd-ssh-known-hosts-cm). */
  knownHostsFile?: string;
}

/** Git must never stop to ask on a terminal: a controller has none. */
const NO_PROMPT = { GIT_TERMINAL_PROMPT: '0' };

export const noCredentials: GitCredentials = {
  kind: 'none',
  env: { ...NO_PROMPT, GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' },
  dispose: () => Promise.resolve(),
};

/** Decoded `data` (base64) merged with `stringData`, as the API server would store it. */
export async function readSecretData(reader: ObjectReader, ref: SecretRef): Promise<Record<string, string>> {
  const secret = await reader.get('v1', 'Secret', ref.namespace, ref.name);
  if (!isRecord(secret)) throw new VaneError('NotFound', `secret ${ref.namespace}/${ref.name} not found`);
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(stringMapAt(secret, ['data']))) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...decoded, ...stringMapAt(secret, ['stringData']) };
}

/**
 * Turns secret data into what git needs for `repoURL`. Keys accepted: Argo CD's `sshPrivateKey`, `username`,
 * `password`, `bearerToken`, `insecure`; Flux's `identity`, `known_hosts`, `username`, `password`, `bearerToken`,
 * `ca.crt` / `caFile`; and a bare `token` (used as the password).
 */
export async function prepareGitCredentials(
  repoURL: string,
  secret: Readonly<Record<string, string>> | undefined,
  options: CredentialOptions = {},
): Promise<GitCredentials> {
  if (!secret) return noCredentials;
  if (isSshUrl(repoURL)) return sshCredentials(secret, options);
  if (isHttpUrl(repoURL)) return httpCredentials(repoURL, secret, options);
  return noCredentials;
}

async function privateDir(options: CredentialOptions): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'vane-git-'));
  await chmod(dir, 0o700);
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, dispose };
}

async function writePrivate(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Single quotes for the shell that runs GIT_SSH_COMMAND. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function sshCredentials(secret: Readonly<Record<string, string>>, options: CredentialOptions): Promise<GitCredentials> {
  const key = secret.identity ?? secret.sshPrivateKey;
  if (key === undefined) throw new VaneError('InvalidSpec', 'the secret has no SSH private key (identity or sshPrivateKey) for an SSH repository URL');
  const { dir, dispose } = await privateDir(options);
  const keyFile = join(dir, 'identity');
  // OpenSSH refuses a key file that does not end with a newline.
  await writePrivate(keyFile, key.endsWith('\n') ? key : `${key}\n`);
  const hostKeyOptions = await hostKeyCheck(secret, dir, options);
  const command = [
    options.sshProgram ?? 'ssh',
    `-i ${shellQuote(keyFile)}`,
    '-o IdentitiesOnly=yes',
    '-o IdentityAgent=none',
    '-o BatchMode=yes',
    ...hostKeyOptions,
  ].join(' ');
  return { kind: 'ssh', env: { ...NO_PROMPT, GIT_SSH_COMMAND: command }, dispose };
}

async function hostKeyCheck(secret: Readonly<Record<string, string>>, dir: string, options: CredentialOptions): Promise<string[]> {
  // Argo CD's `insecure: "true"` on an SSH repository means: do not check the host key.
  if (secret.insecure === 'true') return ['-o StrictHostKeyChecking=no', '-o UserKnownHostsFile=/dev/null'];
  const knownHosts = secret.known_hosts;
  if (knownHosts !== undefined) {
    const file = join(dir, 'known_hosts');
    await writePrivate(file, knownHosts.endsWith('\n') ? knownHosts : `${knownHosts}\n`);
    return ['-o StrictHostKeyChecking=yes', `-o UserKnownHostsFile=${shellQuote(file)}`];
  }
  const fallback = options.knownHostsFile !== undefined ? [`-o UserKnownHostsFile=${shellQuote(options.knownHostsFile)}`] : [];
  return ['-o StrictHostKeyChecking=yes', ...fallback];
}

async function httpCredentials(repoURL: string, secret: Readonly<Record<string, string>>, options: CredentialOptions): Promise<GitCredentials> {
  const origin = httpOrigin(repoURL);
  const password = secret.password ?? secret.token;
  const tls = await tlsEnv(secret, options);
  if (password !== undefined) return basicCredentials({ origin, urlUser: urlUser(repoURL), username: secret.username ?? 'x-access-token', password }, tls, options);
  if (secret.bearerToken !== undefined) {
    // git sends an extra header on every request, to wherever a redirect leads (its http.<url> settings are matched
    // once, against the remote's URL): with a token in a header, redirects are not followed at all.
    const header = {
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Bearer ${secret.bearerToken}`,
      GIT_CONFIG_KEY_1: 'http.followRedirects',
      GIT_CONFIG_VALUE_1: 'false',
    };
    return { kind: 'bearer', env: { ...NO_PROMPT, ...tls.env, ...header }, dispose: tls.dispose };
  }
  return { kind: 'none', env: { ...NO_PROMPT, ...tls.env }, dispose: tls.dispose };
}

/** `scheme://host[:port]` of an http(s) URL as written (git prompts with it), without user, path or query. */
function httpOrigin(url: string): string {
  const match = /^(https?):\/\/([^/?#]*)/i.exec(url);
  const authority = match?.[2] ?? '';
  return `${(match?.[1] ?? '').toLowerCase()}://${authority.slice(authority.lastIndexOf('@') + 1)}`;
}

/** The user name written in the URL (`https://bot@host/...`), which git then uses instead of asking. */
function urlUser(url: string): string | undefined {
  const authority = /^https?:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  if (at < 0) return undefined;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return decodeURIComponent(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
}

interface BasicLogin {
  /** The only origin the credentials are for: git's prompt names it. */
  origin: string;
  urlUser: string | undefined;
  username: string;
  password: string;
}

/**
 * The password sits in a 0600 file that an askpass script prints when git asks, so it is in no argv, no environment
 * variable and no URL, and it is gone with the directory after the operation. git's prompt names the URL it wants
 * credentials for (`Username for 'https://host': `, `Password for 'https://user@host': `); the script answers only the
 * prompts for the repository's own origin, so a redirect to another host gets nothing.
 */
async function basicCredentials(login: BasicLogin, tls: { env: Record<string, string>; dispose: () => Promise<void> }, options: CredentialOptions): Promise<GitCredentials> {
  const { dir, dispose } = await privateDir(options);
  const file = (name: string): string => join(dir, name);
  const host = login.origin.replace(/^https?:\/\//, '');
  const scheme = login.origin.slice(0, login.origin.indexOf('://'));
  const users = [...new Set([login.username, ...(login.urlUser !== undefined ? [login.urlUser] : [])])];
  await writePrivate(file('username'), login.username);
  await writePrivate(file('password'), login.password);
  await writePrivate(file('username-prompt'), `Username for '${login.origin}': `.toLowerCase());
  for (const [index, user] of users.entries()) await writePrivate(file(`password-prompt-${index}`), `Password for '${scheme}://${user}@${host}': `.toLowerCase());
  const askpass = file('askpass.sh');
  const passwordChecks = users.map((_, index) => `  if [ "$prompt" = "$(cat ${shellQuote(file(`password-prompt-${index}`))})" ]; then cat ${shellQuote(file('password'))}; exit 0; fi`);
  const script = [
    '#!/bin/sh',
    '# git calls this with its prompt; only prompts naming the repository\'s own origin are answered.',
    `prompt=$(printf '%s' "$1" | tr 'A-Z' 'a-z')`,
    `if [ "$prompt" = "$(cat ${shellQuote(file('username-prompt'))})" ]; then cat ${shellQuote(file('username'))}; exit 0; fi`,
    ...passwordChecks,
    'echo "vane: no credentials for this prompt" >&2',
    'exit 1',
    '',
  ].join('\n');
  await writeFile(askpass, script, { mode: 0o700 });
  await chmod(askpass, 0o700);
  const disposeAll = async (): Promise<void> => {
    await dispose();
    await tls.dispose();
  };
  return { kind: 'basic', env: { ...NO_PROMPT, ...tls.env, GIT_ASKPASS: askpass }, dispose: disposeAll };
}

async function tlsEnv(
  secret: Readonly<Record<string, string>>,
  options: CredentialOptions,
): Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> {
  const env: Record<string, string> = {};
  if (secret.insecure === 'true') env.GIT_SSL_NO_VERIFY = 'true';
  const ca = secret['ca.crt'] ?? secret.caFile;
  if (ca === undefined) return { env, dispose: () => Promise.resolve() };
  const { dir, dispose } = await privateDir(options);
  const file = join(dir, 'ca.crt');
  await writePrivate(file, ca);
  return { env: { ...env, GIT_SSL_CAINFO: file }, dispose };
}
