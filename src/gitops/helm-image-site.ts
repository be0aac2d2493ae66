// An image set in Helm values: a mapping of `repository` (+ `registry`) and `tag` / `digest`, possibly split across files.
import { VaneError } from '../errors.js';
import { fieldChanges, type ImageFields, type ImageSite } from './image-site.js';
import { parseImage } from './image-reference.js';
import { parseDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';
import { isRecord, stringAt, valueAt } from './unstructured.js';

export interface HelmImageValues {
  /** Keys from the values root to the mapping, e.g. ["image"] or ["checkout", "image"]. */
  path: string[];
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

/** Image name as the chart would render it: `registry/repository` when a registry key is present. */
export function helmImageName(values: HelmImageValues): string | undefined {
  if (values.repository === undefined) return undefined;
  return values.registry !== undefined ? `${values.registry}/${values.repository}` : values.repository;
}

/** Every mapping of a values file, at any depth, that has a string `repository` key. */
export function helmRepositoryValues(content: string): HelmImageValues[] {
  const found: HelmImageValues[] = [];
  collect(parseDocuments(content)?.[0], [], found);
  return found;
}

/** The image fields of the mapping at `path`, or undefined when the file has no mapping there. */
export function helmValuesAt(content: string, path: readonly string[]): HelmImageValues | undefined {
  const node = valueAt(parseDocuments(content)?.[0], path);
  return isRecord(node) ? readImageValues(node, [...path]) : undefined;
}

function collect(node: unknown, path: string[], found: HelmImageValues[]): void {
  if (!isRecord(node)) return;
  if (stringAt(node, ['repository']) !== undefined) found.push(readImageValues(node, path));
  for (const [key, child] of Object.entries(node)) collect(child, [...path, key], found);
}

function readImageValues(node: Record<string, unknown>, path: string[]): HelmImageValues {
  return {
    path,
    registry: stringAt(node, ['registry']),
    repository: stringAt(node, ['repository']),
    tag: stringAt(node, ['tag']),
    digest: stringAt(node, ['digest']),
  };
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

  imageIn(content: string): string | undefined {
    const values = helmValuesAt(content, this.valuesPath);
    const name = values ? (helmImageName(values) ?? this.inheritedName) : undefined;
    if (!values || name === undefined || (values.tag === undefined && values.digest === undefined)) return undefined;
    const tag = values.tag !== undefined ? `:${values.tag}` : '';
    const digest = values.digest !== undefined ? `@${values.digest}` : '';
    return `${name}${tag}${digest}`;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const values = helmValuesAt(content, this.valuesPath);
    if (!values) throw new VaneError('NotFound', `no ${this.valuesPath.join('.')} mapping in ${this.file}`);
    const target = parseImage(image);
    const current: ImageFields = { tag: values.tag, digest: values.digest };
    const wanted: ImageFields = { tag: target.tag, digest: target.digest };
    if (target.name !== (helmImageName(values) ?? this.inheritedName)) {
      current.repository = values.repository;
      wanted.repository = this.repositoryFor(values, target.name);
    }
    return fieldChanges(current, wanted, { doc: 0, path: this.valuesPath, what: this.describe() });
  }

  private repositoryFor(values: HelmImageValues, name: string): string {
    if (values.registry === undefined) return name;
    const prefix = `${values.registry}/`;
    if (!name.startsWith(prefix)) {
      throw new VaneError('InvalidSpec', `${name} is not under registry ${values.registry} set in ${this.describe()}`);
    }
    return name.slice(prefix.length);
  }
}
