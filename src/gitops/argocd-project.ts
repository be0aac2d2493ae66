// What an Argo CD AppProject permits, as Argo CD checks it: Applications from which namespaces, which destinations, which repositories.
import { normalizeRepoUrl } from './repo-url.js';
import { arrayAt, isRecord, stringAt } from './unstructured.js';

/** The API server address Argo CD uses for the cluster it runs in, and that cluster's default name. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

export interface Destination {
  server?: string;
  name?: string;
  namespace: string;
}

/**
 * Argo CD accepts an Application outside its own namespace only when the project lists that namespace (a glob) in
 * `spec.sourceNamespaces`; Applications in the control-plane namespace may use any project.
 */
export function admitsApplicationsFrom(project: object, namespace: string): boolean {
  return stringsAt(project, ['spec', 'sourceNamespaces']).some((pattern) => globMatches(pattern, namespace));
}

/**
 * `spec.destinations`: permitted when some entry matches server (or name) and namespace, and no deny entry (`!glob`)
 * matches. Argo CD's own rule since 2.5.
 */
export function permitsDestination(project: object, destination: Destination): boolean {
  const entries = arrayAt(project, ['spec', 'destinations']).filter(isRecord);
  const denied = entries.some((entry) => isDeny(entry) && denies(entry, destination));
  return !denied && entries.some((entry) => !isDeny(entry) && allows(entry, destination));
}

/** `spec.sourceRepos`: a glob over the repository URL must allow it and no `!glob` deny it. */
export function permitsRepository(project: object, repoURL: string): boolean {
  const wanted = normalizeRepoUrl(repoURL);
  const patterns = stringsAt(project, ['spec', 'sourceRepos']);
  const matches = (pattern: string): boolean => pattern === '*' || globMatches(normalizeRepoUrl(pattern), wanted);
  const denied = patterns.some((pattern) => pattern.startsWith('!') && matches(pattern.slice(1)));
  return !denied && patterns.some((pattern) => !pattern.startsWith('!') && matches(pattern));
}

function isDeny(entry: Record<string, unknown>): boolean {
  return (stringAt(entry, ['namespace']) ?? '').startsWith('!') || (stringAt(entry, ['server']) ?? '').startsWith('!');
}

function allows(entry: Record<string, unknown>, destination: Destination): boolean {
  return clusterMatches(entry, destination, (pattern, value) => globMatches(pattern, value)) && globMatches(stringAt(entry, ['namespace']) ?? '', destination.namespace);
}

/** A deny entry denies when its negated parts match and its other parts match as globs. */
function denies(entry: Record<string, unknown>, destination: Destination): boolean {
  const part = (pattern: string, value: string): boolean => (pattern.startsWith('!') ? globMatches(pattern.slice(1), value) : globMatches(pattern, value));
  return clusterMatches(entry, destination, part) && part(stringAt(entry, ['namespace']) ?? '', destination.namespace);
}

function clusterMatches(entry: Record<string, unknown>, destination: Destination, match: (pattern: string, value: string) => boolean): boolean {
  const server = stringAt(entry, ['server']);
  const name = stringAt(entry, ['name']);
  if (server !== undefined && destination.server !== undefined && match(server, destination.server)) return true;
  return name !== undefined && destination.name !== undefined && match(name, destination.name);
}

function stringsAt(value: unknown, path: string[]): string[] {
  return arrayAt(value, path).filter((item): item is string => typeof item === 'string');
}

/** Glob as Argo CD's gobwas/glob reads these patterns: `*`, `?`, `[class]`, `[!class]`, `{a,b}`; the rest literal. */
export function globMatches(pattern: string, value: string): boolean {
  return globRegExp(pattern).test(value);
}

function globRegExp(pattern: string): RegExp {
  let source = '';
  let alternatives = 0;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? '';
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern.slice(index + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&');
        source += `[${body}]`;
        index = end;
      }
    } else if (char === '{') {
      alternatives += 1;
      source += '(?:';
    } else if (char === '}' && alternatives > 0) {
      alternatives -= 1;
      source += ')';
    } else if (char === ',' && alternatives > 0) source += '|';
    else source += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  if (alternatives > 0) return /(?!)/;
  return new RegExp(`^${source}$`, 's');
}
