// Benchmark (#16): time to first render of the dashboard's list with 5,000 Rollouts, in Debian's Chromium. The sandbox
// and the API server (test/server/support/api-harness.ts; no controller: the statuses are written as a spread of
// phases through the admin client) serve a fresh dashboard build. Each of RUNS runs opens a fresh page already logged
// in (the token put in sessionStorage before the page's scripts run) and reads the `vane:list-rendered` mark: from
// navigation start to the first rows from data (set in an effect, after the render), and when the list count first
// says all of them arrived (seen at the DOM commit): the list streams in from the watch stream. Also: how many rows
// the DOM holds (the list is virtualised, so far fewer than 5,000) and how long one search keystroke takes to show
// the filtered list (key down → the count changed and the next frame painted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDashboard } from '../../src/dashboard/bundle.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { RolloutPhase, RolloutStatus } from '../../src/resources/rollout.js';
import { launchChromium, type Chromium } from '../dashboard/support/chromium.js';
import { ALICE, createNamespace, startApiHarness, until, type ApiHarness } from '../server/support/api-harness.js';
import { forEachConcurrently } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { percentile, round } from './proc-sampling.js';

const RUNS = 7;
/** How long a page may take to show the whole list before the run records what it showed instead. */
const COMPLETE_TIMEOUT_MS = 30_000;
const NAMESPACES = 20;
const STEPS = [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10m' } }];
/** Most rollouts at rest: seven in ten Healthy, one each Progressing, Paused and Degraded. */
const PHASES: readonly RolloutPhase[] = ['Healthy', 'Healthy', 'Healthy', 'Healthy', 'Healthy', 'Healthy', 'Progressing', 'Paused', 'Degraded', 'Healthy'];
/** A character in about a third of the names (`app-00007`, `app-01723`, ...): the search narrows without emptying. */
const SEARCH_KEY = '7';

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] dashboard: ${line}\n`);

function name(index: number): string {
  return `app-${String(index).padStart(5, '0')}`;
}

function rolloutOf(index: number): KubeObject {
  const app = name(index);
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: `team-${String(index % NAMESPACES).padStart(2, '0')}`, name: app },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: `registry.example/${app}:1.${index % 7}` }] } },
      strategy: { canary: { steps: STEPS } },
    },
  };
}

function statusOf(index: number): RolloutStatus {
  const phase = PHASES[index % PHASES.length] ?? 'Healthy';
  const moving = phase !== 'Healthy';
  const step = moving ? 1 + (index % 3) : STEPS.length;
  const canary = phase === 'Degraded' ? 0 : moving ? (step >= 2 ? 50 : 10) : 0;
  return {
    phase,
    message: moving ? `${phase} at step ${step}` : 'stable',
    currentStepIndex: step,
    observedGeneration: 1,
    readyReplicas: 2,
    updatedReplicas: moving ? 1 : 2,
    availableReplicas: 2,
    canary: { weights: { canary, stable: 100 - canary } },
  } as RolloutStatus;
}

async function createRollouts(h: ApiHarness, n: number): Promise<void> {
  for (let i = 0; i < NAMESPACES; i++) await createNamespace(h.kube, `team-${String(i).padStart(2, '0')}`);
  const indexes = Array.from({ length: n }, (_, i) => i);
  await forEachConcurrently(indexes, 32, async (i) => {
    const created = await h.kube.create<KubeObject>(Kinds.Rollout, rolloutOf(i));
    await h.kube.replaceStatus(Kinds.Rollout, { ...created, status: statusOf(i) });
  });
  await until(() => h.readModel.listRollouts().filter((r) => r.status?.phase).length === n, `the read model holds ${n} rollouts with a status`, 120_000);
}

interface RunResult {
  listRenderedMs: number;
  /** Undefined when the count never said all N within COMPLETE_TIMEOUT_MS; `shown` says what it said then. */
  listCompleteMs?: number;
  shown: string;
  domRows: number;
  searchKeystrokeMs: number;
}

/**
 * Arms the measurement: `window.__vaneSearch` resolves with the time from the search field's key down to the first
 * frame after the list count changed. Armed in its own evaluation, awaited before the key is pressed, so the listeners
 * are in place first.
 */
const ARM_SEARCH_MEASUREMENT = `window.__vaneSearch = new Promise((resolve) => {
  const input = document.querySelector('[data-testid=search]');
  const countText = () => (document.querySelector('[data-testid=list-count]') || {}).textContent;
  const before = countText();
  let down = 0;
  input.addEventListener('keydown', () => { down = performance.now(); }, { once: true, capture: true });
  const observer = new MutationObserver(() => {
    if (!down || countText() === before) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - down), 0));
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}); true`;

/**
 * Runs before the page's own scripts: logs the tab in as a returning one would be (the token in this tab's
 * sessionStorage, on the dashboard's origin only), and notes when the list count first says all `n` rollouts are
 * there — the list streams in, so its first rows may show before the last rollout arrived.
 */
function beforePageScripts(origin: string, n: number): string {
  return `if (location.origin === ${JSON.stringify(origin)}) {
  sessionStorage.setItem('vane.token', ${JSON.stringify(ALICE.token)});
  new MutationObserver((_records, observer) => {
    const count = document.querySelector('[data-testid=list-count]');
    if (!count || count.textContent.trim() !== '${n} rollouts') return;
    window.__vaneListComplete = performance.now();
    observer.disconnect();
  }).observe(document, { subtree: true, childList: true, characterData: true });
}`;
}

async function measureOnce(chromium: Chromium, url: string, n: number): Promise<RunResult> {
  const page = await chromium.context.newPage();
  try {
    await page.addInitScript(beforePageScripts(new URL(url).origin, n));
    await page.goto(`${url}#/`);
    // Functions, not strings: playwright would eval a string predicate, which the page's CSP forbids.
    await page.waitForFunction(() => performance.getEntriesByName('vane:list-rendered').length > 0, undefined, { timeout: 120_000 });
    const complete = await page
      .waitForFunction(() => (globalThis as { __vaneListComplete?: number }).__vaneListComplete !== undefined, undefined, { timeout: COMPLETE_TIMEOUT_MS })
      .then(() => true)
      .catch(() => false);
    const listRenderedMs = await page.evaluate<number>("performance.getEntriesByName('vane:list-rendered')[0].startTime");
    const listCompleteMs = complete ? await page.evaluate<number>('window.__vaneListComplete') : undefined;
    const shown = await page.evaluate<string>(
      "[document.querySelector('[data-testid=list-count]'), document.querySelector('.stream-note')].filter(Boolean).map((e) => e.textContent.trim()).join('; ')",
    );
    const domRows = await page.evaluate<number>("document.querySelectorAll('[data-testid=rollout-row]').length");
    await page.getByTestId('search').focus();
    await page.evaluate(ARM_SEARCH_MEASUREMENT);
    await page.keyboard.press(SEARCH_KEY);
    const searchKeystrokeMs = await page.evaluate<number>('window.__vaneSearch');
    return { listRenderedMs, listCompleteMs, shown, domRows, searchKeystrokeMs };
  } finally {
    await page.close();
  }
}

