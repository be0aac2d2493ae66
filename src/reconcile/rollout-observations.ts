// Turns what a pass observes into machine events: the same observations are sent every pass (level-triggered);
// the machine ignores those that do not apply in its state.
import { isTerminalPhase } from '../analysis/run-verdict.js';
import type { RolloutEvent } from '../machine/rollout-event.js';
import type { CanaryPlan, RolloutPlan } from '../machine/rollout-plan.js';
import type { AnalysisRun } from '../resources/analysis.js';
import type { Experiment } from '../resources/experiment.js';
import type { RevisionRecord, Rollout } from '../resources/rollout.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { basicCanarySettled } from './basic-canary-scaling.js';
import { isAvailable } from './replica-sets.js';
import { targetsAsScaled } from './scaled-step.js';

export interface ObservedWorld {
  rollout: Rollout;
  hash: string;
  plan: RolloutPlan;
  replicaSets: ReplicaSetObject[];
  analysisRuns: AnalysisRun[];
  /** Experiments this Rollout's experiment steps created. */
  experiments?: Experiment[];
  now: number;
}

export interface MachineView {
  desiredReplicas: Array<{ hash: string; replicas: number }>;
  analysisRuns: Array<{ gate: string; name: string; kind?: 'experiment' }>;
  /** The machine state as a path ("progressing.flow.x+hold.running"). */
  state: string;
  stableHash: string;
  canaryHash?: string;
  previewHash?: string;
  attempt?: number;
  currentStepIndex?: number;
  aborted?: boolean;
}

/** Observations that do not depend on the machine's state: the revision and the plan. */
export function specEvents(world: ObservedWorld): RolloutEvent[] {
  return [
    { type: 'revision', hash: world.hash, now: world.now },
    { type: 'spec', plan: world.plan, now: world.now },
  ];
}

/** Observations read against what the machine currently asks for (desired replicas, awaited runs). */
export function worldEvents(world: ObservedWorld, view: MachineView, runName: (name: string) => string): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  if (countsMoved(world)) events.push({ type: 'progress', now: world.now });
  events.push(...replicasReadyEvents(world, view));
  for (const awaited of view.analysisRuns) {
    if (awaited.kind === 'experiment') {
      const verdict = experimentVerdict(world, runName(awaited.name));
      if (verdict) events.push({ type: 'analysis', gate: awaited.gate, runName: awaited.name, ...verdict, now: world.now });
      continue;
    }
    const run = world.analysisRuns.find((r) => r.metadata.name === runName(awaited.name));
    const phase = run?.status?.phase;
    if (run && phase && isTerminalPhase(phase)) {
      events.push({ type: 'analysis', gate: awaited.gate, runName: awaited.name, phase, message: run.status?.message ?? '', now: world.now });
    }
  }
  const command = world.rollout.status?.command;
  // A rollback retry is the git rollback's to answer (see rollback-retry.ts), not the machine's.
  if (command && command.id !== world.rollout.status?.lastCommand?.id && command.action !== 'rollback-retry') {
    events.push({ type: 'command', action: command.action, id: command.id, actor: command.actor, ...(command.reason ? { reason: command.reason } : {}), now: world.now });
  }
  const full = promoteFullCommand(world);
  if (full) events.push(full);
  const paused = specPauseCommand(world, view);
  if (paused) events.push(paused);
  const rollback = rollbackWindowCommand(world, view);
  if (rollback) events.push(rollback);
  events.push({ type: 'tick', now: world.now });
  return events;
}

/**
 * The ReplicaSets the machine asks for that are already available at their counts (at the counts a later step of
 * this release gave them, when a replayed pass finds them there: see scaled-step.ts).
 */
function replicasReadyEvents(world: ObservedWorld, view: MachineView): RolloutEvent[] {
  const byHash = new Map(world.replicaSets.map((rs) => [hashOf(rs) ?? '', rs]));
  const targets = targetsAsScaled(view, world.replicaSets);
  // A canary without a router moves stable and older ReplicaSets too: its pods are ready once all are in place.
  const settled = !isBasicCanary(world.plan) || targets.length < 2 || basicCanarySettled(targets, world.replicaSets);
  if (!settled) return [];
  return targets.filter(({ hash, replicas }) => replicas > 0 && isAvailable(byHash.get(hash), replicas)).map(({ hash }) => ({ type: 'replicasReady', hash, now: world.now }));
}

