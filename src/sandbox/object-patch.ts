// PATCH bodies by content type: JSON patch, merge patch, strategic merge patch (built-ins only, 415 for custom
// resources as the apiserver answers) and server-side apply (approximated as a merge of the applied config).
import { badRequest, unsupportedMediaType } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import { applyMergePatch } from './patch/json-merge-patch.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.js';
import type { ResourceType } from './resource-type.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPES: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch kind of a request's Content-Type, or a 415 naming what this resource accepts. */
export function patchKindOf(contentType: string, type: ResourceType): PatchKind {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const kind = CONTENT_TYPES[mediaType];
  if (kind && (kind !== 'strategic' || type.strategicMerge)) return kind;
  const accepted = Object.entries(CONTENT_TYPES)
    .filter(([, k]) => k !== 'strategic' || type.strategicMerge)
    .map(([t]) => t);
  throw unsupportedMediaType(accepted);
}

/** A function computing the patched object from the current one (both as served). */
export function patchFunction(kind: PatchKind, patch: unknown, type: ResourceType): (current: KubeObject) => unknown {
  switch (kind) {
    case 'json':
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return (current) => applyJsonPatch(current, patch);
    case 'merge':
    case 'apply':
      return (current) => applyMergePatch(current, patch);
    case 'strategic':
      return (current) => applyStrategicMergePatch(current, patch, type.kind);
  }
}
