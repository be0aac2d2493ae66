// Collects field errors while reading an untrusted object: typed reads that report instead of throwing.
import { isDuration, parseDuration } from './duration.js';
import type { FieldError } from './field-error.js';
import { INT32_MAX, MAX_DURATION_MS, MAX_DURATION_SECONDS, nameProblem, type NameRule } from './kube-bounds.js';

export type Fields = Record<string, unknown>;

export interface Presence {
  required?: boolean;
}

export interface IntegerBounds extends Presence {
  min?: number;
  /** Defaults to INT32_MAX: every count in a Kubernetes spec is an int32. */
  max?: number;
}

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base.key`, or `key` at the root. */
export function childPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Reads fields of unknown type; every read either returns a typed value or records why it cannot. */
export class FieldChecker {
  readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** A mark to pass to `cleanSince`, taken before checking a part of the object. */
  mark(): number {
    return this.errors.length;
  }

  /** True when no error was recorded since `mark`, i.e. the part checked since then is well formed. */
  cleanSince(mark: number): boolean {
    return this.errors.length === mark;
  }

  /** Records `unknown <noun> "<key>"` on `path` for every key of `obj` outside `known`; returns their count. */
  unknownKeys(obj: Fields, path: string, known: readonly string[], noun: string): number {
    const unknown = Object.keys(obj).filter((k) => !known.includes(k));
    for (const key of unknown) this.add(path, `unknown ${noun} ${JSON.stringify(key)}`);
    return unknown.length;
  }

  object(value: unknown, path: string, opts: Presence = {}): Fields | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (isFields(value)) return value;
    this.add(path, 'must be an object');
    return undefined;
  }

  string(value: unknown, path: string, opts: Presence = {}): string | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (typeof value !== 'string') {
      this.add(path, 'must be a string');
      return undefined;
    }
    if (opts.required === true && value.trim() === '') {
      this.add(path, 'must not be empty');
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string, opts: Presence = {}): boolean | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (typeof value === 'boolean') return value;
    this.add(path, 'must be a boolean');
    return undefined;
  }

  integer(value: unknown, path: string, opts: IntegerBounds = {}): number | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(path, 'must be an integer');
      return undefined;
    }
    const message = boundsMessage(value, opts);
    if (message === undefined) return value;
    this.add(path, message);
    return undefined;
  }

  /** A finite number (not only an integer), within [min, max] when they are given. */
  number(value: unknown, path: string, opts: Presence & { min?: number; max?: number } = {}): number | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(path, 'must be a number');
      return undefined;
    }
    const { min, max } = opts;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      const range = max === undefined ? `at least ${min}` : `between ${min ?? '-∞'} and ${max}`;
      this.add(path, `must be ${range}, got ${value}`);
      return undefined;
    }
    return value;
  }

  list(value: unknown, path: string, opts: Presence & { nonEmpty?: boolean } = {}): unknown[] | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (!Array.isArray(value)) {
      this.add(path, 'must be a list');
      return undefined;
    }
    if (opts.nonEmpty === true && value.length === 0) {
      this.add(path, 'must not be empty');
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], opts: Presence = {}): T | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const choices = allowed.map((a) => JSON.stringify(a)).join(', ');
    this.add(path, `must be one of ${choices}, got ${JSON.stringify(value)}`);
    return undefined;
  }

  stringMap(value: unknown, path: string, opts: Presence = {}): Record<string, string> | undefined {
    const map = this.object(value, path, opts);
    if (map === undefined) return undefined;
    const bad = Object.keys(map).filter((k) => typeof map[k] !== 'string');
    for (const key of bad) this.add(childPath(path, key), 'must be a string');
    return bad.length === 0 ? (map as Record<string, string>) : undefined;
  }

  /**
   * A duration in milliseconds, at most MAX_DURATION_SECONDS; `positive` rejects zero (an interval of 0 would
   * spin).
   */
  duration(value: unknown, path: string, opts: Presence & { positive?: boolean } = {}): number | undefined {
    if (this.missing(value, path, opts)) return undefined;
    if (!isDuration(value)) {
      this.add(path, 'must be a non-negative integer of seconds or a duration string like "30s", "5m", "1h"');
      return undefined;
    }
    const ms = parseDuration(value);
    if (opts.positive === true && ms <= 0) {
      this.add(path, 'must be greater than zero');
      return undefined;
    }
    if (ms > MAX_DURATION_MS) {
      this.add(path, `must be at most ${MAX_DURATION_SECONDS} seconds (about 68 years), got ${JSON.stringify(value)}`);
      return undefined;
    }
    return ms;
  }

  /** An object name following one of Kubernetes' name rules (a Service's is a DNS-1035 label). */
  name(value: unknown, path: string, rule: NameRule, opts: Presence = {}): string | undefined {
    const name = this.string(value, path, opts);
    if (name === undefined) return undefined;
    const problem = nameProblem(name, rule);
    if (problem === undefined) return name;
    this.add(path, problem);
    return undefined;
  }

  /** Records a duplicate for every item whose `key` repeats an earlier one. */
  unique(items: readonly unknown[], path: string, key: string): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const value = isFields(item) ? item[key] : undefined;
      if (typeof value !== 'string') return;
      if (seen.has(value)) this.add(childPath(indexPath(path, i), key), `duplicate ${key} ${JSON.stringify(value)}`);
      seen.add(value);
    });
  }

  /** Records an error on `path` unless exactly one of `keys` is set in `obj`; returns the one set. */
  exactlyOne(obj: Fields, path: string, keys: readonly string[]): string | undefined {
    const set = keys.filter((k) => obj[k] !== undefined);
    if (set.length === 1) return set[0];
    const names = keys.join(', ');
    const message = set.length === 0 ? `must set one of ${names}` : `must set only one of ${names}, found ${set.join(' and ')}`;
    this.add(path, message);
    return undefined;
  }

  private missing(value: unknown, path: string, opts: Presence): boolean {
    if (value !== undefined && value !== null) return false;
    if (opts.required === true) this.add(path, 'is required');
    return true;
  }
}

function boundsMessage(value: number, { min, max }: IntegerBounds): string | undefined {
  const range = min !== undefined && max !== undefined ? `must be between ${min} and ${max}` : undefined;
  if (min !== undefined && value < min) return range ?? `must be greater than or equal to ${min}`;
  if (value <= (max ?? INT32_MAX)) return undefined;
  return range ?? `must be less than or equal to ${max ?? `${INT32_MAX} (the largest int32)`}`;
}
