// The counts a canary without a router moves through: the split nearest the weight, reached within maxSurge and
// maxUnavailable. Cases are the behaviour Argo Rollouts specifies for its basic canary (docs features/canary/index.md,
// "maxSurge" / "maxUnavailable"), written here as observed ReplicaSets and the counts expected next.
import { describe, expect, it } from 'vitest';
import { basicCanarySplit } from '../machine/canary-replicas.js';
import { resolveSurgeBounds } from '../machine/surge-bounds.js';
import type { IntOrString } from '../resources/meta.js';
import { nextBasicCanaryCounts, type ObservedCounts } from './basic-canary-scaling.js';

interface Case {
  name: string;
  replicas: number;
  weight: number;
  surge: IntOrString;
  unavailable: IntOrString;
  stable: [spec: number, available: number];
  canary: [spec: number, available: number];
  older?: [spec: number, available: number];
  expected: { stable: number; canary: number };
}

const cases: Case[] = [
  { name: 'surge as a count lets the canary come up beside a full stable', replicas: 10, weight: 20, surge: 2, unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'surge as a percentage (20% of 10) does the same', replicas: 10, weight: 20, surge: '20%', unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'once the canary is available, the extra stable pods go', replicas: 10, weight: 20, surge: '20%', unavailable: 0, stable: [10, 10], canary: [2, 2], expected: { stable: 8, canary: 2 } },
  { name: 'the canary never grows past the surge', replicas: 10, weight: 30, surge: 2, unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'without surge, stable shrinks first by maxUnavailable', replicas: 10, weight: 20, surge: 0, unavailable: 2, stable: [10, 10], canary: [0, 0], expected: { stable: 8, canary: 0 } },
  { name: 'without surge, stable never shrinks past maxUnavailable', replicas: 10, weight: 30, surge: 0, unavailable: 2, stable: [10, 10], canary: [0, 0], expected: { stable: 8, canary: 0 } },
  { name: 'surge and unavailability are both used in one move', replicas: 10, weight: 50, surge: 2, unavailable: 1, stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 2 } },
  { name: 'a weight of 0 takes the canary away', replicas: 10, weight: 0, surge: 1, unavailable: 1, stable: [10, 10], canary: [1, 1], expected: { stable: 10, canary: 0 } },
  { name: 'a weight of 100 takes stable away', replicas: 10, weight: 100, surge: 1, unavailable: 1, stable: [1, 1], canary: [10, 10], expected: { stable: 0, canary: 10 } },
  { name: 'a single pod with surge gets a canary pod at 20%', replicas: 1, weight: 20, surge: 1, unavailable: 0, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 1 } },
  { name: 'a single pod without surge keeps stable below 50%', replicas: 1, weight: 49, surge: 0, unavailable: 1, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 0 } },
  { name: 'a single pod without surge gives up stable first at 51%', replicas: 1, weight: 51, surge: 0, unavailable: 1, stable: [1, 1], canary: [0, 0], expected: { stable: 0, canary: 0 } },
  { name: 'stable grows back before the canary when an older ReplicaSet holds pods', replicas: 10, weight: 30, surge: 1, unavailable: 0, stable: [1, 1], canary: [0, 0], older: [3, 3], expected: { stable: 7, canary: 1 } },
  { name: 'canary and stable both shrink towards the split within maxUnavailable', replicas: 10, weight: 30, surge: 0, unavailable: 3, stable: [8, 5], canary: [4, 4], expected: { stable: 7, canary: 3 } },
  { name: 'unavailable stable pods may go while the canary covers availability', replicas: 10, weight: 100, surge: 1, unavailable: 0, stable: [10, 2], canary: [10, 8], expected: { stable: 2, canary: 9 } },
  { name: 'nothing shrinks while an older ReplicaSet still has pods', replicas: 10, weight: 30, surge: 0, unavailable: 1, stable: [8, 6], canary: [4, 2], older: [3, 3], expected: { stable: 8, canary: 4 } },
  { name: 'an uneven weight never rounds past a surge of 0 (first stable gives a pod)', replicas: 10, weight: 5, surge: 0, unavailable: 1, stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 0 } },
  { name: 'an uneven weight never rounds past a surge of 0 (then the canary takes it)', replicas: 10, weight: 5, surge: 0, unavailable: 1, stable: [9, 9], canary: [0, 0], expected: { stable: 9, canary: 1 } },
  { name: 'when 0% and 0% both round to 0, one pod may be unavailable', replicas: 10, weight: 10, surge: '0%', unavailable: '0%', stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 0 } },
  { name: 'surge is honoured while stable is unavailable', replicas: 4, weight: 100, surge: 1, unavailable: 0, stable: [4, 1], canary: [0, 0], expected: { stable: 4, canary: 1 } },
  { name: 'stable shrinks to the unavailability allowed without passing the surge', replicas: 3, weight: 99, surge: 0, unavailable: 2, stable: [3, 3], canary: [0, 0], expected: { stable: 1, canary: 0 } },
  { name: 'then the canary fills the room', replicas: 3, weight: 99, surge: 0, unavailable: 2, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 2 } },
  { name: 'stable shrinks by one at a time when maxUnavailable is 0', replicas: 4, weight: 100, surge: 1, unavailable: 0, stable: [4, 1], canary: [1, 1], expected: { stable: 3, canary: 1 } },
  { name: 'going back to 0% surges stable before the canary loses a pod', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [0, 0], canary: [4, 4], expected: { stable: 1, canary: 4 } },
  { name: 'going back to 0%, the canary waits for the surged stable pod to be available', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [1, 0], canary: [4, 4], expected: { stable: 1, canary: 4 } },
  { name: 'going back to 0%, the canary then gives up one pod', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [1, 1], canary: [4, 4], expected: { stable: 1, canary: 3 } },
];

