// Scenarios for a Rollout analysis reference's dryRun, measurementRetention and analysisRunMetadata: taken into the
// plan from the spec and carried by every gate's createAnalysisRun, so the run is built with them.
// @covers spec.strategy.canary.analysis.dryRun
// @covers spec.strategy.canary.analysis.dryRun[].metricName
// @covers spec.strategy.canary.analysis.measurementRetention
// @covers spec.strategy.canary.analysis.measurementRetention[].metricName
// @covers spec.strategy.canary.analysis.measurementRetention[].limit
// @covers spec.strategy.canary.analysis.analysisRunMetadata
// @covers spec.strategy.canary.analysis.analysisRunMetadata.labels
// @covers spec.strategy.canary.analysis.analysisRunMetadata.annotations
// @covers spec.strategy.blueGreen.prePromotionAnalysis.dryRun
// @covers spec.strategy.blueGreen.prePromotionAnalysis.dryRun[].metricName
// @covers spec.strategy.blueGreen.prePromotionAnalysis.measurementRetention
// @covers spec.strategy.blueGreen.prePromotionAnalysis.measurementRetention[].metricName
// @covers spec.strategy.blueGreen.prePromotionAnalysis.measurementRetention[].limit
// @covers spec.strategy.blueGreen.prePromotionAnalysis.analysisRunMetadata
// @covers spec.strategy.blueGreen.prePromotionAnalysis.analysisRunMetadata.labels
// @covers spec.strategy.blueGreen.prePromotionAnalysis.analysisRunMetadata.annotations
// @covers spec.strategy.blueGreen.postPromotionAnalysis.dryRun
// @covers spec.strategy.blueGreen.postPromotionAnalysis.dryRun[].metricName
// @covers spec.strategy.blueGreen.postPromotionAnalysis.measurementRetention
// @covers spec.strategy.blueGreen.postPromotionAnalysis.measurementRetention[].metricName
// @covers spec.strategy.blueGreen.postPromotionAnalysis.measurementRetention[].limit
// @covers spec.strategy.blueGreen.postPromotionAnalysis.analysisRunMetadata
// @covers spec.strategy.blueGreen.postPromotionAnalysis.analysisRunMetadata.labels
// @covers spec.strategy.blueGreen.postPromotionAnalysis.analysisRunMetadata.annotations
import { describe, expect, it } from 'vitest';
import type { AnalysisRunOptions, RolloutAnalysis, RolloutSpec } from '../resources/rollout.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import { planFromSpec, type BlueGreenPlan, type CanaryPlan } from './rollout-plan.js';

const options = (gate: string): AnalysisRunOptions => ({
  dryRun: [{ metricName: `${gate}-.*` }],
  measurementRetention: [{ metricName: '.*', limit: 20 }],
  analysisRunMetadata: { labels: { gate }, annotations: { 'example.com/gate': gate } },
});
const ref = (templateName: string, gate: string): RolloutAnalysis => ({ templates: [{ templateName }], ...options(gate) });
const base: Omit<RolloutSpec, 'strategy'> = { selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } } };

describe('a canary whose analysis references set run options', () => {
  it('given background and step analysis with options, when a revision starts, then each createAnalysisRun carries its own reference\'s options', () => {
    const plan = planFromSpec({
      ...base,
      strategy: { canary: { steps: [{ setWeight: 20 }, { analysis: ref('latency', 'step') }], analysis: { ...ref('error-rate', 'background'), startingStep: 1 }, trafficRouting: { smi: {} } } },
    }) as CanaryPlan;
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.ready('h2');
    const runs = s.effectsOf('createAnalysisRun');
    expect(runs.map((e) => [e.gate, e.options])).toEqual([
      ['background', options('background')],
      ['1', options('step')],
    ]);
  });

  it('given a reference without options, then its createAnalysisRun has none (the plan is unchanged for specs that set none)', () => {
    const plan = planFromSpec({ ...base, strategy: { canary: { steps: [{ analysis: { templates: [{ templateName: 'latency' }] } }] } } }) as CanaryPlan;
    expect(plan.steps[0]).toEqual({ kind: 'analysis', analysis: { templates: [{ templateName: 'latency' }], args: [] } });
  });
});

describe('a blue-green whose promotion analysis references set run options', () => {
  it('given pre- and post-promotion analysis with options, when each gate starts, then its createAnalysisRun carries them', () => {
    const plan = planFromSpec({
      ...base,
      strategy: { blueGreen: { activeService: 'shop', autoPromotionEnabled: false, prePromotionAnalysis: ref('smoke', 'pre'), postPromotionAnalysis: ref('error-rate', 'post') } },
    }) as BlueGreenPlan;
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.at(20).ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => [e.gate, e.options])).toEqual([['prePromotion', options('pre')]]);
    s.at(30).analysis('prePromotion', 'Successful');
    s.at(40).command('promote');
    s.at(50).ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => [e.gate, e.options])).toEqual([['postPromotion', options('post')]]);
  });
});
