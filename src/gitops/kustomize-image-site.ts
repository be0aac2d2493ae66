// An image set by an `images:` entry (newName / newTag / digest) of a kustomization file.
import { VaneError } from '../errors.js';
import { fieldChanges, type ImageFields, type ImageSite } from './image-site.js';
import { parseImage } from './image-reference.js';
import { parseDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';
import { arrayAt, stringAt } from './unstructured.js';

export const KUSTOMIZATION_FILES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface KustomizeImageEntry {
  /** Position in the file's `images:` list. */
  index: number;
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export function kustomizeImageEntries(content: string): KustomizeImageEntry[] {
  const doc = parseDocuments(content)?.[0];
  return arrayAt(doc, ['images']).flatMap((entry, index) => {
    const name = stringAt(entry, ['name']);
    if (name === undefined) return [];
    const fields = { newName: stringAt(entry, ['newName']), newTag: stringAt(entry, ['newTag']), digest: stringAt(entry, ['digest']) };
    return [{ index, name, ...fields }];
  });
}

/** The image an entry produces; undefined when it keeps the base manifest's tag, which the entry alone cannot tell. */
export function kustomizeImage(entry: KustomizeImageEntry): string | undefined {
  if (entry.newTag === undefined && entry.digest === undefined) return undefined;
  const tag = entry.newTag !== undefined ? `:${entry.newTag}` : '';
  const digest = entry.digest !== undefined ? `@${entry.digest}` : '';
  return `${entry.newName ?? entry.name}${tag}${digest}`;
}

export class KustomizeImageSite implements ImageSite {
  readonly kind = 'kustomize' as const;

  constructor(
    readonly file: string,
    /** The entry's `name`: the image name as the base manifests spell it. */
    readonly entryName: string,
  ) {}

  get key(): string {
    return `kustomize:${this.file}:${this.entryName}`;
  }

  describe(): string {
    return `${this.file} (images entry ${this.entryName})`;
  }

  imageIn(content: string): string | undefined {
    const entry = kustomizeImageEntries(content).find((candidate) => candidate.name === this.entryName);
    return entry ? kustomizeImage(entry) : undefined;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const entry = kustomizeImageEntries(content).find((candidate) => candidate.name === this.entryName);
    if (!entry) throw new VaneError('NotFound', `no images entry ${this.entryName} in ${this.file}`);
    const target = parseImage(image);
    const current: ImageFields = { newTag: entry.newTag, digest: entry.digest };
    const wanted: ImageFields = { newTag: target.tag, digest: target.digest };
    if (target.name !== (entry.newName ?? entry.name)) {
      current.newName = entry.newName;
      wanted.newName = target.name;
    }
    return fieldChanges(current, wanted, { doc: 0, path: ['images', entry.index], what: this.describe() });
  }
}
