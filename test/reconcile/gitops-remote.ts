// A git remote on disk holding one Rollout manifest, and the verbs of a GitOps tool over it: commit, push, sync.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { isConflict } from '../../src/kube/kube-api-error.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Rollout } from '../../src/resources/rollout.js';

export type RolloutManifest = (image: string, remote: string) => string;

export interface GitopsRemote {
  /** The bare repository's path: what `rollback.git.repoURL` points at. */
  readonly url: string;
  git(...args: string[]): string;
  /** Writes the manifest for `image`, commits it with `subject` and pushes to main. */
  commitImage(image: string, subject: string): void;
  /** What Argo CD or Flux would do: make the cluster's Rollout spec equal to the manifest at the remote's head. */
  sync(client: KubeClient): Promise<Rollout & KubeObject>;
  /** The file at the remote's main, after a fetch. */
  show(): string;
  remove(): void;
}

const FILE = 'apps/web/rollout.yaml';

export function gitOf(cwd: string): (...args: string[]) => string {
  return (...args) =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
}

export function createGitopsRemote(manifest: RolloutManifest, firstImage: string): GitopsRemote {
  const dir = mkdtempSync(join(tmpdir(), 'vane-gitops-e2e-'));
  const url = join(dir, 'deploy.git');
  const work = join(dir, 'work');
  gitOf(dir)('init', '-q', '--bare', '-b', 'main', url);
  gitOf(dir)('clone', '-q', url, work);
  const git = gitOf(work);
  const write = (image: string): void => writeFileSync(join(work, FILE), manifest(image, url));
  mkdirSync(join(work, 'apps/web'), { recursive: true });
  write(firstImage);
  git('add', '.');
  git('commit', '-qm', 'Add web');
  git('push', '-q', 'origin', 'HEAD:main');

  return {
    url,
    git,
    commitImage(image, subject) {
      write(image);
      git('commit', '-qam', subject);
      git('push', '-q', 'origin', 'HEAD:main');
    },
    async sync(client) {
      git('pull', '-q', '--rebase', 'origin', 'main');
      const desired = yaml.load(readFileSync(join(work, FILE), 'utf8')) as Rollout & KubeObject;
      const { namespace, name } = desired.metadata;
      for (let attempt = 1; ; attempt += 1) {
        const live = await client.get<Rollout & KubeObject>(Kinds.Rollout, namespace, name ?? '');
        if (!live) return client.create(Kinds.Rollout, desired);
        try {
          return await client.replace(Kinds.Rollout, { ...desired, metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion } });
        } catch (err) {
          // The controller's status writes move the resourceVersion; a GitOps tool re-reads and applies again.
          if (attempt >= 10 || !isConflict(err)) throw err;
        }
      }
    },
    show() {
      git('fetch', '-q', 'origin');
      return git('show', `origin/main:${FILE}`);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
