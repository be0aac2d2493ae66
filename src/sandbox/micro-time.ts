// metav1.MicroTime as the apiserver decodes it: RFC 3339 with exactly six fractional digits (Go's layout
// "2006-01-02T15:04:05.000000Z07:00"), served in UTC. Anything else fails decoding with Go's time.Parse error,
// which the apiserver passes on in a 400.

export const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

export type MicroTimeResult = { ok: true; value: string } | { ok: false; error: string };

/** One element of the layout: what Go names it in errors, and how much of the value it consumes. */
interface LayoutElement {
  name: string;
  /** Characters consumed, or undefined when the value does not fit the element. */
  take(rest: string): number | undefined;
}

const digits = (n: number): LayoutElement['take'] => (rest) => (new RegExp(`^\\d{${n}}`).test(rest) ? n : undefined);
const literal = (text: string): LayoutElement => ({ name: text, take: (rest) => (rest.startsWith(text) ? text.length : undefined) });

const ELEMENTS: readonly LayoutElement[] = [
  { name: '2006', take: digits(4) },
  literal('-'),
  { name: '01', take: digits(2) },
  literal('-'),
  { name: '02', take: digits(2) },
  literal('T'),
  { name: '15', take: digits(2) },
  literal(':'),
  { name: '04', take: digits(2) },
  literal(':'),
  { name: '05', take: digits(2) },
  { name: '.000000', take: (rest) => (/^[.,]\d{6}/.test(rest) ? 7 : undefined) },
  { name: 'Z07:00', take: (rest) => (rest.startsWith('Z') ? 1 : /^[+-]\d{2}:\d{2}/.test(rest) ? 6 : undefined) },
];

const RANGES: ReadonlyArray<readonly [name: string, index: number, min: number, max: number]> = [
  ['month', 1, 1, 12],
  ['hour', 3, 0, 23],
  ['minute', 4, 0, 59],
  ['second', 5, 0, 59],
];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The Go error for a value outside a field's range, or undefined. */
function rangeError(parts: number[]): string | undefined {
  for (const [name, index, min, max] of RANGES) {
    const n = parts[index] ?? 0;
    if (n < min || n > max) return `${name} out of range`;
  }
  const [year = 0, month = 1, day = 0] = parts;
  if (day < 1 || day > daysIn(year, month)) return 'day out of range';
  return undefined;
}

/** The instant in UTC with the six fractional digits kept (Date alone would round to milliseconds). */
function toUtc(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})[.,](\d{6})(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = m;
  if (zone === 'Z') return `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction}Z`;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** Parses a MicroTime as Go's time.Parse with the MicroTime layout would, with Go's error text on failure. */
export function parseMicroTime(text: string): MicroTimeResult {
  const quoted = JSON.stringify(text);
  let rest = text;
  for (const element of ELEMENTS) {
    const taken = element.take(rest);
    if (taken === undefined) {
      return { ok: false, error: `parsing time ${quoted} as ${JSON.stringify(MICRO_TIME_LAYOUT)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(element.name)}` };
    }
    rest = rest.slice(taken);
  }
  const parts = [0, 5, 8, 11, 14, 17].map((start, i) => Number(text.slice(start, start + (i === 0 ? 4 : 2))));
  const outOfRange = rangeError(parts);
  if (outOfRange) return { ok: false, error: `parsing time ${quoted}: ${outOfRange}` };
  if (rest !== '') return { ok: false, error: `parsing time ${quoted}: extra text: ${JSON.stringify(rest)}` };
  return { ok: true, value: toUtc(text) };
}

/** Decodes a JSON value (not null: that is the zero time, left alone) into a MicroTime field. */
export function decodeMicroTime(value: unknown): MicroTimeResult {
  if (typeof value !== 'string') return { ok: false, error: `json: cannot unmarshal ${goJsonKind(value)} into Go value of type string` };
  return parseMicroTime(value);
}

function goJsonKind(value: unknown): string {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? 'array' : 'object';
}
