// An image set by an Argo CD parameter override file in git (`.argocd-source-<app>.yaml`, Image Updater's write-back).
//
// Argo CD's repo-server merges `.argocd-source.yaml`, then `.argocd-source-<app>.yaml`, from the Application's source
// path into its spec.source as JSON merge patches (reposerver/repository `mergeSourceParameters`), after the YAML is
// converted to JSON. A merge patch replaces lists whole, so the last of those files that has `helm.parameters` (or
// `kustomize.images`) holds the whole list in force. Helm parameters become `--set name=value` (`--set-string` with
// forceString) and win over every values file; kustomize images run `kustomize edit set image` on the
// kustomization at the path and win over its `images:` entries. When such a file sets a Rollout's image, it is the
// site: restoring a values file or an `images:` entry beneath it would change nothing Argo CD renders.
import { posix } from 'node:path';
import { VaneError } from '../errors.js';
import { helmImageName, helmValuesAt } from './helm-image-site.js';
import { helmSetParameterValue } from './helm-value-rendering.js';
import { parseImage } from './image-reference.js';
import type { ImageSite } from './image-site.js';
import { scalarFieldAt, type ScalarField } from './scalar-reading.js';
import { resolvePlainScalar } from './go-yaml-scalar.js';
import { arrayAt, isRecord, valueAt } from './unstructured.js';
import { parseStyledDocuments, PlainScalar } from './yaml-documents.js';
import type { ScalarChange } from './yaml-scalar-edit.js';

/** Override files Argo CD reads at `path`, in the order it merges them (later wins). */
export function argoCDOverrideFiles(path: string, application: string): string[] {
  return [posix.join(path, '.argocd-source.yaml'), posix.join(path, `.argocd-source-${application}.yaml`)];
}

/** Whether `file` is an Argo CD override file, for any Application: `.argocd-source.yaml` or `.argocd-source-<app>.yaml`. */
export function isArgoCDOverrideFile(file: string): boolean {
  return /^\.argocd-source(-.+)?\.yaml$/.test(posix.basename(file));
}

/** Of the override files present (in merge order), the last one that has a list at `key`: the list in force. */
export function overrideInForce(files: ReadonlyArray<readonly [string, string]>, key: readonly string[]): string | undefined {
  let last: string | undefined;
  for (const [file, content] of files) {
    if (Array.isArray(valueAt(parseStyledDocuments(content)?.[0], key))) last = file;
  }
  return last;
}

interface HelmParameter {
  index: number;
  name: string;
  value: ScalarField;
}

/**
 * `helm.parameters` as Argo CD reads them: name and value must be JSON strings (a plain number there fails manifest
 * generation, so it sets nothing); `value` is then typed as `--set` types it (helmSetParameterValue).
 */
function helmParameters(content: string): HelmParameter[] {
  return arrayAt(parseStyledDocuments(content)?.[0], ['helm', 'parameters']).flatMap((entry, index) => {
    const name = scalarFieldAt(entry, ['name'], 'json-string')?.value;
    const raw = scalarFieldAt(entry, ['value'], 'json-string');
    if (name === undefined || raw === undefined) return [];
    const value = raw.value !== undefined ? helmSetParameterValue(raw.value, forceString(entry)) : undefined;
    return [{ index, name, value: { raw: raw.raw, value } }];
  });
}

/** encoding/json matches field names case-insensitively: `forcestring` (Image Updater's spelling) and `forceString`. */
function forceString(entry: unknown): boolean {
  if (!isRecord(entry)) return false;
  const key = Object.keys(entry).find((candidate) => candidate.toLowerCase() === 'forcestring');
  const node = key !== undefined ? entry[key] : undefined;
  if (!(node instanceof PlainScalar)) return false;
  const scalar = resolvePlainScalar(node.text);
  return scalar.type === 'bool' && scalar.value;
}

const IMAGE_FIELDS = ['registry', 'repository', 'tag', 'digest'] as const;

