// Liveness and readiness: unauthenticated and not rate-limited, for kubelet probes. They tell nothing about Rollouts
// (the metrics do, and are guarded: metrics-route.ts).
import type { Express } from 'express';
import type { RolloutReadModel } from './rollout-read-model.js';

export interface Readiness {
  ready: boolean;
  /** Why not, when not ready (e.g. "leader not known yet"). */
  reason?: string;
}

export interface HealthDeps {
  readModel: RolloutReadModel;
  /** Extra readiness from the process (leader election: ready once the leader is known). */
  readiness?: () => Readiness;
}

export function registerHealthRoutes(app: Express, deps: HealthDeps): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const reasons: string[] = [];
    const unsynced = deps.readModel.unsynced();
    if (unsynced.length > 0) reasons.push(`caches not synced: ${unsynced.join(', ')}`);
    const extra = deps.readiness?.();
    if (extra && !extra.ready) reasons.push(extra.reason ?? 'not ready');
    res.status(reasons.length === 0 ? 200 : 503).json(reasons.length === 0 ? { status: 'ready' } : { status: 'not ready', reasons });
  });
}
