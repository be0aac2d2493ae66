// Benchmark: rollback by git revert. Canaries whose manifests live in a git repository (one folder each) are aborted
// one at a time through the API; measured from just before the abort POST (the verdict) to the controller's first
// write carrying out the abort arriving at the sandbox (the traffic reset, recorded in status), and to the revert
// commit arriving at the remote (a post-receive hook stamps it). Then the same with a remote whose pre-receive hook
// sleeps: the traffic reset must not move.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { canaryRollout, forEachConcurrently, NAMESPACE, openBenchCluster, rolloutName, settledHealthy, setImage, type SandboxBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { spawnController, type BenchController } from './controller-process.js';
import { percentile, round } from './proc-sampling.js';
import { PAUSED_STEPS, postAbort } from './reaction.js';

interface GitOpsRepo {
  bare: string;
  work: string;
  /** Epoch ms at which the remote accepted a commit for each Rollout (`<namespace>/<name>` → ms). */
  landings(): Map<string, number>;
  commit(files: Record<string, string>, subject: string): void;
  slowPushes(seconds: number): void;
  remove(): void;
}

function gitOpsRepo(): GitOpsRepo {
  const dir = mkdtempSync(join(tmpdir(), 'vane-bench-git-'));
  const bare = join(dir, 'platform.git');
  const work = join(dir, 'work');
  const log = join(dir, 'landings.log');
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  writeFileSync(log, '');
  const hook = (name: string, body: string): void => {
    writeFileSync(join(bare, 'hooks', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bare, 'hooks', name), 0o755);
  };
  // Stamps each pushed commit that names a Rollout: "<ms> <namespace>/<name>".
  hook('post-receive', `while read old new ref; do r=$(git log -1 --format=%B "$new" | sed -n 's/^Vane-Rollout: //p'); [ -n "$r" ] && echo "$(date +%s%3N) $r" >> '${log}'; done; exit 0`);
  git(dir, 'clone', '-q', bare, work);
  return {
    bare,
    work,
    landings: () => new Map(readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => { const [ms, r] = line.split(' '); return [r ?? '', Number(ms)]; })),
    commit(files, subject) {
      // The controller pushes reverts meanwhile: start from the remote's main (absent before the first push).
      if (git(work, 'ls-remote', 'origin', 'main').trim() !== '') git(work, 'pull', '-q', '--rebase', 'origin', 'main');
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-qm', subject);
      git(work, 'push', '-q', 'origin', 'HEAD:main');
    },
    slowPushes: (seconds) => hook('pre-receive', `cat > /dev/null; sleep ${seconds}`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function manifest(name: string, image: string, repoURL: string): KubeObject {
  const rollout = canaryRollout(name, image, PAUSED_STEPS);
  rollout.spec.rollback = { git: { repoURL, branch: 'main', path: `apps/${name}` } };
  return rollout;
}

const fileOf = (name: string): string => `apps/${name}/rollout.yaml`;

/** Rollouts in git and the cluster, released to img:2 (in git first, as the GitOps tool would sync it) and paused. */
async function pausedReleases(cluster: SandboxBenchCluster, repo: GitOpsRepo, names: string[]): Promise<void> {
  repo.commit(Object.fromEntries(names.map((n) => [fileOf(n), yaml.dump(manifest(n, 'img:1', repo.bare))])), 'Add the apps');
  await forEachConcurrently(names, 16, (n) => cluster.client.create(Kinds.Rollout, manifest(n, 'img:1', repo.bare)));
  await cluster.waitUntil(`${names.length} Rollouts Healthy`, () => names.every((n) => settledHealthy(cluster.rollouts.get(n))), 60_000 + names.length * 100);
  repo.commit(Object.fromEntries(names.map((n) => [fileOf(n), yaml.dump(manifest(n, 'img:2', repo.bare))])), 'Release img:2');
  await forEachConcurrently(names, 16, (n) => setImage(cluster.client, n, 'img:2'));
  const paused = (n: string): boolean => cluster.rollouts.get(n)?.phase === 'Paused';
  await cluster.waitUntil(`${names.length} Rollouts paused`, () => names.every(paused), 60_000 + names.length * 100);
}

interface Timings {
  toReset: number[];
  toRevert: number[];
}

/** Aborts each in turn and waits for its revert on the remote before the next, so each is timed on an idle controller. */
async function abortAll(cluster: SandboxBenchCluster, controller: BenchController, repo: GitOpsRepo, names: string[]): Promise<Timings> {
  await cluster.takeWrites();
  const sent = new Map<string, number>();
  for (const name of names) {
    sent.set(name, (await postAbort(controller, name)).sentAt);
    const key = `${NAMESPACE}/${name}`;
    await cluster.waitUntil(`${name} reverted on the remote`, () => repo.landings().has(key), 60_000);
  }
  const writes = (await cluster.takeWrites()).filter((w) => w.user === cluster.adminUser);
  const landings = repo.landings();
  const timings: Timings = { toReset: [], toRevert: [] };
  for (const [name, at] of sent) {
    const reset = writes.find((w) => w.arrivedAt >= at && w.resource === 'rollouts' && w.subresource === 'status' && w.verb === 'update' && w.name === name);
    if (reset) timings.toReset.push(reset.arrivedAt - at);
    const landed = landings.get(`${NAMESPACE}/${name}`);
    if (landed !== undefined) timings.toRevert.push(landed - at);
  }
  return timings;
}

function rows(label: string, samples: number[], target?: string): Figure[] {
  const p50 = round(percentile(samples, 50));
  const p99 = round(percentile(samples, 99));
  return [
    { figure: `${label}, p50 (${samples.length} samples)`, value: p50, unit: 'ms' },
    { figure: `${label}, p99`, value: p99, unit: 'ms', ...(target ? { target } : {}) },
  ];
}

export async function runGitRollbackBench(count: number, slowCount: number, slowSeconds: number): Promise<Section> {
  const cluster = await openBenchCluster();
  const repo = gitOpsRepo();
  const gitDir = mkdtempSync(join(tmpdir(), 'vane-bench-git-cache-'));
  const controller = await spawnController(cluster.kubeconfigPath, ['--git-work-dir', gitDir, '--allow-local-git-urls']);
  try {
    await controller.waitReady(60_000);
    const names = Array.from({ length: count }, (_, i) => rolloutName(i, 'git'));
    await pausedReleases(cluster, repo, names);
    const fast = await abortAll(cluster, controller, repo, names);
    const slowNames = Array.from({ length: slowCount }, (_, i) => rolloutName(i, 'slow'));
    await pausedReleases(cluster, repo, slowNames);
    repo.slowPushes(slowSeconds);
    const slow = await abortAll(cluster, controller, repo, slowNames);
    const ratio = round(percentile(fast.toRevert, 50) / percentile(fast.toReset, 50));
    return {
      benchmark: `git rollback (${count} failures, then ${slowCount} with a remote that takes ${slowSeconds} s to accept a push)`,
      figures: [
        ...rows('verdict (abort POST) → traffic reset written to status', fast.toReset, 'p99 < 1 s, whatever git does'),
        ...rows('verdict (abort POST) → revert commit on the remote', fast.toRevert, 'rollback < 2 min'),
        { figure: 'revert on the remote ÷ traffic reset, p50', value: ratio, unit: '×' },
        ...rows(`slow remote (${slowSeconds} s per push): verdict → traffic reset`, slow.toReset, 'unchanged by the slow remote'),
        ...rows(`slow remote (${slowSeconds} s per push): verdict → revert on the remote`, slow.toRevert),
      ],
    };
  } finally {
    await controller.stop();
    await cluster.stop();
    repo.remove();
    rmSync(gitDir, { recursive: true, force: true });
  }
}