function observed(hash: string, [replicas, available]: [number, number], createdAt: string): ObservedCounts {
  return { hash, replicas, available, createdAt };
}

describe('basic canary scaling', () => {
  for (const c of cases) {
    it(`given ${c.replicas} replicas at ${c.weight}%, maxSurge ${c.surge}, maxUnavailable ${c.unavailable}: ${c.name}`, () => {
      const bounds = resolveSurgeBounds(c.surge, c.unavailable, c.replicas);
      const split = basicCanarySplit(c.replicas, c.weight, bounds.surge);
      const replicaSets = [observed('stable', c.stable, '2026-01-02'), observed('canary', c.canary, '2026-01-03')];
      if (c.older) replicaSets.push(observed('older', c.older, '2026-01-01'));
      const next = nextBasicCanaryCounts({
        replicas: c.replicas,
        bounds,
        targets: [{ hash: 'stable', replicas: split.stable }, { hash: 'canary', replicas: split.canary }],
        replicaSets,
      });
      expect({ stable: next.find((t) => t.hash === 'stable')?.replicas, canary: next.find((t) => t.hash === 'canary')?.replicas }).toEqual(c.expected);
    });
  }

  it('given an older ReplicaSet beside a full, available pair, then it shrinks by what availability allows, newest first', () => {
    const bounds = resolveSurgeBounds(3, 1, 10);
    const next = nextBasicCanaryCounts({
      replicas: 10,
      bounds,
      targets: [{ hash: 'new', replicas: 10 }],
      replicaSets: [observed('new', [10, 10], '2026-01-03'), observed('old', [3, 3], '2026-01-01'), observed('mid', [2, 2], '2026-01-02')],
    });
    // 15 available, at least 9 must stay: 6 may go, the newer older one first.
    expect(next).toEqual([{ hash: 'new', replicas: 10 }, { hash: 'old', replicas: 0 }, { hash: 'mid', replicas: 0 }]);
  });

  it('given older ReplicaSets whose pods are not available, then those pods go at once whatever the bound', () => {
    const next = nextBasicCanaryCounts({
      replicas: 4,
      bounds: resolveSurgeBounds(1, 0, 4),
      targets: [{ hash: 'new', replicas: 4 }],
      replicaSets: [observed('new', [4, 3], '2026-01-02'), observed('old', [2, 1], '2026-01-01')],
    });
    // 4 available, at least 4 must stay: only the unavailable pod of `old` goes.
    expect(next).toEqual([{ hash: 'new', replicas: 4 }, { hash: 'old', replicas: 1 }]);
  });
});

describe('the split nearest the weight', () => {
  it.each([
    [10, 10, 3, { canary: 1, stable: 9 }],
    [10, 5, 3, { canary: 1, stable: 10 }],
    [10, 5, 0, { canary: 1, stable: 9 }],
    [3, 50, 0, { canary: 2, stable: 1 }],
    [10, 100, 3, { canary: 10, stable: 0 }],
    [10, 0, 3, { canary: 0, stable: 10 }],
    [0, 50, 1, { canary: 0, stable: 0 }],
  ])('given %i replicas at %i%% with a surge of %i, then the split is %o', (replicas, weight, surge, expected) => {
    expect(basicCanarySplit(replicas, weight, surge)).toEqual(expected);
  });
});

/** Every pass until nothing moves, with each pass's pods available by the next (the fastest a cluster can go). */
function trace(replicas: number, surge: IntOrString, unavailable: IntOrString, weight: number, from: [stable: number, canary: number]): Array<[number, number]> {
  const bounds = resolveSurgeBounds(surge, unavailable, replicas);
  const split = basicCanarySplit(replicas, weight, bounds.surge);
  let [stable, canary] = from;
  const seen: Array<[number, number]> = [[stable, canary]];
  for (let pass = 0; pass < 20; pass++) {
    const next = nextBasicCanaryCounts({
      replicas,
      bounds,
      targets: [{ hash: 's', replicas: split.stable }, { hash: 'c', replicas: split.canary }],
      replicaSets: [observed('s', [stable, stable], '1'), observed('c', [canary, canary], '2')],
    });
    const s = next.find((t) => t.hash === 's')?.replicas ?? 0;
    const c = next.find((t) => t.hash === 'c')?.replicas ?? 0;
    if (s === stable && c === canary) break;
    [stable, canary] = [s, c];
    seen.push([stable, canary]);
  }
  return seen;
}

describe('the moves of a step, pass by pass', () => {
  it('given 10 pods, maxSurge 25% and maxUnavailable 0, then the canary surges first and stable follows once it is available', () => {
    expect(trace(10, '25%', 0, 20, [10, 0])).toEqual([[10, 0], [10, 2], [8, 2]]);
    expect(trace(10, '25%', 0, 50, [8, 2])).toEqual([[8, 2], [8, 5], [5, 5]]);
    expect(trace(10, '25%', 0, 100, [5, 5])).toEqual([[5, 5], [5, 8], [2, 8], [2, 10], [0, 10]]);
  });

  it('given 10 pods, maxSurge 0 and maxUnavailable 1, then one stable pod goes before each canary pod comes', () => {
    expect(trace(10, 0, 1, 20, [10, 0])).toEqual([[10, 0], [9, 0], [9, 1], [8, 1], [8, 2]]);
    expect(trace(10, 0, 1, 100, [8, 2])).toEqual([[8, 2], [7, 2], [7, 3], [6, 3], [6, 4], [5, 4], [5, 5], [4, 5], [4, 6], [3, 6], [3, 7], [2, 7], [2, 8], [1, 8], [1, 9], [0, 9], [0, 10]]);
  });
});
