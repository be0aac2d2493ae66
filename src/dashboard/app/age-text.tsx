// A time shown as its age, with the absolute time on hover (title) and for machines (<time datetime>).
import type { JSX } from 'preact';
import { absoluteTime, formatAge, formatAgo } from './time-format.js';

export function AgeText(props: { at: string | undefined; now: number; ago?: boolean; testId?: string }): JSX.Element {
  const absolute = absoluteTime(props.at);
  const text = props.ago === false ? formatAge(props.at, props.now) : formatAgo(props.at, props.now);
  if (absolute === '') return <span data-testid={props.testId}>—</span>;
  return (
    <time dateTime={absolute} title={absolute} data-testid={props.testId}>
      {text}
    </time>
  );
}
