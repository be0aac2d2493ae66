// Vane's Mann-Whitney U test against the reference implementation, scipy.stats.mannwhitneyu (Debian's python3-scipy,
// scipy 1.10), on generated sample pairs: the same U, the same p-value to 1e-9 relative, the same method.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU, type Alternative, type MannWhitneyOptions } from '../../src/analysis/statistics/mann-whitney.js';
import { seededRandom } from '../../src/seeded-random.js';

/** `VANE_PYTHON`, else Debian's interpreter: the `python3` first on PATH may be another one (pyenv) without scipy. */
const PYTHON = process.env['VANE_PYTHON'] || '/usr/bin/python3';
const REFERENCE_SCRIPT = fileURLToPath(new URL('./support/mannwhitneyu-reference.py', import.meta.url));
const SCIPY_MISSING = `${PYTHON} cannot import scipy (set VANE_PYTHON, or install Debian's python3-scipy: .ci/setup installs python3-scipy)`;

/**
 * The p-value bound. Both sides compute the same formula in doubles: the exact path sums the same null probabilities
 * (ours by Harding's product form, scipy's by the recurrence; each accurate to a few 1e-15 relative), the asymptotic
 * path evaluates Q(z) for the same z (Cody's erfc here, cephes' in scipy; each within about 1e-13 relative out to
 * the underflow edge). So 1e-9 relative holds with a wide margin for every case, with no exception needed: the
 * smallest p-value generated (fully separated samples of 500) is about 1e-165, far above where either flushes to 0.
 */
const RELATIVE_TOLERANCE = 1e-9;

/** Whether the reference can run here; outside CI a missing scipy skips the suite, in CI it fails it. */
function scipyAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import scipy'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  if (process.env['CI']) throw new Error(SCIPY_MISSING);
  process.stderr.write(`skipping the scipy agreement test: ${SCIPY_MISSING}\n`);
  return false;
}

interface Case extends Required<MannWhitneyOptions> {
  kind: string;
  x: number[];
  y: number[];
}

