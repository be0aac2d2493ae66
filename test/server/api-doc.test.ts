// docs/api.md against the OpenAPI document: the same operations, each documented once, and `GET /` pointing at both.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { API_INDEX, createApiServer, type ListeningApi } from '../../src/server/api-server.js';
import { openApiDocument } from '../../src/server/openapi-document.js';
import { RolloutReadModel } from '../../src/server/rollout-read-model.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const API_DOC = 'docs/api.md';

/** An operation heading of docs/api.md: "### `GET /api/v1/rollouts`". */
const OPERATION_HEADING = /^### `([A-Z]+) (\/\S*)`$/;

function documentedInMarkdown(): string[] {
  const text = readFileSync(resolve(REPO_ROOT, API_DOC), 'utf8');
  return text.split('\n').flatMap((line) => {
    const match = OPERATION_HEADING.exec(line);
    return match ? [`${match[1]} ${match[2]}`] : [];
  });
}

function documentedInOpenApi(): string[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

let listening: ListeningApi | undefined;

afterEach(async () => {
  await listening?.close();
  listening = undefined;
});

describe('docs/api.md', () => {
  it('given the OpenAPI document, then the page has one section per operation in it, and none that is not', () => {
    const inMarkdown = documentedInMarkdown();
    const inOpenApi = documentedInOpenApi();
    expect(inOpenApi.length).toBeGreaterThanOrEqual(13);
    expect(new Set(inMarkdown).size, 'an operation has two sections').toBe(inMarkdown.length);
    expect([...inMarkdown].sort()).toEqual([...inOpenApi].sort());
  });

  it('when GET / is asked without a token, then it names docs/api.md, which exists, and the OpenAPI path, which is served', async () => {
    const readModel = new RolloutReadModel({} as KubeClient);
    const never = (): Promise<never> => Promise.reject(new Error('not called'));
    const server = createApiServer({ readModel, reader: { get: never }, status: { patchStatus: never }, authenticator: { authenticate: never }, authorizer: { authorize: never } });
    listening = await server.listen(0, '127.0.0.1');

    const index = await fetch(`${listening.url}/`);
    expect(index.status).toBe(200);
    const body = (await index.json()) as typeof API_INDEX;
    expect(body).toEqual(API_INDEX);
    expect(body.documentation).toContain(API_DOC);
    expect(existsSync(resolve(REPO_ROOT, API_DOC))).toBe(true);

    const openapi = await fetch(`${listening.url}${body.openapi}`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });
});