/**
 * What a step the machine has just entered in this pass can already see: pods in place (a weight that changes no
 * count, the promotion after the last step) and the clock (a pause of 0s). Read against each new step until the
 * machine stops moving, they let one pass cross several steps, so one transition costs one status write. Commands
 * and analysis verdicts are not repeated: each is an answer to one step, given once.
 */
export function settleEvents(world: ObservedWorld, view: MachineView): RolloutEvent[] {
  return [...replicasReadyEvents(world, view), { type: 'tick', now: world.now }];
}

/** A canary without a router: its pods are its traffic, so maxSurge and maxUnavailable pace its ReplicaSets. */
export function isBasicCanary(plan: RolloutPlan): plan is CanaryPlan {
  return plan.strategy === 'canary' && !plan.hasTrafficRouting;
}

/** A finished Experiment's phase, as the verdict of its step (Argo docs features/experiment.md). */
function experimentVerdict(world: ObservedWorld, name: string): { phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive'; message: string } | undefined {
  const experiment = world.experiments?.find((e) => e.metadata.name === name);
  const phase = experiment?.status?.phase;
  if (phase === undefined || phase === 'Pending' || phase === 'Running') return undefined;
  const detail = experiment?.status?.message ? `: ${experiment.status.message}` : '';
  return { phase, message: `Experiment ${name} ${phase}${detail}` };
}

/**
 * The revisions a Rollout has run, oldest first: each at the last time it started a release (status.history), the
 * first one (adopted, never released) at its ReplicaSet's creation. Only revisions whose ReplicaSet still exists; the
 * release of `inFlight` under way now does not count (it is the move being judged).
 */
export function revisionOrder(replicaSets: ReplicaSetObject[], history: RevisionRecord[], inFlight: string): string[] {
  const started = new Map<string, number>();
  for (const rs of replicaSets) {
    const hash = hashOf(rs);
    if (hash !== undefined) started.set(hash, Date.parse(rs.metadata.creationTimestamp ?? '') || 0);
  }
  for (const record of history) {
    const hash = record.podTemplateHash;
    if (!started.has(hash) || (hash === inFlight && record.outcome === 'Progressing')) continue;
    started.set(hash, Math.max(started.get(hash) ?? 0, Date.parse(record.startedAt) || 0));
  }
  return [...started.entries()].sort((a, b) => a[1] - b[1]).map(([hash]) => hash);
}

/**
 * Argo docs features/rollback.md (rollback windows): going back to one of the last `revisions` revisions (the current
 * one counted) skips every step and analysis, as a promote-full does; once per move back.
 */
function rollbackWindowCommand(world: ObservedWorld, view: MachineView): RolloutEvent | undefined {
  const window = world.rollout.spec.rollbackWindow?.revisions ?? 0;
  const inFlight = view.canaryHash ?? view.previewHash;
  if (window <= 0 || inFlight !== world.hash || world.hash === view.stableHash || !view.state.startsWith('progressing')) return undefined;
  const history = world.rollout.status?.history ?? [];
  if (!ranBefore(world.replicaSets, history, world.hash)) return undefined;
  const recent = revisionOrder(world.replicaSets, history, world.hash).slice(-window);
  if (!recent.includes(world.hash)) return undefined;
  const id = `rollbackWindow-${world.hash}-${world.rollout.metadata.generation ?? 0}`;
  if (world.rollout.status?.lastAutoCommand?.id === id) return undefined;
  return { type: 'command', action: 'promote-full', id, actor: 'spec.rollbackWindow', now: world.now };
}

/**
 * Whether `hash` is a revision the Rollout ran before this release (a rollback), not a new one: it finished a release
 * once, or it is the adopted first revision, whose ReplicaSet is older than another (a new one is always the newest).
 */
