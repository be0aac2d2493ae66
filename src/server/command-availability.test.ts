import { describe, expect, it } from 'vitest';
import type { Rollout } from '../resources/rollout.js';
import { commandAvailability } from './command-availability.js';
import type { CommandPolicy } from './command-policy.js';

const onlyPromote: CommandPolicy = {
  check: (_rollout, action) => (action === 'promote' || action === 'promote-full' ? { applies: true } : { applies: false, reason: `${action} does not apply while paused` }),
};

function rollout(status: Rollout['status']): Rollout {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { namespace: 'shop', name: 'web' }, spec: { selector: {}, template: { spec: { containers: [] } }, strategy: { canary: { steps: [] } } }, status };
}

const context = { policy: onlyPromote, actor: 'alice', now: new Date('2026-01-01T00:00:00Z') };

describe('which commands a caller may send now', () => {
  it('allows what the state machine takes and gives the reason for the rest', () => {
    const actions = commandAvailability(rollout({ phase: 'Paused', machine: { value: 'paused' } }), { ...context, access: { allowed: true } });
    expect(actions.promote).toEqual({ allowed: true });
    expect(actions['promote-full']).toEqual({ allowed: true });
    expect(actions.abort).toEqual({ allowed: false, reason: 'abort does not apply while paused' });
  });

  it('refuses everything with the RBAC reason when the caller may not update the status', () => {
    const actions = commandAvailability(rollout({ phase: 'Paused', machine: { value: 'paused' } }), { ...context, access: { allowed: false, reason: 'bob may not update rollouts/status' } });
    expect(Object.values(actions)).toHaveLength(6);
    for (const availability of Object.values(actions)) expect(availability).toEqual({ allowed: false, reason: 'bob may not update rollouts/status' });
  });

  it('refuses everything while a command is pending, naming it', () => {
    const status = { phase: 'Paused' as const, machine: { value: 'paused' }, command: { id: 'c9', action: 'promote' as const, actor: 'carol', time: 't' } };
    expect(commandAvailability(rollout(status), { ...context, access: { allowed: true } }).promote).toEqual({ allowed: false, reason: 'command c9 (promote by carol) is still pending' });
  });

  it('refuses everything before the controller has reconciled the rollout once', () => {
    expect(commandAvailability(rollout({}), { ...context, access: { allowed: true } }).promote).toEqual({ allowed: false, reason: 'rollout has not been reconciled yet' });
  });
});
