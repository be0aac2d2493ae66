// `vane list rollouts --watch` as a child process against the sandbox, through the Vane API (`--server`, its status
// stream) and straight to the cluster (a watch): the table, a line per change, and a clean end on Ctrl-C/SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { canaryRollout, pausedAtStep1 } from '../server/fixtures/rollouts.js';
import { ALICE, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from '../server/support/api-harness.js';
import { cliEnv, startCli } from './support/run-cli.js';

let h: ApiHarness;
let counter = 0;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'watched');
});

afterAll(async () => {
  await h?.stop();
});

async function pausedRollout(prefix: string): Promise<string> {
  const name = `${prefix}-${++counter}`;
  await create(h.kube, 'Rollout', canaryRollout('watched', name));
  await writeStatus(h.kube, 'Rollout', 'watched', name, pausedAtStep1());
  await until(() => h.readModel.rollout('watched', name)?.status?.phase === 'Paused', `${name} cached`);
  return name;
}

const lines = (text: string, name: string): string[] => text.split('\n').filter((line) => line.startsWith(`${name} `));

describe.each([
  ['through the API', (): string[] => ['--server', h.api.url, '--token', ALICE.token], (): NodeJS.ProcessEnv => cliEnv()],
  ['from the kubeconfig', (): string[] => [], (): NodeJS.ProcessEnv => cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath })],
])('vane list rollouts --watch %s', (_how, args, env) => {
  it('prints the table, then a new line when a rollout changes or appears, and ends with exit 0 on Ctrl-C', async () => {
    const name = await pausedRollout('seen');
    const watching = startCli(['list', 'rollouts', '-n', 'watched', '--watch', ...args()], env());
    try {
      await watching.waitForOutput(new RegExp(`${name}\\s+canary\\s+Paused\\s+2/4\\s+20`));
      expect(watching.output().split('\n')[0]).toMatch(/^NAME\s+STRATEGY\s+PHASE\s+STEP\s+WEIGHT\s+READY$/);

      await writeStatus(h.kube, 'Rollout', 'watched', name, { phase: 'Progressing', currentStepIndex: 2, canary: { weights: { canary: 50, stable: 50 } } });
      await watching.waitForOutput(new RegExp(`${name}\\s+canary\\s+Progressing\\s+3/4\\s+50`));
      const added = await pausedRollout('new');
      await watching.waitForOutput(new RegExp(`${added}\\s+canary\\s+Paused`));
      await h.kube.delete(Kinds.Rollout, 'watched', added);
      await watching.waitForOutput(new RegExp(`${added}\\s+canary\\s+Deleted`));
    } finally {
      watching.child.kill('SIGINT');
    }
    const result = await watching.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    // One line per state of the rollout: a write that changes nothing shown prints nothing.
    expect(lines(result.stdout, name)).toHaveLength(2);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('NAME'))).toHaveLength(1);
  });

  it('with -o json: one change per line; and SIGTERM ends it cleanly too', async () => {
    const name = await pausedRollout('json');
    const watching = startCli(['list', 'rollouts', '-n', 'watched', '--watch', '-o', 'json', ...args()], env());
    try {
      await watching.waitForOutput(new RegExp(`"name":"${name}"`));
      await writeStatus(h.kube, 'Rollout', 'watched', name, { phase: 'Healthy', currentStepIndex: 4 });
      await watching.waitForOutput(/"type":"MODIFIED"/);
    } finally {
      watching.child.kill('SIGTERM');
    }
    const result = await watching.done;
    expect(result.code, result.stderr).toBe(0);
    const changes = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; rollout: { name: string; phase?: string } });
    const mine = changes.filter((c) => c.rollout.name === name);
    expect(mine.map((c) => `${c.type}:${c.rollout.phase}`)).toEqual(['ADDED:Paused', 'MODIFIED:Healthy']);
  });
});