interface Reference {
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymptotic';
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

/** Sample pairs from one seed: sizes 3–500, continuous and tied values, every alternative, both methods' paths. */
function generateCases(seed: number): Case[] {
  const random = seededRandom(seed);
  const integer = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sample = (size: number, draw: () => number): number[] => Array.from({ length: size }, draw);
  const cases: Case[] = [];
  const add = (kind: string, x: number[], y: number[], options: Partial<MannWhitneyOptions> = {}): void => {
    const alternative = ALTERNATIVES[cases.length % 3]!;
    cases.push({ kind, x, y, alternative, method: 'auto', useContinuity: true, ...options });
  };
  // No ties and one sample of 3–8: scipy's exact path. The other sample mostly up to 100 (scipy 1.10's recursion
  // takes seconds per case near 500), plus the largest sizes in both orders.
  for (let i = 0; i < 250; i++) {
    const shift = random() * 1.5;
    const small = sample(integer(3, 8), () => gaussian() + shift);
    const other = sample(i % 5 === 0 ? integer(3, 8) : integer(9, 100), gaussian);
    if (i % 2) add('exact', small, other);
    else add('exact', other, small);
  }
  for (const [m, n] of [[8, 500], [500, 8], [3, 500], [500, 5]] as const) add('exact, largest', sample(m, gaussian), sample(n, () => gaussian() + 0.2));
  // Values rounded to a grid: ties within and across the samples, any sizes.
  for (let i = 0; i < 300; i++) {
    const grid = [1, 4, 10, 100][i % 4]!;
    const shift = random() * 0.8;
    add('rounded', sample(integer(3, 500), () => Math.round(gaussian() * grid) / grid), sample(integer(3, 500), () => Math.round((gaussian() + shift) * grid) / grid));
  }
  // A handful of distinct values repeated: heavy ties, as in a latency metric with coarse buckets.
  for (let i = 0; i < 150; i++) {
    const levels = integer(2, 6);
    add('repeated', sample(integer(3, 500), () => integer(1, levels)), sample(integer(3, 500), () => integer(1, levels) + (random() < 0.3 ? 1 : 0)));
  }
  // Small samples with ties: the asymptotic path although a sample has at most 8 values.
  for (let i = 0; i < 100; i++) add('small, tied', sample(integer(3, 8), () => integer(1, 4)), sample(integer(3, 60), () => integer(1, 5)));
  // Continuous samples above 8: the asymptotic path without ties, effects from none to full separation.
  for (let i = 0; i < 250; i++) {
    const shift = [0, 0.1, 0.5, 2, 100][i % 5]!;
    add('continuous', sample(integer(9, 500), gaussian), sample(integer(9, 500), () => gaussian() + shift));
  }
  add('continuous, separated', sample(500, random), sample(500, () => 2 + random()));
  // The exact path forced beyond scipy's automatic choice, and the asymptotic path without the continuity correction.
  for (let i = 0; i < 40; i++) add('forced exact', sample(integer(9, 30), gaussian), sample(integer(9, 30), () => gaussian() + 0.5), { method: 'exact' });
  for (let i = 0; i < 60; i++) add('no continuity', sample(integer(3, 200), () => integer(1, 9)), sample(integer(3, 200), () => integer(2, 9)), { useContinuity: false });
  return cases;
}

function runReference(cases: readonly Case[]): { scipy: string; results: Reference[] } {
  const input = JSON.stringify(cases.map(({ x, y, alternative, method, useContinuity }) => ({ x, y, alternative, method, useContinuity })));
  const run = spawnSync(PYTHON, [REFERENCE_SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the scipy reference failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { scipy: string; results: Reference[] };
}

function relativeDifference(ours: number, theirs: number): number {
  if (ours === theirs) return 0;
  return Math.abs(ours - theirs) / Math.max(Math.abs(ours), Math.abs(theirs));
}

describe.skipIf(!scipyAvailable())('agreement with scipy.stats.mannwhitneyu', () => {
  it('gives the same U exactly, the same p-value within 1e-9 relative and the same method on 1,155 generated sample pairs', { timeout: 600_000 }, () => {
    const cases = generateCases(20261207);
    const { scipy, results } = runReference(cases);
    expect(results).toHaveLength(cases.length);

    const disagreements: string[] = [];
    let largestDifference = 0;
    cases.forEach((c, i) => {
      const ours = mannWhitneyU(c.x, c.y, c);
      const theirs = results[i]!;
      const difference = relativeDifference(ours.pValue, theirs.pvalue);
      largestDifference = Math.max(largestDifference, difference);
      if (ours.statistic !== theirs.statistic || ours.method !== theirs.method || !(difference <= RELATIVE_TOLERANCE)) {
        disagreements.push(
          `case ${i} (${c.kind}, ${c.x.length} against ${c.y.length}, ${c.alternative}, ${c.method}): ` +
            `ours U=${ours.statistic} p=${ours.pValue} ${ours.method}, scipy ${scipy} U=${theirs.statistic} p=${theirs.pvalue} ${theirs.method}`,
        );
      }
    });
    process.stdout.write(`scipy ${scipy}: ${cases.length} pairs, largest relative p-value difference ${largestDifference.toExponential(2)}\n`);
    expect(disagreements.slice(0, 10)).toEqual([]);

    // The mix covers what it claims, so the agreement cannot pass on one easy path alone.
    const used = (method: string): number => results.filter((r) => r.method === method).length;
    expect(used('exact')).toBeGreaterThanOrEqual(250);
    expect(used('asymptotic')).toBeGreaterThanOrEqual(800);
    for (const alternative of ALTERNATIVES) expect(cases.filter((c) => c.alternative === alternative).length).toBeGreaterThan(350);
    const sizes = cases.flatMap((c) => [c.x.length, c.y.length]);
    expect([Math.min(...sizes), Math.max(...sizes)]).toEqual([3, 500]);
    expect(cases.filter((c) => new Set([...c.x, ...c.y]).size < c.x.length + c.y.length).length).toBeGreaterThan(500);
    expect(results.filter((r) => r.pvalue < 1e-10).length).toBeGreaterThan(50);
  });
});
