// Finds and loads a kubeconfig as kubectl does (the named file, then $KUBECONFIG, then ~/.kube/config, then the
// in-cluster service account) and says what is wrong in terms of files: where it looked when it found none, which
// file is broken and how, where client-node's loader falls back to http://localhost:8080 and fails later with a
// message about TLS that names no file.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { VaneError } from '../errors.js';
import { inClusterKubeconfig, Kubeconfig, mergeKubeconfigs, parseKubeconfigFile, type KubeconfigParts } from './kubeconfig.js';

export interface KubeconfigRequest {
  /** An explicit file (`--kubeconfig`); without it the usual places are searched. */
  path?: string;
  /** A context other than the file's current one (`--context`). */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Where the in-cluster service account's token is mounted. */
  serviceAccountTokenPath?: string;
}

export interface LoadedKubeConfig {
  kubeConfig: Kubeconfig;
  /** Where it came from, for messages: `kubeconfig /path/to/file`, or `the in-cluster service account`. */
  source: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SERVICE_ACCOUNT_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

export function loadKubeConfig(request: KubeconfigRequest = {}): LoadedKubeConfig {
  const env = request.env ?? process.env;
  const files = request.path ? [request.path] : (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (files.length > 0) return fromFiles(files, request.context);
  const home = request.home ?? homedir();
  const homeConfig = join(home, '.kube', 'config');
  if (existsSync(homeConfig)) return fromFiles([homeConfig], request.context);
  const token = request.serviceAccountTokenPath ?? SERVICE_ACCOUNT_TOKEN;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(token)) {
    const kubeConfig = inClusterKubeconfig(env, token, join(dirname(token), basename(SERVICE_ACCOUNT_CA)));
    return { kubeConfig, source: 'the in-cluster service account' };
  }
  throw new VaneError(
    'BadRequest',
    `no kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set, ${homeConfig} does not exist, and this is not a pod ` +
      `(${env.KUBERNETES_SERVICE_HOST ? `no service account token at ${token}` : '$KUBERNETES_SERVICE_HOST is not set'}). ` +
      'Pass --kubeconfig FILE (`vane sandbox` prints one) or set KUBECONFIG',
  );
}

function fromFiles(files: readonly string[], context: string | undefined): LoadedKubeConfig {
  const parts: KubeconfigParts[] = files.map((file) => {
    if (!existsSync(file)) throw new VaneError('BadRequest', `kubeconfig ${file} does not exist${files.length > 1 ? ' (named in $KUBECONFIG)' : ''}`);
    try {
      return parseKubeconfigFile(file);
    } catch (err) {
      throw new VaneError('BadRequest', `kubeconfig ${file} cannot be read: ${firstLine(err)}`, { cause: err });
    }
  });
  // As kubectl: the first file that names a cluster, user, context or current-context decides it.
  const kubeConfig = new Kubeconfig(mergeKubeconfigs(parts));
  const source = `kubeconfig ${files.join(delimiter)}`;
  if (context) {
    if (!kubeConfig.getContextObject(context)) throw new VaneError('BadRequest', `${source} has no context "${context}" (it has: ${names(kubeConfig.getContexts())})`);
    kubeConfig.setCurrentContext(context);
  }
  checkCurrentCluster(kubeConfig, source);
  return { kubeConfig, source };
}

/** The checks whose failure would otherwise show late and without the file: a usable current context and cluster. */
function checkCurrentCluster(kubeConfig: Kubeconfig, source: string): void {
  const contextName = kubeConfig.getCurrentContext();
  if (!contextName) throw new VaneError('BadRequest', `${source} has no current-context (pass --context NAME, or set current-context in the file)`);
  const context = kubeConfig.getContextObject(contextName);
  if (!context) throw new VaneError('BadRequest', `${source}: current-context "${contextName}" is not among its contexts (${names(kubeConfig.getContexts())})`);
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster) throw new VaneError('BadRequest', `${source}: context "${contextName}" names cluster "${context.cluster}", which is not in the file`);
  if (!cluster.server) throw new VaneError('BadRequest', `${source}: cluster "${cluster.name}" has no server`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new VaneError('BadRequest', `${source}: cluster "${cluster.name}" has the plain-HTTP server ${cluster.server}; Vane talks to the API over HTTPS`);
  }
}

function names(items: ReadonlyArray<{ name: string }>): string {
  return items.length === 0 ? 'none' : items.map((item) => item.name).join(', ');
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.trim() ?? message;
}
