// Ties an image site shared by design (a Kustomize images: entry, a Helm values mapping) to the one Rollout it may edit.
import { helmValuesUsage } from './helm-values-usage.js';
import { parseImage } from './image-reference.js';
import { documentImages, type BuiltDocument, type KustomizeBuild } from './kustomize-build.js';
import { KustomizeDependents } from './kustomize-dependents.js';
import type { KustomizeImageSite } from './kustomize-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { stringAt } from './unstructured.js';
import { OwnWorkloads } from './workload-document.js';

/**
 * `ours`: the site sets this Rollout's image and no other workload's. `unrelated`: it does not reach this Rollout at
 * all (another application's kustomization under the same path). `refused`: it reaches this Rollout and more, or Vane
 * cannot tell what it reaches; editing it could roll back someone else's workload.
 */
export type Reach = { kind: 'ours' } | { kind: 'unrelated' } | { kind: 'refused'; why: string };

/** A place in a values file: a mapping of image keys, or one key holding the whole image. */
export interface HelmValuesSite {
  file: string;
  valuesPath: readonly string[];
}

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod']);

export class SiteOwnership {
  private readonly dependents: KustomizeDependents;

  constructor(
    private readonly repo: RepoHistory,
    private readonly rollout: { namespace: string; name: string },
  ) {
    this.dependents = new KustomizeDependents(repo);
  }

  private get label(): string {
    return `Rollout ${this.rollout.namespace}/${this.rollout.name}`;
  }

  /** The workloads the entry's kustomization builds that run the entry's image must be this Rollout (or its workloadRef). */
  async kustomizeReach(site: KustomizeImageSite): Promise<Reach> {
    const inBuild = await this.reachInBuild(site, site.file, () => true);
    return inBuild.kind === 'alone' ? this.reachThroughIncluders(site, inBuild.own) : inBuild;
  }

  /**
   * An images entry in a kustomization outside the source path, reached from `root` (the path's kustomization) by
   * resources, bases or components. Within that build, the workloads built through it that run the image must be this
   * Rollout alone; and every other kustomization of the repository that includes it must build none but this Rollout.
   */
  async followedKustomizeReach(site: KustomizeImageSite, root: string): Promise<Reach> {
    const inBuild = await this.reachInBuild(site, root, (built) => built.via.includes(site.file));
    return inBuild.kind === 'alone' ? this.reachThroughIncluders(site, inBuild.own) : inBuild;
  }

  /**
   * In the build of `root`, the documents `through` admits that run the entry's image: `alone` when they are this
   * Rollout (or its workloadRef) only, else the verdict (refused, naming the others; unrelated; unknown build).
   */
  private async reachInBuild(site: KustomizeImageSite, root: string, through: (built: BuiltDocument) => boolean): Promise<Reach | { kind: 'alone'; own: OwnWorkloads }> {
    const build = await this.build(root);
    const what = `images entry ${site.entryName} in ${site.file}`;
    if (build.kind === 'unknown') return { kind: 'refused', why: `cannot tell which workloads ${what} reaches: ${build.why}` };
    const own = build.documents.find((built) => built.kind === 'Rollout' && this.isOurs(built));
    if (!own) return { kind: 'unrelated' };
    const workloadRef = stringAt(own.doc, ['spec', 'workloadRef', 'name']);
    const isOwn = (built: BuiltDocument): boolean => built === own || (built.kind === 'Deployment' && built.name === workloadRef && this.inNamespace(built));
    const users = build.documents.filter((built) => through(built) && documentImages(built.doc).some((image) => parseImage(image).name === site.entryName));
    if (!users.some(isOwn)) return { kind: 'unrelated' };
    const others = users.filter((built) => !isOwn(built));
    if (others.length === 0) return { kind: 'alone', own: new OwnWorkloads(this.rollout, workloadRef) };
    const names = others.map((built) => `${built.kind} ${built.name} (${built.file})`).join(', ');
    return { kind: 'refused', why: `${what} also sets the image of ${names}; editing it would roll back more than ${this.label}` };
  }

  /**
   * A base or component is built by every kustomization that includes it (each overlay, each environment): the entry
   * reaches the workloads all of them make, under their namespaces and name prefixes, not only this Rollout.
   */
  private async reachThroughIncluders(site: KustomizeImageSite, own: OwnWorkloads): Promise<Reach> {
    const what = `images entry ${site.entryName} in ${site.file}`;
    const found = await this.dependents.of(site.file, () => false);
    if (found.kind === 'unknown') return { kind: 'refused', why: `cannot tell which workloads ${what} reaches: ${found.why}` };
    const others = found.dependents.flatMap((dependent) =>
      dependent.workloads
        .filter((built) => documentImages(built.doc).some((image) => parseImage(image).name === site.entryName))
        .filter((built) => !own.is(built.kind, built.name, built.namespace))
        .map((built) => `${built.kind} ${built.namespace !== undefined ? `${built.namespace}/` : ''}${built.name} (through ${dependent.kustomization})`),
    );
    if (others.length === 0) return { kind: 'ours' };
    const names = [...new Set(others)].join(', ');
    return { kind: 'refused', why: `${what} is shared: it also sets the image of ${names}; editing or reverting it would roll back more than ${this.label}` };
  }

  /** The kustomizations `root` reaches, for finding images entries outside the source path. */
  async reachedFrom(root: string): Promise<KustomizeBuild> {
    return this.build(root);
  }

  /**
   * The chart's templates reading the mapping must declare one workload, a Rollout. Values of a chart that is not in
   * the repository (a multi-source Application's `ref` values) belong to the proven Application alone.
   */
  async helmReach(site: HelmValuesSite, chartDir: string | undefined): Promise<Reach> {
    if (chartDir === undefined) return { kind: 'ours' };
    const values = `.Values.${site.valuesPath.join('.')}`;
    const usage = await helmValuesUsage(this.repo, chartDir, site.valuesPath);
    if (usage.kind === 'unknown') return { kind: 'refused', why: `cannot tell which workloads ${values} of ${site.file} sets: ${usage.why}` };
    const workloads = usage.uses.flatMap((use) => use.kinds.filter((kind) => WORKLOAD_KINDS.has(kind)).map((kind) => ({ kind, file: use.file })));
    const others = workloads.filter((workload) => workload.kind !== 'Rollout');
    if (others.length > 0) {
      const names = others.map((workload) => `a ${workload.kind} in ${workload.file}`).join(', ');
      return { kind: 'refused', why: `the image of ${values} (${site.file}) is also used by ${names}; editing it would roll back more than ${this.label}` };
    }
    if (workloads.length === 0) return { kind: 'refused', why: `no template of chart ${chartDir} reads ${values}; Vane cannot tell which workloads it sets` };
    if (workloads.length > 1) {
      return { kind: 'refused', why: `${values} (${site.file}) sets the image of ${workloads.length} Rollouts (${workloads.map((workload) => workload.file).join(', ')}), not only ${this.label}` };
    }
    return { kind: 'ours' };
  }

  private build(file: string): Promise<KustomizeBuild> {
    return this.dependents.build(file);
  }

  private isOurs(built: BuiltDocument): boolean {
    return built.name === this.rollout.name && this.inNamespace(built);
  }

  /** A document without a namespace is deployed where the GitOps tool puts it, which discovery proved is here. */
  private inNamespace(built: BuiltDocument): boolean {
    return built.namespace === undefined || built.namespace === this.rollout.namespace;
  }
}
