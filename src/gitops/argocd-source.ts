// Git source of an Argo CD-managed Rollout: tracking annotation or instance label → Application, proven from Argo CD's side → source(s).
import { posix } from 'node:path';
import type { Rollout } from '../resources/rollout.js';
import { admitsApplicationsFrom, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, permitsDestination, permitsRepository } from './argocd-project.js';
import { normalizeRepoPath, type DiscoveredSource, type GitSourceRef, type RefusedClaim } from './discovered-source.js';
import type { SecretRef } from './git-credentials.js';
import type { ObjectReader } from './object-reader.js';
import { normalizeRepoUrl, redactUrl, repoUrlCovers, repoUrlParts } from './repo-url.js';
import { arrayAt, isRecord, recordAt, stringAt, stringMapAt } from './unstructured.js';

export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

export interface ArgoCDOptions {
  /** Namespace of the Argo CD control plane, where Applications and repository secrets live; defaults to `argocd`. */
  namespace?: string;
}

/** `unclaimed`: Argo CD does not manage the Rollout; `note` explains a near miss for the final "no source" reason. */
export type ArgoCDDiscovery = DiscoveredSource | RefusedClaim | { kind: 'unclaimed'; note?: string };

interface AppRef {
  namespace: string;
  name: string;
  via: string;
}

interface RolloutId {
  namespace: string;
  name: string;
}

export async function discoverFromArgoCD(rollout: Rollout, reader: ObjectReader, options: ArgoCDOptions = {}): Promise<ArgoCDDiscovery> {
  const controlPlane = options.namespace ?? 'argocd';
  const ref = applicationRef(rollout, controlPlane);
  if (!ref) return { kind: 'unclaimed' };
  const app = await reader.get('argoproj.io/v1alpha1', 'Application', ref.namespace, ref.name);
  const label = `Application ${ref.namespace}/${ref.name}`;
  if (!isRecord(app)) {
    const note = `${ref.via} names ${label}, which does not exist`;
    return ref.via.startsWith('label') ? { kind: 'unclaimed', note } : { kind: 'none', reason: note };
  }
  const chosen = chooseSource(app, instanceName(ref, controlPlane));
  const repoURL = typeof chosen === 'string' ? undefined : chosen.repoURL;
  const id: RolloutId = { namespace: rollout.metadata.namespace ?? 'default', name: rollout.metadata.name ?? '' };
  const proof = await proveLink(reader, { app, ref, id, controlPlane, repoURL });
  if (!proof.proven) return { kind: 'refused', origin: label, reason: `${label} does not manage Rollout ${id.namespace}/${id.name}: ${proof.why}`, ...(repoURL !== undefined ? { repoURL } : {}) };
  if (typeof chosen === 'string') return { kind: 'none', reason: `${label}: ${chosen}` };
  const pinned = pinnedRevision(chosen.branch);
  if (pinned) return { kind: 'none', reason: `${label} is pinned to ${pinned}; a revert cannot be pushed there` };
  const secretRef = await repositorySecret(reader, { namespace: controlPlane, repoURL: chosen.repoURL, project: proof.project });
  return { kind: 'git', via: 'argocd', origin: label, source: { ...chosen, ...(secretRef ? { secretRef } : {}) } };
}

interface ProofInput {
  app: Record<string, unknown>;
  ref: AppRef;
  id: RolloutId;
  controlPlane: string;
  repoURL: string | undefined;
}

/** The Application's AppProject when the link to the Rollout is proven, else why not. */
type Proof = { proven: true; project: string } | { proven: false; why: string };

/**
 * Proves from Argo CD's side that the Application deploys this Rollout, as Argo CD itself would allow it: its
 * AppProject admits Applications from the Application's namespace, it deploys to this cluster and to the Rollout's
 * namespace, the project permits that destination and the repository, and Argo CD's record of the resources it
 * manages (status.resources) lists the Rollout when there is such a record (always, without a destination namespace).
 */
