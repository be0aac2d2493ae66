// A kubeconfig as Vane uses it: contexts, clusters and users, and the current user's credentials applied to each
// request (token, token file, client certificate, basic auth, exec plugin). Vane's own rather than client-node's
// KubeConfig, whose module loads all of client-node's generated API: 61 MiB of RSS and over a second at startup in
// every process, for what is a YAML file and TLS options (docs/adr/0020-own-kubeconfig.md). A user with an
// auth-provider (OIDC, GCP, Azure) is still served by client-node, loaded only then.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type * as https from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';

export interface KubeconfigCluster {
  name: string;
  server: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  /** The CA bundle, inline (certificate-authority-data) or read from certificate-authority. */
  ca?: Buffer;
}

export interface ExecPlugin {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
}

export interface KubeconfigUser {
  name: string;
  token?: string;
  tokenFile?: string;
  cert?: Buffer;
  key?: Buffer;
  username?: string;
  password?: string;
  exec?: ExecPlugin;
  /** An auth-provider entry, left to client-node: the raw user and cluster, to hand it a kubeconfig of its own. */
  authProvider?: { user: Record<string, unknown>; file: string | undefined };
}

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** One kubeconfig document, or several merged as kubectl merges $KUBECONFIG: the first to name a thing wins. */
export interface KubeconfigParts {
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  contexts: KubeconfigContext[];
  currentContext: string;
}

/** A token file is read again after this long, as client-go does, so a rotated service-account token is picked up. */
const TOKEN_FILE_TTL_MS = 60_000;
/** An exec credential is asked for again this long before it expires. */
const EXEC_EXPIRY_MARGIN_MS = 10_000;
const EXEC_TIMEOUT_MS = 60_000;

export class Kubeconfig {
  private currentContext: string;
  private readonly credentials = new Map<string, UserCredentials>();

  constructor(private readonly parts: KubeconfigParts) {
    this.currentContext = parts.currentContext;
  }

  getContexts(): KubeconfigContext[] {
    return this.parts.contexts;
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContextObject(name: string): KubeconfigContext | null {
    return this.parts.contexts.find((c) => c.name === name) ?? null;
  }

  getCluster(name: string): KubeconfigCluster | null {
    return this.parts.clusters.find((c) => c.name === name) ?? null;
  }

  getCurrentCluster(): KubeconfigCluster | null {
    const context = this.getContextObject(this.currentContext);
    return context ? this.getCluster(context.cluster) : null;
  }

  getCurrentUser(): KubeconfigUser | null {
    const context = this.getContextObject(this.currentContext);
    return context ? (this.parts.users.find((u) => u.name === context.user) ?? null) : null;
  }

  /** Sets the CA, client certificate and Authorization the current context needs on one request's options. */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const cluster = this.getCurrentCluster();
    if (cluster?.ca) opts.ca = cluster.ca;
    if (cluster?.skipTLSVerify) opts.rejectUnauthorized = false;
    const user = this.getCurrentUser();
    if (!user) return;
    let credentials = this.credentials.get(user.name);
    if (!credentials) this.credentials.set(user.name, (credentials = new UserCredentials(user, cluster)));
    await credentials.apply(opts);
  }
}

/** The credentials of one user, with what must be fetched (token file, exec plugin, auth-provider) cached. */
class UserCredentials {
  private tokenFileRead: { token: string; at: number } | undefined;
  private exec: { token?: string; cert?: string; key?: string; expiresAt: number } | undefined;
  private execRunning: Promise<void> | undefined;
  private delegate: Promise<{ applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> }> | undefined;

  constructor(
    private readonly user: KubeconfigUser,
    private readonly cluster: KubeconfigCluster | null,
  ) {}

  async apply(opts: https.RequestOptions): Promise<void> {
    const user = this.user;
    if (user.authProvider) {
      this.delegate ??= clientNodeFor(user, this.cluster);
      await (await this.delegate).applyToHTTPSOptions(opts);
      return;
    }
    if (user.cert) opts.cert = user.cert;
    if (user.key) opts.key = user.key;
    if (user.username !== undefined && user.password !== undefined) opts.auth = `${user.username}:${user.password}`;
    const token = user.exec ? await this.execToken(opts) : (user.token ?? (user.tokenFile ? await this.tokenFromFile(user.tokenFile) : undefined));
    if (token) opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
  }

