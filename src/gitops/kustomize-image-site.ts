// An image set by an `images:` entry (newName / newTag / digest) of a kustomization file.
import { VaneError } from '../errors.js';
import { fieldChanges, type ImageFields, type ImageSite } from './image-site.js';
import { parseImage } from './image-reference.js';
import { scalarFieldAt, type ScalarField } from './scalar-reading.js';
import { parseStyledDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';
import { arrayAt } from './unstructured.js';

export const KUSTOMIZATION_FILES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** One `images:` entry, its fields as written and as kustomize reads them into strings (`newTag: 1.10` is "1.1"). */
export interface KustomizeImageEntry {
  /** Position in the file's `images:` list. */
  index: number;
  name: string;
  newName?: ScalarField;
  newTag?: ScalarField;
  digest?: ScalarField;
}

export function kustomizeImageEntries(content: string): KustomizeImageEntry[] {
  const doc = parseStyledDocuments(content)?.[0];
  return arrayAt(doc, ['images']).flatMap((entry, index) => {
    const field = (key: string): ScalarField | undefined => scalarFieldAt(entry, [key], 'typed-string');
    const name = field('name')?.value;
    if (name === undefined) return [];
    return [{ index, name, newName: field('newName'), newTag: field('newTag'), digest: field('digest') }];
  });
}

/** The image an entry produces; undefined when it keeps the base manifest's tag, which the entry alone cannot tell. */
export function kustomizeImage(entry: KustomizeImageEntry): string | undefined {
  const newTag = entry.newTag?.value;
  const digest = entry.digest?.value;
  if (newTag === undefined && digest === undefined) return undefined;
  return `${entry.newName?.value ?? entry.name}${newTag !== undefined ? `:${newTag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
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
    const wanted: Record<string, string | undefined> = { newTag: target.tag, digest: target.digest };
    if (target.name !== (entry.newName?.value ?? entry.name)) {
      current.newName = entry.newName;
      wanted.newName = target.name;
    }
    return fieldChanges(current, wanted, { doc: 0, path: ['images', entry.index], what: this.describe() });
  }
}
