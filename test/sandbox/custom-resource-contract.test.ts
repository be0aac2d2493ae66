// Contract: CustomResourceDefinitions and their objects: discovery, validation (422 naming the field), defaulting,
// pruning, status and scale subresources, generation, and the patch types custom resources accept.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteCrd, establishCrd, postCrd, type CrdManifest } from './support/crd-manifests.js';
import { eventually, expectStatus, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { itWhere, kubernetesAtLeast, testTarget } from './support/test-target.js';

const GROUP = 'contract.vane.dev';
const VERSION = 'v1';
const PLURAL = 'widgets';
const CRD_NAME = `${PLURAL}.${GROUP}`;

const target = await testTarget();
const itWithStrictFieldValidation = itWhere(target, kubernetesAtLeast(25, 'server-side field validation, fieldValidation=Strict'));
const itWithPerVersionErrorPaths = itWhere(
  target,
  kubernetesAtLeast(20, 'non-structural schema errors under spec.versions[N].schema; v1.19 names its internal spec.validation instead'),
);

const widgetCrd: CrdManifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'widget', kind: 'Widget', shortNames: ['wdg'], categories: ['vane-contract'] },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'blue' },
                  replicas: { type: 'integer', minimum: 0 },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

let cluster: TestCluster;
let ns: string;

interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata: k8s.V1ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function widget(name: string, spec: Record<string, unknown> = { size: 2 }): Widget {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name }, spec };
}

const create = (body: Widget): Promise<Widget> => cluster.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, body }) as Promise<Widget>;
const get = (name: string): Promise<Widget> => cluster.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name }) as Promise<Widget>;
const replace = (name: string, body: Widget): Promise<Widget> =>
  cluster.custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name, body }) as Promise<Widget>;
const replaceStatus = (name: string, body: Widget): Promise<Widget> =>
  cluster.custom.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name, body }) as Promise<Widget>;

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('crd');
  await establishCrd(cluster, widgetCrd);
});

afterAll(async () => {
  if (cluster) await deleteCrd(cluster, CRD_NAME);
  await cluster?.close();
});

