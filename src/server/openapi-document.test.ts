import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube/kube-client.js';
import { createApiServer } from './api-server.js';
import { openApiDocument } from './openapi-document.js';
import { RolloutReadModel } from './rollout-read-model.js';

/** Every (method, path) express has a route for, with `:param` written the OpenAPI way as `{param}`. */
function registeredRoutes(): string[] {
  const readModel = new RolloutReadModel({} as KubeClient);
  const never = (): Promise<never> => Promise.reject(new Error('not called'));
  const { app } = createApiServer({
    readModel,
    reader: { get: never },
    status: { patchStatus: never },
    authenticator: { authenticate: never },
    authorizer: { authorize: never },
  });
  const routes: string[] = [];
  for (const layer of app.router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes.sort();
}

function documentedRoutes(): string[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe('the OpenAPI document', () => {
  it('documents exactly the routes the server registers', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThanOrEqual(12);
    expect(documentedRoutes()).toEqual(registered);
  });

  it('gives every operation an id and every guarded operation the 401 and 403 answers', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { operationId?: string; security?: unknown; responses: Record<string, unknown> }>>;
    const operations = Object.values(paths).flatMap((ops) => Object.values(ops));
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations.filter((o) => o.security)) {
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
    }
  });
});
