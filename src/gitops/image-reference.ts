// Container image references split into name, tag and digest, the way Kustomize and Helm values spell them.

export interface ImageReference {
  /** Registry and repository: everything before the tag or digest. */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const withTag = at >= 0 ? reference.slice(0, at) : reference;
  const colon = withTag.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (`registry:5000/app`), not to a tag.
  const hasTag = colon > withTag.lastIndexOf('/');
  const name = hasTag ? withTag.slice(0, colon) : withTag;
  const tag = hasTag ? withTag.slice(colon + 1) : undefined;
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
