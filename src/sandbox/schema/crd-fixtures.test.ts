// The schema operations against real CRDs: Gateway API HTTPRoute, Istio, SMI TrafficSplit.
import { describe, expect, it } from 'vitest';
import { applyDefaults, checkStructural, pruneUnknownFields, validateObject } from './structural-schema.js';
import { CRD_FILES, crdSchema, crdSchemas, sampleObject } from '../../../test/fixtures/fixture-files.js';

const HTTPROUTES = 'gateway.networking.k8s.io_httproutes.yaml';
const ISTIO = 'istio.yaml';
const SMI = 'smi-trafficsplit.yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function paths(errors: { path: string }[]): string[] {
  return errors.map((e) => e.path);
}

describe('given the vendored third-party CRDs', () => {
  const all = CRD_FILES.flatMap((file) => crdSchemas(file).map((s) => ({ file, ...s })));

  it('then there are schemas to check in every file', () => {
    for (const file of CRD_FILES) expect(all.filter((s) => s.file === file).length).toBeGreaterThan(0);
  });

  it.each(all.map((s) => [`${s.crd} ${s.version}`, s] as const))('then %s is structural', (_name, s) => {
    expect(checkStructural(s.schema)).toEqual([]);
  });
});

describe('given the Gateway API HTTPRoute v1 schema', () => {
  const schema = crdSchema(HTTPROUTES, 'httproutes.gateway.networking.k8s.io', 'v1');

  it('when a canary route is validated, then it passes', () => {
    expect(validateObject(schema, sampleObject('httproute-canary.yaml'))).toEqual([]);
  });

  it('when a backend weight is a string, then the apiserver type error points at that weight', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.rules[0].backendRefs[1].weight = 'ten';
    const errors = validateObject(schema, route);
    expect(errors.map((e) => e.message)).toEqual([
      'spec.rules[0].backendRefs[1].weight: Invalid value: "string": spec.rules[0].backendRefs[1].weight in body must be of type integer: "string"',
    ]);
  });

  it('when a backend weight exceeds 1000000, then the maximum is reported', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.rules[0].backendRefs[0].weight = 1000001;
    expect(validateObject(schema, route).map((e) => e.message)).toEqual([
      'spec.rules[0].backendRefs[0].weight: Invalid value: 1000001: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000',
    ]);
  });

  it('when a path match type is unknown, then it is an unsupported value listing the enum', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.rules[0].matches[0].path.type = 'Glob';
    expect(validateObject(schema, route).map((e) => e.message)).toEqual([
      'spec.rules[0].matches[0].path.type: Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"',
    ]);
  });

  it('when a hostname breaks the pattern, then the pattern error quotes it', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.hostnames = ['Web_Example'];
    const [error] = validateObject(schema, route);
    expect(error?.path).toBe('spec.hostnames[0]');
    expect(error?.message).toContain('spec.hostnames[0] in body should match');
  });

  it('when a backendRef has no name, then name is required', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    delete route.spec.rules[0].backendRefs[0].name;
    expect(validateObject(schema, route).map((e) => e.message)).toEqual(['spec.rules[0].backendRefs[0].name: Required value']);
  });

  it('when a header match repeats a name, then the list-type map reports the duplicate', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.rules[0].matches[0].headers.push({ name: 'x-canary', value: 'yes' });
    const errors = validateObject(schema, route);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'Duplicate', path: 'spec.rules[0].matches[0].headers[1]' });
  });

  it('when there are 17 rules, then the list is too long', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.rules = Array.from({ length: 17 }, () => route.spec.rules[0]);
    expect(validateObject(schema, route).map((e) => e.message)).toEqual(['spec.rules: Too many: 17: must have at most 16 items']);
  });

  it('when a route with unknown fields is pruned, then they go and the root metadata stays', () => {
    const route: Json = sampleObject('httproute-canary.yaml');
    route.spec.colour = 'blue';
    route.spec.rules[0].backendRefs[0].extra = true;
    const { pruned, removedPaths } = pruneUnknownFields(schema, route);
    expect(removedPaths).toEqual(['spec.colour', 'spec.rules[0].backendRefs[0].extra']);
    expect(pruned).toEqual(sampleObject('httproute-canary.yaml'));
  });

  it('when a minimal route is defaulted, then rules, matches, kinds and weights get the CRD defaults', () => {
    const route = { spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } };
    const defaulted: Json = applyDefaults(schema, route) as Json;
    expect(defaulted.spec.parentRefs[0]).toEqual({ name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' });
    expect(defaulted.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(defaulted.spec.rules[0].backendRefs[0]).toMatchObject({ kind: 'Service', weight: 1, group: '' });
  });

  it('when a spec has no rules, then the rules default is applied', () => {
    const defaulted: Json = applyDefaults(schema, { spec: {} }) as Json;
    expect(defaulted.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]);
  });
});

