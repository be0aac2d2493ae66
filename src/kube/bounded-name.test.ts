// Specification of names and label values derived from names: unchanged within the limit, cut and hashed beyond.
import { describe, expect, it } from 'vitest';
import { boundedName, labelValueFor } from './bounded-name.js';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('labelValueFor', () => {
  it('keeps a name of up to 63 characters as it is', () => {
    expect(labelValueFor('web')).toBe('web');
    expect(labelValueFor('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('turns a longer name into 52 of its characters, "-" and a 10-character hash: a valid label value of 63', () => {
    const name = `checkout-${'x'.repeat(61)}`;
    const value = labelValueFor(name);
    expect(value).toHaveLength(63);
    expect(value.startsWith(name.slice(0, 52))).toBe(true);
    expect(value).toMatch(/-[0-9a-f]{10}$/);
    expect(value).toMatch(LABEL_VALUE);
  });

  it('never ends the cut part in "-" or ".", so the value stays valid', () => {
    for (const name of [`${'a'.repeat(51)}-b${'c'.repeat(20)}`, `${'a'.repeat(50)}.-${'c'.repeat(20)}`, `${'a'.repeat(52)}-${'c'.repeat(20)}`]) {
      expect(labelValueFor(name)).toMatch(LABEL_VALUE);
      expect(labelValueFor(name).length).toBeLessThanOrEqual(63);
    }
  });

  it('gives the same value for the same name, and different values for names that share their first 52 characters', () => {
    const a = `${'shared-prefix-'.repeat(5)}one`;
    const b = `${'shared-prefix-'.repeat(5)}two`;
    expect(labelValueFor(a)).toBe(labelValueFor(a));
    expect(labelValueFor(a)).not.toBe(labelValueFor(b));
  });
});

describe('boundedName', () => {
  it('keeps a name within 253 characters, and cuts a longer one to a valid DNS subdomain of 253', () => {
    expect(boundedName('web-5f7c9')).toBe('web-5f7c9');
    const long = `${'a.b-c'.repeat(50)}-abc123-step-1-1`;
    expect(long.length).toBeGreaterThan(253);
    const name = boundedName(long);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(DNS_SUBDOMAIN);
    expect(boundedName(long)).toBe(name);
  });
});