function spread(values: readonly number[], unit: string, figure: string, target?: string): Figure[] {
  return [
    { figure: `${figure} median`, value: round(percentile(values, 50)), unit, ...(target ? { target } : {}) },
    { figure: `${figure} p90`, value: round(percentile(values, 90)), unit, note: `${values.length} runs: ${values.map((v) => round(v)).join(', ')}` },
  ];
}

/** The whole list's figures, or what the pages showed when some never showed all N. */
function completeFigures(runs: readonly RunResult[], n: number): Figure[] {
  const figure = `navigation start → list count shows all ${n}`;
  const times = runs.flatMap((r) => (r.listCompleteMs === undefined ? [] : [r.listCompleteMs]));
  if (times.length === runs.length) return spread(times, 'ms', figure);
  const shown = [...new Set(runs.filter((r) => r.listCompleteMs === undefined).map((r) => r.shown))].join(' | ');
  return [{ figure, value: `not reached in ${runs.length - times.length} of ${runs.length} runs within ${COMPLETE_TIMEOUT_MS / 1000} s: the page showed "${shown}"` }];
}

export async function runDashboardBench(n: number): Promise<Section> {
  const dashboardDir = mkdtempSync(join(tmpdir(), 'vane-bench-dashboard-'));
  let h: ApiHarness | undefined;
  let chromium: Chromium | undefined;
  try {
    await buildDashboard(dashboardDir);
    h = await startApiHarness({ dashboardDir });
    log(`creating ${n} Rollouts`);
    const createStart = performance.now();
    await createRollouts(h, n);
    log(`created in ${round((performance.now() - createStart) / 1000)} s; ${RUNS} page loads`);
    chromium = await launchChromium();
    const runs: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(chromium, `${h.api.url}/dashboard/`, n));
    const rows = runs.map((r) => r.domRows);
    return {
      benchmark: `dashboard list (${n.toLocaleString('en')} Rollouts, Chromium)`,
      figures: [
        ...spread(
          runs.map((r) => r.listRenderedMs),
          'ms',
          'navigation start → first rows (vane:list-rendered)',
          'fast with 5,000 rollouts',
        ),
        ...completeFigures(runs, n),
        { figure: 'rows in the DOM', value: Math.max(...rows), note: `of ${n}; virtualised list, 1280x800 viewport` },
        ...spread(
          runs.map((r) => r.searchKeystrokeMs),
          'ms',
          `search keystroke "${SEARCH_KEY}" → filtered list painted`,
        ),
      ],
    };
  } finally {
    await chromium?.close();
    await h?.stop();
    rmSync(dashboardDir, { recursive: true, force: true });
  }
}
