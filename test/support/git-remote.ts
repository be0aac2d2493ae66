// A bare git repository on disk playing the GitOps repository, with a working clone the test commits from, and what
// the GitOps tool does with it: apply a manifest from the remote to the cluster.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { isConflict } from '../../src/kube/kube-api-error.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { ResourceKind } from '../../src/kube/resource-kind.js';

export interface GitRemote {
  /** The bare repository: what an Application's repoURL or a GitRepository's url names. */
  url: string;
  /** Writes a file, commits it with `subject` and pushes to main. */
  commit(path: string, content: string, subject: string): void;
  /** The file at the remote's main, after a fetch. */
  show(path: string): string;
  /** Subject and trailers of the remote's newest commit. */
  head(): { sha: string; message: string };
  /** Runs git in the working clone (for log queries against `origin/main`). */
  git(...args: string[]): string;
  remove(): void;
}

export function createGitRemote(): GitRemote {
  const dir = mkdtempSync(join(tmpdir(), 'vane-gitops-remote-'));
  const url = join(dir, 'platform.git');
  const work = join(dir, 'work');
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
  git(dir, 'init', '-q', '--bare', '-b', 'main', url);
  git(dir, 'clone', '-q', url, work);
  git(work, 'commit', '-q', '--allow-empty', '-m', 'Start');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  return {
    url,
    commit(path, content, subject) {
      git(work, 'pull', '-q', '--rebase', 'origin', 'main');
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
      git(work, 'add', path);
      git(work, 'commit', '-qm', subject);
      git(work, 'push', '-q', 'origin', 'HEAD:main');
    },
    show(path) {
      git(work, 'fetch', '-q', 'origin');
      return git(work, 'show', `origin/main:${path}`);
    },
    head() {
      git(work, 'fetch', '-q', 'origin');
      return { sha: git(work, 'rev-parse', 'origin/main'), message: git(work, 'log', '-1', '--format=%B', 'origin/main') };
    },
    git: (...args) => git(work, ...args),
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What Argo CD or Flux does with a manifest from git: create the object, or replace the live one with it. The
 * controller's status writes move the resourceVersion in between, so a conflict means read again and re-apply.
 */
export async function applyManifest<T extends KubeObject>(client: KubeClient, kind: ResourceKind, manifest: string): Promise<T> {
  const desired = yaml.load(manifest) as T;
  const { namespace, name } = desired.metadata;
  for (let attempt = 1; ; attempt += 1) {
    const live = await client.get<T>(kind, namespace, name ?? '');
    if (!live) return client.create(kind, desired);
    try {
      return await client.replace(kind, { ...desired, metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion } });
    } catch (err) {
      if (attempt >= 10 || !isConflict(err)) throw err;
    }
  }
}

