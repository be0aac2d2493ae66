// Commands over real HTTP against the sandbox: the status command protocol, input validation, 404/409/413, and a
// full promote → abort → retry cycle. Whether a command applies is the state machine's verdict on genuine
// status.machine states; the controller's side (apply the command, acknowledge it) is played by
// test/server/support/controller-double.ts with the same machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { RolloutStatus } from '../../src/resources/rollout.js';
import { canaryRollout, pausedAtStep1 } from './fixtures/rollouts.js';
import { applyPendingCommand } from './support/controller-double.js';
import { ALICE, call, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from './support/api-harness.js';

type RolloutObject = KubeObject & { status?: RolloutStatus };

let h: ApiHarness;
let counter = 0;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
});

afterAll(async () => {
  await h?.stop();
});

/** A new rollout paused at step 1, as a reconciled controller would leave it, visible in the API's cache. */
async function pausedRollout(status: RolloutStatus = pausedAtStep1()): Promise<string> {
  const name = `web-${++counter}`;
  await create(h.kube, 'Rollout', canaryRollout('shop', name));
  await writeStatus(h.kube, 'Rollout', 'shop', name, status);
  await until(() => h.readModel.rollout('shop', name)?.status?.phase === status.phase, `${name} is cached`);
  return name;
}

async function statusOf(name: string): Promise<RolloutStatus | undefined> {
  return (await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', name))?.status;
}

const post = (name: string, verb: string, body?: unknown, rawBody?: string, headers?: Record<string, string>) =>
  call(h.api, 'POST', `/api/v1/namespaces/shop/rollouts/${name}/${verb}`, { token: ALICE.token, body, rawBody, headers });

describe('command protocol', () => {
  it.each(['promote', 'abort', 'pause', 'resume'])('given a reconciled rollout, when %s is posted, then 202 and status.command carries it with the actor', async (verb) => {
    const name = await pausedRollout();
    const res = await post(name, verb, {});
    expect(res.status).toBe(202);
    const { id, action } = res.body as { id: string; action: string };
    expect(action).toBe(verb);
    expect((await statusOf(name))?.command).toEqual({ id, action: verb, actor: 'alice', time: expect.any(String) });
  });

  it('when promote is posted with {"full": true}, then the command is promote-full', async () => {
    const name = await pausedRollout();
    const res = await post(name, 'promote', { full: true });
    expect(res).toMatchObject({ status: 202, body: { action: 'promote-full' } });
    expect((await statusOf(name))?.command?.action).toBe('promote-full');
  });

  it('when a command is posted without any body, then it is accepted', async () => {
    const name = await pausedRollout();
    expect((await post(name, 'pause')).status).toBe(202);
  });

  it('never touches spec: the generation stays the same', async () => {
    const name = await pausedRollout();
    const before = await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', name);
    await post(name, 'abort', {});
    const after = await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', name);
    expect(after?.metadata.generation).toBe(before?.metadata.generation);
    expect(after?.spec).toEqual(before?.spec);
  });

  it('records an Event on the rollout naming the actor', async () => {
    const name = await pausedRollout();
    const { id } = (await post(name, 'abort', {})).body as { id: string };
    const events = await h.kube.list<KubeObject>(Kinds.Event, 'shop');
    const ours = events.items.filter((e) => (e.regarding as { name?: string }).name === name);
    expect(ours).toEqual([expect.objectContaining({ reason: 'CommandRequested', type: 'Normal', note: expect.stringContaining(`abort requested by alice (command ${id}`) })]);
  });
});

describe('input and state errors', () => {
  it('given no such rollout, then 404', async () => {
    const res = await post('does-not-exist', 'promote', {});
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'NotFound', message: expect.stringContaining('does-not-exist') } } });
  });

  it.each([
    ['a malformed JSON body', undefined, '{"full": tru', 'request body is not valid JSON'],
    ['an unknown field', { fulll: true }, undefined, 'fulll: unknown field'],
    ['a non-boolean full', { full: 'yes' }, undefined, 'full: must be a boolean'],
    ['an array body', [true], undefined, 'body: must be a JSON object'],
  ])('given %s, then 400 naming the problem', async (_what, body, rawBody, message) => {
    const name = await pausedRollout();
    const res = await post(name, 'promote', body, rawBody, rawBody ? { 'Content-Type': 'application/json' } : undefined);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining(message) } });
    expect((await statusOf(name))?.command).toBeUndefined();
  });

  it('given a body that is not JSON, then 400 saying so', async () => {
    const name = await pausedRollout();
    const res = await post(name, 'promote', undefined, 'full=true', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('must be JSON') } } });
  });

  it('given a body over 16 KiB, then 413', async () => {
    const name = await pausedRollout();
    const res = await post(name, 'promote', undefined, JSON.stringify({ full: true, padding: 'x'.repeat(17 * 1024) }), { 'Content-Type': 'application/json' });
    expect(res).toMatchObject({ status: 413, body: { error: { message: expect.stringContaining('16384 bytes') } } });
  });

  it('given a rollout the controller never reconciled, then 409 "rollout has not been reconciled yet"', async () => {
    const name = `fresh-${++counter}`;
    await create(h.kube, 'Rollout', canaryRollout('shop', name));
    await until(() => h.readModel.rollout('shop', name) !== undefined, 'cached');
    const res = await post(name, 'promote', {});
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'Conflict', message: expect.stringContaining('rollout has not been reconciled yet') } } });
  });

  it('given a command still waiting for its acknowledgement, then the next one is 409 and the first is kept', async () => {
    const name = await pausedRollout();
    const first = (await post(name, 'promote', {})).body as { id: string };
    await until(() => h.readModel.rollout('shop', name)?.status?.command?.id === first.id, 'the first command is cached');
    const second = await post(name, 'abort', {});
    expect(second).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining(`command ${first.id} (promote by alice) is still pending`) } } });
    expect((await statusOf(name))?.command?.id).toBe(first.id);
  });

  it('given a pending command written to the cluster by someone else, whether or not the cache has seen it yet, then 409 and it is kept', async () => {
    const name = await pausedRollout();
    // Written straight to the cluster: if the cache is behind, the API's write conflicts, re-reads and refuses.
    await h.kube.patchStatus(Kinds.Rollout, 'shop', name, { status: { command: { id: 'from-elsewhere', action: 'pause', actor: 'bob', time: new Date().toISOString() } } });
    const res = await post(name, 'promote', {});
    expect(res.status).toBe(409);
    expect((await statusOf(name))?.command?.id).toBe('from-elsewhere');
  });

  it('given the command does not apply in the current state, then 409 with the machine\'s reason', async () => {
    const name = await pausedRollout();
    const res = await post(name, 'retry', {});
    expect(res).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('retry applies only to an aborted rollout; phase is Paused') } } });
    expect((await statusOf(name))?.command).toBeUndefined();
    expect(h.auditLines).toContainEqual(expect.objectContaining({ target: `shop/${name}`, action: 'retry', outcome: 'rejected' }));
  });

  it('given a git rollback that failed, when rollback-retry is posted, then 202; given one that committed, then 409 naming its state', async () => {
    const rollback = (state: 'Failed' | 'Committed'): RolloutStatus['rollback'] => ({
      reason: 'AnalysisFailed: error rate 7%',
      at: '2026-12-07T10:00:00Z',
      trafficReset: true,
      git: { state, failingPodHash: 'f00d', attempt: 1, ...(state === 'Failed' ? { reason: 'Forbidden', message: 'protected branch' } : { commit: 'abc' }) },
    });
    const failed = await pausedRollout({ ...pausedAtStep1(), rollback: rollback('Failed') });
    expect(await post(failed, 'rollback-retry')).toMatchObject({ status: 202, body: { action: 'rollback-retry' } });
    expect((await statusOf(failed))?.command).toMatchObject({ action: 'rollback-retry', actor: 'alice' });

    const committed = await pausedRollout({ ...pausedAtStep1(), rollback: rollback('Committed') });
    const refused = await post(committed, 'rollback-retry');
    expect(refused).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('it is Committed') } } });
    expect((await statusOf(committed))?.command).toBeUndefined();
  });

  it('given a rollout a user already paused, then a second pause is 409', async () => {
    const name = await pausedRollout();
    expect((await post(name, 'pause', {})).status).toBe(202);
    expect(await applyPendingCommand(h.kube, 'shop', name)).toMatchObject({ result: 'Accepted' });
    await until(() => h.readModel.rollout('shop', name)?.status?.lastCommand !== undefined, 'the pause is acknowledged');
    const again = await post(name, 'pause', {});
    expect(again).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('already paused by a user') } } });
  });
});

