// Specification of the informer's trim option: the cache and its handlers only ever see trimmed copies.
import { afterEach, describe, expect, it } from 'vitest';
import { trimForCache } from './cache-trim.js';
import { KubeClient } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import type { KubeTransport, WatchLine } from './kube-transport.js';
import { Kinds } from './resource-kind.js';
import { SupervisedInformer, type InformerEvent } from './supervised-informer.js';

const MANAGED = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }];

function configMap(name: string, resourceVersion: string, value: string): KubeObject {
  return {
    metadata: { name, namespace: 'default', resourceVersion, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, managedFields: MANAGED } as KubeObject['metadata'],
    data: { k: value },
  };
}

/** A transport that answers one list, then plays watch lines and holds the watch open until aborted. */
function scriptedTransport(listed: KubeObject[], lines: WatchLine[]): KubeTransport {
  const transport = {
    reportsReachability: false,
    request: (): Promise<unknown> => Promise.resolve({ items: listed, metadata: { resourceVersion: '10' } }),
    watch: (_path: string, _query: unknown, onLine: (line: WatchLine) => void, signal: AbortSignal): Promise<void> => {
      for (const line of lines) onLine(line);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
  return transport as unknown as KubeTransport;
}

let informer: SupervisedInformer<KubeObject> | undefined;

afterEach(async () => {
  await informer?.stop();
  informer = undefined;
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('SupervisedInformer with a trim', () => {
  it('given a listed object and watched ADDED, MODIFIED and DELETED events, then every handler event and every cached object is trimmed', async () => {
    const listed = configMap('listed', '5', 'a');
    const lines: WatchLine[] = [
      { type: 'ADDED', object: configMap('watched', '11', 'b') },
      { type: 'MODIFIED', object: configMap('watched', '12', 'c') },
      { type: 'ADDED', object: configMap('gone', '13', 'd') },
      { type: 'DELETED', object: configMap('gone', '14', 'd') },
    ];
    informer = new SupervisedInformer<KubeObject>(new KubeClient(scriptedTransport([listed], lines)), Kinds.ConfigMap, { trim: trimForCache, watchTimeoutSeconds: 60 });
    const events: Array<InformerEvent<KubeObject>> = [];
    informer.addHandler((event) => events.push(event));
    informer.start();
    await waitFor(() => events.length === 5);

    expect(events.map((e) => `${e.type} ${e.key} ${(e.object['data'] as { k: string }).k}`)).toEqual([
      'add default/listed a',
      'add default/watched b',
      'update default/watched c',
      'add default/gone d',
      'delete default/gone d',
    ]);
    const seen = [...events.flatMap((e) => (e.oldObject ? [e.object, e.oldObject] : [e.object])), ...informer.list()];
    for (const obj of seen) {
      expect(obj.metadata).not.toHaveProperty('managedFields');
      expect(obj.metadata.annotations).toEqual({});
    }
    expect(informer.get('default/watched')?.metadata.resourceVersion).toBe('12');
    // The informer's copies are its own: what the transport returned is untouched.
    expect(listed.metadata).toHaveProperty('managedFields', MANAGED);
  });

  it('given no trim, then cached objects keep what the server sent', async () => {
    informer = new SupervisedInformer<KubeObject>(new KubeClient(scriptedTransport([configMap('listed', '5', 'a')], [])), Kinds.ConfigMap, { watchTimeoutSeconds: 60 });
    informer.start();
    await informer.waitForSync();
    expect(informer.get('default/listed')?.metadata).toHaveProperty('managedFields', MANAGED);
  });
});
