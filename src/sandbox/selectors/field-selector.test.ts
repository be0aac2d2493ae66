// Field selectors: syntax and escaping, per-kind fields with the apiserver's refusals, and matching.
import { describe, expect, it } from 'vitest';
import {
  compileFieldSelector,
  fieldSelectorString,
  fieldsForKind,
  matchesFields,
  METADATA_FIELDS,
  parseFieldSelector,
  withFields,
} from './field-selector.js';

const pod = { metadata: { name: 'web-1', namespace: 'shop' }, spec: { nodeName: 'node-a' }, status: { phase: 'Running' } };

describe('given field selector syntax', () => {
  it('when terms use =, == and !=, then each becomes a requirement, sorted by text', () => {
    expect(parseFieldSelector('metadata.namespace!=kube-system,metadata.name==web').requirements).toEqual([
      { field: 'metadata.name', operator: '==', value: 'web' },
      { field: 'metadata.namespace', operator: '!=', value: 'kube-system' },
    ]);
  });

  it('when a value escapes commas and equals signs, then they are part of the value', () => {
    const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    expect(selector.requirements[0]?.value).toBe('a,b=c\\d');
    expect(fieldSelectorString(selector)).toBe('metadata.name=a\\,b\\=c\\\\d');
  });

  it('when the string is empty, then nothing is required', () => {
    expect(parseFieldSelector('').requirements).toEqual([]);
    expect(matchesFields(parseFieldSelector(''), pod)).toBe(true);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: ='],
  ])('when %s is parsed, then it is a BadRequest: %s', (text, message) => {
    expect(() => parseFieldSelector(text)).toThrow(message);
  });
});

describe('given the fields a kind supports', () => {
  it('when a custom resource is selected by a spec field, then the metadata-only refusal is given', () => {
    expect(() => compileFieldSelector('spec.replicas=3')).toThrow(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('when a Pod is selected by an unknown field, then "field label not supported" is given', () => {
    expect(() => compileFieldSelector('spec.foo=x', fieldsForKind('Pod'))).toThrow('field label not supported: spec.foo');
  });

  it('when Pods are selected by node and phase, then the built-in Pod fields match', () => {
    const fields = fieldsForKind('Pod');
    expect(matchesFields(compileFieldSelector('spec.nodeName=node-a,status.phase!=Pending', fields), pod, fields)).toBe(true);
    expect(matchesFields(compileFieldSelector('status.phase=Pending', fields), pod, fields)).toBe(false);
  });

  it('when Events are selected by involved object, then involvedObject fields match', () => {
    const fields = fieldsForKind('Event');
    const event = { metadata: { name: 'e1' }, involvedObject: { kind: 'Rollout', name: 'web' }, reason: 'Promoted', type: 'Normal', source: { component: 'vane' } };
    const selector = compileFieldSelector('involvedObject.kind=Rollout,involvedObject.name=web,source=vane', fields);
    expect(matchesFields(selector, event, fields)).toBe(true);
  });

  it('when ReplicaSets are selected by status.replicas, then the number reads as text', () => {
    const fields = fieldsForKind('ReplicaSet');
    expect(matchesFields(compileFieldSelector('status.replicas=0', fields), { status: {} }, fields)).toBe(true);
    expect(matchesFields(compileFieldSelector('status.replicas!=0', fields), { status: { replicas: 3 } }, fields)).toBe(true);
  });

  it('when the server adds a field through the hook, then it is selectable', () => {
    const fields = withFields(METADATA_FIELDS, { 'spec.nodeName': true, 'custom.upper': (o) => String((o as typeof pod).metadata.name).toUpperCase() });
    expect(matchesFields(compileFieldSelector('custom.upper=WEB-1,spec.nodeName=node-a', fields), pod, fields)).toBe(true);
    expect(() => compileFieldSelector('spec.other=1', fields)).toThrow('field label not supported: spec.other');
  });

  it('when a missing metadata.namespace is compared, then it reads as empty', () => {
    expect(matchesFields(parseFieldSelector('metadata.namespace='), { metadata: { name: 'cluster-scoped' } })).toBe(true);
  });
});