describe('serving a CRD', () => {
  it('given an established CRD, then discovery lists the resource with its kind, short names, categories and subresources', async () => {
    const res = await cluster.raw('GET', `/apis/${GROUP}/${VERSION}`);
    expect(res.status).toBe(200);
    const resources = (res.json as { resources: Array<{ name: string; kind: string; namespaced: boolean; shortNames?: string[]; categories?: string[]; verbs: string[] }> }).resources;
    const main = resources.find((r) => r.name === PLURAL);
    expect(main).toMatchObject({ kind: 'Widget', namespaced: true, shortNames: ['wdg'], categories: ['vane-contract'] });
    expect(main?.verbs).toEqual(expect.arrayContaining(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']));
    expect(resources.map((r) => r.name)).toEqual(expect.arrayContaining([`${PLURAL}/status`, `${PLURAL}/scale`]));
  });

  it('given a custom resource, when created, then it is stored with uid, generation 1 and schema defaults', async () => {
    const created = await create(widget('defaults'));
    expect(created.metadata.uid).toBeTruthy();
    expect(created.metadata.generation).toBe(1);
    expect(created.spec).toEqual({ size: 2, color: 'blue' });
  });
});

describe('validating custom resources', () => {
  it('given a value of the wrong type, then the answer is 422 Invalid naming the field', async () => {
    const status = await expectStatus(() => create(widget('wrong-type', { size: 'big' })));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'wrong-type', group: GROUP, kind: 'Widget' } });
    // Servers before 1.23 report type errors as FieldValueInvalid, later ones as FieldValueTypeInvalid.
    const cause = status.details?.causes?.find((c) => c.field === 'spec.size');
    expect(['FieldValueInvalid', 'FieldValueTypeInvalid']).toContain(cause?.reason);
    expect(cause?.message).toContain('must be of type integer');
    expect(status.message).toContain(`Widget.${GROUP} "wrong-type" is invalid`);
  });

  it('given a missing required field and a value outside an enum, then each is a cause', async () => {
    const status = await expectStatus(() => create(widget('two-errors', { color: 'green' })));
    const fields = status.details?.causes?.map((c) => `${c.field}:${c.reason}`);
    expect(fields).toEqual(expect.arrayContaining(['spec.size:FieldValueRequired', 'spec.color:FieldValueNotSupported']));
  });

  it('given a value below the minimum, when updated, then the update is refused too', async () => {
    const created = await create(widget('min'));
    const status = await expectStatus(() => replace('min', { ...created, spec: { size: 0 } }));
    expect(status.code).toBe(422);
    expect(status.details?.causes?.[0]?.field).toBe('spec.size');
  });

  it('given fields the schema does not know, then they are pruned', async () => {
    const created = await create(widget('pruned', { size: 3, shape: 'round' }));
    expect(created.spec).toEqual({ size: 3, color: 'blue' });
  });

  itWithStrictFieldValidation('given fields the schema does not know and fieldValidation=Strict, then the create is refused with 400', async () => {
    const res = await cluster.raw('POST', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}?fieldValidation=Strict`, widget('strict', { size: 3, shape: 'round' }));
    expect(res.status).toBe(400);
    expect((res.json as { message?: string }).message).toContain('unknown field "spec.shape"');
  });
});

describe('status and generation of custom resources', () => {
  it('given a status subresource, then status sent to the main resource is dropped', async () => {
    const created = await create({ ...widget('status-main'), status: { phase: 'Made' } });
    expect(created.status).toBeUndefined();
    const updated = await replace('status-main', { ...created, status: { phase: 'Changed' } });
    expect(updated.status).toBeUndefined();
  });

  it('given a write to /status, then spec is ignored and generation does not move', async () => {
    const created = await create(widget('status-sub'));
    const updated = await replaceStatus('status-sub', { ...created, spec: { size: 99 }, status: { phase: 'Ready', replicas: 1 } });
    expect(updated.status).toEqual({ phase: 'Ready', replicas: 1 });
    expect(updated.spec).toEqual({ size: 2, color: 'blue' });
    expect(updated.metadata.generation).toBe(1);
  });

  it('given metadata-only changes, then generation stays; given spec changes, then it is bumped', async () => {
    const created = await create(widget('generation'));
    const relabelled = await replace('generation', { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
    expect(relabelled.metadata.generation).toBe(1);
    const changed = await replace('generation', { ...relabelled, spec: { size: 5 } });
    expect(changed.metadata.generation).toBe(2);
  });

  it('given a PUT without a resourceVersion, then it is refused with 422: custom resources allow no unconditional update', async () => {
    const created = await create(widget('unconditional'));
    const { resourceVersion: _rv, ...metadata } = created.metadata;
    const res = await cluster.raw('PUT', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}/unconditional`, { ...created, metadata, spec: { size: 4 } });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({
      reason: 'Invalid',
      message: `${PLURAL}.${GROUP} "unconditional" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
      details: { name: 'unconditional', group: GROUP, kind: PLURAL, causes: [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion' }] },
    });
    const status = await cluster.raw('PUT', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}/unconditional/status`, { ...created, metadata, status: { phase: 'X' } });
    expect(status.status).toBe(422);
    expect((await get('unconditional')).spec).toEqual({ size: 2, color: 'blue' });
  });

  it('given a stale resourceVersion, then a status write is a 409 Conflict', async () => {
    const created = await create(widget('status-occ'));
    await replaceStatus('status-occ', { ...created, status: { phase: 'A' } });
    const status = await expectStatus(() => replaceStatus('status-occ', { ...created, status: { phase: 'B' } }));
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('given the scale subresource, then replicas read and write through the CRD paths', async () => {
    const created = await create(widget('scalable', { size: 1, replicas: 2 }));
    await replaceStatus('scalable', { ...created, status: { replicas: 2, selector: 'app=scalable' } });
    const scale = (await cluster.custom.getNamespacedCustomObjectScale({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'scalable' })) as k8s.V1Scale;
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=scalable' } });
    await cluster.custom.patchNamespacedCustomObjectScale(
      { group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'scalable', body: { spec: { replicas: 5 } } },
      patchAs('application/merge-patch+json'),
    );
    expect((await get('scalable')).spec?.['replicas']).toBe(5);
  });
});

describe('patching custom resources', () => {
  it('given a merge patch, then it applies and the result is validated', async () => {
    await create(widget('merge'));
    const patched = (await cluster.custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'merge', body: { spec: { color: 'red' } } },
      patchAs('application/merge-patch+json'),
    )) as Widget;
    expect(patched.spec).toEqual({ size: 2, color: 'red' });
    const status = await expectStatus(() =>
      cluster.custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'merge', body: { spec: { size: -1 } } },
        patchAs('application/merge-patch+json'),
      ),
    );
    expect(status.code).toBe(422);
  });

  it('given a strategic merge patch, then the answer is 415 as for any custom resource', async () => {
    await create(widget('smp'));
    const status = await expectStatus(() =>
      cluster.custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'smp', body: { spec: { color: 'red' } } },
        patchAs('application/strategic-merge-patch+json'),
      ),
    );
    expect(status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });
});

