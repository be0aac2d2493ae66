// One row of the rollouts list: a link to the rollout with its phase, step, weight, images, age and last message.
import type { JSX } from 'preact';
import type { RolloutSummary } from './api-types.js';
import { AgeText } from './age-text.js';
import { rolloutHref } from './hash-route.js';
import { PhaseBadge } from './phase-badge.js';
import { imagesText, stepText, weightText } from './rollout-text.js';

export function RolloutRow(props: { rollout: RolloutSummary; now: number }): JSX.Element {
  const { rollout, now } = props;
  const phase = rollout.phase ?? 'Unknown';
  return (
    <a
      class="rollout-row"
      href={rolloutHref(rollout.namespace, rollout.name)}
      data-testid="rollout-row"
      data-namespace={rollout.namespace}
      data-name={rollout.name}
      data-phase={phase}
    >
      <span class="cell cell-name">
        <span class="row-namespace">{rollout.namespace}/</span>
        <strong>{rollout.name}</strong>
      </span>
      <span class="cell cell-phase">
        <PhaseBadge phase={rollout.phase} testId="row-phase" />
      </span>
      <span class="cell cell-step" title="current step of total">
        <span class="cell-label">step </span>
        <span data-testid="row-step">{stepText(rollout)}</span>
      </span>
      <span class="cell cell-weight" title="canary traffic weight">
        <span class="cell-label">weight </span>
        <span data-testid="row-weight">{weightText(rollout)}</span>
      </span>
      <span class="cell cell-images" data-testid="row-images" title={imagesText(rollout)}>
        {imagesText(rollout)}
      </span>
      <span class="cell cell-age">
        <AgeText at={rollout.createdAt} now={now} ago={false} testId="row-age" />
      </span>
      <span class="cell cell-message">
        <span data-testid="row-message" title={rollout.message ?? ''}>
          {rollout.message ?? ''}
        </span>{' '}
        {rollout.updatedAt !== undefined && (
          <span class="muted">
            · <AgeText at={rollout.updatedAt} now={now} />
          </span>
        )}
      </span>
    </a>
  );
}
