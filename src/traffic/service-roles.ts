// Which Service is stable and which is canary right now: the named pair, or the ping-pong pair by the role in status.
import type { PingPongRole, Rollout } from '../resources/rollout.js';

export interface ServiceRoles {
  stable?: string;
  canary?: string;
}

/**
 * Argo docs (features/canary.md, ping-pong): without stableService/canaryService, the ping and pong Services take the
 * two roles, and `status.canary.stablePingPong` says which one is stable. Before the first release records it, ping
 * is stable (Argo records ping when the first revision becomes stable).
 */
export function serviceRoles(rollout: Rollout): ServiceRoles {
  const canary = rollout.spec.strategy.canary;
  if (!canary) return {};
  const { stableService, canaryService, pingPong } = canary;
  if (!pingPong || stableService !== undefined || canaryService !== undefined) return { stable: stableService, canary: canaryService };
  const stablePing = stablePingPongOf(rollout) === 'ping';
  return stablePing ? { stable: pingPong.pingService, canary: pingPong.pongService } : { stable: pingPong.pongService, canary: pingPong.pingService };
}

/** The recorded stable role of a ping-pong Rollout; ping until a promotion swaps it. */
export function stablePingPongOf(rollout: Rollout): PingPongRole {
  return rollout.status?.canary?.stablePingPong ?? 'ping';
}

/** The Rollout as it reads once a promotion has swapped the ping-pong roles. */
export function withSwappedPingPong(rollout: Rollout): Rollout {
  const next: PingPongRole = stablePingPongOf(rollout) === 'ping' ? 'pong' : 'ping';
  const status = rollout.status ?? {};
  return { ...rollout, status: { ...status, canary: { ...status.canary, stablePingPong: next } } };
}
