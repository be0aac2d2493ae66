// For a release that changed no image: the plain Rollout manifest holding the pod template, read as the API server reads it.
import { posix } from 'node:path';
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';
import { sameJson } from '../resources/canonical-json.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import { podTemplateHash } from '../resources/pod-template-hash.js';
import { KUSTOMIZATION_FILES } from './kustomize-image-site.js';
import { matchesWorkload, type WorkloadSelector } from './manifest-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { isRecord, stringAt, valueAt } from './unstructured.js';
import { parseDocuments } from './yaml-documents.js';

export interface TemplateIdentity {
  podTemplateHash: string;
  /** The PodTemplateSpec itself, when the caller has it: compared by meaning as well as by hash. */
  template?: unknown;
}

export class PodTemplateSite {
  constructor(
    readonly file: string,
    readonly selector: WorkloadSelector,
  ) {}

  describe(): string {
    return `${this.file} (Rollout ${this.selector.name}, spec.template)`;
  }

  /**
   * The Rollout's spec.template in this revision of the file, with numbers and booleans typed (js-yaml's default
   * schema) as the API server stores them, so that it hashes like the live template; undefined when absent.
   */
  templateIn(content: string): unknown {
    // The failsafe read bounds size and aliases; the typed read of the same text is then bounded too.
    const docs = parseDocuments(content);
    const index = docs?.findIndex((doc) => matchesWorkload(doc, this.selector)) ?? -1;
    if (index < 0) return undefined;
    const typed = yaml.loadAll(content, undefined, { schema: yaml.DEFAULT_SCHEMA });
    const template = valueAt(typed[index], ['spec', 'template']);
    return isRecord(template) ? template : undefined;
  }

  hashIn(content: string | undefined): string | undefined {
    const template = content === undefined ? undefined : this.templateIn(content);
    return template === undefined ? undefined : podTemplateHash(template as unknown as PodTemplateSpec);
  }

  /** The file's template is `wanted`: the same hash, or the same object by meaning. */
  holds(content: string | undefined, wanted: TemplateIdentity): boolean {
    const template = content === undefined ? undefined : this.templateIn(content);
    if (template === undefined) return false;
    if (wanted.template !== undefined && sameJson(template, wanted.template)) return true;
    return podTemplateHash(template as unknown as PodTemplateSpec) === wanted.podTemplateHash;
  }
}

/**
 * The one plain manifest of the Rollout under `path`. Kustomize and Helm only produce the template when built or
 * rendered, and a workloadRef's Deployment comes back from the API server with defaults filled in: for those, Vane
 * cannot tell which commit produced the failing template, and says what it would need.
 */
export async function locatePodTemplateSite(repo: RepoHistory, query: { path: string; rollout: { namespace: string; name: string } }): Promise<PodTemplateSite> {
  const where = query.path || 'the repository root';
  const noImage = 'the release changed no container image, so Vane must find the commit that changed the pod template';
  if ((await repo.fileAt('HEAD', posix.join(query.path, 'Chart.yaml'))) !== undefined) {
    throw new VaneError('InvalidSpec', `${noImage}; ${where} is a Helm chart, and Vane would need to render it (helm template) at each commit to see which one produced the failing template. Revert the release commit by hand`);
  }
  for (const name of KUSTOMIZATION_FILES) {
    if ((await repo.fileAt('HEAD', posix.join(query.path, name))) === undefined) continue;
    throw new VaneError('InvalidSpec', `${noImage}; ${where} is a Kustomize overlay, and Vane would need to build it (kustomize build) at each commit to see which one produced the failing template. Revert the release commit by hand`);
  }
  const selector: WorkloadSelector = { kind: 'Rollout', ...query.rollout };
  const found: Array<{ file: string; doc: unknown }> = [];
  for (const file of (await repo.listFiles(query.path)).filter((name) => /\.ya?ml$/i.test(name))) {
    for (const doc of parseDocuments((await repo.fileAt('HEAD', file)) ?? '') ?? []) if (matchesWorkload(doc, selector)) found.push({ file, doc });
  }
  const [first, ...rest] = found;
  if (!first) throw new VaneError('NotFound', `${noImage}, but there is no Rollout manifest named ${selector.name} under ${where}`);
  if (rest.length > 0) throw new VaneError('Conflict', `${found.length} Rollout manifests named ${selector.name} under ${where}: ${found.map((match) => match.file).join(', ')}`);
  const workloadRef = stringAt(first.doc, ['spec', 'workloadRef', 'name']);
  if (workloadRef !== undefined) {
    throw new VaneError('InvalidSpec', `${noImage}; the Rollout runs the template of Deployment ${workloadRef} (workloadRef), which the API server fills with defaults, so Vane cannot match git's template to the failing one`);
  }
  return new PodTemplateSite(first.file, selector);
}