describe('given the Istio VirtualService v1beta1 schema', () => {
  const schema = crdSchema(ISTIO, 'virtualservices.networking.istio.io', 'v1beta1');

  it('when a weighted canary route is validated, then it passes', () => {
    expect(validateObject(schema, sampleObject('virtualservice-canary.yaml'))).toEqual([]);
  });

  it('when a route weight is a string, then the weight path is reported', () => {
    const vs: Json = sampleObject('virtualservice-canary.yaml');
    vs.spec.http[0].route[1].weight = '10';
    expect(paths(validateObject(schema, vs))).toEqual(['spec.http[0].route[1].weight']);
  });

  it('when a URI match sets both exact and prefix, then oneOf fails with the apiserver <nil> path', () => {
    const vs: Json = sampleObject('virtualservice-canary.yaml');
    vs.spec.http[0].match[0].uri = { exact: '/a', prefix: '/' };
    expect(validateObject(schema, vs).map((e) => e.message)).toEqual([
      '<nil>: Invalid value: "": "spec.http[0].match[0].uri" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
  });

  it('when hosts is not a list, then the type error names the hosts field', () => {
    const vs: Json = sampleObject('virtualservice-canary.yaml');
    vs.spec.hosts = 'web';
    expect(validateObject(schema, vs).map((e) => e.message)).toEqual([
      'spec.hosts: Invalid value: "string": spec.hosts in body must be of type array: "string"',
    ]);
  });

  it('when status holds anything, then pruning keeps it (preserve-unknown-fields)', () => {
    const vs: Json = sampleObject('virtualservice-canary.yaml');
    vs.status = { anything: { goes: 1 } };
    const { pruned, removedPaths } = pruneUnknownFields(schema, vs);
    expect(removedPaths).toEqual([]);
    expect((pruned as Json).status).toEqual({ anything: { goes: 1 } });
  });
});

describe('given the Istio DestinationRule v1beta1 schema', () => {
  const schema = crdSchema(ISTIO, 'destinationrules.networking.istio.io', 'v1beta1');

  it('when stable and canary subsets are validated, then they pass', () => {
    expect(validateObject(schema, sampleObject('destinationrule-subsets.yaml'))).toEqual([]);
  });

  it('when subset labels hold a number, then the additionalProperties path is reported', () => {
    const dr: Json = sampleObject('destinationrule-subsets.yaml');
    dr.spec.subsets[1].labels.version = 2;
    expect(validateObject(schema, dr).map((e) => e.message)).toEqual([
      'spec.subsets[1].labels.version: Invalid value: "integer": spec.subsets[1].labels.version in body must be of type string: "integer"',
    ]);
  });
});

describe('given the SMI TrafficSplit v1alpha2 schema', () => {
  const schema = crdSchema(SMI, 'trafficsplits.split.smi-spec.io', 'v1alpha2');

  it('when a 90/10 split is validated, then it passes', () => {
    expect(validateObject(schema, sampleObject('trafficsplit-canary.yaml'))).toEqual([]);
  });

  it('when a backend has no weight and the service is missing, then both are required', () => {
    const split: Json = sampleObject('trafficsplit-canary.yaml');
    delete split.spec.service;
    delete split.spec.backends[1].weight;
    expect(validateObject(schema, split).map((e) => e.message).sort()).toEqual([
      'spec.backends[1].weight: Required value',
      'spec.service: Required value',
    ]);
  });

  it('when a weight is fractional, then it still passes (type number)', () => {
    const split: Json = sampleObject('trafficsplit-canary.yaml');
    split.spec.backends[0].weight = 89.5;
    expect(validateObject(schema, split)).toEqual([]);
  });

  it('when a split carries matches the old version does not know, then pruning removes them', () => {
    const split: Json = sampleObject('trafficsplit-canary.yaml');
    split.spec.matches = [{ kind: 'HTTPRouteGroup', name: 'x' }];
    expect(pruneUnknownFields(schema, split).removedPaths).toEqual(['spec.matches']);
  });
});