  private async tokenFromFile(file: string): Promise<string> {
    const now = Date.now();
    if (this.tokenFileRead && now - this.tokenFileRead.at < TOKEN_FILE_TTL_MS) return this.tokenFileRead.token;
    try {
      const token = (await readFile(file, 'utf8')).trim();
      this.tokenFileRead = { token, at: now };
      return token;
    } catch (err) {
      // A token read before stays in force while the file is being replaced.
      if (this.tokenFileRead) return this.tokenFileRead.token;
      throw new VaneError('Unauthorized', `kubeconfig user "${this.user.name}": token file ${file} cannot be read: ${(err as Error).message}`);
    }
  }

  private async execToken(opts: https.RequestOptions): Promise<string | undefined> {
    if (!this.exec || this.exec.expiresAt - EXEC_EXPIRY_MARGIN_MS <= Date.now()) {
      this.execRunning ??= this.runExec().finally(() => (this.execRunning = undefined));
      await this.execRunning;
    }
    const exec = this.exec!;
    if (exec.cert) opts.cert = exec.cert;
    if (exec.key) opts.key = exec.key;
    return exec.token;
  }

  private async runExec(): Promise<void> {
    const plugin = this.user.exec!;
    const info = { apiVersion: plugin.apiVersion, kind: 'ExecCredential', spec: { interactive: false, ...(plugin.provideClusterInfo && this.cluster ? { cluster: clusterInfo(this.cluster) } : {}) } };
    const env = { ...process.env, ...Object.fromEntries(plugin.env.map((e) => [e.name, e.value])), KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    const failed = (why: string): VaneError =>
      new VaneError('Unauthorized', `kubeconfig user "${this.user.name}": exec plugin ${plugin.command} ${why}${plugin.installHint ? ` (${plugin.installHint.trim()})` : ''}`);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(plugin.command, plugin.args, { env, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, out, stderr) => {
        if (err) reject(failed(`failed: ${(stderr.trim().split('\n')[0] || err.message).slice(0, 300)}`));
        else resolve(out);
      });
    });
    let status: { token?: unknown; clientCertificateData?: unknown; clientKeyData?: unknown; expirationTimestamp?: unknown } | undefined;
    try {
      status = (JSON.parse(stdout) as { status?: typeof status }).status;
    } catch {
      throw failed('printed something that is not an ExecCredential (JSON)');
    }
    const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
    const token = text(status?.token);
    const cert = text(status?.clientCertificateData);
    const key = text(status?.clientKeyData);
    if (!token && !(cert && key)) throw failed('gave neither a token nor a client certificate and key');
    const expiry = text(status?.expirationTimestamp);
    const expiresAt = expiry === undefined ? Number.POSITIVE_INFINITY : Date.parse(expiry);
    if (Number.isNaN(expiresAt)) throw failed(`gave an expirationTimestamp that is not a time: ${expiry}`);
    this.exec = { token, cert, key, expiresAt };
  }
}

function clusterInfo(cluster: KubeconfigCluster): Record<string, unknown> {
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(cluster.ca ? { 'certificate-authority-data': cluster.ca.toString('base64') } : {}),
  };
}

/** client-node's KubeConfig for one auth-provider user, loaded on first use only. */
async function clientNodeFor(user: KubeconfigUser, cluster: KubeconfigCluster | null): Promise<{ applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: cluster ? [{ name: cluster.name, server: cluster.server, skipTLSVerify: cluster.skipTLSVerify, caData: cluster.ca?.toString('base64') }] : [],
    users: [{ name: user.name, authProvider: user.authProvider!.user['auth-provider'] as never }],
    contexts: [{ name: 'vane', cluster: cluster?.name ?? '', user: user.name }],
    currentContext: 'vane',
  });
  return kc;
}

/** Reads one kubeconfig file: paths in it are relative to its directory, as kubectl reads them. */
export function parseKubeconfigFile(file: string): KubeconfigParts {
  return parseKubeconfig(readFileSync(file, 'utf8'), dirname(file), file);
}

