// Specification of the Experiment an experiment step builds: which templates ask for a Service (Argo docs
// features/experiment.md "Weighted Experiment Step" and "Experiment Service Creation without Weight").
import { describe, expect, it } from 'vitest';
import type { RolloutExperimentTemplate } from '../resources/rollout.js';
import { canaryRollout } from '../resources/fixtures/rollouts.js';
import { buildStepExperiment } from './step-experiment.js';

function servicesOf(templates: RolloutExperimentTemplate[]): Array<[string, unknown]> {
  const rollout = canaryRollout();
  const effect = { type: 'createExperiment' as const, gate: 'Step-1', name: 'abc-step-1-1', step: { templates }, canaryHash: 'c1', stableHash: 's1' };
  const experiment = buildStepExperiment(rollout, effect, 'shop-abc-step-1-1', () => rollout.spec.template);
  return experiment.spec.templates.map((t) => [t.name, t.service]);
}

describe('buildStepExperiment: template Services', () => {
  it('given templates with weight, with service.name, with service: {} and with neither, then the first three ask for a Service and only the named one names it', () => {
    // @covers spec.strategy.canary.steps[].experiment.templates[].service
    // @covers spec.strategy.canary.steps[].experiment.templates[].service.name
    expect(
      servicesOf([
        { name: 'weighted', specRef: 'canary', weight: 10 },
        { name: 'named', specRef: 'stable', service: { name: 'preview' } },
        { name: 'default', specRef: 'stable', service: {} },
        { name: 'plain', specRef: 'canary' },
      ]),
    ).toEqual([['weighted', {}], ['named', { name: 'preview' }], ['default', {}], ['plain', undefined]]);
  });
});
