// One rollout: its phase and message, commands, step plan, ReplicaSets, traffic weight over time, analysis runs with
// their measurements against the threshold, the rollback record, the revision history and recent Events. Live.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { ApiClient } from './api-client.js';
import type { AnalysisRunView, EventView, MetricView, ReplicaSetView, RevisionRecord, RollbackRecord, RolloutDetail, StepView } from './api-types.js';
import { formatJudgementNumber, readJudgement, type StoredJudgement } from '../../analysis/judge/judgement-text.js';
import { JUDGEMENT_COLUMNS, judgementCells } from './judgement-cells.js';
import { AgeText } from './age-text.js';
import { CommandButtons } from './command-buttons.js';
import { LIST_HREF } from './hash-route.js';
import { MeasurementChart } from './measurement-chart.js';
import { conditionField, latestValueText, thresholdLabel, thresholdMeaning } from './metric-reading.js';
import { PhaseBadge } from './phase-badge.js';
import { imagesText, stepText, verdictText, waitText, weightText } from './rollout-text.js';
import { TableCard } from './table-card.js';
import { formatCountdown } from './time-format.js';
import { useNow } from './use-now.js';
import { useRolloutDetail } from './use-rollout-detail.js';
import { WeightChart } from './weight-chart.js';
import { mergeWeights } from './weight-series.js';

export function RolloutPage(props: { client: ApiClient; namespace: string; name: string }): JSX.Element {
  const { client, namespace, name } = props;
  const state = useRolloutDetail(client, namespace, name);
  const now = useNow(1_000);
  const { detail, error } = state;
  return (
    <main class="page rollout-page">
      <nav class="crumbs">
        <a href={LIST_HREF} data-testid="back-to-list">
          ← All rollouts
        </a>
      </nav>
      {error && (
        <p class="error" role="alert" data-testid="detail-error">
          {error.status === 404 ? `${namespace}/${name}: no such rollout (or it was deleted)` : error.message}
        </p>
      )}
      {state.deleted && (
        <p class="error" role="alert">
          This rollout was deleted.
        </p>
      )}
      {detail ? <RolloutDetailView detail={detail} client={client} now={now} liveWeights={state.liveWeights} onCommand={state.refresh} /> : !error && <p class="empty">Loading {namespace}/{name}…</p>}
    </main>
  );
}

function RolloutDetailView(props: { detail: RolloutDetail; client: ApiClient; now: number; liveWeights: RolloutDetail['weightHistory']; onCommand: () => void }): JSX.Element {
  const { detail, now } = props;
  const weights = useMemo(() => mergeWeights(detail.weightHistory, props.liveWeights), [detail.weightHistory, props.liveWeights]);
  const phase = detail.phase ?? 'Unknown';
  const heading = useRef<HTMLHeadingElement>(null);
  // The link that opened this page is gone: keyboard and screen-reader users continue from the rollout's name.
  useEffect(() => heading.current?.focus(), []);
  return (
    <div class="detail" data-testid="rollout-detail" data-phase={phase}>
      <header class="detail-head">
        <h1 ref={heading} tabIndex={-1}>
          <span class="muted">{detail.namespace}/</span>
          {detail.name}
        </h1>
        <PhaseBadge phase={detail.phase} testId="detail-phase" />
        <p class="detail-message" data-testid="detail-message">
          {detail.message ?? ''}
        </p>
        <dl class="facts">
          <Fact term="Strategy">{detail.strategy}</Fact>
          <Fact term="Step">{stepText(detail)}</Fact>
          <Fact term="Canary weight">{weightText(detail)}</Fact>
          <Fact term="Images">{imagesText(detail)}</Fact>
          <Fact term="Pods ready">
            {detail.replicas.ready}/{detail.replicas.desired}
          </Fact>
          <Fact term="Updated">
            <AgeText at={detail.updatedAt} now={now} />
          </Fact>
          <Fact term="Created">
            <AgeText at={detail.createdAt} now={now} />
          </Fact>
        </dl>
      </header>
      <CommandButtons
        client={props.client}
        namespace={detail.namespace}
        name={detail.name}
        actions={detail.actions}
        pending={detail.pendingCommand}
        last={detail.lastCommand}
        now={now}
        onSent={props.onCommand}
      />
      <div class="columns">
        <Steps steps={detail.steps} now={now} />
        <section class="card" aria-labelledby="weight-title">
          <h2 id="weight-title">Traffic weight</h2>
          <WeightChart points={weights} now={now} />
        </section>
      </div>
      <ReplicaSets replicaSets={detail.replicaSets} now={now} />
      <AnalysisRuns runs={detail.analysisRuns} now={now} />
      {detail.rollback && <Rollback rollback={detail.rollback} now={now} />}
      <History history={detail.history} now={now} />
      <Events events={detail.events} now={now} />
    </div>
  );
}

