// Specification of `npm run demo`: what its output shows a newcomer, release by release, read from the lines it prints.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo-scenario.js';
import { defaultDashboardDir } from '../../src/server/dashboard-routes.js';

let ok = false;
let lines: string[] = [];
/** What the dashboard line's address and token answered while the demo ran. */
let dashboardCheck: Promise<{ page: number; whoami: unknown; wrongToken: number }> | undefined;

async function checkDashboard(url: string, token: string): Promise<{ page: number; whoami: unknown; wrongToken: number }> {
  const origin = new URL(url).origin;
  const page = (await fetch(url)).status;
  const whoami: unknown = await (await fetch(`${origin}/api/v1/whoami`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const wrongToken = (await fetch(`${origin}/api/v1/rollouts`, { headers: { Authorization: `Bearer not-${token}` } })).status;
  return { page, whoami, wrongToken };
}

/** The lines of a numbered section, up to the next section or the result. */
function section(number: number): string[] {
  const start = lines.findIndex((line) => line.startsWith(`${number}. `));
  expect(start, `section ${number}`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > start && /^(\d+\. |result: )/.test(line));
  return lines.slice(start, end);
}

/** The stable revision's pod-template hash, as the result line names it. */
function stableHash(): string {
  const match = /^result: \w+ — stable is ([0-9a-f]+) \(image 1\.1\.0\)/.exec(lines.find((line) => line.startsWith('result: ')) ?? '');
  expect(match, 'result line').not.toBeNull();
  return match![1]!;
}

describe('the demo', () => {
  beforeAll(async () => {
    const printed: string[] = [];
    ok = await runDemo((line) => {
      printed.push(...line.split('\n'));
      const dashboard = /^dashboard at (\S+) — log in with the token (\S+)/.exec(line);
      if (dashboard) dashboardCheck = checkDashboard(dashboard[1]!, dashboard[2]!);
    });
    lines = printed.filter((line) => line.trim() !== '');
  }, 120_000);

  it('prints where the dashboard is and a token, both of which work while it runs', async () => {
    expect(dashboardCheck, 'a "dashboard at URL — log in with the token T" line').toBeDefined();
    const answered = await dashboardCheck!;
    // The page is there once built (npm run demo builds it first); unbuilt, the answer says how to build it.
    expect(answered.page).toBe(existsSync(join(defaultDashboardDir(), 'index.html')) ? 200 : 503);
    expect(answered.whoami).toMatchObject({ user: 'newcomer' });
    expect(answered.wrongToken).toBe(401);
  });

  it('then it runs to its end and says OK', () => {
    expect(lines.at(-1)).toMatch(/^result: OK — /);
    expect(ok).toBe(true);
  });

  it('given image 2.0.0 whose pods never get ready, then the progress deadline aborts it and traffic returns to stable', () => {
    const aborted = section(3).find((line) => /Degraded/.test(line));
    expect(aborted).toMatch(/weight 0%.*made no progress for 8s \(progressDeadlineSeconds\)/);
  });

  it('given image 1.2.0 bumped in git with an error rate over its gate, then the analysis fails and traffic is reset to stable (canary weight 0)', () => {
    const lines5 = section(5);
    expect(lines5.some((line) => /git push: [0-9a-f]{12} Bump web to 1\.2\.0$/.test(line))).toBe(true);
    expect(lines5.find((line) => /Degraded/.test(line))).toMatch(/step 2\/5 +weight 0% .*analysis \S+ failed: metric "error-rate" Failed.*"errorRate":0\.2/);
    expect(lines5.some((line) => /analysis web-[0-9a-f]+-step-2-1: Failed — error-rate measured \{"errorRate":0\.2/.test(line))).toBe(true);
  });

  it('given the failed release, then the bump is reverted in git, and the revert commit is printed with its sha and trailers', () => {
    const lines5 = section(5);
    const bump = /git push: ([0-9a-f]{12}) Bump web to 1\.2\.0$/.exec(lines5.find((line) => line.includes('Bump web')) ?? '')?.[1];
    const revert = lines5.findIndex((line) => /^ *revert commit [0-9a-f]{12} Revert "Bump web to 1\.2\.0"$/.test(line));
    expect(revert).toBeGreaterThan(-1);
    const sha = /revert commit ([0-9a-f]{12})/.exec(lines5[revert]!)![1]!;
    expect(lines5.some((line) => line.includes(`git rollback: Committed ${sha} (condition GitRolledBack=True)`))).toBe(true);
    const trailers = lines5.slice(revert + 1).map((line) => line.trim());
    expect(trailers).toContain('Vane-Rollout: demo/web');
    expect(trailers.find((line) => line.startsWith('Vane-Reverts: '))).toMatch(new RegExp(`^Vane-Reverts: ${bump}[0-9a-f]{28}$`));
  });

  it('given the revert synced by the GitOps tool, then the Rollout is Healthy on the stable 1.1.0 revision without a new release, and the demo repository is gone', () => {
    const lines6 = section(6);
    const sync = lines6.find((line) => line.includes('GitOps sync:'));
    expect(sync).toMatch(/applying apps\/web from (\S+)\/platform\.git at [0-9a-f]{12}$/);
    expect(lines6.filter((line) => /Progressing|Paused/.test(line))).toEqual([]);
    const healthy = lines6.at(-1);
    expect(healthy).toMatch(new RegExp(`Healthy +step done +weight 0% +pods \\[stable ${stableHash().slice(0, 6)} 4/4\\]`));
    const remote = /from (\S+) at/.exec(sync!)![1]!;
    expect(existsSync(dirname(remote))).toBe(false);
  });
});
