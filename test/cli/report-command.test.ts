// `vane report` as a child process against the sandbox, through the Vane API (`--server`) and from the kubeconfig:
// the figures computed from Rollouts whose status.history the test writes, as a table and as JSON, and bad flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/cli/delivery-report.js';
import { parseReportWindow } from '../../src/cli/report-window.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { canaryRollout } from '../server/fixtures/rollouts.js';
import { ALICE, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from '../server/support/api-harness.js';
import { aborted, at, promoted } from '../delivery/fixtures/release-records.js';
import { cliEnv, runCli } from './support/run-cli.js';

let h: ApiHarness;
let kubeEnv: NodeJS.ProcessEnv;
let viaApi: string[];
// The CLI reads the clock itself, so the records are placed relative to the time the suite starts.
const NOW = new Date().toISOString();
const daysAgo = (days: number): string => at(NOW, -days * 24 * 60);

async function rolloutWithHistory(namespace: string, name: string, history: RevisionRecord[]): Promise<void> {
  await create(h.kube, 'Rollout', canaryRollout(namespace, name));
  await writeStatus(h.kube, 'Rollout', namespace, name, { phase: 'Healthy', history });
  await until(() => (h.readModel.rollout(namespace, name)?.status?.history?.length ?? 0) === history.length, `${namespace}/${name} cached`);
}

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
  await createNamespace(h.kube, 'pay');
  // shop/web: one release promoted (commit authored 45 min before), one aborted by analysis and rolled back.
  await rolloutWithHistory('shop', 'web', [
    promoted('a1b2c3', daysAgo(20), { leadMinutes: 45 }),
    aborted('d4e5f6', daysAgo(2), { trafficReset: 0.5, revert: 1.5, gitopsHealthy: 4, restored: 6 }),
  ]);
  // shop/cart: ten promotions in the last 5 days fill the bounded history: it does not reach back 30 days.
  await rolloutWithHistory('shop', 'cart', Array.from({ length: 10 }, (_, i) => promoted(`c${i}`, daysAgo(4.5 - i / 2), { startedMinutesBefore: 12 * 60 })));
  await rolloutWithHistory('pay', 'api', [promoted('e1', daysAgo(1), { leadMinutes: 10 })]);
  kubeEnv = cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath });
  viaApi = ['--server', h.api.url, '--token', ALICE.token];
});

afterAll(async () => {
  await h?.stop();
});

interface ReportJson {
  since: string;
  until: string;
  rollouts: Array<{ namespace: string; name: string; truncated: boolean; days: number; deployments: { total: number; aborted: number }; changeFailureRate: { ratio?: number; mark: string }; timeToRestore: { medianSeconds?: number; mark: string }; rollback: { trafficReset: { p90Seconds?: number; mark: string }; revertPushed: { p90Seconds?: number }; gitopsHealthy: { p90Seconds?: number } }; leadTime: { medianSeconds?: number } }>;
  namespaces: Array<{ namespace: string; deployments: { total: number }; truncatedRollouts: string[] }>;
}

