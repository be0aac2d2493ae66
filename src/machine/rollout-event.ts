// The events a reconcile pass feeds the rollout machines: observations, commands and the passing of time.
import type { CommandAction } from '../resources/rollout.js';
import type { GateBlockReason } from './machine-context.js';
import type { RolloutPlan } from './rollout-plan.js';

export type AnalysisPhase = 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

/**
 * Every event carries `now` (epoch ms): the machines never read a clock. Observations are level-triggered: the
 * reconciler sends them every pass while they hold, and a machine ignores (handled=false) those that do not apply
 * in its current state, so an observation ignored now is simply taken into account on a later pass.
 */
export type RolloutEvent =
  /** The pod-template hash the spec has now. Equal to the stable or in-flight hash: nothing to do. */
  | { type: 'revision'; hash: string; now: number }
  /** The plan derived from the spec. An unchanged plan is ignored, so it may be sent every pass. */
  | { type: 'spec'; plan: RolloutPlan; now: number }
  /** The ReplicaSet of `hash` has every replica the view's `desiredReplicas` asks of it available. */
  | { type: 'replicasReady'; hash: string; now: number }
  /** Replica counts moved since the last pass: restarts the progress-deadline clock. */
  | { type: 'progress'; now: number }
  /** Time passed; sent at (or after) the view's `nextWakeAt`. */
  | { type: 'tick'; now: number }
  /** A finished AnalysisRun listed in the view's `analysisRuns`. */
  | { type: 'analysis'; gate: string; runName: string; phase: AnalysisPhase; message: string; now: number }
  /** A person's or pipeline's command read from `status.command`, with the reason they gave (abort --reason). */
  | { type: 'command'; action: CommandAction; id: string; actor: string; reason?: string; now: number }
  /**
   * The run `runName` this pass asked for cannot be created (see BlockedGates): sent instead of creating it, in the
   * pass whose decision asked for it. Never a verdict: it does not abort and reverts nothing.
   */
  | { type: 'gateBlocked'; gate: string; runName: string; reason: GateBlockReason; message: string; now: number }
  /** Every run the view's `blockedGates.runs` lists can be created now. */
  | { type: 'gateReady'; now: number };

export type RolloutEventType = RolloutEvent['type'];

export type CommandEvent = Extract<RolloutEvent, { type: 'command' }>;
export type AnalysisEvent = Extract<RolloutEvent, { type: 'analysis' }>;
