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
  if (isHttpUrl(repoURL)) return httpCredentials(secret, options);
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

async function httpCredentials(secret: Readonly<Record<string, string>>, options: CredentialOptions): Promise<GitCredentials> {
  const password = secret.password ?? secret.token;
  const tls = await tlsEnv(secret, options);
  if (password !== undefined) return basicCredentials(secret.username ?? 'x-access-token', password, tls, options);
  if (secret.bearerToken !== undefined) {
    const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${secret.bearerToken}` };
    return { kind: 'bearer', env: { ...NO_PROMPT, ...tls.env, ...header }, dispose: tls.dispose };
  }
  return { kind: 'none', env: { ...NO_PROMPT, ...tls.env }, dispose: tls.dispose };
}

/**
 * The password sits in a 0600 file that an askpass script prints when git asks, so it is in no argv, no environment
 * variable and no URL, and it is gone with the directory after the operation.
 */
async function basicCredentials(
  username: string,
  password: string,
  tls: { env: Record<string, string>; dispose: () => Promise<void> },
  options: CredentialOptions,
): Promise<GitCredentials> {
  const { dir, dispose } = await privateDir(options);
  await writePrivate(join(dir, 'username'), username);
  await writePrivate(join(dir, 'password'), password);
  const askpass = join(dir, 'askpass.sh');
  const script = [
    '#!/bin/sh',
    '# git calls this with its prompt: "Username for ..." or "Password for ...".',
    'case "$1" in',
    `  Username*) cat ${shellQuote(join(dir, 'username'))} ;;`,
    `  *) cat ${shellQuote(join(dir, 'password'))} ;;`,
    'esac',
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
