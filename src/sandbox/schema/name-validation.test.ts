// Kubernetes name syntaxes, with apimachinery's error texts.
import { describe, expect, it } from 'vitest';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName } from './name-validation.js';

describe('given qualified names (label and annotation keys)', () => {
  it.each(['app', 'app.kubernetes.io/name', 'A_b.c-d', 'example.com/MyName'])('when %s is checked, then it is valid', (key) => {
    expect(isQualifiedName(key)).toEqual([]);
  });

  it('when the prefix is empty, then the prefix must be non-empty', () => {
    expect(isQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
  });

  it('when there are two slashes, then the whole key is rejected', () => {
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of alphanumeric characters/);
  });

  it('when the name part is 64 characters, then it is too long', () => {
    expect(isQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
  });

  it('when the name part starts with a dash, then the regex message is given', () => {
    expect(isQualifiedName('-x')).toEqual([
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
  });
});

describe('given label values', () => {
  it('when empty or plain, then valid; when it has a space, then invalid', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3')).toEqual([]);
    expect(isValidLabelValue('a b')).toHaveLength(1);
  });
});

describe('given DNS names', () => {
  it('then labels, subdomains and 1035 labels follow their rules', () => {
    expect(isDns1123Label('web-1')).toEqual([]);
    expect(isDns1123Label('Web')).toHaveLength(1);
    expect(isDns1123Subdomain('web.example.com')).toEqual([]);
    expect(isDns1123Subdomain('web..com')).toHaveLength(1);
    expect(isDns1035Label('1web')).toHaveLength(1);
    expect(isDns1035Label('web')).toEqual([]);
  });
});

describe('given object names in URL paths', () => {
  it('then dots alone, slashes and percent signs are refused', () => {
    expect(isValidPathSegmentName('..')).toEqual(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(isValidPathSegmentName('web')).toEqual([]);
  });
});
