// The dashboard under test: the API harness (sandbox with simulated pods, ALICE and BOB) serving the dashboard build
// under /dashboard/, the real controller on the same sandbox, and Chromium pages that record every request, console
// error and Content-Security-Policy violation, so a test fails on any of them it did not expect.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Page, Request } from 'playwright-core';
import { controllerConfig } from '../../../src/cli/controller-config.js';
import { startController, type RunningController } from '../../../src/cli/start-controller.js';
import { silentLogger } from '../../../src/logger.js';
import { startApiHarness, type ApiHarness, type TestUser } from '../../server/support/api-harness.js';
import { launchChromium, type Chromium } from './chromium.js';

export interface NetworkEntry {
  request: Request;
  url: URL;
  method: string;
  /** The answer's status; undefined while none came (or the request failed). */
  status?: number;
}

export interface DashboardPage {
  page: Page;
  /** Every request the page made, in order. */
  network: NetworkEntry[];
  /** Console errors and CSP violations seen so far, minus those the test said to expect. */
  problems(): string[];
  /** Console errors matching `pattern` are expected (a 401 the browser logs for a wrong token). */
  expectConsoleError(pattern: RegExp): void;
  /** Opens the dashboard at `hash` (default the list). */
  goto(hash?: string): Promise<void>;
  /** Types the token into the login form and submits it; waits for the header's user name. */
  login(user: TestUser): Promise<void>;
  /** Fails with the list of problems, if any. */
  assertNoProblems(): void;
  close(): Promise<void>;
}

export interface DashboardHarness {
  api: ApiHarness;
  controller: RunningController;
  /** The dashboard's address: `<api>/dashboard/`. */
  url: string;
  chromium: Chromium;
  open(viewport?: { width: number; height: number }): Promise<DashboardPage>;
  close(): Promise<void>;
}

/** The API, the controller (with git rollback allowed to a local remote) and the browser; `dashboardDir` is the build. */
export async function startDashboardHarness(dashboardDir: string): Promise<DashboardHarness> {
  const api = await startApiHarness({ simulatePods: true, dashboardDir });
  const gitWorkDir = mkdtempSync(join(tmpdir(), 'vane-dashboard-git-'));
  const cleanup = async (): Promise<void> => {
    await api.stop();
    rmSync(gitWorkDir, { recursive: true, force: true });
  };
  let controller: RunningController;
  let chromium: Chromium;
  try {
    controller = await startDashboardController(api, gitWorkDir);
  } catch (err) {
    await cleanup();
    throw err;
  }
  try {
    chromium = await launchChromium();
  } catch (err) {
    await controller.stop();
    await cleanup();
    throw err;
  }
  const url = `${api.api.url}/dashboard/`;
  return {
    api,
    controller,
    url,
    chromium,
    open: (viewport) => openDashboardPage(chromium, url, viewport),
    async close() {
      await chromium.close();
      await controller.stop();
      await cleanup();
    },
  };
}

async function startDashboardController(api: ApiHarness, gitWorkDir: string): Promise<RunningController> {
  const kc = new KubeConfig();
  kc.loadFromString(api.sandbox.kubeconfig);
  // Through the CLI's flag parsing, as test/server/support/controller-under-test.ts, plus what a local git remote needs.
  const config = controllerConfig({ workers: '2', leaderElect: false, logLevel: 'silent', apiPort: '-1', gitWorkDir, allowLocalGitUrls: true }, { POD_NAME: 'dashboard-under-test' });
  return startController(config, { kubeConfig: kc, logger: silentLogger });
}

/** Runs in the page before its own scripts: reports CSP violations to the test through the exposed binding. */
const REPORT_CSP = `document.addEventListener('securitypolicyviolation', (e) => {
  window.__vaneCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

export async function openDashboardPage(chromium: Chromium, url: string, viewport?: { width: number; height: number }): Promise<DashboardPage> {
  const page = await chromium.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const network: NetworkEntry[] = [];
  const seen: string[] = [];
  const expected: RegExp[] = [];
  await page.exposeBinding('__vaneCspViolation', (_source, text: string) => void seen.push(`CSP violation: ${text}`));
  await page.addInitScript(REPORT_CSP);
  page.on('console', (message) => {
    // The browser's own guess at /favicon.ico (outside /dashboard/) is not the page's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) seen.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (err) => void seen.push(`uncaught: ${err.message}`));
  page.on('request', (request) => void network.push({ request, url: new URL(request.url()), method: request.method() }));
  page.on('response', (response) => {
    const entry = network.findLast((e) => e.request === response.request());
    if (entry) entry.status = response.status();
  });
  const problems = (): string[] => seen.filter((p) => !(p.startsWith('console error:') && expected.some((re) => re.test(p))));
  return {
    page,
    network,
    problems,
    expectConsoleError: (pattern) => void expected.push(pattern),
    async goto(hash = '#/') {
      await page.goto(`${url}${hash}`);
    },
    async login(user) {
      await page.getByTestId('login-token').fill(user.token);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('whoami').filter({ hasText: user.name }).waitFor();
    },
    assertNoProblems() {
      const found = problems();
      if (found.length > 0) throw new Error(`the page reported ${found.length} problem(s):\n${found.join('\n')}`);
    },
    close: () => page.close(),
  };
}

/** The requests to the API whose path is `path` (or starts with it, for the stream paths), with their answers. */
export function apiCalls(network: readonly NetworkEntry[], path: string | RegExp): NetworkEntry[] {
  return network.filter((e) => (typeof path === 'string' ? e.url.pathname === path : path.test(e.url.pathname)));
}
