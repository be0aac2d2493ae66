// Specification: the dashboard in a real headless Chromium against the API server and the real controller — log in
// with a token, see and filter the list, act on a rollout and watch the page follow without a reload; a wrong token
// sees nothing, a read-only user cannot act, an analysis abort shows its failing measurement and the revert commit;
// phone width, keyboard, and a strict Content-Security-Policy. With VANE_UPDATE_SCREENSHOTS=1 it also writes the
// README's screenshots to docs/images/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RolloutDetail, RolloutSummary } from '../../src/server/rollout-view.js';
import { ALICE, BOB, call, defaultRbac, until } from '../server/support/api-harness.js';
import { skipWithoutChromium } from './support/chromium.js';
import { apiCalls, startDashboardHarness, type DashboardHarness, type DashboardPage } from './support/dashboard-harness.js';
import { buildDashboardScene, CART, CHECKOUT, FAILING_RATIOS, LEDGER, METRIC, PAY, SHOP, WEB, setImage, type DashboardScene } from './support/dashboard-scene.js';

const IMAGES_DIR = join(import.meta.dirname, '..', '..', 'docs', 'images');
const UPDATE_SCREENSHOTS = process.env['VANE_UPDATE_SCREENSHOTS'] === '1';
const ACTIONS = ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume'] as const;
/** The policy the brief of issue 16 sets for the dashboard's pages. */
const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const skip = skipWithoutChromium();
let h: DashboardHarness;
let scene: DashboardScene;
const opened: DashboardPage[] = [];

async function open(viewport?: { width: number; height: number }): Promise<DashboardPage> {
  const page = await h.open(viewport);
  opened.push(page);
  return page;
}

/** A page logged in as `user`, showing the list. */
async function loggedIn(user: typeof ALICE, viewport?: { width: number; height: number }): Promise<DashboardPage> {
  const d = await open(viewport);
  await d.goto();
  await d.login(user);
  await d.page.getByTestId('rollout-row').first().waitFor();
  return d;
}

async function summaries(): Promise<RolloutSummary[]> {
  const answer = await call(h.api.api, 'GET', '/api/v1/rollouts', { token: ALICE.token });
  return (answer.body as { items: RolloutSummary[] }).items;
}

async function detail(namespace: string, name: string, token = ALICE.token): Promise<RolloutDetail> {
  return (await call(h.api.api, 'GET', `/api/v1/namespaces/${namespace}/rollouts/${name}`, { token })).body as RolloutDetail;
}

function rowOf(d: DashboardPage, namespace: string, name: string): ReturnType<DashboardPage['page']['locator']> {
  return d.page.locator(`[data-testid=rollout-row][data-namespace="${namespace}"][data-name="${name}"]`);
}

/** The index of the step the page marks current, or undefined when none is. */
async function currentStep(d: DashboardPage): Promise<number | undefined> {
  const current = d.page.locator('[data-testid=step][data-state=current]');
  if ((await current.count()) === 0) return undefined;
  return Number(await current.first().getAttribute('data-index'));
}

/** Opens a rollout from the list the way a user does: by its row. */
async function openRollout(d: DashboardPage, namespace: string, name: string): Promise<void> {
  await rowOf(d, namespace, name).click();
  await d.page.locator(`[data-testid=rollout-detail]`).waitFor();
}

/** The first number of a measurement's value text: `"0.2"` or a JSON vector `"[0.2]"`. */
function firstNumber(text: string): number {
  const match = /-?\d+(\.\d+)?(e-?\d+)?/i.exec(text);
  if (!match) throw new Error(`no number in "${text}"`);
  return Number(match[0]);
}

/** A policy as a map of directive → sorted sources, so two spellings of the same policy compare equal. */
function directives(policy: string): Record<string, string> {
  const entries = policy.split(';').map((d) => d.trim().split(/\s+/)).filter((parts) => parts[0]);
  return Object.fromEntries(entries.map(([name, ...sources]) => [name ?? '', sources.sort().join(' ')]));
}

