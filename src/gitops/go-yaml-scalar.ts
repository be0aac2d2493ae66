// How Go GitOps tools type a plain (unquoted) YAML scalar, and how Go prints the numbers that come out of it.
//
// Helm, Argo CD, kustomize and kubectl read YAML through sigs.k8s.io/yaml, which decodes with go-yaml v2 (YAML 1.1
// typing of plain scalars: `yes` is a bool, `1.10` a float, `010` octal 8) before converting to JSON. The rules below
// follow go-yaml v2's resolve.go (`resolve`, its `resolveTable` hints and `resolveMap`) and Go's strconv; quoted
// scalars are never typed (decode.go `scalar`: a node that is not implicit and has no tag is a !!str).

/** What go-yaml v2 makes of a plain scalar. */
export type GoYamlScalar =
  | { type: 'str'; value: string }
  | { type: 'null' }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number };

/** resolve.go `resolveMap`: the words typed by lookup alone (YAML 1.1 booleans, nulls, infinities, NaN). */
const WORDS: ReadonlyMap<string, GoYamlScalar> = new Map<string, GoYamlScalar>([
  ...words(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'], { type: 'bool', value: true }),
  ...words(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'], { type: 'bool', value: false }),
  ...words(['', '~', 'null', 'Null', 'NULL'], { type: 'null' }),
  ...words(['.nan', '.NaN', '.NAN'], { type: 'float', value: Number.NaN }),
  ...words(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'], { type: 'float', value: Number.POSITIVE_INFINITY }),
  ...words(['-.inf', '-.Inf', '-.INF'], { type: 'float', value: Number.NEGATIVE_INFINITY }),
]);

function words(spellings: string[], scalar: GoYamlScalar): Array<[string, GoYamlScalar]> {
  return spellings.map((spelling) => [spelling, scalar]);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** resolve.go `yamlStyleFloat`, tried on the text with underscores removed. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseInt(s, 0, 64) syntax: sign, then 0x / 0b / 0o / leading-0 octal or decimal digits. */
const GO_INT_BASE_0 = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
/** strconv.ParseFloat syntax for text starting with '.': digits, underscores only between digits (underscoreOK). */
const GO_FLOAT_FROM_DOT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;

/**
 * resolve.go `resolve` for an untagged plain scalar. The first character picks what is tried (`resolveTable`):
 * `+ - 0-9` a number, `.` a float, `y n t f o ~` (and the empty string) only the words above; anything else is a string.
 * A timestamp-looking value (`2024-01-01`) is tried first for `+ - 0-9` but decoding into an interface{} keeps it as
 * its text (decode.go), so it ends a string like every other text that is not a number.
 */
export function resolvePlainScalar(text: string): GoYamlScalar {
  const word = WORDS.get(text);
  if (word) return word;
  const first = text[0] ?? '';
  if (first === '.') return goFloatFromDot(text) ?? { type: 'str', value: text };
  if (!/[-+0-9]/.test(first)) return { type: 'str', value: text };
  return goNumber(text.replace(/_/g, '')) ?? { type: 'str', value: text };
}

/** The 'D' / 'S' branch: ParseInt(s, 0, 64), then ParseUint(s, 0, 64), then a YAML-style float, then a `0b` binary. */
function goNumber(plain: string): GoYamlScalar | undefined {
  const integer = parseGoInt(plain);
  if (integer !== undefined) return { type: 'int', value: integer };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat reports overflow (±Inf) as an error, and resolve then keeps the text as a string.
    if (Number.isFinite(value)) return { type: 'float', value };
  }
  if (plain.startsWith('0b')) {
    const binary = parseBinary(plain.slice(2));
    if (binary !== undefined) return { type: 'int', value: binary };
  }
  return undefined;
}

/** strconv.ParseInt(s, 0, 64) when in range, else strconv.ParseUint(s, 0, 64) (which takes no sign). */
function parseGoInt(plain: string): bigint | undefined {
  const match = GO_INT_BASE_0.exec(plain);
  if (!match) return undefined;
  const [, sign = '', digits = ''] = match;
  // A leading 0 followed by digits is octal in Go's base-0 syntax; BigInt wants the 0o prefix spelled out.
  const literal = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const magnitude = BigInt(literal);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return sign === '' && value <= UINT64_MAX ? value : undefined;
}

/** resolve.go's fallback for `0b`: strconv.ParseInt(rest, 2, 64) (a sign allowed after the prefix), then ParseUint. */
function parseBinary(rest: string): bigint | undefined {
  const match = /^([+-]?)([01]+)$/.exec(rest);
  if (!match) return undefined;
  const [, sign = '', digits = ''] = match;
  const magnitude = BigInt(`0b${digits}`);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return sign === '' && value <= UINT64_MAX ? value : undefined;
}

/** The '.' branch: strconv.ParseFloat(s, 64) on the text as written (underscores between digits allowed). */
function goFloatFromDot(text: string): GoYamlScalar | undefined {
  if (!GO_FLOAT_FROM_DOT.test(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isFinite(value) ? { type: 'float', value } : undefined;
}

/**
 * strconv.FormatFloat(value, 'g', -1, bits), which is also what fmt's %v prints for a float (print.go `fmtFloat`:
 * `case 'v': p.fmt.fmtFloat(v, size, 'g', -1)`). With the shortest precision, ftoa.go `formatDigits` switches to
 * %e when the decimal exponent is < -4 or >= 6 ("if precision was the shortest possible, use precision 6 for this
 * decision"), so 1234567 prints as 1.234567e+06 and 100000 as 100000. Exponents have at least two digits.
 */
export function formatGoFloat(value: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const negative = value < 0 || Object.is(value, -0);
  const { digits, pointAt } = shortestDigits(Math.abs(value), bits);
  const body = digits === '' ? '0' : layoutG(digits, pointAt);
  return negative ? `-${body}` : body;
}

/** The shortest decimal digits that read back as `value`, with the position of the decimal point (Go's `dp`). */
function shortestDigits(value: number, bits: 32 | 64): { digits: string; pointAt: number } {
  if (value === 0) return { digits: '', pointAt: 0 };
  // ECMAScript's Number-to-string picks the shortest digits that round-trip, the closest when several do: the same
  // digits as Go's shortest formatting of a float64.
  const exponential = bits === 64 ? value.toExponential() : shortestFloat32(value);
  const [mantissa = '', exponent = '0'] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, pointAt: Number(exponent) + 1 };
}

/**
 * The fewest significant digits that read back as the same float32. Among candidates of that length this takes the
 * one closest to the value, as Go does; only at a power of two, where the interval of float32 neighbours is lopsided,
 * could Go find a farther one of the same length.
 */
function shortestFloat32(value: number): string {
  const single = Math.fround(value);
  for (let precision = 1; precision < 9; precision += 1) {
    const candidate = single.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) === single) return candidate;
  }
  return single.toExponential(8);
}

/** ftoa.go `formatDigits` for 'g' with the shortest precision: %e or %f by the exponent, trailing zeros never added. */
function layoutG(digits: string, pointAt: number): string {
  const exponent = pointAt - 1;
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${digits[0] ?? '0'}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  if (digits.length <= pointAt) return digits + '0'.repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
