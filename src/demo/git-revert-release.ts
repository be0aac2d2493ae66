// The demo's GitOps part: web moves into a git repository the demo creates, a release bumped in git fails its analysis
// gate (an error rate the demo serves itself), Vane resets traffic and reverts the bump in git, and the next GitOps
// sync brings the cluster back to the stable version.
import yaml from 'js-yaml';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { AnalysisRun, AnalysisTemplate } from '../resources/analysis.js';
import { podTemplateHash } from '../resources/pod-template-hash.js';
import type { Rollout } from '../resources/rollout.js';
import { awaitsGitRollback, GIT_ROLLED_BACK } from '../reconcile/git-rollback-reconciler.js';
import { DemoGitRepository, type DemoCommit } from './demo-git-repository.js';
import { DemoMetricsServer } from './demo-metrics-server.js';
import { NAME, NAMESPACE, applyDocuments, waitFor } from './demo-rollout.js';

const ROLLOUT_FILE = 'apps/web/rollout.yaml';
const TEMPLATE_FILE = 'apps/web/analysis-template.yaml';
const TEMPLATE_NAME = 'error-rate';
const FAILING_IMAGE = 'ghcr.io/vane-demo/web:1.2.0';
/** What the demo's metrics endpoint reports for the 1.2.0 canary; the gate wants less than 5%. */
const CANARY_ERROR_RATE = 0.2;
const SUCCESS_CONDITION = 'result.errorRate < 0.05';

export interface GitReleaseContext {
  client: KubeClient;
  /** Reads the Rollout from the controller's cache, printing its timeline line. */
  observe: () => Rollout | undefined;
  analysisRuns: (rollout: Rollout) => AnalysisRun[];
  /** Prints a section heading or a result. */
  print: (line: string) => void;
  /** Prints a timeline line about something beside the Rollout. */
  note: (line: string) => void;
  /** The Rollout as examples/demo-canary.yaml declares it: what the demo commits to git, with the gate added. */
  example: Rollout & KubeObject;
  stableImage: string;
  stableHash: string;
}

export interface GitReleaseOutcome {
  ok: boolean;
  summary: string;
}

export async function runGitRevertRelease(ctx: GitReleaseContext): Promise<GitReleaseOutcome> {
  if (!(await DemoGitRepository.available())) {
    ctx.print('\n4. Skipped: rollback by git revert needs the `git` program, and none was found on PATH.');
    return { ok: true, summary: 'the git revert part was skipped (no git)' };
  }
  const metrics = await DemoMetricsServer.start(CANARY_ERROR_RATE);
  const repo = await DemoGitRepository.create();
  try {
    return await walk(ctx, repo, metrics);
  } finally {
    repo.remove();
    await metrics.stop();
  }
}

async function walk(ctx: GitReleaseContext, repo: DemoGitRepository, metrics: DemoMetricsServer): Promise<GitReleaseOutcome> {
  const { observe, note, print, stableHash } = ctx;
  const sync = async (): Promise<void> => {
    note(`GitOps sync: applying apps/web from ${repo.url} at ${short((await repo.head()).sha)}`);
    await applyDocuments(ctx.client, `${await repo.show(TEMPLATE_FILE)}\n---\n${await repo.show(ROLLOUT_FILE)}`);
  };
  const onStable = (ro: Rollout): boolean => ro.status?.phase === 'Healthy' && ro.status.stableRS === stableHash && ro.status.currentPodHash === stableHash;

  print(`\n4. web moves to git: a bare repository in a temporary directory plays your GitOps repository, the demo plays the GitOps tool, and the canary now waits on an analysis gate reading the error rate at ${metrics.url}:`);
  noteCommit(note, await repo.commit({ [ROLLOUT_FILE]: rolloutManifest(ctx, ctx.stableImage, repo.url), [TEMPLATE_FILE]: templateManifest(metrics.url) }, 'Add web 1.1.0 with an error-rate gate'));
  await sync();
  await waitFor(observe, onStable, 'web to be Healthy on 1.1.0 from git');

  print(`\n5. Bumping web to 1.2.0 in git; its canary serves ${CANARY_ERROR_RATE * 100}% errors, so the gate (${SUCCESS_CONDITION}) fails: traffic goes back to stable and Vane reverts the bump in git:`);
  const bumped = rolloutManifest(ctx, FAILING_IMAGE, repo.url);
  const bump = await repo.commit({ [ROLLOUT_FILE]: bumped }, 'Bump web to 1.2.0');
  noteCommit(note, bump);
  await sync();
  const aborted = await waitFor(observe, (ro) => ro.status?.phase === 'Degraded' && ro.status.canary?.weights?.canary === 0, 'the failed gate to abort the release');
  const failedRun = ctx.analysisRuns(aborted).find((run) => run.status?.phase === 'Failed');
  note(failedRun ? `analysis ${failedRun.metadata.name}: ${runVerdict(failedRun)}` : 'analysis: no failed AnalysisRun found');
  const reverted = await waitForGit(ctx, failingHash(bumped));
  const record = reverted.status?.rollback?.git;
  if (record?.state !== 'Committed' || !record.commit) {
    return { ok: false, summary: `the git rollback ended ${record?.state ?? 'unrecorded'}: ${record?.message ?? ''}` };
  }
  const head = await repo.head();
  print(`\n  revert commit ${short(head.sha)} ${head.subject}`);
  for (const trailer of head.trailers) print(`      ${trailer}`);

  print('\n6. The GitOps sync applies the reverted manifest: web is back on 1.1.0, with no new release:');
  await sync();
  const healthy = await waitFor(observe, onStable, 'web to be Healthy on 1.1.0 after the revert is synced');
  const ok = failedRun !== undefined && head.sha === record.commit && record.revertedCommit === bump.sha && healthy.status?.rollback?.git?.commit === head.sha;
  return { ok, summary: `the 1.2.0 canary failed its analysis gate, and its commit ${short(bump.sha)} was reverted by ${short(head.sha)}` };
}

