// An image set in Helm values: a mapping of `repository` (+ `registry`) and `tag` / `digest`, possibly split across files.
import { VaneError } from '../errors.js';
import { fieldChanges, type ImageFields, type ImageSite } from './image-site.js';
import { parseImage } from './image-reference.js';
import { scalarFieldAt, type ScalarField } from './scalar-reading.js';
import { parseStyledDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';
import { isRecord, valueAt } from './unstructured.js';

/** The image keys of one values mapping, as written and as Helm renders them (helm-value-rendering.ts). */
export interface HelmImageValues {
  /** Keys from the values root to the mapping, e.g. ["image"] or ["checkout", "image"]. */
  path: string[];
  registry?: ScalarField;
  repository?: ScalarField;
  tag?: ScalarField;
  digest?: ScalarField;
}

/** Image name as the chart would render it: `registry/repository` when a registry key is present. */
export function helmImageName(values: HelmImageValues): string | undefined {
  const repository = values.repository?.value;
  if (repository === undefined) return undefined;
  const registry = values.registry?.value;
  return registry !== undefined ? `${registry}/${repository}` : repository;
}

/** Whether the mapping sets the image's version, as Helm renders it (a null tag is no tag). */
export function setsVersion(values: HelmImageValues): boolean {
  return values.tag?.value !== undefined || values.digest?.value !== undefined;
}

/** Every mapping of a values file, at any depth, with a `repository`, or a `tag` or `digest` that renders as text. */
export function helmImageMappings(content: string): HelmImageValues[] {
  const found: HelmImageValues[] = [];
  collect(parseStyledDocuments(content)?.[0], [], found);
  return found;
}

/** The image fields of the mapping at `path`, or undefined when the file has no mapping there. */
export function helmValuesAt(content: string, path: readonly string[]): HelmImageValues | undefined {
  const node = valueAt(parseStyledDocuments(content)?.[0], path);
  return isRecord(node) ? readImageValues(node, [...path]) : undefined;
}

function collect(node: unknown, path: string[], found: HelmImageValues[]): void {
  if (!isRecord(node)) return;
  const values = readImageValues(node, path);
  if (values.repository?.value !== undefined || setsVersion(values)) found.push(values);
  for (const [key, child] of Object.entries(node)) collect(child, [...path, key], found);
}

function readImageValues(node: Record<string, unknown>, path: string[]): HelmImageValues {
  const field = (key: string): ScalarField | undefined => scalarFieldAt(node, [key], 'helm-values');
  return { path, registry: field('registry'), repository: field('repository'), tag: field('tag'), digest: field('digest') };
}

/**
 * The file that sets the tag (or digest) of one image mapping. A values file often overrides only `image.tag` and
 * inherits `image.repository` from the chart's values.yaml: `inheritedName` carries that name.
 */
export class HelmImageSite implements ImageSite {
  readonly kind = 'helm' as const;

  constructor(
    readonly file: string,
    readonly valuesPath: string[],
    readonly inheritedName?: string,
  ) {}

  get key(): string {
    return `helm:${this.file}:${this.valuesPath.join('.')}`;
  }

  describe(): string {
    return `${this.file} (values ${[...this.valuesPath, 'tag'].join('.')})`;
  }

  /** The image as Helm renders it: `tag: 1.10` written plain is `:1.1`. */
  imageIn(content: string): string | undefined {
    const values = helmValuesAt(content, this.valuesPath);
    const name = values ? (helmImageName(values) ?? this.inheritedName) : undefined;
    if (!values || name === undefined || !setsVersion(values)) return undefined;
    const tag = values.tag?.value !== undefined ? `:${values.tag.value}` : '';
    const digest = values.digest?.value !== undefined ? `@${values.digest.value}` : '';
    return `${name}${tag}${digest}`;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const values = helmValuesAt(content, this.valuesPath);
    if (!values) throw new VaneError('NotFound', `no ${this.valuesPath.join('.')} mapping in ${this.file}`);
    const target = parseImage(image);
    const current: ImageFields = { tag: values.tag, digest: values.digest };
    const wanted: Record<string, string | undefined> = { tag: target.tag, digest: target.digest };
    if (target.name !== (helmImageName(values) ?? this.inheritedName)) {
      current.repository = values.repository;
      wanted.repository = this.repositoryFor(values, target.name);
    }
    return fieldChanges(current, wanted, { doc: 0, path: this.valuesPath, what: this.describe() });
  }

  private repositoryFor(values: HelmImageValues, name: string): string {
    const registry = values.registry?.value;
    if (registry === undefined) return name;
    const prefix = `${registry}/`;
    if (!name.startsWith(prefix)) {
      throw new VaneError('InvalidSpec', `${name} is not under registry ${registry} set in ${this.describe()}`);
    }
    return name.slice(prefix.length);
  }
}