async function proveLink(reader: ObjectReader, input: ProofInput): Promise<Proof> {
  const { app, ref, id, controlPlane } = input;
  const projectName = stringAt(app, ['spec', 'project']) || 'default';
  const project = await reader.get('argoproj.io/v1alpha1', 'AppProject', controlPlane, projectName);
  if (!isRecord(project)) return refuse(`its AppProject ${controlPlane}/${projectName} does not exist`);
  if (ref.namespace !== controlPlane && !admitsApplicationsFrom(project, ref.namespace)) {
    return refuse(`AppProject ${projectName} does not list namespace ${ref.namespace} in its sourceNamespaces, so Argo CD ignores Applications there`);
  }
  const destination = destinationOf(app);
  if (destination.server !== IN_CLUSTER_SERVER && destination.name !== IN_CLUSTER_NAME) {
    return refuse(`it deploys to cluster ${destination.server ?? destination.name ?? '(none)'}, not the one Vane runs in`);
  }
  if (destination.namespace !== '' && destination.namespace !== id.namespace) return refuse(`it deploys to namespace ${destination.namespace}, not ${id.namespace}`);
  if (!permitsDestination(project, { ...destination, namespace: id.namespace })) {
    return refuse(`AppProject ${projectName} does not permit namespace ${id.namespace} as a destination`);
  }
  if (input.repoURL !== undefined && !permitsRepository(project, input.repoURL)) {
    return refuse(`AppProject ${projectName} does not permit its repository ${redactUrl(input.repoURL)}`);
  }
  const listed = managedResources(app);
  if ((listed !== undefined || destination.namespace === '') && !listed?.some((resource) => isRollout(resource, id))) {
    return refuse(`Argo CD's status.resources of the Application does not list Rollout ${id.namespace}/${id.name}`);
  }
  return { proven: true, project: projectName };
}

function refuse(why: string): Proof {
  return { proven: false, why };
}

function destinationOf(app: Record<string, unknown>): { server?: string; name?: string; namespace: string } {
  const server = stringAt(app, ['spec', 'destination', 'server'])?.replace(/\/+$/, '');
  const name = stringAt(app, ['spec', 'destination', 'name']);
  return { ...(server !== undefined ? { server } : {}), ...(name !== undefined ? { name } : {}), namespace: stringAt(app, ['spec', 'destination', 'namespace']) ?? '' };
}

/** status.resources, or undefined when Argo CD has not recorded any (a brand-new Application). */
function managedResources(app: Record<string, unknown>): Array<Record<string, unknown>> | undefined {
  const resources = arrayAt(app, ['status', 'resources']).filter(isRecord);
  return resources.length > 0 ? resources : undefined;
}

function isRollout(resource: Record<string, unknown>, id: RolloutId): boolean {
  return stringAt(resource, ['group']) === 'vane.dev' && stringAt(resource, ['kind']) === 'Rollout' && stringAt(resource, ['namespace']) === id.namespace && stringAt(resource, ['name']) === id.name;
}

/**
 * The annotation wins over the label, and only when it really names this Rollout: Argo CD ignores a tracking id
 * copied onto another object, and so do we. Apps outside the control-plane namespace appear as `<namespace>_<name>`.
 */
function applicationRef(rollout: Rollout, controlPlane: string): AppRef | undefined {
  const namespace = rollout.metadata.namespace ?? 'default';
  const trackingId = rollout.metadata.annotations?.[TRACKING_ID_ANNOTATION];
  const tracked = trackingId !== undefined ? parseTrackingId(trackingId) : undefined;
  if (tracked && tracked.group === 'vane.dev' && tracked.kind === 'Rollout' && tracked.namespace === namespace && tracked.name === rollout.metadata.name) {
    return { ...splitAppName(tracked.app, controlPlane), via: `annotation ${TRACKING_ID_ANNOTATION}` };
  }
  const instance = rollout.metadata.labels?.[INSTANCE_LABEL];
  if (instance === undefined) return undefined;
  return { ...splitAppName(instance, controlPlane), via: `label ${INSTANCE_LABEL}=${instance}` };
}

/** The Application the Rollout names, as discovery follows it (whether it manages the Rollout is discovery's to prove). */
export function argoCDApplicationRef(rollout: Rollout, controlPlane: string): { namespace: string; name: string } | undefined {
  const ref = applicationRef(rollout, controlPlane);
  return ref ? { namespace: ref.namespace, name: ref.name } : undefined;
}

/** `<app>:<group>/<kind>:<namespace>/<name>`; the group is empty for core kinds, the namespace for cluster-scoped ones. */
export function parseTrackingId(value: string): { app: string; group: string; kind: string; namespace: string; name: string } | undefined {
  const match = /^([^:]+):([^/:]*)\/([^:]+):([^/]*)\/(.+)$/.exec(value);
  if (!match) return undefined;
  const [, app = '', group = '', kind = '', namespace = '', name = ''] = match;
  return { app, group, kind, namespace, name };
}