describe('vane report', () => {
  it('from the kubeconfig: a table per rollout with the namespace total, each figure marked against its target', async () => {
    const result = await runCli(['report', '-n', 'shop'], kubeEnv);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(result.stdout).toMatch(/Delivery figures from .* \(30 days\)\./);
    expect(result.stdout).toContain('change failure rate < 5%');
    const web = lines.find((l) => /^shop\s+web\s/.test(l)) ?? '';
    expect(web).toMatch(/\s2 \(1 failed\)\s/);
    expect(web).toContain('50% missed');
    expect(web).toContain('6m/6m/6m met');
    expect(web).toContain('30s met');
    expect(web).toMatch(/\s45m\/45m\s/);
    expect(web).toMatch(/\s1m30s\s+4m$/);
    const total = lines.find((l) => /^shop\s+TOTAL\s/.test(l)) ?? '';
    expect(total).toMatch(/\s12 \(1 failed\)\s/);
    expect(total).toContain('8.3% missed');
    expect(lines.some((l) => l.startsWith('pay'))).toBe(false);
  });

  it('marks a rollout whose history does not reach back to --since, and says how many days its figures cover', async () => {
    const result = await runCli(['report', '-n', 'shop'], kubeEnv);
    const cart = result.stdout.split('\n').find((l) => /^shop\s+cart\s/.test(l)) ?? '';
    expect(cart).toMatch(/^shop\s+cart\s+5\.0\*\s+10 \(0 failed\)\s+2\.00\s/);
    expect(result.stdout).toMatch(/shop\/cart: from \S+ \(5\.0 days\)/);
  });

  it('through the API with -A -o json: the same figures for every namespace, exact', async () => {
    const result = await runCli(['report', '-A', '-o', 'json', ...viaApi], cliEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report.rollouts.map((r) => `${r.namespace}/${r.name}`)).toEqual(['pay/api', 'shop/cart', 'shop/web']);
    const web = report.rollouts.find((r) => r.name === 'web');
    expect(web?.deployments).toMatchObject({ total: 2, aborted: 1 });
    expect(web?.changeFailureRate).toMatchObject({ ratio: 0.5, mark: 'missed' });
    expect(web?.timeToRestore).toMatchObject({ medianSeconds: 360, mark: 'met' });
    expect(web?.rollback.trafficReset).toMatchObject({ p90Seconds: 30, mark: 'met' });
    expect(web?.rollback.revertPushed.p90Seconds).toBe(90);
    expect(web?.rollback.gitopsHealthy.p90Seconds).toBe(240);
    expect(web?.leadTime.medianSeconds).toBe(2700);
    expect(report.rollouts.find((r) => r.name === 'cart')).toMatchObject({ truncated: true });
    expect(report.namespaces.map((n) => [n.namespace, n.deployments.total, n.truncatedRollouts])).toEqual([['pay', 1, []], ['shop', 12, ['cart']]]);
    expect(Date.parse(report.until) - Date.parse(report.since)).toBe(30 * 86_400_000);
  });

  it('with --since 3d: only releases whose verdict is in the last 3 days', async () => {
    const result = await runCli(['report', '-n', 'shop', '--since', '3d', '-o', 'json'], kubeEnv);
    expect(result.code).toBe(0);
    const web = (JSON.parse(result.stdout) as ReportJson).rollouts.find((r) => r.name === 'web');
    expect(web?.deployments).toMatchObject({ total: 1, aborted: 1 });
    expect(web?.changeFailureRate).toMatchObject({ ratio: 1, mark: 'missed' });
  });

  it('given a namespace without rollouts, then says so and exits 0', async () => {
    const result = await runCli(['report', '-n', 'empty'], kubeEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No rollouts found.\n');
  });

  it('given a bad --since, then exit 1 with a message naming the value and the accepted forms, and no report', async () => {
    const result = await runCli(['report', '-n', 'shop', '--since', '30x'], kubeEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"30x" is not a window');
    expect(result.stderr).toContain('e.g. 30d, 2w, 12h');
    expect(result.stdout).toBe('');
  });

  it('given an unknown -o format or -n with -A, then exit 1 and a message', async () => {
    const format = await runCli(['report', '-o', 'yaml'], kubeEnv);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/argument 'yaml' is invalid.*table, json/);
    const both = await runCli(['report', '-n', 'shop', '-A'], kubeEnv);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--namespace and --all-namespaces exclude each other');
  });
});

describe('parseReportWindow', () => {
  it('reads weeks, days, hours and minutes', () => {
    expect(parseReportWindow('2w')).toBe(14 * 86_400_000);
    expect(parseReportWindow('30d')).toBe(30 * 86_400_000);
    expect(parseReportWindow('12h')).toBe(12 * 3_600_000);
    expect(parseReportWindow('90m')).toBe(90 * 60_000);
  });

  it.each(['0d', '-1d', '30', 'd', '1.5d', '30s', '1d12h', ''])('refuses %j', (text) => {
    expect(() => parseReportWindow(text)).toThrow(/is not a window/);
  });
});

describe('formatSeconds', () => {
  it.each([
    [4.25, '4.3s'],
    [30, '30s'],
    [90, '1m30s'],
    [360, '6m'],
    [5400, '1h30m'],
    [7200, '2h'],
    [190_800, '2d05h'],
  ])('prints %d seconds as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
