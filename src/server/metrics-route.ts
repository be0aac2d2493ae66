// GET /metrics: the Prometheus exposition. Its series name every Rollout, so it is not public: the caller is
// authenticated like any API caller and must be allowed `get` on the non-resource URL /metrics, the permission
// kube-rbac-proxy and controller-runtime's metrics filter ask of a scraper.
import type { Express } from 'express';
import { accessMiddleware, authenticationMiddleware, rateLimitMiddleware, type AuthenticationOptions } from './auth-middleware.js';
import type { NonResourceAccess, Authorizer } from './authorizer.js';
import type { VaneMetrics } from './metrics.js';
import type { TokenBucketLimiter } from './rate-limiter.js';

export const METRICS_PATH = '/metrics';
export const METRICS_ACCESS: NonResourceAccess = { verb: 'get', path: METRICS_PATH };

export interface MetricsRouteDeps {
  metrics?: VaneMetrics;
  authentication: AuthenticationOptions;
  authorizer: Authorizer;
  limiter: TokenBucketLimiter;
}

export function registerMetricsRoute(app: Express, deps: MetricsRouteDeps): void {
  const guards = [authenticationMiddleware(deps.authentication), rateLimitMiddleware(deps.limiter), accessMiddleware(deps.authorizer, () => METRICS_ACCESS)];
  app.get(METRICS_PATH, ...guards, async (_req, res) => {
    if (!deps.metrics) {
      res.status(404).type('text/plain').send('metrics are not enabled\n');
      return;
    }
    const body = await deps.metrics.exposition();
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(body);
  });
}