function ranBefore(replicaSets: ReplicaSetObject[], history: RevisionRecord[], hash: string): boolean {
  if (history.some((record) => record.podTemplateHash === hash && record.outcome !== 'Progressing')) return true;
  const created = (rs: ReplicaSetObject | undefined): number => Date.parse(rs?.metadata.creationTimestamp ?? '') || 0;
  const own = created(replicaSets.find((rs) => hashOf(rs) === hash));
  return own > 0 && replicaSets.some((rs) => created(rs) > own);
}

/** Commands that stand for `spec.paused` carry this actor, so that only a pause it made is resumed by clearing it. */
export const SPEC_PAUSED_ACTOR = 'spec.paused';

/**
 * Argo's `spec.paused` (what `kubectl argo rollouts pause` sets) held as a person's pause while it is true: a pause
 * command when the rollout runs, a resume of that same pause once it is false. A pause by command stays a command's.
 */
function specPauseCommand(world: ObservedWorld, view: MachineView): RolloutEvent | undefined {
  const { rollout } = world;
  const auto = rollout.status?.lastAutoCommand;
  const generation = rollout.metadata.generation ?? 0;
  if (rollout.spec.paused === true && view.state.includes('hold.running')) {
    const id = `spec-paused-${generation}`;
    return auto?.id === id ? undefined : { type: 'command', action: 'pause', id, actor: SPEC_PAUSED_ACTOR, now: world.now };
  }
  // The hold is spec.paused's when its pause was the last one accepted; a person's later pause stays theirs.
  const person = rollout.status?.lastCommand;
  const personPaused = person?.action === 'pause' && person.result === 'Accepted' && person.time > (auto?.time ?? '');
  const pausedBySpec = auto?.action === 'pause' && auto.result === 'Accepted' && !personPaused;
  if (rollout.spec.paused !== true && pausedBySpec && view.state.includes('hold.userPaused')) {
    return { type: 'command', action: 'resume', id: `spec-resumed-${generation}`, actor: SPEC_PAUSED_ACTOR, now: world.now };
  }
  return undefined;
}

/** Commands the controller makes from spec and status fields (spec.paused, promoteFull, rollbackWindow), by id. */
export function isAutoCommandId(id: string): boolean {
  return AUTO_COMMAND_PREFIXES.some((prefix) => id.startsWith(prefix));
}

const AUTO_COMMAND_PREFIXES = ['spec-paused-', 'spec-resumed-', 'promoteFull-', 'rollbackWindow-'];

/** The id under which a `status.promoteFull` request for the current revision is acknowledged in lastAutoCommand. */
export function promoteFullId(hash: string): string {
  return `promoteFull-${hash}`;
}

/**
 * Argo's `status.promoteFull` (what `kubectl argo rollouts promote --full` writes) read as a promote-full command, once
 * per revision: its acknowledgement in lastAutoCommand says it was seen.
 */
function promoteFullCommand(world: ObservedWorld): RolloutEvent | undefined {
  const status = world.rollout.status;
  const id = promoteFullId(world.hash);
  if (status?.promoteFull !== true || status.lastAutoCommand?.id === id) return undefined;
  return { type: 'command', action: 'promote-full', id, actor: 'status.promoteFull', now: world.now };
}

/** Replica counts differ from what status last recorded: the rollout is making progress. */
function countsMoved(world: ObservedWorld): boolean {
  const status = world.rollout.status ?? {};
  const totals = replicaTotals(world.replicaSets);
  return totals.availableReplicas !== (status.availableReplicas ?? 0) || totals.readyReplicas !== (status.readyReplicas ?? 0) || totals.replicas !== (status.replicas ?? 0);
}

export function replicaTotals(replicaSets: ReplicaSetObject[]): { replicas: number; readyReplicas: number; availableReplicas: number } {
  let replicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  for (const rs of replicaSets) {
    replicas += rs.status?.replicas ?? 0;
    readyReplicas += rs.status?.readyReplicas ?? 0;
    availableReplicas += rs.status?.availableReplicas ?? 0;
  }
  return { replicas, readyReplicas, availableReplicas };
}