function Fact(props: { term: string; children: ComponentChildren }): JSX.Element {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function Steps(props: { steps: StepView[]; now: number }): JSX.Element {
  return (
    <section class="card" aria-labelledby="steps-title">
      <h2 id="steps-title">Steps</h2>
      {props.steps.length === 0 ? (
        <p class="muted">No canary steps (blue-green, or a canary without steps).</p>
      ) : (
        <ol class="steps">
          {props.steps.map((step) => (
            <li key={step.index} class={`step step-${step.state}`} data-testid="step" data-state={step.state} data-index={step.index} aria-current={step.state === 'current' ? 'step' : undefined}>
              <span class="step-mark" aria-hidden="true">
                {step.state === 'done' ? '✓' : step.state === 'current' ? '▶' : '○'}
              </span>
              <span class="step-text">
                {step.description}
                <span class="visually-hidden"> ({step.state})</span>
              </span>
              {step.wait && (
                <span class="step-wait" data-testid="step-wait">
                  {waitText(step.wait, props.now)}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ReplicaSets(props: { replicaSets: ReplicaSetView[]; now: number }): JSX.Element {
  return (
    <TableCard id="rs" title="Revisions and ReplicaSets" columns={['Role', 'ReplicaSet', 'Images', 'Pods ready']} empty="No ReplicaSets.">
      {props.replicaSets.map((rs) => (
        <tr key={rs.name} data-testid="replica-set" data-role={rs.role}>
          <td>
            <span class={`role role-${rs.role}`}>{rs.role}</span>
          </td>
          <td class="mono">{rs.name}</td>
          <td class="mono" data-testid="rs-images">
            {rs.images.join(', ')}
          </td>
          <td>
            <span data-testid="rs-pods">
              {rs.ready}/{rs.desired}
            </span>
            {rs.scaleDownAt !== undefined && <span class="muted"> · scales down: {formatCountdown(rs.scaleDownAt, props.now)}</span>}
          </td>
        </tr>
      ))}
    </TableCard>
  );
}

function AnalysisRuns(props: { runs: AnalysisRunView[]; now: number }): JSX.Element {
  return (
    <section class="card" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Analysis</h2>
      {props.runs.length === 0 && <p class="muted">No analysis runs.</p>}
      {props.runs.map((run) => (
        <article key={run.name} class="analysis-run" data-testid="analysis-run" data-phase={run.phase} data-name={run.name}>
          <header>
            <h3 class="mono">{run.name}</h3>
            <PhaseBadge phase={run.phase} />
            {run.gate && <span class="muted">gate: {run.gate}</span>}
            <AgeText at={run.startedAt} now={props.now} />
          </header>
          {run.message && <p>{run.message}</p>}
          <div class="metrics">
            {run.metrics.map((metric) => (
              <Metric key={metric.name} metric={metric} />
            ))}
          </div>
        </article>
      ))}
    </section>
  );
}

function Metric(props: { metric: MetricView }): JSX.Element {
  const { metric } = props;
  const judgement = readJudgement(metric.latest?.value);
  if (judgement) return <JudgedMetric metric={metric} judgement={judgement} />;
  const field = conditionField(metric.successCondition ?? metric.failureCondition);
  return (
    <div class="metric" data-testid="metric" data-metric={metric.name} data-phase={metric.phase}>
      <div class="metric-head">
        <strong>{metric.name}</strong>
        <PhaseBadge phase={metric.phase} />
        <span>
          latest <span class="metric-value" data-testid="metric-latest">{latestValueText(metric.latest, field)}</span>
        </span>
        {metric.threshold && (
          <span>
            {thresholdMeaning(metric.threshold)} <span class="metric-value" data-testid="metric-threshold">{thresholdLabel(metric.threshold)}</span>
          </span>
        )}
        <span class="muted">
          {metric.successful} passed, {metric.failed} failed, {metric.inconclusive} inconclusive, {metric.error} errors
        </span>
      </div>
      {(metric.successCondition ?? metric.failureCondition) && (
        <p class="muted mono condition">
          {metric.successCondition && <>success: {metric.successCondition} </>}
          {metric.failureCondition && <>failure: {metric.failureCondition}</>}
        </p>
      )}
      <MeasurementChart metric={metric.name} measurements={metric.measurements} threshold={metric.threshold} {...(field !== undefined ? { field } : {})} />
    </div>
  );
}

/** A judge metric: its verdict and score, and the per-metric reasoning of the baseline-vs-canary comparison. */
function JudgedMetric(props: { metric: MetricView; judgement: StoredJudgement }): JSX.Element {
  const { metric, judgement } = props;
  return (
    <div class="metric judged" data-testid="metric" data-metric={metric.name} data-phase={metric.phase}>
      <div class="metric-head">
        <strong>{metric.name}</strong>
        <PhaseBadge phase={metric.phase} />
        <span data-testid="metric-latest">
          judgement <span class="metric-value">{judgement.verdict}</span>, score <span class="metric-value">{formatJudgementNumber(judgement.score)}</span>
        </span>
        {judgement.message && <span class="muted">{judgement.message}</span>}
      </div>
      <div class="table-scroll" tabIndex={0} aria-label={`${metric.name}: the judgement of each metric`}>
        <table data-testid="judgement">
          <thead>
            <tr>
              {JUDGEMENT_COLUMNS.map((column) => (
                <th scope="col" key={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {judgement.metrics.map((m) => (
              <tr key={m.name} data-testid="judged-metric" data-classification={m.classification}>
                {judgementCells(m).map((cell, i) => (
                  <td key={JUDGEMENT_COLUMNS[i]} class={i >= 3 ? 'mono' : ''}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Rollback(props: { rollback: RollbackRecord; now: number }): JSX.Element {
  const { rollback, now } = props;
  const git = rollback.git;
  return (
    <section class="card rollback" data-testid="rollback" aria-labelledby="rollback-title">
      <h2 id="rollback-title">Rollback</h2>
      <dl class="facts">
        <Fact term="Reason">{rollback.reason}</Fact>
        <Fact term="When">
          <AgeText at={rollback.at} now={now} />
        </Fact>
        <Fact term="Traffic back on stable">{rollback.trafficReset ? 'yes' : 'not yet'}</Fact>
        <Fact term="Git">
          <span data-testid="rollback-result">{git?.state ?? 'no git rollback'}</span>
          {git?.reason && <span class="muted"> ({git.reason})</span>}
        </Fact>
        {git?.repoURL && (
          <Fact term="Remote">
            <span class="mono" data-testid="rollback-remote">
              {git.repoURL}
            </span>
            {git.branch && <span class="muted"> ({git.branch})</span>}
          </Fact>
        )}
        {git?.commit && (
          <Fact term="Revert commit">
            <span class="mono" data-testid="rollback-commit" title={git.commit}>
              {git.commit}
            </span>
          </Fact>
        )}
        {git?.revertedCommit && (
          <Fact term="Reverted commit">
            <span class="mono">{git.revertedCommit}</span>
          </Fact>
        )}
        {git?.message && <Fact term="Git message">{git.message}</Fact>}
      </dl>
    </section>
  );
}

function History(props: { history: RevisionRecord[]; now: number }): JSX.Element {
  return (
    <TableCard id="history" title="Revision history" testId="history" columns={['Images', 'Outcome', 'Started', 'Finished', 'Verdict']} empty="No releases recorded.">
      {[...props.history].reverse().map((record) => (
        <tr key={`${record.podTemplateHash}/${record.attempt ?? 1}/${record.startedAt}`} data-testid="history-row" data-outcome={record.outcome}>
          <td class="mono">{record.images.join(', ')}</td>
          <td>{record.outcome}</td>
          <td>
            <AgeText at={record.startedAt} now={props.now} />
          </td>
          <td>
            <AgeText at={record.finishedAt} now={props.now} />
          </td>
          <td>{verdictText(record)}</td>
        </tr>
      ))}
    </TableCard>
  );
}

function Events(props: { events: EventView[]; now: number }): JSX.Element {
  return (
    <TableCard id="events" title="Events" testId="events" columns={['When', 'Type', 'Reason', 'Message']} empty="No recent Events.">
      {props.events.map((event, i) => (
        <tr key={`${event.time ?? ''}/${event.reason ?? ''}/${i}`} data-testid="event" class={event.type === 'Warning' ? 'warning' : ''}>
          <td>
            <AgeText at={event.time} now={props.now} />
          </td>
          <td>
            {event.type === 'Warning' && <span aria-hidden="true">⚠ </span>}
            {event.type ?? ''}
          </td>
          <td>{event.reason ?? ''}</td>
          <td>
            {event.message ?? ''}
            {event.count > 1 && <span class="muted"> (×{event.count})</span>}
          </td>
        </tr>
      ))}
    </TableCard>
  );
}
