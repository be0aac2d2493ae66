import { describe, expect, it } from 'vitest';
import { DELIVERY_TARGETS, durations, namespaceFigures, rolloutFigures } from '../../src/delivery/delivery-figures.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { aborted, at, progressing, promoted, rolloutWith, superseded } from './fixtures/release-records.js';

const NOW = '2024-06-30T00:00:00.000Z';
const SINCE = '2024-05-31T00:00:00.000Z';
const window = { since: new Date(SINCE), now: new Date(NOW) };
const daysAgo = (days: number): string => at(NOW, -days * 24 * 60);

function figures(history: RevisionRecord[]): ReturnType<typeof rolloutFigures> {
  return rolloutFigures(rolloutWith('shop', 'web', history), window);
}

describe('rolloutFigures', () => {
  it('given one promoted and one aborted release in 30 days, then 2 deployments, 2/30 per day and a 50% change failure rate (missed)', () => {
    const f = figures([promoted('a1', daysAgo(20)), aborted('b2', daysAgo(3), { trafficReset: 0.5, restored: 4 })]);
    expect(f.deployments).toEqual({ promoted: 1, aborted: 1, superseded: 0, progressing: 0, total: 2 });
    expect(f.days).toBe(30);
    expect(f.deploymentsPerDay).toBeCloseTo(2 / 30, 10);
    expect(f.changeFailureRate).toEqual({ ratio: 0.5, target: 0.05, mark: 'missed' });
    expect(f.truncated).toBe(false);
    expect(f.coveredSince).toBe(SINCE);
    expect(f.until).toBe(NOW);
  });

  it('counts superseded and unfinished releases by outcome but not as deployments, and ignores releases that ended before the window', () => {
    const f = figures([promoted('old', daysAgo(40)), aborted('old2', daysAgo(31)), superseded('s1', daysAgo(9)), promoted('a1', daysAgo(8)), progressing('p1', daysAgo(0.1))]);
    expect(f.deployments).toEqual({ promoted: 1, aborted: 0, superseded: 1, progressing: 1, total: 1 });
    expect(f.changeFailureRate).toEqual({ ratio: 0, target: 0.05, mark: 'met' });
  });

  it('places a release in the window by its verdict, not its start: started before since and promoted after counts', () => {
    const f = figures([promoted('edge', at(SINCE, 30), { startedMinutesBefore: 120 })]);
    expect(f.deployments.promoted).toBe(1);
  });

  it('marks the change failure rate met only strictly under 5%: 1 in 20 misses, 1 in 21 meets', () => {
    const releases = (n: number): RevisionRecord[] => Array.from({ length: n }, (_, i) => promoted(`p${i}`, daysAgo(1 + i / 2)));
    const oneIn20 = rolloutFigures(rolloutWith('shop', 'web', [...releases(19), aborted('x', daysAgo(0.2))]), { ...window, historyKept: 100 });
    const oneIn21 = rolloutFigures(rolloutWith('shop', 'web', [...releases(20), aborted('x', daysAgo(0.2))]), { ...window, historyKept: 100 });
    expect(oneIn20.changeFailureRate.ratio).toBe(0.05);
    expect(oneIn20.changeFailureRate.mark).toBe('missed');
    expect(oneIn21.changeFailureRate.ratio).toBeCloseTo(1 / 21, 10);
    expect(oneIn21.changeFailureRate.mark).toBe('met');
  });

  it('given no finished release, then every target reads no data and the change failure rate has no ratio', () => {
    const f = figures([progressing('p1', daysAgo(1))]);
    expect(f.changeFailureRate).toEqual({ target: 0.05, mark: 'no data' });
    expect(f.timeToRestore).toMatchObject({ count: 0, open: 0, mark: 'no data' });
    expect(f.rollback.trafficReset).toEqual({ count: 0, targetSeconds: 120, mark: 'no data' });
    expect(f.leadTime).toEqual({ count: 0 });
    expect(f.deploymentsPerDay).toBe(0);
  });

  it('measures lead time from commit author time to the promotion verdict, over promoted releases with a known source only', () => {
    const f = figures([promoted('a', daysAgo(9), { leadMinutes: 10 }), promoted('b', daysAgo(8), { leadMinutes: 60 }), promoted('c', daysAgo(7), { leadMinutes: 20 }), promoted('d', daysAgo(6))]);
    expect(f.deployments.promoted).toBe(4);
    // Sorted 600, 1200, 3600 s: the p90 rank is 1.8, so 1200 + 0.8 × 2400.
    expect(f.leadTime).toEqual({ count: 3, medianSeconds: 1200, p90Seconds: 3120, maxSeconds: 3600 });
  });

  it('measures time to restore from the failure verdict to Healthy again and marks it by the p90 against 30 minutes', () => {
    const fast = figures([aborted('a', daysAgo(5), { restored: 10 }), aborted('b', daysAgo(4), { restored: 20 })]);
    expect(fast.timeToRestore).toEqual({ count: 2, medianSeconds: 900, p90Seconds: 1140, maxSeconds: 1200, targetSeconds: DELIVERY_TARGETS.restoreSeconds, open: 0, mark: 'met' });
    const slow = figures([aborted('a', daysAgo(5), { restored: 10 }), aborted('b', daysAgo(4), { restored: 40 })]);
    expect(slow.timeToRestore).toMatchObject({ medianSeconds: 1500, p90Seconds: 2220, maxSeconds: 2400, mark: 'missed' });
  });

  it('given an abort not yet restored after 45 minutes, then it is counted open and the restore target is missed already', () => {
    const f = figures([aborted('a', daysAgo(5), { restored: 10 }), aborted('b', at(NOW, -45), { trafficReset: 0.2 })]);
    expect(f.timeToRestore).toMatchObject({ count: 1, open: 1, p90Seconds: 600, mark: 'missed' });
  });

  it('given an abort 5 minutes ago not yet restored, then it is open but nothing is marked on it yet', () => {
    const f = figures([aborted('b', at(NOW, -5), { trafficReset: 0.2 })]);
    expect(f.timeToRestore).toMatchObject({ count: 0, open: 1, mark: 'no data' });
  });

  it('splits rollback time into verdict → traffic reset, → revert on the remote, → GitOps healthy, marking the traffic reset against 2 minutes', () => {
    const f = figures([
      aborted('a', daysAgo(5), { trafficReset: 0.25, revert: 1, gitopsHealthy: 4, restored: 4 }),
      aborted('b', daysAgo(4), { trafficReset: 0.5, revert: 2 }),
    ]);
    expect(f.rollback.trafficReset).toEqual({ count: 2, medianSeconds: 22.5, p90Seconds: 28.5, maxSeconds: 30, targetSeconds: 120, mark: 'met' });
    expect(f.rollback.revertPushed).toEqual({ count: 2, medianSeconds: 90, p90Seconds: 114, maxSeconds: 120 });
    expect(f.rollback.gitopsHealthy).toEqual({ count: 1, medianSeconds: 240, p90Seconds: 240, maxSeconds: 240 });
  });

  it('misses the rollback target when the p90 traffic reset takes 2 minutes or more', () => {
    const f = figures([aborted('a', daysAgo(5), { trafficReset: 1 }), aborted('b', daysAgo(4), { trafficReset: 3 })]);
    expect(f.rollback.trafficReset.mark).toBe('missed');
  });

  it('reads the verdict time from finishedAt on records written before verdicts were recorded', () => {
    const { verdict: _verdict, ...legacy } = aborted('a', daysAgo(2), { trafficReset: 1, restored: 6 });
    const f = figures([legacy]);
    expect(f.deployments.aborted).toBe(1);
    expect(f.rollback.trafficReset.medianSeconds).toBe(60);
    expect(f.timeToRestore.medianSeconds).toBe(360);
  });

  it('leaves out durations whose end is before their start (clock skew) instead of counting them as negative', () => {
    const f = figures([aborted('a', daysAgo(2), { trafficReset: -1, restored: 6 })]);
    expect(f.rollback.trafficReset.count).toBe(0);
    expect(f.timeToRestore.count).toBe(1);
  });

  it('given a full history (10 records) whose oldest started 10 days ago, then the figures are truncated to those 10 days', () => {
    const history = Array.from({ length: 10 }, (_, i) => promoted(`p${i}`, daysAgo(9 - i), { startedMinutesBefore: 24 * 60 }));
    const f = figures(history);
    expect(f.truncated).toBe(true);
    expect(f.coveredSince).toBe(daysAgo(10));
    expect(f.days).toBeCloseTo(10, 10);
    expect(f.deploymentsPerDay).toBeCloseTo(1, 10);
  });

  it('given a history shorter than the bound, then it holds every release and is not truncated however recent it is', () => {
    const history = Array.from({ length: 9 }, (_, i) => promoted(`p${i}`, daysAgo(9 - i), { startedMinutesBefore: 24 * 60 }));
    const f = figures(history);
    expect(f.truncated).toBe(false);
    expect(f.days).toBe(30);
    expect(f.deploymentsPerDay).toBeCloseTo(9 / 30, 10);
  });

  it('given a full history whose oldest record started before since, then it is not truncated', () => {
    const history = Array.from({ length: 10 }, (_, i) => promoted(`p${i}`, daysAgo(40 - i * 4)));
    expect(figures(history).truncated).toBe(false);
  });

  it('honours the history bound it is told', () => {
    const history = [promoted('a', daysAgo(3)), promoted('b', daysAgo(2))];
    const f = rolloutFigures(rolloutWith('shop', 'web', history), { ...window, historyKept: 2 });
    expect(f.truncated).toBe(true);
    expect(f.coveredSince).toBe(at(daysAgo(3), -10));
  });
});

