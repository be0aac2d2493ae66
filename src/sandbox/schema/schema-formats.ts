// String formats a CRD schema may declare, checked the way the apiserver's strfmt registry checks them.
import { isIPv4, isIPv6 } from 'node:net';

type FormatCheck = (value: string) => boolean;

const UUID_PATTERNS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  uuid3: /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  uuid4: /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i,
  uuid5: /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i,
};

const GO_DURATION = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const HUMAN_DURATION_PART = /(\d+)\s*([A-Za-zµ]+)/g;
const HUMAN_DURATION_UNITS = new Set([
  'ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'second', 'seconds', 'm', 'min', 'mins', 'minute', 'minutes',
  'h', 'hr', 'hrs', 'hour', 'hours', 'd', 'day', 'days', 'w', 'wk', 'wks', 'week', 'weeks',
]);

/** strfmt.ParseDuration: a Go duration, or "<n> <unit>" parts such as "3 days". */
function isDuration(value: string): boolean {
  if (GO_DURATION.test(value)) return true;
  const parts = [...value.matchAll(HUMAN_DURATION_PART)];
  return parts.length > 0 && parts.every((p) => HUMAN_DURATION_UNITS.has(p[2] ?? ''));
}

function isValidCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isValidCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The layouts strfmt.DateTime accepts: RFC 3339 with or without fraction, and ISO 8601 reduced forms. */
function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  if (!isValidCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const seconds = m[7] === undefined ? 0 : Number(m[7]);
  return Number(m[4]) < 24 && Number(m[5]) < 60 && seconds < 60;
}

function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  if (isIPv4(ip)) return Number(prefix) <= 32;
  return isIPv6(ip) && Number(prefix) <= 128;
}

const MAC = [
  /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i,
  /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){6}$/i,
  /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){18}$/i,
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){2}$/i,
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){3}$/i,
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){9}$/i,
];

function isIsbn10(value: string): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (s[i] === 'X' ? 10 : Number(s[i])) * (10 - i);
  return sum % 11 === 0;
}

function isIsbn13(value: string): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;

function isCreditCard(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return CREDIT_CARD.test(digits) && passesLuhn(digits);
}

const HOSTNAME_LABEL = /^[\p{L}\p{S}0-9]([\p{L}\p{S}0-9-]{0,61}[\p{L}\p{S}0-9])?$/u;

function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 255) return false;
  return value.replace(/\.$/, '').split('.').every((label) => HOSTNAME_LABEL.test(label));
}

const RGB_PART = '\\s*(0|[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-5])\\s*';
const RGB_COLOR = new RegExp(`^rgb\\(${RGB_PART},${RGB_PART},${RGB_PART}\\)$`);

const FORMAT_CHECKS: Record<string, FormatCheck> = {
  bsonobjectid: (v) => /^[0-9a-f]{24}$/i.test(v),
  uri: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(v) || /^\/[^\s]*$/.test(v),
  email: (v) => /^[^@\s<>]+@[^@\s<>]+$/.test(v) || /^[^<>]*<[^@\s<>]+@[^@\s<>]+>$/.test(v),
  hostname: isHostname,
  ipv4: (v) => isIPv4(v),
  ipv6: (v) => isIPv6(v),
  cidr: isCidr,
  mac: (v) => MAC.some((re) => re.test(v)),
  ...Object.fromEntries(Object.entries(UUID_PATTERNS).map(([k, re]) => [k, (v: string) => re.test(v)])),
  isbn: (v) => isIsbn10(v) || isIsbn13(v),
  isbn10: isIsbn10,
  isbn13: isIsbn13,
  creditcard: isCreditCard,
  ssn: (v) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(v),
  hexcolor: (v) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v),
  rgbcolor: (v) => RGB_COLOR.test(v),
  byte: (v) => /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v.replace(/[\r\n]/g, '')),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/** The apiserver drops formats outside this registry (int32, int64, double, ...) before validating. */
function normalizeFormat(format: string): string {
  return format.replace(/-/g, '').toLowerCase();
}

/** Whether the apiserver validates this format at all. */
export function isKnownFormat(format: string | undefined): boolean {
  return format !== undefined && format !== '' && normalizeFormat(format) in FORMAT_CHECKS;
}

/** Whether `value` is valid for a known `format`; unknown formats accept everything. */
export function matchesFormat(format: string, value: string): boolean {
  const check = FORMAT_CHECKS[normalizeFormat(format)];
  return check === undefined || check(value);
}