export function parseKubeconfig(text: string, baseDir: string, file?: string): KubeconfigParts {
  const doc = (yaml.load(text) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a kubeconfig: the document is not a mapping');
  const path = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  const bytes = (data: unknown, where: string, fileKey: unknown): Buffer | undefined => {
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    if (typeof fileKey === 'string' && fileKey !== '') {
      try {
        return readFileSync(path(fileKey));
      } catch (err) {
        throw new Error(`${where} ${path(fileKey)} cannot be read: ${(err as Error).message}`);
      }
    }
    return undefined;
  };
  const clusters = entries(doc, 'clusters', 'cluster').map(({ name, body }) => ({
    name,
    server: str(body['server']) ?? '',
    skipTLSVerify: body['insecure-skip-tls-verify'] === true,
    ...(str(body['tls-server-name']) ? { tlsServerName: str(body['tls-server-name']) } : {}),
    ...optional('ca', bytes(body['certificate-authority-data'], `cluster "${name}": certificate-authority`, body['certificate-authority'])),
  }));
  const users = entries(doc, 'users', 'user').map(({ name, body }) => userOf(name, body, path, bytes, file));
  const contexts = entries(doc, 'contexts', 'context').map(({ name, body }) => ({
    name,
    cluster: str(body['cluster']) ?? '',
    user: str(body['user']) ?? '',
    ...(str(body['namespace']) ? { namespace: str(body['namespace']) } : {}),
  }));
  return { clusters, users, contexts, currentContext: str(doc['current-context']) ?? '' };
}

function userOf(
  name: string,
  body: Record<string, unknown>,
  path: (p: string) => string,
  bytes: (data: unknown, where: string, fileKey: unknown) => Buffer | undefined,
  file: string | undefined,
): KubeconfigUser {
  const exec = body['exec'] as Record<string, unknown> | undefined;
  const command = str(exec?.['command']);
  if (exec && !command) throw new Error(`user "${name}": exec has no command`);
  return {
    name,
    ...optional('token', str(body['token'])),
    ...optional('tokenFile', str(body['tokenFile']) ? path(str(body['tokenFile'])!) : undefined),
    ...optional('cert', bytes(body['client-certificate-data'], `user "${name}": client-certificate`, body['client-certificate'])),
    ...optional('key', bytes(body['client-key-data'], `user "${name}": client-key`, body['client-key'])),
    ...optional('username', str(body['username'])),
    ...optional('password', str(body['password'])),
    ...(exec && command
      ? {
          exec: {
            // A command with a slash is a path, relative to the file as kubectl reads it; a bare name is looked up in $PATH.
            command: command.includes('/') ? path(command) : command,
            args: Array.isArray(exec['args']) ? exec['args'].map(String) : [],
            env: Array.isArray(exec['env']) ? (exec['env'] as Array<Record<string, unknown>>).map((e) => ({ name: String(e['name']), value: String(e['value'] ?? '') })) : [],
            apiVersion: str(exec['apiVersion']) ?? 'client.authentication.k8s.io/v1',
            ...optional('installHint', str(exec['installHint'])),
            provideClusterInfo: exec['provideClusterInfo'] === true,
          },
        }
      : {}),
    ...(body['auth-provider'] ? { authProvider: { user: body, file } } : {}),
  };
}

/** `kind` entries of a kubeconfig list (`clusters`: `{name, cluster: {...}}`), each with a name. */
function entries(doc: Record<string, unknown>, list: string, key: string): Array<{ name: string; body: Record<string, unknown> }> {
  const items = doc[list] ?? [];
  if (!Array.isArray(items)) throw new Error(`${list} is not a list`);
  return items.map((item: Record<string, unknown> | null, i) => {
    const name = str(item?.['name']);
    if (!name) throw new Error(`${list}[${i}] has no name`);
    const body = item?.[key] ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`${list}[${i}] ("${name}"): ${key} is not a mapping`);
    return { name, body: body as Record<string, unknown> };
  });
}

/** Merges kubeconfigs as kubectl merges $KUBECONFIG: the first to name a cluster, user, context or current-context wins. */
export function mergeKubeconfigs(parts: readonly KubeconfigParts[]): KubeconfigParts {
  const first = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  return {
    clusters: first(parts.map((p) => p.clusters)),
    users: first(parts.map((p) => p.users)),
    contexts: first(parts.map((p) => p.contexts)),
    currentContext: parts.find((p) => p.currentContext !== '')?.currentContext ?? '',
  };
}

/** The kubeconfig of a pod's service account: the API Service from the environment, its CA, its rotating token file. */
export function inClusterKubeconfig(env: NodeJS.ProcessEnv, tokenFile: string, caFile: string): Kubeconfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  let ca: Buffer | undefined;
  try {
    ca = readFileSync(caFile);
  } catch {
    ca = undefined; // a cluster whose API certificate a public CA signed needs none
  }
  return new Kubeconfig({
    clusters: [{ name: 'inCluster', server, skipTLSVerify: false, ...optional('ca', ca) }],
    users: [{ name: 'inClusterUser', tokenFile }],
    contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' }],
    currentContext: 'inClusterContext',
  });
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
