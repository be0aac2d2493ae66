// The `vane` rollout commands run as child processes against the sandbox, both through the Vane API (`--server`)
// and straight to the cluster from the kubeconfig: output, exit codes, and the status commands they write.
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { RolloutStatus } from '../../src/resources/rollout.js';
import { canaryRollout, pausedAtStep1, replicaSet } from '../server/fixtures/rollouts.js';
import { acknowledgePendingCommand, applyPendingCommand } from '../server/support/controller-double.js';
import { ALICE, BOB, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from '../server/support/api-harness.js';
import { cliEnv, MAIN, REPO_ROOT, runCli, runCommand, startCli } from './support/run-cli.js';

type RolloutObject = KubeObject & { status?: RolloutStatus };

let h: ApiHarness;
let counter = 0;
let viaApi: (token?: string) => string[];
let kubeEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
  viaApi = (token = ALICE.token) => ['--server', h.api.url, '--token', token];
  kubeEnv = cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath });
});

afterAll(async () => {
  await h?.stop();
});

async function pausedRollout(prefix = 'web'): Promise<string> {
  const name = `${prefix}-${++counter}`;
  const created = await create(h.kube, 'Rollout', canaryRollout('shop', name));
  await writeStatus(h.kube, 'Rollout', 'shop', name, pausedAtStep1());
  await create(h.kube, 'ReplicaSet', replicaSet('shop', name, created.metadata.uid ?? '', 'canary1', 'registry.example/shop:2.0', 1));
  await until(() => h.readModel.rollout('shop', name)?.status?.phase === 'Paused', `${name} cached`);
  return name;
}

