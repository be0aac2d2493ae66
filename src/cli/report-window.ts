// The window of `vane report --since`: how far back the figures go, as a count of weeks, days, hours or minutes.
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
const WINDOW = /^([1-9]\d{0,5})([wdhm])$/;

/** Parses `30d`, `2w`, `12h`, `90m` into milliseconds; anything else is a usage error naming what was given. */
export function parseReportWindow(text: string): number {
  const match = WINDOW.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`"${text}" is not a window: expected a positive whole number and a unit, w (weeks), d (days), h (hours) or m (minutes), e.g. 30d, 2w, 12h`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
