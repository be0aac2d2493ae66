// The API's shapes as the dashboard reads them: types only, from the server's own view so the two cannot drift.
import type { RolloutSummary } from '../../server/rollout-view.js';

export type {
  ActionAvailability,
  AnalysisRunView,
  DashboardAction,
  EventView,
  MetricThreshold,
  MetricView,
  ReplicaSetView,
  RolloutDetail,
  RolloutSummary,
  StepView,
  StepWait,
  WeightPoint,
  WhoAmI,
} from '../../server/rollout-view.js';
export type { CommandAck, RevisionRecord, RollbackRecord, RolloutCommand, RolloutPhase } from '../../resources/rollout.js';
export type { Measurement } from '../../resources/analysis.js';

/** One message of a status stream (`GET .../watch`). */
export interface WatchMessage {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rollout: RolloutSummary;
}
