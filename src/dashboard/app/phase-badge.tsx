// A rollout's or analysis' phase as text with an icon and a colour, so it never relies on colour alone.
import type { JSX } from 'preact';

const ICONS: Record<string, string> = {
  Healthy: '✓',
  Progressing: '◐',
  Paused: '‖',
  Degraded: '✕',
  Successful: '✓',
  Running: '◐',
  Pending: '○',
  Failed: '✕',
  Error: '!',
  Inconclusive: '?',
};

export function phaseIcon(phase: string | undefined): string {
  return (phase !== undefined ? ICONS[phase] : undefined) ?? '○';
}

/** The CSS class of a phase's colour: `phase-healthy`, `phase-degraded`, ... */
export function phaseClass(phase: string | undefined): string {
  return `phase-${(phase ?? 'unknown').toLowerCase()}`;
}

export function PhaseBadge(props: { phase: string | undefined; testId?: string }): JSX.Element {
  const phase = props.phase ?? 'Unknown';
  return (
    <span class={`phase ${phaseClass(props.phase)}`} data-testid={props.testId}>
      <span class="phase-icon" aria-hidden="true">
        {phaseIcon(props.phase)}
      </span>{' '}
      {phase}
    </span>
  );
}
