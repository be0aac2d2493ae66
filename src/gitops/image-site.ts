// Where a Rollout's container image is written in a repository, read and rewritten in place: the port each kind implements.
import { VaneError } from '../errors.js';
import type { ScalarField } from './scalar-reading.js';
import type { ScalarChange } from './yaml-scalar-edit.js';

export type ImageSiteKind = 'manifest' | 'kustomize' | 'helm' | 'argocd-override';

export interface ImageSite {
  readonly kind: ImageSiteKind;
  /** Repository-relative path of the file holding the image. */
  readonly file: string;
  /** Identity of the site, equal for the same place in the same file whatever the revision. */
  readonly key: string;
  /** For messages: `apps/checkout/rollout.yaml (Rollout checkout, container app)`. */
  describe(): string;
  /** The image the site makes the container run in this revision of the file; undefined when absent there. */
  imageIn(content: string): string | undefined;
  /** Scalar changes that make the site produce `image`; throws when that needs more than replacing values in place. */
  changesFor(content: string, image: string): ScalarChange[];
  /** Lines of the file that belong to this Rollout alone, when the kind has such a notion (whole manifests do). */
  ownedLines?(content: string): { startLine: number; endLine: number } | undefined;
}

/** One changed container of the Rollout, bound to the site that sets its image. */
export interface SiteBinding {
  container: string;
  stable: string;
  failing: string;
  site: ImageSite;
}

/** Fields of a mapping that together spell an image (`newTag`, `tag`, `digest`, ...) as written; undefined means absent. */
export type ImageFields = Record<string, ScalarField | undefined>;

/**
 * Changes turning `current` fields into `target` values by replacing existing values only: adding or removing a key
 * would not be an in-place edit, so it is refused with a message naming the field. Fields compare by what the GitOps
 * tool reads, so a plain `tag: 1.10` that Helm reads as 1.1 is rewritten (quoted) even to restore "1.10".
 */
export function fieldChanges(
  current: ImageFields,
  target: Record<string, string | undefined>,
  location: { doc: number; path: ReadonlyArray<string | number>; what: string },
): ScalarChange[] {
  const changes: ScalarChange[] = [];
  for (const [field, wanted] of Object.entries(target)) {
    const present = current[field];
    if (present?.value === wanted) continue;
    if (present === undefined || wanted === undefined) {
      const verb = present === undefined ? 'add' : 'remove';
      throw new VaneError('InvalidSpec', `restoring ${location.what} would ${verb} "${field}"; only in-place edits are made`);
    }
    changes.push({ doc: location.doc, path: [...location.path, field], from: present.raw, to: wanted });
  }
  return changes;
}