async function statusOf(name: string): Promise<RolloutStatus | undefined> {
  return (await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', name))?.status;
}

describe('vane get rollout', () => {
  it('through the API: prints the tree with the current step marked, weights and ReplicaSets', async () => {
    const name = await pausedRollout();
    const result = await runCli(['get', 'rollout', name, '-n', 'shop', ...viaApi()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Name:       ${name}`);
    expect(result.stdout).toMatch(/Phase:\s+Paused/);
    expect(result.stdout).toContain('Weights:    canary 20%  stable 80%');
    expect(result.stdout).toMatch(/▶ step 2\/4: pause \(until promoted\)\s+◀ current/);
    expect(result.stdout).toContain('✔ step 1/4: setWeight 20%');
    expect(result.stdout).toContain(`${name}-canary1  canary  ready 0/1  registry.example/shop:2.0`);
  });

  it('from the kubeconfig: the same view, and -o json for scripts', async () => {
    const name = await pausedRollout();
    const result = await runCli(['get', 'rollout', name, '-n', 'shop', '-o', 'json'], kubeEnv);
    expect(result.code).toBe(0);
    const detail = JSON.parse(result.stdout) as { phase: string; steps: Array<{ state: string }>; replicaSets: unknown[] };
    expect(detail.phase).toBe('Paused');
    expect(detail.steps.map((s) => s.state)).toEqual(['done', 'current', 'pending', 'pending']);
    expect(detail.replicaSets).toHaveLength(1);
  });

  it('given no such rollout, then exit 1 and a message saying so', async () => {
    const result = await runCli(['get', 'rollout', 'nope', '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rollout shop/nope not found');
  });

  it('with --watch: prints again when the status changes', async () => {
    const name = await pausedRollout();
    const watching = startCli(['get', 'rollout', name, '-n', 'shop', '--watch', ...viaApi()], cliEnv());
    try {
      await watching.waitForOutput(/Phase:\s+Paused/);
      await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Progressing', currentStepIndex: 2, canary: { weights: { canary: 50, stable: 50 } } });
      await watching.waitForOutput(/Phase:\s+Progressing/);
      expect(watching.output()).toContain('Weights:    canary 50%  stable 50%');
    } finally {
      watching.child.kill('SIGINT');
    }
    expect((await watching.done).code).toBe(0);
  });
});

describe('vane list rollouts', () => {
  it('lists the namespace as a table, and -A adds the namespace column', async () => {
    const name = await pausedRollout('listed');
    const inNamespace = await runCli(['list', 'rollouts', '-n', 'shop', ...viaApi(BOB.token)]);
    expect(inNamespace.code).toBe(0);
    expect(inNamespace.stdout.split('\n')[0]).toMatch(/^NAME\s+STRATEGY\s+PHASE\s+STEP\s+WEIGHT\s+READY$/);
    expect(inNamespace.stdout).toMatch(new RegExp(`${name}\\s+canary\\s+Paused\\s+2/4\\s+20\\s+0/4`));
    const everywhere = await runCli(['list', 'rollouts', '-A'], kubeEnv);
    expect(everywhere.code).toBe(0);
    expect(everywhere.stdout).toMatch(new RegExp(`^shop\\s+${name}\\s+canary`, 'm'));
  });

  it('refuses -n together with -A', async () => {
    const result = await runCli(['list', 'rollouts', '-n', 'shop', '-A'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exclude each other');
  });
});

describe('vane promote / abort / retry / pause / resume', () => {
  it('through the API: writes the command as the token\'s user and prints its id', async () => {
    const name = await pausedRollout();
    const result = await runCli(['promote', name, '-n', 'shop', ...viaApi()]);
    expect(result.code).toBe(0);
    const id = /command ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
    expect((await statusOf(name))?.command).toMatchObject({ id, action: 'promote', actor: 'alice' });
  });

  it('from the kubeconfig: promote --full writes promote-full as the kubeconfig user', async () => {
    const name = await pausedRollout();
    const result = await runCli(['promote', name, '--full', '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`promote-full requested for rollout shop/${name}`);
    expect((await statusOf(name))?.command).toMatchObject({ action: 'promote-full', actor: 'sandbox-admin' });
  });

  it.each(['abort', 'pause', 'resume'])('%s writes its command', async (verb) => {
    const name = await pausedRollout();
    const result = await runCli([verb, name, '-n', 'shop', ...viaApi()]);
    expect(result.code).toBe(0);
    expect((await statusOf(name))?.command?.action).toBe(verb);
  });

  it('rollback retry: exit 1 with the reason when there is no failed git rollback; writes rollback-retry when there is', async () => {
    const name = await pausedRollout();
    const refused = await runCli(['rollback', 'retry', name, '-n', 'shop'], kubeEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('this rollout has no rollback');

    const failed = { reason: 'AnalysisFailed: x', at: '2026-12-07T10:00:00Z', trafficReset: true, git: { state: 'Failed' as const, reason: 'Forbidden' } };
    await writeStatus(h.kube, 'Rollout', 'shop', name, { ...pausedAtStep1(), rollback: failed });
    await until(() => h.readModel.rollout('shop', name)?.status?.rollback !== undefined, `${name}'s rollback cached`);
    const result = await runCli(['rollback', 'retry', name, '-n', 'shop', ...viaApi()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`rollback-retry requested for rollout shop/${name}`);
    expect((await statusOf(name))?.command).toMatchObject({ action: 'rollback-retry', actor: 'alice' });
  });

  it('given a user RBAC does not allow, then exit 1 with the 403 reason and nothing written', async () => {
    const name = await pausedRollout();
    const result = await runCli(['abort', name, '-n', 'shop', ...viaApi(BOB.token)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bob may not update rollouts/status');
    expect((await statusOf(name))?.command).toBeUndefined();
  });

  it('given a command that does not apply, then exit 1 with the reason', async () => {
    const name = `fresh-${++counter}`;
    await create(h.kube, 'Rollout', canaryRollout('shop', name));
    const result = await runCli(['retry', name, '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rollout has not been reconciled yet');
  });

  it('with --wait: exit 0 once the controller accepts, exit 1 when it rejects', async () => {
    const accepted = await pausedRollout();
    const waiting = startCli(['promote', accepted, '-n', 'shop', '--wait', '--wait-timeout', '30s', ...viaApi()], cliEnv());
    await waiting.waitForOutput(/promote requested/);
    await until(() => h.readModel.rollout('shop', accepted)?.status?.command !== undefined, 'the command is written');
    await applyPendingCommand(h.kube, 'shop', accepted);
    const ok = await waiting.done;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/promote accepted: promote accepted; /);

    const rejected = await pausedRollout();
    const refusing = startCli(['pause', rejected, '-n', 'shop', '--wait'], kubeEnv);
    await refusing.waitForOutput(/pause requested/);
    // The controller may still refuse what the API let through (the state moved in between).
    await acknowledgePendingCommand(h.kube, 'shop', rejected, { result: 'Rejected', message: 'the rollout moved on' });
    const no = await refusing.done;
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('pause rejected: the rollout moved on');
  });
});

describe('vane abort --reason', () => {
  it('through the API: the reason is in status.command, the audit line and the CommandRequested Event', async () => {
    const name = await pausedRollout('why');
    const result = await runCli(['abort', name, '-n', 'shop', '--reason', 'error rate doubled in eu-west', ...viaApi()]);
    expect(result.code).toBe(0);
    const id = /command ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? '';
    expect((await statusOf(name))?.command).toMatchObject({ id, action: 'abort', actor: 'alice', reason: 'error rate doubled in eu-west' });
    expect(h.auditLines).toContainEqual(expect.objectContaining({ audit: 'command', actor: 'alice', action: 'abort', commandId: id, commandReason: 'error rate doubled in eu-west' }));
    const events = await h.kube.list<KubeObject>(Kinds.Event, 'shop');
    const event = events.items.find((e) => (e['note'] as string | undefined)?.includes(id));
    expect(event?.['note']).toMatch(/^abort requested by alice \(command [0-9a-f-]{36}, request [^)]+\): error rate doubled in eu-west$/);
  });

  it('from the kubeconfig: the reason is written with the command', async () => {
    const name = await pausedRollout('why');
    const result = await runCli(['abort', name, '-n', 'shop', '--reason', 'bad canary'], kubeEnv);
    expect(result.code).toBe(0);
    expect((await statusOf(name))?.command).toMatchObject({ action: 'abort', actor: 'sandbox-admin', reason: 'bad canary' });
  });

  it('given an empty reason, then exit 1 naming --reason and nothing written', async () => {
    const name = await pausedRollout('why');
    const result = await runCli(['abort', name, '-n', 'shop', '--reason', ' '], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('vane: --reason: must not be empty\n');
    expect((await statusOf(name))?.command).toBeUndefined();
  });
});

describe('vane set image', () => {
  it('from the kubeconfig: sets the container image in spec.template and says what changed; again, says it is unchanged', async () => {
    const name = await pausedRollout('image');
    const result = await runCli(['set', 'image', name, 'app=registry.example/shop:3.0', '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`rollout shop/${name}: container app image registry.example/shop:2.0 -> registry.example/shop:3.0\n`);
    const rollout = await h.kube.get<KubeObject & { spec: { template: { spec: { containers: Array<{ name: string; image: string }> } } } }>(Kinds.Rollout, 'shop', name);
    expect(rollout?.spec.template.spec.containers).toEqual([{ name: 'app', image: 'registry.example/shop:3.0' }]);
    const again = await runCli(['set', 'image', name, 'app=registry.example/shop:3.0', '-n', 'shop'], kubeEnv);
    expect(again.stdout).toBe(`rollout shop/${name} unchanged: its containers already run those images\n`);
  });

  it('given a container the rollout lacks, then exit 1 listing its containers', async () => {
    const name = await pausedRollout('image');
    const result = await runCli(['set', 'image', name, 'web=registry.example/shop:3.0', '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`vane: rollout shop/${name} has no container web (its containers: app)\n`);
  });

  it('given --server, then exit 1 saying the API writes status only', async () => {
    const name = await pausedRollout('image');
    const result = await runCli(['set', 'image', name, 'app=registry.example/shop:3.0', '-n', 'shop', ...viaApi()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('set image changes the Rollout\'s spec, which the Vane API at');
    expect(result.stderr).toContain('drop --server');
  });

  it('given a Rollout whose template comes from a Deployment, then exit 1 pointing at the Deployment', async () => {
    const name = `ref-${++counter}`;
    const spec = (canaryRollout('shop', name) as KubeObject & { spec: Record<string, unknown> }).spec;
    const { template: _template, ...rest } = spec;
    await create(h.kube, 'Rollout', { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { namespace: 'shop', name }, spec: { ...rest, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-template' } } });
    const result = await runCli(['set', 'image', name, 'app=registry.example/shop:3.0', '-n', 'shop'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`rollout shop/${name} takes its pod template from Deployment web-template (spec.workloadRef)`);
    expect(result.stderr).toContain('kubectl set image deployment/web-template CONTAINER=IMAGE -n shop');
  });
});

describe('vane status', () => {
  it('without --watch: exit 2 while Paused, 0 when Healthy, 1 when Degraded', async () => {
    const name = await pausedRollout();
    const paused = await runCli(['status', name, '-n', 'shop', ...viaApi()]);
    expect(paused.code).toBe(2);
    expect(paused.stdout).toContain(`rollout shop/${name}: Paused step 2/4 canary 20%`);
    await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Healthy', message: 'promoted' });
    expect((await runCli(['status', name, '-n', 'shop'], kubeEnv)).code).toBe(0);
    await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Degraded', message: 'analysis failed' });
    expect((await runCli(['status', name, '-n', 'shop'], kubeEnv)).code).toBe(1);
  });

  it('with --watch: waits and exits 0 when the rollout becomes Healthy', async () => {
    const name = await pausedRollout();
    const watching = startCli(['status', name, '-n', 'shop', '--watch', '--timeout', '30s', ...viaApi()], cliEnv());
    await watching.waitForOutput(/Paused/);
    await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Progressing', currentStepIndex: 2 });
    await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Healthy', currentStepIndex: 4, message: 'promoted' });
    const result = await watching.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Healthy');
  });

  it('with --watch from the kubeconfig: exits 1 with a message when the rollout becomes Degraded', async () => {
    const name = await pausedRollout();
    const watching = startCli(['status', name, '-n', 'shop', '--watch', '--timeout', '30s'], kubeEnv);
    await watching.waitForOutput(/Paused/);
    await writeStatus(h.kube, 'Rollout', 'shop', name, { phase: 'Degraded', message: 'analysis error-rate failed' });
    const result = await watching.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`rollout shop/${name} is Degraded`);
    expect(result.stdout).toContain('analysis error-rate failed');
  });

  it('with --watch and a short --timeout: exit 2 and a timeout message', async () => {
    const name = await pausedRollout();
    const result = await runCli(['status', name, '-n', 'shop', '--watch', '--timeout', '2s', ...viaApi()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('timed out after 2s');
  });
});

describe('as a kubectl plugin', () => {
  it('kubectl vane runs the built program through a kubectl-vane link, as npm installs it, and names itself kubectl vane', async () => {
    const name = await pausedRollout('plugin');
    const bin = await mkdtemp(join(tmpdir(), 'vane-plugin-'));
    try {
      // A link to the built file itself: kubectl finds plugins only when they are executable.
      await symlink(MAIN, join(bin, 'kubectl-vane'));
      const env = { ...kubeEnv, PATH: `${bin}:${process.env.PATH ?? ''}` };
      // Asynchronous on purpose: the sandbox answering the plugin runs in this process.
      const result = await runCommand('kubectl', ['vane', 'list', 'rollouts', '-n', 'shop'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(name);
      const help = await runCommand('kubectl', ['vane', '--help'], env);
      expect(help.stdout).toMatch(/^Usage: kubectl vane \[options\] \[command\]/);
      const typo = await runCommand('kubectl', ['vane', 'promote', name, '--ful'], env);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain("error: unknown option '--ful'\n(Did you mean --full?)\n(run 'kubectl vane promote --help' for usage)\n");
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('vane --version', () => {
  it("prints package.json's version", async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version'], cliEnv());
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});