/** The image parameters under one values path (`image.tag`, `image.repository`, ...), or one holding the whole image. */
export interface HelmParameterImage {
  valuesPath: string;
  /** True when the parameter named valuesPath holds the whole reference (`--set image=repo:tag`). */
  whole: boolean;
  fields: Partial<Record<(typeof IMAGE_FIELDS)[number], ScalarField>>;
}

/** The image parameters of an override file, grouped by the values path they set. */
export function helmParameterImages(content: string): HelmParameterImage[] {
  const groups = new Map<string, HelmParameterImage>();
  for (const parameter of helmParameters(content)) {
    const field = IMAGE_FIELDS.find((candidate) => parameter.name.endsWith(`.${candidate}`));
    if (field !== undefined) {
      const valuesPath = parameter.name.slice(0, -field.length - 1);
      const group = groups.get(valuesPath) ?? { valuesPath, whole: false, fields: {} };
      group.fields[field] = parameter.value;
      groups.set(valuesPath, group);
    } else if (parameter.value.value !== undefined && isVersioned(parameter.value.value)) {
      groups.set(parameter.name, { valuesPath: parameter.name, whole: true, fields: { tag: parameter.value } });
    }
  }
  return [...groups.values()];
}

function isVersioned(value: string): boolean {
  const reference = parseImage(value);
  return !/\s/.test(value) && reference.name !== '' && (reference.tag !== undefined || reference.digest !== undefined);
}

/** The image name the parameters give (`registry/repository`), undefined when they leave it to the values files. */
function parameterName(group: HelmParameterImage): string | undefined {
  const { registry, repository } = group.fields;
  if (repository?.value === undefined) return undefined;
  return registry?.value !== undefined ? `${registry.value}/${repository.value}` : repository.value;
}

/** The image a parameter group renders; `inheritedName` is the repository the values files give when no parameter does. */
export function helmParameterImage(group: HelmParameterImage, inheritedName: string | undefined): string | undefined {
  if (group.whole) return group.fields.tag?.value;
  const { tag, digest } = group.fields;
  const name = parameterName(group) ?? inheritedName;
  if (name === undefined || (tag?.value === undefined && digest?.value === undefined)) return undefined;
  return `${name}${tag?.value !== undefined ? `:${tag.value}` : ''}${digest?.value !== undefined ? `@${digest.value}` : ''}`;
}

export class ArgoCDHelmParameterSite implements ImageSite {
  readonly kind = 'argocd-override' as const;

  constructor(
    readonly file: string,
    /** The values path the parameters set (`image` for `image.tag`), as a dotted Helm `--set` name. */
    readonly valuesPath: string,
    readonly inheritedName?: string,
  ) {}

  get key(): string {
    return `argocd-helm:${this.file}:${this.valuesPath}`;
  }

  describe(): string {
    return `${this.file} (Argo CD helm parameters ${this.valuesPath})`;
  }

  imageIn(content: string): string | undefined {
    const group = this.group(content);
    return group ? helmParameterImage(group, this.inheritedName) : undefined;
  }

  changesFor(content: string, image: string): ScalarChange[] {
    const group = this.group(content);
    if (!group) throw new VaneError('NotFound', `no helm parameter ${this.valuesPath} in ${this.file}`);
    const target = parseImage(image);
    const wanted: Record<string, string | undefined> = group.whole ? { tag: image } : { tag: target.tag, digest: target.digest };
    if (!group.whole && target.name !== (parameterName(group) ?? this.inheritedName)) {
      if (group.fields.registry !== undefined) throw new VaneError('InvalidSpec', `restoring ${this.describe()} would change its registry parameter`);
      wanted.repository = target.name;
    }
    const changes: ScalarChange[] = [];
    for (const [field, value] of Object.entries(wanted)) {
      const present = group.fields[field as keyof HelmParameterImage['fields']];
      if (present?.value === value) continue;
      const parameter = this.parameterIndex(content, group.whole ? this.valuesPath : `${this.valuesPath}.${field}`);
      if (present === undefined || value === undefined || parameter === undefined) {
        throw new VaneError('InvalidSpec', `restoring ${this.describe()} would ${present === undefined ? 'add' : 'remove'} the ${field} parameter; only in-place edits are made`);
      }
      if (helmSetParameterValue(value, false) !== value && !this.forcesString(content, parameter)) {
        throw new VaneError('InvalidSpec', `${value} would be typed by Helm's --set in ${this.describe()}; set forceString on the parameter`);
      }
      changes.push({ doc: 0, path: ['helm', 'parameters', parameter, 'value'], from: present.raw, to: value });
    }
    return changes;
  }