/** Argo CD's `InstanceName`: the name alone in the control-plane namespace, else `<namespace>_<name>`. */
function instanceName(ref: AppRef, controlPlane: string): string {
  return ref.namespace === controlPlane ? ref.name : `${ref.namespace}_${ref.name}`;
}

function splitAppName(value: string, controlPlane: string): { namespace: string; name: string } {
  const underscore = value.indexOf('_');
  return underscore > 0 ? { namespace: value.slice(0, underscore), name: value.slice(underscore + 1) } : { namespace: controlPlane, name: value };
}

type ChosenSource = Omit<GitSourceRef, 'secretRef'>;

/** The git source holding the Rollout, or a sentence saying why none can be chosen. */
function chooseSource(app: object, application: string): ChosenSource | string {
  const source = recordAt(app, ['spec', 'source']);
  if (source) return fromSingleSource(source, application);
  const sources = arrayAt(app, ['spec', 'sources']).filter(isRecord);
  if (sources.length === 0) return 'it has no spec.source or spec.sources';
  return fromMultipleSources(sources, application);
}

/** A rendered git source: its path, its own value files, and the Application whose override files Argo CD reads there. */
function fromSingleSource(source: Record<string, unknown>, application: string): ChosenSource | string {
  const repoURL = stringAt(source, ['repoURL']);
  if (repoURL === undefined) return 'spec.source has no repoURL';
  if (stringAt(source, ['chart']) !== undefined) return 'its source is a chart from a Helm repository, not git';
  const path = normalizeRepoPath(stringAt(source, ['path']));
  const valueFiles = helmValueFiles(source).flatMap((file) => (file.startsWith('$') ? [] : [posix.normalize(posix.join(path, file))]));
  return { repoURL, branch: branchOf(source), path, valueFiles, push: 'direct', argoCDApplication: { name: application, path } };
}

/**
 * Multi-source Applications: a chart whose value files come from a `ref` source (`$values/envs/prod/values.yaml`,
 * relative to the root of that source's repository), or exactly one git source with a path. Anything else is
 * ambiguous and needs spec.rollback.git.
 */
function fromMultipleSources(sources: Array<Record<string, unknown>>, application: string): ChosenSource | string {
  const byRef = new Map(sources.flatMap((source) => (typeof source.ref === 'string' ? [[source.ref, source] as const] : [])));
  for (const chart of sources) {
    const chosen = fromReferencedValues(chart, byRef);
    if (chosen !== undefined) return chosen;
  }
  const withPath = sources.filter((source) => stringAt(source, ['path']) !== undefined && stringAt(source, ['chart']) === undefined);
  const [only, ...others] = withPath;
  if (only && others.length === 0) return fromSingleSource(only, application);
  return `it has ${withPath.length} git sources with a path; set spec.rollback.git on the Rollout to choose one`;
}

/**
 * The rollback goes where the values are: the repository and branch of the ref source holding the chart's last
 * `$ref/...` value file (the one that wins Helm's merge). Value files are kept in the chart's order when they live in
 * that repository at that branch: `$ref/...` files of any ref source there, and, when the chart itself is a git
 * source there, its own chart-relative files; then the path is the chart's, so its templates and values.yaml are
 * read too. Value files in another repository (a chart from a Helm repository, a second values repository) cannot
 * be read or changed by this rollback and are left out. No override file applies: Argo CD reads
 * `.argocd-source-<app>.yaml` only at the path of a source it renders, and a ref source is not rendered.
 */
