import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../kube/kube-api-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Rollout, RolloutStatus } from '../resources/rollout.js';
import { CommandRejectedError, RolloutCommandWriter } from './command-writer.js';

type RolloutObject = Rollout & KubeObject;

function rollout(resourceVersion: string, status: RolloutStatus): RolloutObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: 'shop', name: 'web', resourceVersion },
    spec: { selector: {}, strategy: { canary: {} } },
    status,
  };
}

const RECONCILED: RolloutStatus = { phase: 'Paused', machine: { value: 'paused' } };

/** A status subresource that answers 409 to a write carrying a resourceVersion other than the current one. */
function fakeCluster(initial: RolloutObject) {
  let current = initial;
  const patches: unknown[] = [];
  return {
    patches,
    setCurrent(next: RolloutObject): void {
      current = next;
    },
    reader: {
      get: <T extends KubeObject>(): Promise<T | undefined> => Promise.resolve(current as unknown as T),
    },
    status: {
      patchStatus: <T extends KubeObject>(_kind: unknown, _ns: unknown, _name: unknown, patch: unknown): Promise<T> => {
        patches.push(patch);
        const rv = (patch as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
        if (rv !== current.metadata.resourceVersion) return Promise.reject(new KubeApiError(409, { reason: 'Conflict', message: 'object has been modified' }, 'PATCH'));
        const command = (patch as { status: { command: RolloutStatus['command'] } }).status.command;
        current = { ...current, metadata: { ...current.metadata, resourceVersion: String(Number(rv) + 1) }, status: { ...current.status, command } };
        return Promise.resolve(current as unknown as T);
      },
    },
  };
}

function writerFor(cluster: ReturnType<typeof fakeCluster>, extra: Partial<ConstructorParameters<typeof RolloutCommandWriter>[0]> = {}): RolloutCommandWriter {
  return new RolloutCommandWriter({ reader: cluster.reader, status: cluster.status, newId: () => 'cmd-1', now: () => new Date('2024-05-01T10:00:00Z'), ...extra });
}

describe('RolloutCommandWriter', () => {
  it('given a reconciled rollout, when a command is written, then status.command carries id, action, actor and time under the read resourceVersion', async () => {
    const cluster = fakeCluster(rollout('7', RECONCILED));
    const written = await writerFor(cluster).write({ namespace: 'shop', name: 'web' }, 'promote', 'alice');
    expect(written.command).toEqual({ id: 'cmd-1', action: 'promote', actor: 'alice', time: '2024-05-01T10:00:00.000Z' });
    expect(cluster.patches).toEqual([{ metadata: { resourceVersion: '7' }, status: { command: written.command } }]);
    expect(written.rollout.status?.command?.id).toBe('cmd-1');
  });

  it('given a stale cached copy, when the write answers 409, then it re-reads and writes against the fresh resourceVersion', async () => {
    const cluster = fakeCluster(rollout('9', RECONCILED));
    const written = await writerFor(cluster).write({ namespace: 'shop', name: 'web' }, 'abort', 'alice', rollout('8', RECONCILED));
    expect(cluster.patches.map((p) => (p as { metadata: { resourceVersion: string } }).metadata.resourceVersion)).toEqual(['8', '9']);
    expect(written.rollout.metadata.resourceVersion).toBe('10');
  });

  it('given the fresh read shows another command now pending, then the retry is refused instead of overwriting it', async () => {
    const cluster = fakeCluster(rollout('9', { ...RECONCILED, command: { id: 'other', action: 'abort', actor: 'bob', time: '2024-05-01T09:59:00Z' } }));
    const attempt = writerFor(cluster).write({ namespace: 'shop', name: 'web' }, 'promote', 'alice', rollout('8', RECONCILED));
    await expect(attempt).rejects.toThrowError(/command other \(abort by bob\) is still pending/);
    expect(cluster.patches).toHaveLength(1);
  });

  it('when the rollout keeps changing, then it gives up after maxAttempts with the conflict', async () => {
    const cluster = fakeCluster(rollout('1', RECONCILED));
    const moving = { ...cluster.reader, get: <T extends KubeObject>(): Promise<T | undefined> => {
      cluster.setCurrent(rollout(String(Math.random()), RECONCILED));
      return Promise.resolve(rollout('stale', RECONCILED) as unknown as T);
    } };
    const writer = new RolloutCommandWriter({ reader: moving, status: cluster.status, maxAttempts: 3 });
    await expect(writer.write({ namespace: 'shop', name: 'web' }, 'pause', 'alice')).rejects.toMatchObject({ code: 'Conflict', status: 409 });
    expect(cluster.patches).toHaveLength(3);
  });

  it('given a rollout never reconciled, then the command is rejected with that reason and nothing is written', async () => {
    const cluster = fakeCluster(rollout('3', { phase: undefined }));
    const attempt = writerFor(cluster).write({ namespace: 'shop', name: 'web' }, 'promote', 'alice');
    await expect(attempt).rejects.toBeInstanceOf(CommandRejectedError);
    await expect(attempt).rejects.toThrowError('rollout has not been reconciled yet');
    expect(cluster.patches).toHaveLength(0);
  });

  it('given the previous command was acknowledged, then a new one may be written', async () => {
    const acked: RolloutStatus = {
      ...RECONCILED,
      command: { id: 'old', action: 'pause', actor: 'bob', time: 't' },
      lastCommand: { id: 'old', action: 'pause', result: 'Accepted', time: 't' },
    };
    const cluster = fakeCluster(rollout('4', acked));
    await expect(writerFor(cluster).write({ namespace: 'shop', name: 'web' }, 'resume', 'alice')).resolves.toMatchObject({ command: { action: 'resume' } });
  });

  it('given a policy that refuses, then its reason is the rejection message', async () => {
    const cluster = fakeCluster(rollout('5', RECONCILED));
    const policy = { check: () => ({ applies: false as const, reason: 'nothing to retry: the rollout is not aborted' }) };
    await expect(writerFor(cluster, { policy }).write({ namespace: 'shop', name: 'web' }, 'retry', 'alice')).rejects.toThrowError(
      'retry does not apply to rollout shop/web: nothing to retry: the rollout is not aborted',
    );
  });

  it('given no such rollout, then NotFound', async () => {
    const writer = new RolloutCommandWriter({ reader: { get: () => Promise.resolve(undefined) }, status: { patchStatus: () => Promise.reject(new Error('unreachable')) } });
    await expect(writer.write({ namespace: 'shop', name: 'gone' }, 'abort', 'alice')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