/** Waits for the git rollback queue to finish the record of the `failing` release, noting each state it passes. */
async function waitForGit(ctx: GitReleaseContext, failing: string): Promise<Rollout> {
  let shown: string | undefined;
  return waitFor(
    ctx.observe,
    (ro) => {
      const git = ro.status?.rollback?.git;
      if (!git || git.failingPodHash !== failing) return false;
      if (git.state !== shown) {
        shown = git.state;
        ctx.note(`git rollback: ${git.state}${git.commit ? ` ${short(git.commit)}` : ''}${conditionText(ro)}${git.message && git.state !== 'Committed' ? ` — ${git.message}` : ''}`);
      }
      return !awaitsGitRollback(ro);
    },
    'the git rollback',
  );
}

function conditionText(rollout: Rollout): string {
  const condition = rollout.status?.conditions?.find((c) => c.type === GIT_ROLLED_BACK);
  return condition ? ` (condition ${condition.type}=${condition.status})` : '';
}

function noteCommit(note: (line: string) => void, commit: DemoCommit): void {
  note(`git push: ${short(commit.sha)} ${commit.subject}`);
}

function runVerdict(run: AnalysisRun): string {
  const metric = run.status?.metricResults?.find((m) => m.phase === 'Failed');
  const measured = metric?.measurements.at(-1)?.value;
  return `${run.status?.phase ?? 'Unknown'}${metric ? ` — ${metric.name} measured ${measured ?? '(nothing)'}, wanted ${SUCCESS_CONDITION}` : ''}`;
}

function failingHash(manifest: string): string {
  const template = (yaml.load(manifest) as Rollout).spec.template;
  if (!template) throw new Error('the demo Rollout has no template');
  return podTemplateHash(template);
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** The example's Rollout as the GitOps repository keeps it: the timed pause becomes the gate, and git is its source. */
function rolloutManifest(ctx: GitReleaseContext, image: string, repoURL: string): string {
  const rollout = structuredClone(ctx.example);
  const container = rollout.spec.template?.spec.containers[0];
  const canary = rollout.spec.strategy.canary;
  if (!container || !canary?.steps) throw new Error('the demo Rollout has no container or no canary steps');
  container.image = image;
  canary.steps = canary.steps.map((step) => ('pause' in step && step.pause.duration !== undefined ? { analysis: { templates: [{ templateName: TEMPLATE_NAME }] } } : step));
  rollout.spec.rollback = { git: { repoURL, branch: 'main', path: 'apps/web' } };
  return `# The web Rollout, synced to the cluster by the GitOps tool; Vane reverts a failed release here.\n${yaml.dump(rollout, { lineWidth: -1 })}`;
}

function templateManifest(url: string): string {
  const template: AnalysisTemplate & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: TEMPLATE_NAME, namespace: NAMESPACE },
    spec: { metrics: [{ name: TEMPLATE_NAME, successCondition: SUCCESS_CONDITION, provider: { web: { url } } }] },
  };
  return `# The gate of ${NAME}'s canary: one measurement of the error rate the demo serves.\n${yaml.dump(template, { lineWidth: -1 })}`;
}
