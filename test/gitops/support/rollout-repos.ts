// Repositories in the states the revert tests start from: manifests seeded, then the release commit that failed.
import { cp } from 'node:fs/promises';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { GitSandbox, type WorkingClone } from './git-sandbox.js';
import { repoFixture } from './repo-fixtures.js';

export const CHECKOUT = {
  rollout: { namespace: 'shop', name: 'checkout' },
  stable: { app: 'ghcr.io/acme/checkout:1.4.0', proxy: 'envoyproxy/envoy:v1.30.1' },
  failing: { app: 'ghcr.io/acme/checkout:1.5.0', proxy: 'envoyproxy/envoy:v1.30.1' },
  stableHash: '6d4f8b7c9',
  failingHash: '7f9c5d6b8',
  /** The failed release: the Rollout's uid and the attempt, as the controller names it. */
  release: 'checkout-uid/1',
};

export interface ReleasedRepo {
  bare: string;
  initial: Record<string, string>;
  release: string;
  /** A developer's clone at the failing release, for tests that push more commits. */
  dev(): Promise<WorkingClone>;
}

interface Template {
  bare: string;
  initial: Record<string, string>;
  release: string;
}

type Release = { fixture: string; file: string; from: string; to: string; message: string };

const RELEASES: Record<string, Release> = {
  plain: { fixture: 'plain', file: 'apps/checkout/rollout.yaml', from: 'ghcr.io/acme/checkout:1.4.0', to: 'ghcr.io/acme/checkout:1.5.0', message: 'Bump checkout to 1.5.0' },
  kustomize: { fixture: 'kustomize', file: 'overlays/prod/kustomization.yaml', from: 'newTag: "1.4.0"', to: 'newTag: "1.5.0"', message: 'prod: checkout 1.5.0' },
  helm: { fixture: 'helm', file: 'charts/checkout/values-prod.yaml', from: 'tag: "1.4.0"', to: 'tag: "1.5.0"', message: 'chore(prod): release checkout 1.5.0' },
};

// Building a repository takes a dozen git processes; each test file builds each kind once and copies it per test.
let home: Promise<GitSandbox> | undefined;
const templates = new Map<string, Promise<Template>>();

function templateHome(): Promise<GitSandbox> {
  home ??= GitSandbox.create();
  return home;
}

/** Removes the per-file templates; call from afterAll in every test file that uses the releases below. */
export async function disposeTemplates(): Promise<void> {
  const sandbox = await home;
  home = undefined;
  templates.clear();
  await sandbox?.dispose();
}

async function buildTemplate(kind: string): Promise<Template> {
  const release = RELEASES[kind];
  if (!release) throw new Error(`no release scenario ${kind}`);
  const sandbox = await templateHome();
  const initial = await repoFixture(release.fixture);
  const bare = await sandbox.remote(kind, initial);
  const dev = await sandbox.clone(bare, `${kind}-dev`);
  await dev.replace(release.file, release.from, release.to);
  return { bare, initial, release: await dev.commitAndPush(release.message) };
}

async function released(sandbox: GitSandbox, kind: string, name: string): Promise<ReleasedRepo> {
  let template = templates.get(kind);
  if (!template) {
    template = buildTemplate(kind);
    templates.set(kind, template);
  }
  const { bare: source, initial, release } = await template;
  const bare = sandbox.path('remotes', `${name}.git`);
  await cp(source, bare, { recursive: true });
  return { bare, initial, release, dev: () => sandbox.clone(bare, `${name}-dev`) };
}

/** Plain manifests; the release commit bumps only the checkout app image. */
export function plainRelease(sandbox: GitSandbox, name = 'plain'): Promise<ReleasedRepo> {
  return released(sandbox, 'plain', name);
}

/** Kustomize overlay; the release commit bumps newTag of the checkout entry in overlays/prod. */
export function kustomizeRelease(sandbox: GitSandbox, name = 'kustomize'): Promise<ReleasedRepo> {
  return released(sandbox, 'kustomize', name);
}

/** Helm chart; the release commit bumps image.tag in values-prod.yaml (the repository comes from values.yaml). */
export function helmRelease(sandbox: GitSandbox, name = 'helm'): Promise<ReleasedRepo> {
  return released(sandbox, 'helm', name);
}

/**
 * Gives each test of the calling file a fresh GitSandbox (handed to `use` before the test, disposed after it) and
 * disposes the template repositories when the file is done. Call it at the top level of a test file.
 */
export function gitSandboxPerTest(use: (sandbox: GitSandbox) => void): void {
  let current: GitSandbox | undefined;
  beforeEach(async () => {
    current = await GitSandbox.create();
    use(current);
  });
  afterEach(async () => {
    await current?.dispose();
  });
  afterAll(async () => {
    await disposeTemplates();
  });
}
