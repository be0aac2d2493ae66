// An image written directly in a workload manifest (a Rollout, or the Deployment its workloadRef names) in a YAML file.
import { VaneError } from '../errors.js';
import type { ImageSite } from './image-site.js';
import { scalarFieldAt, type ScalarField } from './scalar-reading.js';
import { documentSpans, parseDocuments, parseStyledDocuments } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';
import { arrayAt, stringAt } from './unstructured.js';

export interface WorkloadSelector {
  kind: string;
  name: string;
  /** The Rollout's namespace; documents without a namespace match too (the GitOps tool sets it). */
  namespace: string;
}

export function matchesWorkload(doc: unknown, selector: WorkloadSelector): boolean {
  if (stringAt(doc, ['kind']) !== selector.kind) return false;
  if (stringAt(doc, ['metadata', 'name']) !== selector.name) return false;
  const namespace = stringAt(doc, ['metadata', 'namespace']);
  return namespace === undefined || namespace === selector.namespace;
}

/** Path from the document root to the container named `container`, in containers or initContainers. */
export function containerPath(doc: unknown, container: string): Array<string | number> | undefined {
  for (const listKey of ['containers', 'initContainers']) {
    const base = ['spec', 'template', 'spec', listKey];
    const index = arrayAt(doc, base).findIndex((entry) => stringAt(entry, ['name']) === container);
    if (index >= 0) return [...base, index];
  }
  return undefined;
}

export class ManifestImageSite implements ImageSite {
  readonly kind = 'manifest' as const;

  constructor(
    readonly file: string,
    readonly workload: WorkloadSelector,
    readonly container: string,
  ) {}

  get key(): string {
    const { kind, namespace, name } = this.workload;
    return `manifest:${this.file}:${kind}/${namespace}/${name}:${this.container}`;
  }

  describe(): string {
    return `${this.file} (${this.workload.kind} ${this.workload.name}, container ${this.container})`;
  }

  /** The image the cluster is given: a plain scalar that is not a string to go-yaml (`image: 1.10`) gives none. */
  imageIn(content: string): string | undefined {
    return this.imageField(content)?.field.value;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const found = this.imageField(content);
    if (!found) throw new VaneError('NotFound', `no image for ${this.describe()}`);
    if (found.field.value === image) return [];
    return [{ doc: found.index, path: found.path, from: found.field.raw, to: image }];
  }

  ownedLines(content: string): { startLine: number; endLine: number } | undefined {
    return documentSpans(content)?.find((span) => matchesWorkload(span.value, this.workload));
  }

  private imageField(content: string): { index: number; path: Array<string | number>; field: ScalarField } | undefined {
    const found = this.locate(content);
    if (!found) return undefined;
    const path = [...found.path, 'image'];
    const field = scalarFieldAt(parseStyledDocuments(content)?.[found.index], path, 'json-string');
    return field ? { index: found.index, path, field } : undefined;
  }

  private locate(content: string): { index: number; doc: unknown; path: Array<string | number> } | undefined {
    const docs = parseDocuments(content) ?? [];
    const index = docs.findIndex((doc) => matchesWorkload(doc, this.workload));
    const doc = docs[index];
    const path = index >= 0 ? containerPath(doc, this.container) : undefined;
    return path ? { index, doc, path } : undefined;
  }
}
