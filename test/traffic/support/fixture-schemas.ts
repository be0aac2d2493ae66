// The openAPIV3Schema of each routing kind Vane writes, from the real CRDs vendored in test/fixtures/crds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { ResourceKind } from '../../../src/kube/resource-kind.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import type { JSONSchemaProps } from '../../../src/sandbox/schema/structural-schema.js';
import { FIXTURE_CRD_DIR } from '../../fixtures/fixture-files.js';

interface CrdDocument {
  kind?: string;
  spec?: { group?: string; names?: { kind?: string }; versions?: Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema?: JSONSchemaProps } }> };
}

/** By API group and kind: Istio and App Mesh both have a VirtualService. */
const FILES: Record<string, string> = {
  'gateway.networking.k8s.io/HTTPRoute': 'gateway.networking.k8s.io_httproutes.yaml',
  'networking.istio.io/VirtualService': 'istio.yaml',
  'networking.istio.io/DestinationRule': 'istio.yaml',
  'split.smi-spec.io/TrafficSplit': 'smi-trafficsplit.yaml',
  'apisix.apache.org/ApisixRoute': 'apisix.yaml',
  'appmesh.k8s.aws/VirtualService': 'appmesh.yaml',
  'appmesh.k8s.aws/VirtualRouter': 'appmesh.yaml',
  'appmesh.k8s.aws/VirtualNode': 'appmesh.yaml',
  'traefik.io/TraefikService': 'traefik.io_traefikservices.yaml',
  'traefik.containo.us/TraefikService': 'traefik.containo.us_traefikservices.yaml',
  'getambassador.io/Mapping': 'getambassador.io_mappings.yaml',
};

/** The served schema of `kind` at the version Vane uses; throws when the fixture does not serve that version. */
export function fixtureSchema(kind: ResourceKind): JSONSchemaProps {
  const file = FILES[`${kind.group}/${kind.kind}`];
  if (!file) throw new Error(`no fixture CRD for ${kind.kind}`);
  const docs = yaml.loadAll(readFileSync(join(FIXTURE_CRD_DIR, file), 'utf8')) as CrdDocument[];
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition' && d.spec?.group === kind.group && d.spec.names?.kind === kind.kind);
  const version = crd?.spec?.versions?.find((v) => v.name === kind.version && v.served === true);
  const schema = version?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`${file} serves no ${kind.kind} ${kind.group}/${kind.version}`);
  return schema;
}

/** The kinds whose objects Vane creates or patches and that have a CRD schema to check against (Ingress is built in). */
export const SCHEMA_KINDS = [
  Kinds.HTTPRoute,
  Kinds.VirtualService,
  Kinds.DestinationRule,
  Kinds.TrafficSplit,
  Kinds.ApisixRoute,
  Kinds.VirtualRouter,
  Kinds.VirtualNode,
  Kinds.TraefikService,
  Kinds.TraefikServiceV2,
  Kinds.AmbassadorMapping,
] as const;

/** Whether `kind` is one of SCHEMA_KINDS (the same kind name may be served by two groups). */
export function hasFixtureSchema(kind: ResourceKind): boolean {
  return SCHEMA_KINDS.some((k) => k.kind === kind.kind && k.group === kind.group);
}
