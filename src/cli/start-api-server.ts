// The composition root of a standalone API server (`vane serve`): kubeconfig in, listening API out. The controller
// process wires the same pieces around its own informers.
import type { Logger } from '../logger.js';
import { KubeEventRecorder } from '../kube/event-recorder.js';
import { KubeClient } from '../kube/kube-client.js';
import { KubeTransport, type KubeAccess } from '../kube/kube-transport.js';
import { loadKubeConfig } from '../kube/kubeconfig-loader.js';
import { ApiReachability } from '../kube/api-reachability.js';
import { AccessReviewAuthorizer } from '../server/access-review-authorizer.js';
import { createApiServer, type ApiServer, type ListeningApi } from '../server/api-server.js';
import type { Readiness } from '../server/health-routes.js';
import type { Authenticator } from '../server/authenticator.js';
import type { CommandPolicy } from '../server/command-policy.js';
import { VaneMetrics } from '../server/metrics.js';
import type { RateLimit } from '../server/rate-limiter.js';
import { RolloutReadModel, type SharedInformers } from '../server/rollout-read-model.js';
import type { StreamLimits } from '../server/api-limits.js';
import { loadStaticTokenFile } from '../server/static-token-authenticator.js';
import { DEFAULT_API_BIND_ADDRESS, listenError } from './api-options.js';
import { TokenReviewAuthenticator } from '../server/token-review-authenticator.js';

export interface ApiServerConfig {
  kubeconfig?: string;
  namespace?: string;
  port: number;
  /** Where to listen; absent: loopback only. */
  host?: string;
  /** Static token file; absent: tokens are checked with TokenReview. */
  tokenFile?: string;
  allowAnonymous: boolean;
  /** Per authenticated subject. */
  rateLimit?: RateLimit;
  /** Per client address, before authentication. */
  clientRateLimit?: RateLimit;
  /** Proxies whose X-Forwarded-For names the client (express `trust proxy`); absent: none. */
  trustProxy?: string;
  streams?: Partial<StreamLimits>;
  identity: string;
  commandPolicy?: CommandPolicy;
}

export interface RunningApiServer extends ListeningApi {
  metrics: VaneMetrics;
  readModel: RolloutReadModel;
}

/** The pieces both entry points share: authentication mode, authorization, audit Events, read model. */
export interface VaneApiParts {
  client: KubeClient;
  config: Omit<ApiServerConfig, 'kubeconfig' | 'port' | 'host'>;
  metrics: VaneMetrics;
  logger: Logger;
  /** The controller's informers, so the API reads the same cache instead of a second one. */
  shared?: SharedInformers;
  readiness?: () => Readiness;
}

export async function createVaneApi(parts: VaneApiParts): Promise<{ api: ApiServer; readModel: RolloutReadModel }> {
  const { client, config, metrics, logger } = parts;
  const onReloadError = (err: Error): void => logger.warn({ file: config.tokenFile, err: err.message }, 'the changed API token file cannot be read; the tokens read before stay in force');
  const authenticator: Authenticator = config.tokenFile ? await loadStaticTokenFile(config.tokenFile, { onReloadError }) : new TokenReviewAuthenticator(client);
  const readModel = new RolloutReadModel(client, { namespace: config.namespace, logger, ...(parts.shared ? { shared: parts.shared } : {}) });
  const api = createApiServer({
    readModel,
    reader: client,
    status: client,
    authenticator,
    authorizer: new AccessReviewAuthorizer(client),
    events: new KubeEventRecorder(client, 'vane.dev/api-server', config.identity, logger),
    commandPolicy: config.commandPolicy,
    metrics,
    logger,
    allowAnonymous: config.allowAnonymous,
    rateLimit: config.rateLimit,
    clientRateLimit: config.clientRateLimit,
    trustProxy: config.trustProxy,
    streams: config.streams,
    ...(parts.readiness ? { readiness: parts.readiness } : {}),
  });
  return { api, readModel };
}

export async function startApiServer(config: ApiServerConfig, logger: Logger, kubeConfig?: KubeAccess): Promise<RunningApiServer> {
  const { kubeConfig: kc, source } = kubeConfig ? { kubeConfig, source: undefined } : loadKubeConfig({ path: config.kubeconfig });
  const reachability = new ApiReachability({ server: kc.getCurrentCluster()?.server ?? '(no server)', credentials: source, logger });
  const transport = await KubeTransport.fromKubeConfig(kc, { reachability });
  const client = new KubeClient(transport);
  const metrics = new VaneMetrics();
  const { api, readModel } = await createVaneApi({ client, config, metrics, logger });
  readModel.start();
  const host = config.host ?? DEFAULT_API_BIND_ADDRESS;
  let listening: ListeningApi;
  try {
    listening = await api.listen(config.port, host);
  } catch (err) {
    // Nothing may keep running after a failed start: the process must exit with the error, not linger half-started.
    await readModel.stop();
    transport.close();
    throw listenError(err, host, config.port);
  }
  logger.info({ url: listening.url, authentication: config.tokenFile ? 'static-token-file' : 'token-review', namespace: config.namespace ?? '(all)' }, 'Vane API listening');
  return {
    ...listening,
    metrics,
    readModel,
    async close() {
      await listening.close();
      await readModel.stop();
      transport.close();
    },
  };
}