describe('defining CRDs', () => {
  const notStructural: CrdManifest = {
    metadata: { name: `gadgets.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural: 'gadgets', kind: 'Gadget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }],
    },
  };

  it('given a schema that is not structural, then the CRD is refused with 422 naming the untyped field', async () => {
    const res = await postCrd(cluster, notStructural);
    const status = res.json as { code: number; reason: string; details?: { causes?: Array<{ field?: string }> } };
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.details?.causes?.some((c) => (c.field ?? '').endsWith('openAPIV3Schema.properties[spec].type'))).toBe(true);
  });

  itWithPerVersionErrorPaths('given a schema that is not structural, then the causes name the version: spec.versions[0].schema.openAPIV3Schema...', async () => {
    const res = await postCrd(cluster, notStructural);
    const status = res.json as { details?: { causes?: Array<{ field?: string }> } };
    expect(status.details?.causes?.some((c) => (c.field ?? '').startsWith('spec.versions[0].schema.openAPIV3Schema'))).toBe(true);
  });

  it('given a CRD name that is not plural.group, then the CRD is refused', async () => {
    const res = await postCrd(cluster, { ...widgetCrd, metadata: { name: `wrong.${GROUP}` } });
    const status = res.json as { code: number; details?: { causes?: Array<{ field?: string }> } };
    expect(status.code).toBe(422);
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
  });

  it('given a deleted CRD, then its objects go and its resource is no longer served', async () => {
    const api = cluster.kc.makeApiClient(k8s.ApiextensionsV1Api);
    const crd: CrdManifest = {
      metadata: { name: `gizmos.${GROUP}` },
      spec: {
        group: GROUP,
        scope: 'Cluster',
        names: { plural: 'gizmos', kind: 'Gizmo' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    await establishCrd(cluster, crd);
    await cluster.custom.createClusterCustomObject({ group: GROUP, version: 'v1', plural: 'gizmos', body: { apiVersion: `${GROUP}/v1`, kind: 'Gizmo', metadata: { name: 'g1' }, anything: { goes: true } } });
    const read = (await cluster.custom.getClusterCustomObject({ group: GROUP, version: 'v1', plural: 'gizmos', name: 'g1' })) as Record<string, unknown>;
    expect(read['anything']).toEqual({ goes: true });
    await api.deleteCustomResourceDefinition({ name: `gizmos.${GROUP}` });
    await eventually(async () => {
      const res = await cluster.raw('GET', `/apis/${GROUP}/v1/gizmos`);
      return res.status === 404 ? true : undefined;
    });
  });
});
