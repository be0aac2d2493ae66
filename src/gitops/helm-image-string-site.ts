// An image set in Helm values as one string, `image: ghcr.io/acme/app:1.5.0`, read by a template as a whole.
import { VaneError } from '../errors.js';
import { parseImage } from './image-reference.js';
import type { ImageSite } from './image-site.js';
import { scalarFieldAt } from './scalar-reading.js';
import { isRecord } from './unstructured.js';
import { parseStyledDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';

/** A key of a values file whose value, as Helm renders it, is a full image reference (a tag or a digest). */
export interface HelmImageString {
  /** Keys from the values root to the string. */
  path: string[];
  image: string;
}

/** Every mapping key of a values file, at any depth outside lists, whose rendered value is an image with a version. */
export function helmImageStrings(content: string): HelmImageString[] {
  const found: HelmImageString[] = [];
  collect(parseStyledDocuments(content)?.[0], [], found);
  return found;
}

function collect(node: unknown, path: string[], found: HelmImageString[]): void {
  if (!isRecord(node)) return;
  for (const [key, child] of Object.entries(node)) {
    const image = scalarFieldAt(node, [key], 'helm-values')?.value;
    if (image !== undefined && isVersionedImage(image)) found.push({ path: [...path, key], image });
    else collect(child, [...path, key], found);
  }
}

/** `name:tag` or `name@digest` with a name and no whitespace: what a container's image field holds. */
function isVersionedImage(value: string): boolean {
  if (/\s/.test(value)) return false;
  const reference = parseImage(value);
  return reference.name !== '' && (reference.tag !== undefined || reference.digest !== undefined);
}

export class HelmImageStringSite implements ImageSite {
  readonly kind = 'helm' as const;

  constructor(
    readonly file: string,
    readonly valuesPath: string[],
  ) {}

  get key(): string {
    return `helm:${this.file}:${this.valuesPath.join('.')}`;
  }

  describe(): string {
    return `${this.file} (values ${this.valuesPath.join('.')})`;
  }

  /** The whole reference as Helm renders the value. */
  imageIn(content: string): string | undefined {
    return scalarFieldAt(parseStyledDocuments(content)?.[0], this.valuesPath, 'helm-values')?.value;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const field = scalarFieldAt(parseStyledDocuments(content)?.[0], this.valuesPath, 'helm-values');
    if (!field) throw new VaneError('NotFound', `no ${this.valuesPath.join('.')} value in ${this.file}`);
    return field.value === image ? [] : [{ doc: 0, path: this.valuesPath, from: field.raw, to: image }];
  }
}
