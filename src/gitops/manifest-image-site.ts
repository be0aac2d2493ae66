// An image written directly in a workload manifest (a Rollout, or the Deployment its workloadRef names) in a YAML file.
import { VaneError } from '../errors.js';
import type { ImageSite } from './image-site.js';
import { documentSpans, parseDocuments } from './yaml-documents.js';
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

  imageIn(content: string): string | undefined {
    const found = this.locate(content);
    return found ? stringAt(found.doc, [...found.path, 'image']) : undefined;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const found = this.locate(content);
    const current = found ? stringAt(found.doc, [...found.path, 'image']) : undefined;
    if (!found || current === undefined) throw new VaneError('NotFound', `no image for ${this.describe()}`);
    return [{ doc: found.index, path: [...found.path, 'image'], from: current, to: image }];
  }

  ownedLines(content: string): { startLine: number; endLine: number } | undefined {
    return documentSpans(content)?.find((span) => matchesWorkload(span.value, this.workload));
  }

  private locate(content: string): { index: number; doc: unknown; path: Array<string | number> } | undefined {
    const docs = parseDocuments(content) ?? [];
    const index = docs.findIndex((doc) => matchesWorkload(doc, this.workload));
    const doc = docs[index];
    const path = index >= 0 ? containerPath(doc, this.container) : undefined;
    return path ? { index, doc, path } : undefined;
  }
}