describe('a full cycle', () => {
  it('promote, then abort, then retry: each written, applied by the machine, acknowledged, and audited', async () => {
    const name = await pausedRollout();
    const promote = (await post(name, 'promote', {})).body as { id: string };
    expect(await applyPendingCommand(h.kube, 'shop', name)).toMatchObject({ id: promote.id, result: 'Accepted' });
    await until(() => h.readModel.rollout('shop', name)?.status?.lastCommand?.id === promote.id, 'promote acknowledged');
    expect((await statusOf(name))?.currentStepIndex).toBe(2);

    const abort = await post(name, 'abort', {});
    expect(abort.status).toBe(202);
    expect(await applyPendingCommand(h.kube, 'shop', name)).toMatchObject({ result: 'Accepted' });
    await until(() => h.readModel.rollout('shop', name)?.status?.phase === 'Degraded', 'abort applied');
    expect((await statusOf(name))?.canary?.weights).toEqual({ canary: 0, stable: 100 });

    // Now that it is aborted, a promote no longer applies, and retry does.
    expect((await post(name, 'promote', {})).status).toBe(409);
    const retry = await post(name, 'retry', {});
    expect(retry).toMatchObject({ status: 202, body: { action: 'retry' } });
    expect(await applyPendingCommand(h.kube, 'shop', name)).toMatchObject({ id: (retry.body as { id: string }).id, result: 'Accepted' });

    const status = await statusOf(name);
    expect(status?.phase).not.toBe('Degraded');
    const audited = h.auditLines.filter((l) => l.target === `shop/${name}`).map((l) => `${String(l.action)}:${String(l.outcome)}`);
    expect(audited).toEqual(['promote:accepted', 'abort:accepted', 'promote:rejected', 'retry:accepted']);
  });
});
