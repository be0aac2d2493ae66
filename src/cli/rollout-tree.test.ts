import { describe, expect, it } from 'vitest';
import type { RolloutDetail } from '../server/rollout-view.js';
import { renderRolloutTable, renderRolloutTree } from './rollout-tree.js';

const detail: RolloutDetail = {
  namespace: 'shop',
  name: 'web',
  strategy: 'canary',
  phase: 'Paused',
  message: 'waiting for promote',
  currentStepIndex: 1,
  stepCount: 3,
  weights: { canary: 20, stable: 80 },
  images: ['shop:2'],
  replicas: { desired: 4, ready: 4, updated: 1, available: 4 },
  services: { stable: 'web-stable', canary: 'web-canary' },
  steps: [
    { index: 0, type: 'setWeight', description: 'setWeight 20%', state: 'done' },
    { index: 1, type: 'pause', description: 'pause (until promoted)', state: 'current' },
    { index: 2, type: 'analysis', description: 'analysis error-rate', state: 'pending' },
  ],
  pauseConditions: [],
  replicaSets: [
    { name: 'web-new', role: 'canary', desired: 1, ready: 1, available: 1, images: ['shop:2'] },
    { name: 'web-old', role: 'stable', desired: 3, ready: 3, available: 3, images: ['shop:1'] },
  ],
  analysisRuns: [
    {
      name: 'web-new-bg',
      gate: 'background',
      phase: 'Running',
      metrics: [{ name: 'error-rate', phase: 'Running', count: 2, successful: 2, failed: 0, inconclusive: 0, error: 0, latest: { phase: 'Successful', startedAt: 't', value: '[0.002]' }, measurements: [{ phase: 'Successful', startedAt: 't', value: '[0.002]' }] }],
    },
  ],
  rollback: { reason: 'analysis failed', at: '2024-05-01T09:00:00Z', trafficReset: true, git: { state: 'Committed', commit: 'abc123', revertedCommit: 'def456' } },
  history: [],
  conditions: [],
  weightHistory: [],
  events: [{ type: 'Normal', reason: 'Paused', message: 'paused at step 2/3: waiting for promote or resume', time: '2024-05-01T10:00:00Z', count: 2 }],
};

describe('renderRolloutTree', () => {
  it('draws steps with the current one marked, ReplicaSets, analysis with its latest value, rollback and events', () => {
    const text = renderRolloutTree(detail);
    expect(text).toContain('Phase:      Paused — waiting for promote\n');
    expect(text).toContain('Steps:\n├── ✔ step 1/3: setWeight 20%\n├── ▶ step 2/3: pause (until promoted)   ◀ current\n└── · step 3/3: analysis error-rate\n');
    expect(text).toContain('ReplicaSets:\n├── web-new  canary  ready 1/1  shop:2\n└── web-old  stable  ready 3/3  shop:1\n');
    expect(text).toContain('AnalysisRuns:\n└── web-new-bg  Running  (background analysis)\n      error-rate: Running  ✔2 ✘0 ?0 !0  latest Successful value=[0.002]\n');
    expect(text).toContain('git: Committed commit abc123 (reverts def456)');
    expect(text).toContain('Paused  paused at step 2/3: waiting for promote or resume (x2)');
  });

  it('given a blue-green previous revision, then its line says when it scales down', () => {
    const replicaSets: RolloutDetail['replicaSets'] = [
      { name: 'web-new', role: 'active', desired: 4, ready: 4, available: 4, images: ['shop:2'] },
      { name: 'web-old', role: 'previous', desired: 4, ready: 4, available: 4, images: ['shop:1'], scaleDownAt: '2024-05-01T10:10:00Z' },
    ];
    const text = renderRolloutTree({ ...detail, strategy: 'blueGreen', steps: [], replicaSets });
    expect(text).toContain('ReplicaSets:\n├── web-new  active  ready 4/4  shop:2\n└── web-old  previous  ready 4/4  shop:1  scales down at 2024-05-01T10:10:00Z\n');
  });

  it('given a judge metric, then its latest judgement shows verdict and score, and one aligned row of reasoning per judged metric', () => {
    const judgement = {
      verdict: 'Failed',
      score: 33.333333,
      message: 'critical "latency-p95" is High',
      metrics: [
        { name: 'latency-p95', group: 'latency', classification: 'High', critical: true, statistic: 2550, pValue: 1.234567e-9, method: 'asymptotic', effectSize: 1.2, baselineMedian: 104, canaryMedian: 124.8, baselineCount: 102, canaryCount: 51 },
        { name: 'errors', group: 'errors', classification: 'NoData', critical: false, statistic: null, pValue: null, method: null, effectSize: null, baselineMedian: null, canaryMedian: 0.01, baselineCount: 0, canaryCount: 40, message: 'baseline has 0 samples, fewer than minSamples 10' },
      ],
    };
    const latest = { phase: 'Failed' as const, startedAt: 't', value: JSON.stringify(judgement) };
    const run = { name: 'web-judge', phase: 'Failed' as const, metrics: [{ name: 'canary-judgement', phase: 'Failed' as const, count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0, latest, measurements: [latest] }] };
    const text = renderRolloutTree({ ...detail, analysisRuns: [run] });
    expect(text).toContain(
      [
        '      canary-judgement: Failed  ✔0 ✘1 ?0 !0  latest Failed judgement Failed, score 33.33 — critical "latency-p95" is High',
        '        latency-p95   High (critical)   p=1.235e-9   effect=1.2   median 104 → 124.8   n=102/51',
        '        errors        NoData            p=-          effect=-     median - → 0.01      n=0/40  baseline has 0 samples, fewer than minSamples 10',
      ].join('\n'),
    );
    expect(text).not.toContain('value={');
  });

  it('says when the controller has not seen the latest spec yet', () => {
    expect(renderRolloutTree({ ...detail, generation: 3, observedGeneration: 2 })).toContain('(spec change not observed yet)');
  });
});

describe('renderRolloutTable', () => {
  it('aligns columns and adds NAMESPACE only for all namespaces', () => {
    const rows = renderRolloutTable([detail, { ...detail, name: 'api-long-name', phase: 'Healthy', weights: undefined, currentStepIndex: 3 }], true).split('\n');
    expect(rows[0]).toMatch(/^NAMESPACE\s+NAME\s+STRATEGY/);
    expect(rows[1]).toMatch(/^shop\s+web\s+canary\s+Paused\s+2\/3\s+20\s+4\/4$/);
    expect(rows[2]).toMatch(/^shop\s+api-long-name\s+canary\s+Healthy\s+done\s+-\s+4\/4$/);
    expect(rows[1]?.indexOf('canary')).toBe(rows[2]?.indexOf('canary'));
    expect(renderRolloutTable([detail], false)).toMatch(/^NAME\s+STRATEGY/);
  });
});
