// Cuts every `"managedFields": …` member out of JSON text before it is parsed, so a list page or watch event whose
// reader never looks at the API server's write bookkeeping does not build (and then collect) it: it is often more than
// half of an object's text (docs/adr/0016-scale-in-one-process.md).

const KEY = '"managedFields"';
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Returns `text` without any object member named `managedFields`, at any depth, so that `JSON.parse` of the result
 * equals `JSON.parse(text)` with that key deleted from every object. Text without the key is returned as is (one
 * native substring search); text that is not JSON, or that the scanner cannot follow, is returned unchanged so that
 * `JSON.parse` reports the server's own text. A key spelled with escapes (`"managedF\u0069elds"`, which no API server
 * writes) is left in place; readers that must not see managedFields still trim after parsing (cache-trim.ts).
 *
 * Why a match can be judged where it stands, without scanning every string from the start: in JSON text a quote that
 * follows an even number of backslashes delimits a string, and a closing delimiter can only be followed by space,
 * `:`, `,`, `}` or `]` — never by `m`. So an unescaped `"managedFields"` opens a string whose whole text is
 * `managedFields`, and it is a member name exactly when a colon follows. Quotes inside string values are escaped, so
 * an annotation that mentions `"managedFields":` is never mistaken for the key.
 */
export function excludeManagedFields(text: string): string {
  let at = text.indexOf(KEY);
  if (at < 0) return text;
  const parts: string[] = [];
  let copiedTo = 0;
  while (at >= 0) {
    const member = memberAt(text, at, copiedTo);
    if (member === 'malformed') return text;
    if (member === undefined) {
      at = text.indexOf(KEY, at + KEY.length);
      continue;
    }
    parts.push(text.slice(copiedTo, member.start));
    copiedTo = member.end;
    at = text.indexOf(KEY, member.end);
  }
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

interface Span {
  /** First character to drop. */
  start: number;
  /** First character to keep after the drop. */
  end: number;
}

/**
 * The span that removing the member whose name starts at `keyAt` takes out, with one separating comma; undefined when
 * the match is not a member name (escaped, or a string value), 'malformed' when the text stops making sense. Text
 * before `copiedTo` is already dropped: a member right after a dropped first member is now the first.
 */
function memberAt(text: string, keyAt: number, copiedTo: number): Span | undefined | 'malformed' {
  // An escaped quote is the inside of a longer name that ends in managedFields: `"x\"managedFields":`.
  if (!isUnescaped(text, keyAt)) return undefined;
  const colon = skipSpace(text, keyAt + KEY.length);
  if (text.charCodeAt(colon) !== COLON) return undefined;
  const valueEnd = skipValue(text, skipSpace(text, colon + 1));
  if (valueEnd < 0) return 'malformed';
  // Not the first member: take the comma before it. The first: take the comma after it (none if it is alone).
  const before = skipSpaceBackwards(text, keyAt - 1);
  if (before < 0) return 'malformed';
  if (before >= copiedTo && text.charCodeAt(before) === COMMA) return { start: before, end: valueEnd };
  if (before >= copiedTo && text.charCodeAt(before) !== OPEN_BRACE) return 'malformed';
  const after = skipSpace(text, valueEnd);
  return { start: keyAt, end: text.charCodeAt(after) === COMMA ? after + 1 : valueEnd };
}

/** Whether the quote at `at` follows an even number of backslashes, i.e. delimits a string. */
function isUnescaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function skipSpaceBackwards(text: string, from: number): number {
  let i = from;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return i;
}

/** The index just past the string whose opening quote is at `from`, or -1 if it never closes. */
function skipString(text: string, from: number): number {
  let close = text.indexOf('"', from + 1);
  while (close >= 0 && !isUnescaped(text, close)) close = text.indexOf('"', close + 1);
  return close < 0 ? -1 : close + 1;
}

/**
 * The index just past the JSON value that starts at `from`, or -1 if it does not end. Arrays and objects are
 * balanced with strings jumped over whole, so brackets inside strings do not count; scalars end at the next space,
 * comma or closing bracket (their own validity is JSON.parse's to judge).
 */
function skipValue(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first === QUOTE) return skipString(text, from);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return skipScalar(text, from);
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
    i++;
    if (depth === 0) return i;
  }
  return -1;
}

function skipScalar(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isSpace(code)) break;
    i++;
  }
  return i === from ? -1 : i;
}
