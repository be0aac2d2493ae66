// What an informer cache keeps of an object: all of it but the API server's write bookkeeping and kubectl's copy of
// the last applied manifest, which no cache reader uses and which can each be as large as the object itself.
import type { KubeObject } from './kube-object.js';

/** kubectl's client-side apply record: the whole manifest as JSON text, in an annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Turns an object as listed or watched into the copy a cache stores; returns a new object, never edits its input. */
export type CacheTrim = <T extends KubeObject>(obj: T) => T;

/**
 * Drops `metadata.managedFields` and the last-applied annotation. Writes that start from a cached object stay safe:
 * the trimmed kinds are written by patch (which leaves unnamed annotations alone) or by a status PUT (which keeps
 * metadata as stored), and a PUT without managedFields keeps the stored ones. A ReplicaSet's pod template is kept:
 * rollbacks, Experiments, ephemeral metadata and the API's image list read it from the cache.
 */
export const trimForCache: CacheTrim = <T extends KubeObject>(obj: T): T => {
  const meta = obj.metadata as T['metadata'] & { managedFields?: unknown };
  const annotations = meta.annotations;
  const hasLastApplied = annotations !== undefined && Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION);
  if (!Object.hasOwn(meta, 'managedFields') && !hasLastApplied) return obj;
  const { managedFields: _managedFields, ...metadata } = meta;
  if (hasLastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...obj, metadata };
};