function fromReferencedValues(chart: Record<string, unknown>, byRef: ReadonlyMap<string, Record<string, unknown>>): ChosenSource | undefined {
  const files = helmValueFiles(chart).map((file) => {
    const match = /^\$([^/]+)\/(.+)$/.exec(file);
    const target = match?.[1] !== undefined ? byRef.get(match[1]) : undefined;
    return { file, target, inRepo: match?.[2] !== undefined ? posix.normalize(match[2]) : undefined };
  });
  const last = [...files].reverse().find((entry) => entry.target !== undefined && entry.inRepo !== undefined);
  const repoURL = last?.target !== undefined ? stringAt(last.target, ['repoURL']) : undefined;
  if (!last?.target || repoURL === undefined) return undefined;
  const values = last.target;
  const chartPath = stringAt(chart, ['chart']) === undefined && sameCheckout(chart, values) ? normalizeRepoPath(stringAt(chart, ['path'])) : undefined;
  const valueFiles = files.flatMap((entry) => {
    if (entry.target !== undefined) return entry.inRepo !== undefined && sameCheckout(entry.target, values) ? [entry.inRepo] : [];
    if (entry.file.startsWith('$') || chartPath === undefined) return [];
    return [posix.normalize(posix.join(chartPath, entry.file))];
  });
  const path = chartPath ?? normalizeRepoPath(posix.dirname(last.inRepo ?? ''));
  return { repoURL, branch: branchOf(values), path, valueFiles, push: 'direct' };
}

/** Two sources Argo CD checks out as the same tree: one repository, one revision. */
function sameCheckout(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const repoA = stringAt(a, ['repoURL']);
  const repoB = stringAt(b, ['repoURL']);
  return repoA !== undefined && repoB !== undefined && normalizeRepoUrl(repoA) === normalizeRepoUrl(repoB) && branchOf(a) === branchOf(b);
}

function helmValueFiles(source: Record<string, unknown>): string[] {
  return arrayAt(source, ['helm', 'valueFiles']).filter((file): file is string => typeof file === 'string' && !/^https?:\/\//.test(file));
}

/** targetRevision '' or HEAD follows the default branch. */
function branchOf(source: Record<string, unknown>): string | undefined {
  const revision = stringAt(source, ['targetRevision']);
  if (revision === undefined || revision === '' || revision === 'HEAD') return undefined;
  return revision.replace(/^refs\/heads\//, '');
}

function pinnedRevision(branch: string | undefined): string | undefined {
  if (branch === undefined) return undefined;
  if (/^[0-9a-f]{40}$/i.test(branch)) return `commit ${branch}`;
  if (branch.startsWith('refs/tags/')) return `tag ${branch.slice('refs/tags/'.length)}`;
  return undefined;
}

/**
 * Argo CD keeps credentials in labelled secrets of its own namespace that no Application names: a `repository` secret
 * whose url is this repository, else the `repo-creds` template whose url covers it with the most path segments. A
 * secret with a `project` key is Argo CD's project-scoped credential and serves that project's Applications only
 * (preferred there, as Argo CD prefers it).
 */
async function repositorySecret(reader: ObjectReader, scope: { namespace: string; repoURL: string; project: string }): Promise<SecretRef | undefined> {
  if (!reader.list) return undefined;
  const { namespace, repoURL, project } = scope;
  const secrets = await reader.list('v1', 'Secret', namespace, `${SECRET_TYPE_LABEL} in (repository,repo-creds)`);
  const wanted = normalizeRepoUrl(repoURL);
  const described = secrets
    .filter(isRecord)
    .map((secret) => ({
      name: stringAt(secret, ['metadata', 'name']) ?? '',
      type: stringMapAt(secret, ['metadata', 'labels'])[SECRET_TYPE_LABEL],
      url: normalizeRepoUrl(secretField(secret, 'url')),
      project: secretField(secret, 'project'),
    }))
    .filter((secret) => secret.project === '' || secret.project === project)
    .sort((a, b) => Number(b.project !== '') - Number(a.project !== ''));
  const exact = described.find((secret) => secret.type === 'repository' && secret.url === wanted);
  if (exact) return { namespace, name: exact.name };
  // By URL components, never by string prefix: https://git.corp must not cover https://git.corp.evil.io.
  const templates = described
    .filter((secret) => secret.type === 'repo-creds' && repoUrlCovers(secret.url, repoURL))
    .map((secret, order) => ({ ...secret, order, depth: repoUrlParts(secret.url)?.segments.length ?? 0 }))
    .sort((a, b) => b.depth - a.depth || a.order - b.order);
  return templates[0] ? { namespace, name: templates[0].name } : undefined;
}

function secretField(secret: Record<string, unknown>, key: string): string {
  const plain = stringMapAt(secret, ['stringData'])[key];
  if (plain !== undefined) return plain;
  const encoded = stringMapAt(secret, ['data'])[key];
  return encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : '';
}
