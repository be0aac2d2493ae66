// events.k8s.io/v1 Events as views of the stored core/v1 Events (the apiserver stores both APIs' Events together),
// so `kubectl get events` shows what a controller recorded through the new API.
import type { KubeObject } from './kube-object.js';
import type { ObjectCodec } from './resource-type.js';

/** Field names that differ between the two APIs: [events.k8s.io/v1, core/v1]. */
const RENAMED: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

const SHARED = ['eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

function copyFields(from: KubeObject, to: KubeObject, pairs: ReadonlyArray<readonly [string, string]>): void {
  for (const [source, target] of pairs) {
    const value = from[source];
    if (value !== undefined && value !== null) to[target] = value;
  }
}

function convert(obj: KubeObject, apiVersion: string, pairs: ReadonlyArray<readonly [string, string]>): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'Event', metadata: obj.metadata };
  copyFields(obj, out, pairs);
  copyFields(
    obj,
    out,
    SHARED.map((f) => [f, f] as const),
  );
  return out;
}

const TO_CORE = RENAMED;
const FROM_CORE = RENAMED.map(([v1, core]) => [core, v1] as const);

export const eventsV1Codec: ObjectCodec = {
  toStorage: (obj) => {
    const core = convert(obj, 'v1', TO_CORE);
    // A core Event always names its involved object; the new API may leave `regarding` out.
    core['involvedObject'] ??= {};
    return core;
  },
  fromStorage: (obj) => convert(obj, 'events.k8s.io/v1', FROM_CORE),
  identity: false,
};