  private group(content: string): HelmParameterImage | undefined {
    return helmParameterImages(content).find((candidate) => candidate.valuesPath === this.valuesPath);
  }

  private parameterIndex(content: string, name: string): number | undefined {
    return helmParameters(content).find((parameter) => parameter.name === name)?.index;
  }

  private forcesString(content: string, index: number): boolean {
    return forceString(arrayAt(parseStyledDocuments(content)?.[0], ['helm', 'parameters'])[index]);
  }
}

/** One `kustomize.images` string: `[name=]newName[:tag][@digest]`, as `kustomize edit set image` takes it. */
export interface KustomizeImageOverride {
  index: number;
  raw: string;
  /** The image name in the manifests the override replaces. */
  name: string;
  newName?: string;
  tag?: string;
  digest?: string;
}

/** `kustomize.images` of an override file; each entry must be a JSON string. */
export function kustomizeImageOverrides(content: string): KustomizeImageOverride[] {
  const images = arrayAt(parseStyledDocuments(content)?.[0], ['kustomize', 'images']);
  return images.flatMap((_, index) => {
    const field = scalarFieldAt(images, [index], 'json-string');
    return field?.value !== undefined ? [{ index, ...parseOverride(field.value), raw: field.raw }] : [];
  });
}

function parseOverride(spec: string): Omit<KustomizeImageOverride, 'index' | 'raw'> {
  const equals = spec.indexOf('=');
  const left = equals >= 0 ? spec.slice(0, equals) : undefined;
  const reference = parseImage(equals >= 0 ? spec.slice(equals + 1) : spec);
  const renamed = left !== undefined && reference.name !== '*' ? { newName: reference.name } : {};
  return {
    name: left ?? reference.name,
    ...renamed,
    ...(reference.tag !== undefined ? { tag: reference.tag } : {}),
    ...(reference.digest !== undefined ? { digest: reference.digest } : {}),
  };
}

/** The image an override entry deploys; `inheritedName` is the kustomization entry's newName, if any. */
export function kustomizeOverrideImage(entry: KustomizeImageOverride, inheritedName?: string): string | undefined {
  if (entry.tag === undefined && entry.digest === undefined) return undefined;
  const name = entry.newName ?? inheritedName ?? entry.name;
  return `${name}${entry.tag !== undefined ? `:${entry.tag}` : ''}${entry.digest !== undefined ? `@${entry.digest}` : ''}`;
}

export class ArgoCDKustomizeImageSite implements ImageSite {
  readonly kind = 'argocd-override' as const;

  constructor(
    readonly file: string,
    /** The entry's name: the image name as the manifests spell it. */
    readonly entryName: string,
    readonly inheritedName?: string,
  ) {}

  get key(): string {
    return `argocd-kustomize:${this.file}:${this.entryName}`;
  }

  describe(): string {
    return `${this.file} (Argo CD kustomize image ${this.entryName})`;
  }

  imageIn(content: string): string | undefined {
    const entry = this.entry(content);
    return entry ? kustomizeOverrideImage(entry, this.inheritedName) : undefined;
  }

  /** The entry is one string, so any image can be written in place; the `name=` form is kept or added as needed. */
  changesFor(content: string, image: string): ScalarChange[] {
    const entry = this.entry(content);
    if (!entry) throw new VaneError('NotFound', `no kustomize image ${this.entryName} in ${this.file}`);
    if (kustomizeOverrideImage(entry, this.inheritedName) === image) return [];
    const target = parseImage(image);
    const version = `${target.tag !== undefined ? `:${target.tag}` : ''}${target.digest !== undefined ? `@${target.digest}` : ''}`;
    const keepsName = entry.newName === undefined && target.name === (this.inheritedName ?? entry.name) && !entry.raw.includes('=');
    const spec = keepsName ? `${entry.name}${version}` : `${entry.name}=${target.name}${version}`;
    return [{ doc: 0, path: ['kustomize', 'images', entry.index], from: entry.raw, to: spec }];
  }

