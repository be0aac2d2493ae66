// The dashboard's routes live in the URL's hash (`#/`, `#/rollouts/<ns>/<name>`): no server routes, no token in a URL.

export type Route = { page: 'list' } | { page: 'rollout'; namespace: string; name: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const match = /^\/rollouts\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    try {
      return { page: 'rollout', namespace: decodeURIComponent(match[1]), name: decodeURIComponent(match[2]) };
    } catch {
      return { page: 'list' };
    }
  }
  return { page: 'list' };
}

export function rolloutHref(namespace: string, name: string): string {
  return `#/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export const LIST_HREF = '#/';