describe('namespaceFigures', () => {
  const web = rolloutWith('shop', 'web', [promoted('a', daysAgo(20)), aborted('b', daysAgo(3), { trafficReset: 0.5, restored: 10 })]);
  const cart = rolloutWith('shop', 'cart', [aborted('c', daysAgo(2), { trafficReset: 1.5, restored: 50 }), promoted('d', daysAgo(1))]);
  const pay = rolloutWith('pay', 'api', [promoted('e', daysAgo(1))]);

  it('sums deployments per namespace and sorts namespaces by name', () => {
    const result = namespaceFigures([web, pay, cart], window);
    expect(result.map((n) => [n.namespace, n.rollouts, n.deployments.total])).toEqual([['pay', 1, 1], ['shop', 2, 4]]);
    expect(result[1]?.changeFailureRate).toEqual({ ratio: 0.5, target: 0.05, mark: 'missed' });
  });

  it('takes medians over all releases of the namespace, not medians of the Rollouts medians', () => {
    const extra = rolloutWith('shop', 'extra', [aborted('x', daysAgo(4), { restored: 20 }), aborted('y', daysAgo(5), { restored: 30 })]);
    const shop = namespaceFigures([web, cart, extra], window)[0];
    // Restores of 10, 20, 30, 50 minutes: the median is 25 minutes; the Rollouts' medians (30, 10, 25) would give 25 too, so check p90 and max.
    expect(shop?.timeToRestore).toMatchObject({ count: 4, medianSeconds: 1500, p90Seconds: 2640, maxSeconds: 3000, mark: 'missed' });
  });

  it('names the truncated Rollouts and adds each Rollout’s own rate per day, so a short history does not dilute the others', () => {
    const busy = rolloutWith('shop', 'busy', Array.from({ length: 10 }, (_, i) => promoted(`p${i}`, daysAgo(4.5 - i / 2), { startedMinutesBefore: 12 * 60 })));
    const shop = namespaceFigures([web, busy], window)[0];
    expect(shop?.truncated).toBe(true);
    expect(shop?.truncatedRollouts).toEqual(['busy']);
    // web: 2 in 30 days; busy: 10 in the 5 days its history covers.
    expect(shop?.deploymentsPerDay).toBeCloseTo(2 / 30 + 10 / 5, 10);
    expect(shop?.coveredSince).toBe(daysAgo(5));
  });
});

describe('durations', () => {
  it('gives count only for no values, and the value itself as median, p90 and max for one', () => {
    expect(durations([])).toEqual({ count: 0 });
    expect(durations([42])).toEqual({ count: 1, medianSeconds: 42, p90Seconds: 42, maxSeconds: 42 });
  });

  it('interpolates between ranks: 1..10 has median 5.5 and p90 9.1', () => {
    const f = durations([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(f.medianSeconds).toBe(5.5);
    expect(f.p90Seconds).toBeCloseTo(9.1, 10);
    expect(f.maxSeconds).toBe(10);
  });
});