  private entry(content: string): KustomizeImageOverride | undefined {
    return kustomizeImageOverrides(content).find((candidate) => candidate.name === this.entryName);
  }
}

/** What the locator knows when looking for the override that sets one container's image. */
export interface OverrideLookup {
  /** Override files present at the source path, in the order Argo CD merges them, with their content. */
  files: ReadonlyArray<readonly [string, string]>;
  /** The Helm values files, in order, for the repository a parameter group leaves to them. */
  valueFiles: ReadonlyMap<string, string>;
  /** `images:` entries' newName in the kustomization at the path, by entry name (`kustomize edit set image` keeps it). */
  kustomizeNewNames: ReadonlyMap<string, string>;
  /** The container's stable and failing images. */
  stable: string;
  failing: string;
}

export type OverrideSite = ArgoCDHelmParameterSite | ArgoCDKustomizeImageSite;

/** The override entries in force that set this container's image (by name, or by version when no name is known). */
export function overrideSites(lookup: OverrideLookup): Array<{ site: OverrideSite; image: string }> {
  return [...helmOverrideSites(lookup), ...kustomizeOverrideSites(lookup)];
}

function helmOverrideSites(lookup: OverrideLookup): Array<{ site: OverrideSite; image: string }> {
  const file = overrideInForce(lookup.files, ['helm', 'parameters']);
  const content = lookup.files.find(([name]) => name === file)?.[1];
  if (file === undefined || content === undefined) return [];
  return helmParameterImages(content).flatMap((group) => {
    const inherited = group.whole ? undefined : (valuesRepository(lookup.valueFiles, group.valuesPath) ?? nameByVersion(group, lookup));
    const image = helmParameterImage(group, inherited);
    if (image === undefined || !namesOf(lookup).has(parseImage(image).name)) return [];
    return [{ site: new ArgoCDHelmParameterSite(file, group.valuesPath, inherited), image }];
  });
}

/** The repository the values files give the mapping at a dotted path, the last file that names one winning. */
function valuesRepository(valueFiles: ReadonlyMap<string, string>, dotted: string): string | undefined {
  let name: string | undefined;
  for (const content of valueFiles.values()) {
    const values = helmValuesAt(content, dotted.split('.'));
    name = (values ? helmImageName(values) : undefined) ?? name;
  }
  return name;
}

/**
 * A chart from a Helm repository keeps its default repository out of git: a parameter group that sets only a tag
 * is this container's when that tag is exactly the failing (or the stable) image's.
 */
function nameByVersion(group: HelmParameterImage, lookup: OverrideLookup): string | undefined {
  const tag = group.fields.tag?.value;
  const digest = group.fields.digest?.value;
  for (const image of [lookup.failing, lookup.stable]) {
    const reference = parseImage(image);
    if ((tag ?? digest) !== undefined && tag === reference.tag && digest === reference.digest) return reference.name;
  }
  return undefined;
}

function kustomizeOverrideSites(lookup: OverrideLookup): Array<{ site: OverrideSite; image: string }> {
  const file = overrideInForce(lookup.files, ['kustomize', 'images']);
  const content = lookup.files.find(([name]) => name === file)?.[1];
  if (file === undefined || content === undefined) return [];
  return kustomizeImageOverrides(content).flatMap((entry) => {
    const inherited = lookup.kustomizeNewNames.get(entry.name);
    const image = kustomizeOverrideImage(entry, inherited);
    if (image === undefined || !namesOf(lookup).has(parseImage(image).name)) return [];
    return [{ site: new ArgoCDKustomizeImageSite(file, entry.name, inherited), image }];
  });
}

function namesOf(lookup: OverrideLookup): Set<string> {
  return new Set([parseImage(lookup.failing).name, parseImage(lookup.stable).name]);
}