describe.skipIf(skip)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboardHarness(inject('dashboardDir'));
    scene = await buildDashboardScene(h.api);
  }, 180_000);

  afterAll(async () => {
    await scene?.close();
    await h?.close();
  });

  // Every test fails on a console error or a CSP violation it did not say it expects.
  afterEach(async () => {
    const pages = opened.splice(0);
    try {
      for (const d of pages) d.assertNoProblems();
    } finally {
      for (const d of pages) await d.close();
    }
  });

  // First, while every rollout of the scene is still in the phase the scene left it in (later tests promote some).
  it.runIf(UPDATE_SCREENSHOTS)('given VANE_UPDATE_SCREENSHOTS=1, then the README screenshots of the list and of the aborted rollout are written to docs/images/', async () => {
    mkdirSync(IMAGES_DIR, { recursive: true });
    const d = await loggedIn(ALICE, { width: 1280, height: 800 });
    expect(await d.page.getByTestId('rollout-row').count()).toBe((await summaries()).length);
    const phases = new Set(await Promise.all((await d.page.getByTestId('rollout-row').all()).map((row) => row.getAttribute('data-phase'))));
    expect(phases.size).toBeGreaterThanOrEqual(3);
    const list = join(IMAGES_DIR, 'dashboard-list.png');
    await d.page.screenshot({ path: list });

    await openRollout(d, SHOP, WEB);
    await d.page.getByTestId('measurement-chart').locator('canvas').first().waitFor();
    await d.page.getByTestId('rollback-commit').waitFor();
    const rollout = join(IMAGES_DIR, 'dashboard-rollout.png');
    await d.page.screenshot({ path: rollout, fullPage: true });
    for (const file of [list, rollout]) expect(readFileSync(file).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('given a deployer with a token, when they log in, then the list shows every rollout with its phase, step and canary weight, filters by namespace and by search, the token travels only in the Authorization header, and logout forgets it', async () => {
    const d = await open();
    await d.goto();
    await d.page.getByTestId('login-form').waitFor();
    await d.login(ALICE);
    const expected = await summaries();
    const rows = d.page.getByTestId('rollout-row');
    await expect.poll(() => rows.count()).toBe(expected.length);
    for (const ro of expected) {
      const row = rowOf(d, ro.namespace, ro.name);
      expect(await row.getAttribute('data-phase')).toBe(ro.phase);
      expect(await row.getByTestId('row-phase').textContent()).toContain(ro.phase);
    }
    // The canary the controller paused at its step 1 (of 4), at 20%.
    const cart = rowOf(d, SHOP, CART);
    expect(await cart.getAttribute('data-phase')).toBe('Paused');
    expect((await cart.getByTestId('row-step').textContent())?.trim()).toBe('2/4');
    expect((await cart.getByTestId('row-weight').textContent())?.trim()).toBe('20%');
    expect(await d.page.getByTestId('list-count').textContent()).toMatch(new RegExp(`\\b${expected.length} rollouts`));

    await d.page.getByTestId('namespace-filter').selectOption(PAY);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-name')).toBe(LEDGER);
    expect(await d.page.getByTestId('list-count').textContent()).toMatch(/\b1 rollout\b/);
    await d.page.getByTestId('namespace-filter').selectOption('');
    await expect.poll(() => rows.count()).toBe(expected.length);
    await d.page.getByTestId('search').fill('check');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-name')).toBe(CHECKOUT);
    await d.page.getByTestId('search').fill('');
    await expect.poll(() => rows.count()).toBe(expected.length);

    const api = d.network.filter((e) => e.url.pathname.startsWith('/api/'));
    // The list came from the API (the list answer or the watch stream's snapshot), with the token as a header.
    expect(apiCalls(api, /^\/api\/v1\/(rollouts|watch)$/).length).toBeGreaterThan(0);
    for (const call of api) expect(await call.request.headerValue('authorization'), call.url.pathname).toBe(`Bearer ${ALICE.token}`);
    for (const entry of d.network) expect(entry.url.href).not.toContain(ALICE.token);
    expect(d.page.url()).not.toContain(ALICE.token);
    expect(await d.page.evaluate<string>('document.cookie')).not.toContain(ALICE.token);
    expect(await d.page.evaluate<string | null>("sessionStorage.getItem('vane.token')")).toBe(ALICE.token);

    await d.page.getByTestId('logout').click();
    await d.page.getByTestId('login-form').waitFor();
    expect(await d.page.evaluate<number>('sessionStorage.length')).toBe(0);
    expect(await rows.count()).toBe(0);
  });

  it('given a rollout the controller paused at step 1, when a deployer presses Promote, then the page moves to the next step without a reload and says the command was accepted, and the list follows another rollout live', async () => {
    const d = await loggedIn(ALICE);
    await openRollout(d, SHOP, CHECKOUT);
    await expect.poll(() => currentStep(d)).toBe(1);
    await d.page.evaluate('window.__marker = 1');
    const documents = (): number => d.network.filter((e) => e.request.resourceType() === 'document').length;
    const loads = documents();

    await d.page.getByTestId('action-promote').click();
    await expect.poll(() => d.page.getByTestId('action-result').textContent()).toMatch(/promote accepted/i);
    // The controller leaves the pause: 50% at step 2, then the next indefinite pause at step 3.
    await until(() => (h.api.readModel.rollout(SHOP, CHECKOUT)?.status?.currentStepIndex ?? 0) === 3, 'checkout pauses at step 3', 30_000);
    await expect.poll(() => currentStep(d), { timeout: 15_000 }).toBe(3);
    expect(await d.page.evaluate<number | undefined>('window.__marker')).toBe(1);
    expect(documents()).toBe(loads);
    expect(await d.page.getByTestId('action-result').getAttribute('role')).toBe('status');

    await d.page.getByTestId('back-to-list').click();
    const ledger = rowOf(d, PAY, LEDGER);
    await ledger.waitFor();
    expect(await ledger.getAttribute('data-phase')).toBe('Healthy');
    await setImage(h.api, PAY, LEDGER, 'shop:2');
    await expect.poll(() => ledger.getAttribute('data-phase'), { timeout: 30_000 }).toBe('Paused');
    await expect.poll(async () => (await ledger.getByTestId('row-weight').textContent())?.trim()).toBe('20%');
    expect(await d.page.evaluate<number | undefined>('window.__marker')).toBe(1);
    expect(documents()).toBe(loads);
  });

  it('given a wrong token, when it is submitted, then the login form shows the error and no rollout data is fetched or rendered', async () => {
    const d = await open();
    // The browser logs the 401 answer itself.
    d.expectConsoleError(/401/);
    await d.goto();
    await d.page.getByTestId('login-token').fill('not-a-token-anyone-has');
    await d.page.getByTestId('login-submit').click();
    await d.page.getByTestId('login-error').waitFor();
    expect((await d.page.getByTestId('login-error').textContent())?.trim()).not.toBe('');
    // The token was tried against the API and refused.
    expect(d.network.filter((e) => e.url.pathname.startsWith('/api/') && e.status === 401).length).toBeGreaterThan(0);
    const data = apiCalls(d.network, /^\/api\/v1\/(rollouts$|namespaces\/|watch$)|\/watch$/).filter((e) => e.status === 200);
    expect(data.map((e) => e.url.pathname)).toEqual([]);
    expect(await d.page.getByTestId('rollout-row').count()).toBe(0);
    expect(await d.page.getByTestId('rollout-list').count()).toBe(0);
    expect(await d.page.getByTestId('whoami').count()).toBe(0);
  });

  it('given a read-only user, when they open a paused rollout, then every action button is disabled with the RBAC reason shown, and a command forced from the page is refused with 403', async () => {
    const d = await loggedIn(BOB);
    await openRollout(d, SHOP, CART);
    const view = await detail(SHOP, CART, BOB.token);
    for (const action of ACTIONS) {
      const reason = view.actions?.[action].reason ?? '';
      expect(view.actions?.[action].allowed).toBe(false);
      expect(reason).toMatch(/RBAC/);
      const button = d.page.getByTestId(`action-${action}`);
      expect(await button.isDisabled(), action).toBe(true);
      expect(await button.getAttribute('title')).toContain(reason);
    }
    // The same refusal for every button is said once, beside them.
    const shown = d.page.getByTestId('commands-why');
    expect(await shown.isVisible(), 'the RBAC reason is visible').toBe(true);
    expect(await shown.textContent()).toContain(view.actions?.promote.reason ?? '(none)');

    d.expectConsoleError(/403/);
    const status = await d.page.evaluate<number>(`fetch('/api/v1/namespaces/${SHOP}/rollouts/${CART}/promote', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + sessionStorage.getItem('vane.token'), 'Content-Type': 'application/json' },
      body: '{}',
    }).then((r) => r.status)`);
    expect(status).toBe(403);
    expect(h.api.readModel.rollout(SHOP, CART)?.status?.currentStepIndex).toBe(1);
  });

  it('given a canary aborted by a failing analysis, when its page is opened, then it shows the failed metric with its value and threshold, and the rollback with the revert commit on the remote', async () => {
    const d = await loggedIn(ALICE);
    await openRollout(d, SHOP, WEB);
    expect(await d.page.getByTestId('rollout-detail').getAttribute('data-phase')).toBe('Degraded');
    const metric = d.page.locator(`[data-testid=metric][data-metric="${METRIC}"]`);
    await metric.waitFor();
    expect(await metric.getAttribute('data-phase')).toBe('Failed');
    expect(await d.page.locator('[data-testid=analysis-run][data-phase=Failed]').count()).toBeGreaterThan(0);

    const run = (await detail(SHOP, WEB)).analysisRuns.find((r) => r.metrics.some((m) => m.name === METRIC));
    const latest = run?.metrics.find((m) => m.name === METRIC)?.measurements.at(-1);
    const latestValue = firstNumber(latest?.value ?? '');
    expect(FAILING_RATIOS).toContain(latestValue);
    expect(firstNumber((await metric.getByTestId('metric-latest').textContent()) ?? '')).toBe(latestValue);
    expect((await metric.getByTestId('metric-threshold').textContent())?.replace(/\s+/g, ' ').trim()).toBe('< 0.01');
    expect(await metric.getByTestId('measurement-chart').locator('canvas').count()).toBeGreaterThan(0);

    const revert = scene.remote.head();
    expect(revert.message).toMatch(/^Revert "Bump web to 2.0.0"/);
    const rollback = d.page.getByTestId('rollback');
    expect((await rollback.getByTestId('rollback-commit').textContent())?.trim()).toBe(revert.sha);
    expect(await rollback.getByTestId('rollback-remote').textContent()).toContain(scene.remote.url);
    expect(await rollback.getByTestId('rollback-result').textContent()).toContain('Committed');
  });

  it('given a user who may list the rollouts of one namespace only, when they log in, then they are asked which namespace and see only its rollouts, live', async () => {
    const carol = { name: 'carol', token: 'carol-token-0123456789', groups: ['shop-team'] };
    h.api.sandbox.auth.addUser(carol);
    h.api.sandbox.auth.setAccessReview((spec) => {
      if (spec.user !== carol.name) return defaultRbac(spec);
      const attrs = spec.resourceAttributes ?? {};
      const read = ['get', 'list', 'watch'].includes(attrs.verb ?? '') && attrs.resource === 'rollouts' && !attrs.subresource;
      return read && attrs.namespace === SHOP ? { allowed: true, reason: 'RBAC: shop-team reads shop' } : { allowed: false, reason: 'RBAC: shop-team may only read shop' };
    });
    try {
      const d = await open();
      await d.goto();
      await d.login(carol);
      // The cluster-wide stream is refused (403); the page asks rather than showing an error and nothing else.
      d.expectConsoleError(/403/);
      await d.page.getByTestId('namespace-form').waitFor();
      await d.page.getByTestId('namespace-scope').fill(SHOP);
      await d.page.getByTestId('namespace-scope').press('Enter');
      await d.page.getByTestId('rollout-row').first().waitFor();
      const shown = await Promise.all((await d.page.getByTestId('rollout-row').all()).map((row) => row.getAttribute('data-namespace')));
      const inShop = (await summaries()).filter((r) => r.namespace === SHOP);
      expect(shown).toHaveLength(inShop.length);
      expect(new Set(shown)).toEqual(new Set([SHOP]));
      const watches = apiCalls(d.network, '/api/v1/watch');
      expect(watches.find((call) => !call.url.searchParams.has('namespace'))?.status).toBe(403);
      expect(watches.some((call) => call.url.searchParams.get('namespace') === SHOP && call.status === 200)).toBe(true);
    } finally {
      h.api.sandbox.auth.setAccessReview(defaultRbac);
    }
  });

  it('given a phone-width screen of 390 px, when the list is shown, then nothing overflows the page sideways and the rows are visible', async () => {
    const d = await loggedIn(ALICE, { width: 390, height: 844 });
    const widths = await d.page.evaluate<{ body: number; root: number; viewport: number }>(
      '({ body: document.body.scrollWidth, root: document.documentElement.scrollWidth, viewport: window.innerWidth })',
    );
    expect(widths.viewport).toBe(390);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    expect(widths.root).toBeLessThanOrEqual(widths.viewport);
    const first = d.page.getByTestId('rollout-row').first();
    expect(await first.isVisible()).toBe(true);
    const box = await first.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(390);
    expect(await first.getByTestId('row-phase').isVisible()).toBe(true);
  });

  it('given a keyboard user, when they Tab to a rollout row and press Enter, then its page opens', async () => {
    const d = await loggedIn(ALICE);
    const focusedRow = (): Promise<{ namespace: string; name: string } | null> =>
      d.page.evaluate(`(() => {
        const row = document.activeElement && document.activeElement.closest('[data-testid=rollout-row]');
        return row ? { namespace: row.getAttribute('data-namespace'), name: row.getAttribute('data-name') } : null;
      })()`);
    let target: { namespace: string; name: string } | null = null;
    for (let presses = 0; presses < 40 && !target; presses++) {
      await d.page.keyboard.press('Tab');
      target = await focusedRow();
    }
    expect(target, 'Tab reached a rollout row').not.toBeNull();
    await d.page.keyboard.press('Enter');
    const page = d.page.getByTestId('rollout-detail');
    await page.waitFor();
    expect(new URL(d.page.url()).hash).toBe(`#/rollouts/${target?.namespace}/${target?.name}`);
  });

  it('given the dashboard page, when it is served, then it carries the strict Content-Security-Policy, and the list and a rollout page with charts load without a single violation', async () => {
    const answer = await fetch(h.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(directives(answer.headers.get('content-security-policy') ?? '')).toEqual(directives(DASHBOARD_CSP));
    const html = await answer.text();
    // Nothing inline for the policy to refuse: scripts have a src, no style element or attribute.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style|\sstyle=/i);

    const d = await loggedIn(ALICE);
    await openRollout(d, SHOP, WEB);
    await d.page.getByTestId('weight-chart').locator('canvas').first().waitFor();
    await d.page.getByTestId('measurement-chart').locator('canvas').first().waitFor();
    expect(d.problems()).toEqual([]);
  });
});
