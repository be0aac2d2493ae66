// Renders a Rollout for people: `vane get rollout` shows a tree of steps (the current one marked), weights,
// ReplicaSets, analysis with the latest measurements, the rollback record and recent Events.
import { formatJudgementNumber, readJudgement, type StoredJudgement } from '../analysis/judge/judgement-text.js';
import { gateLabel, stepColumn, stepLabel } from '../resources/step-label.js';
import type { RolloutDetail, RolloutSummary, StepView } from '../server/rollout-view.js';

const STEP_MARK: Record<StepView['state'], string> = { done: '✔', current: '▶', pending: '·' };

export function renderRolloutTree(rollout: RolloutDetail): string {
  const lines: string[] = [];
  lines.push(`Name:       ${rollout.name}`);
  lines.push(`Namespace:  ${rollout.namespace}`);
  lines.push(`Strategy:   ${rollout.strategy === 'blueGreen' ? 'BlueGreen' : rollout.strategy === 'canary' ? 'Canary' : 'unknown'}`);
  lines.push(`Phase:      ${phaseLine(rollout)}`);
  if (rollout.images.length > 0) lines.push(`Images:     ${rollout.images.join(', ')}`);
  lines.push(`Replicas:   desired ${rollout.replicas.desired}  updated ${rollout.replicas.updated}  ready ${rollout.replicas.ready}  available ${rollout.replicas.available}`);
  if (rollout.weights) lines.push(`Weights:    canary ${rollout.weights.canary}%  stable ${rollout.weights.stable}%`);
  const services = Object.entries(rollout.services).map(([role, name]) => `${role}=${name}`);
  if (services.length > 0) lines.push(`Services:   ${services.join('  ')}`);
  if (rollout.pendingCommand) lines.push(`Pending:    ${rollout.pendingCommand.action} by ${rollout.pendingCommand.actor} (${rollout.pendingCommand.id})`);
  if (rollout.lastCommand) {
    const ack = rollout.lastCommand;
    lines.push(`Last command: ${ack.action} ${ack.result}${ack.message ? ` — ${ack.message}` : ''}`);
  }
  const steps = rollout.steps.map((s) => `${STEP_MARK[s.state]} ${stepLabel(s.index, rollout.steps.length)}: ${s.description}${s.state === 'current' ? '   ◀ current' : ''}`);
  lines.push(...section('Steps', steps));
  lines.push(
    ...section(
      'ReplicaSets',
      rollout.replicaSets.map(
        (rs) => `${rs.name}  ${rs.role}  ready ${rs.ready}/${rs.desired}${rs.images.length ? `  ${rs.images.join(', ')}` : ''}${rs.scaleDownAt ? `  scales down at ${rs.scaleDownAt}` : ''}`,
      ),
    ),
  );
  lines.push(...section('AnalysisRuns', rollout.analysisRuns.map(analysisEntry)));
  if (rollout.rollback) lines.push(...section('Rollback', rollbackLines(rollout)));
  lines.push(...section('Events', rollout.events.slice(0, 10).map((e) => `${e.time ?? ''}  ${e.type ?? ''}  ${e.reason ?? ''}  ${e.message ?? ''}${e.count > 1 ? ` (x${e.count})` : ''}`)));
  return `${lines.join('\n')}\n`;
}

/** `vane list rollouts`: one row per rollout, columns aligned. */
export function renderRolloutTable(rollouts: readonly RolloutSummary[], withNamespace: boolean): string {
  return alignColumns([tableHeader(withNamespace), ...rollouts.map((r) => tableRow(r, withNamespace))]);
}

export function tableHeader(withNamespace: boolean): string[] {
  return [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'STRATEGY', 'PHASE', 'STEP', 'WEIGHT', 'READY'];
}

/** One rollout's cells, in the header's order. */
export function tableRow(r: RolloutSummary, withNamespace: boolean): string[] {
  return [
    ...(withNamespace ? [r.namespace] : []),
    r.name,
    r.strategy,
    r.phase ?? '-',
    r.strategy === 'canary' ? stepColumn(r.currentStepIndex, r.stepCount) : '-',
    r.weights ? `${r.weights.canary}` : '-',
    `${r.replicas.ready}/${r.replicas.desired}`,
  ];
}

/** The width of each column of `rows`. */
export function columnWidths(rows: readonly string[][]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/** Rows as lines, each cell but the last padded to its column's width (at least `widths`, when given). */
export function alignColumns(rows: readonly string[][], widths: readonly number[] = columnWidths(rows)): string {
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('   ')).join('\n') + '\n';
}

function phaseLine(rollout: RolloutSummary): string {
  const stale = rollout.observedGeneration !== undefined && rollout.generation !== undefined && rollout.observedGeneration < rollout.generation;
  const phase = rollout.phase ?? 'Unknown (not reconciled yet)';
  return `${phase}${rollout.message ? ` — ${rollout.message}` : ''}${stale ? ' (spec change not observed yet)' : ''}`;
}

/** A titled branch list; an entry may span lines, its continuation lines hang under its branch. */
function section(title: string, entries: string[]): string[] {
  if (entries.length === 0) return [];
  const lines = [`${title}:`];
  entries.forEach((entry, i) => {
    const last = i === entries.length - 1;
    const [first = '', ...rest] = entry.split('\n');
    lines.push(`${last ? '└──' : '├──'} ${first}`, ...rest.map((line) => `${last ? '    ' : '│   '}${line}`));
  });
  return lines;
}

function analysisEntry(run: RolloutDetail['analysisRuns'][number]): string {
  const head = `${run.name}  ${run.phase}${run.gate ? `  (${gateLabel(run.gate)} analysis)` : ''}${run.message ? ` — ${run.message}` : ''}`;
  const metrics = run.metrics.map((m) => {
    const judgement = readJudgement(m.latest?.value);
    const shown = judgement ? ` judgement ${judgement.verdict}, score ${formatJudgementNumber(judgement.score)}${judgement.message ? ` — ${judgement.message}` : ''}` : m.latest?.value !== undefined ? ` value=${m.latest.value}` : '';
    const latest = m.latest ? `  latest ${m.latest.phase}${shown}` : '';
    const line = `  ${m.name}: ${m.phase}  ✔${m.successful} ✘${m.failed} ?${m.inconclusive} !${m.error}${latest}`;
    return judgement ? [line, ...judgementRows(judgement)].join('\n') : line;
  });
  return [head, ...metrics].join('\n');
}

/** The judge's per-metric reasoning, one aligned row per metric: classification, p-value, effect size, medians, counts. */
function judgementRows(judgement: StoredJudgement): string[] {
  const rows = judgement.metrics.map((m) => [
    m.name,
    m.critical ? `${m.classification} (critical)` : m.classification,
    `p=${formatJudgementNumber(m.pValue)}`,
    `effect=${formatJudgementNumber(m.effectSize)}`,
    `median ${formatJudgementNumber(m.baselineMedian)} → ${formatJudgementNumber(m.canaryMedian)}`,
    `n=${m.baselineCount}/${m.canaryCount}${m.message ? `  ${m.message}` : ''}`,
  ]);
  return alignColumns(rows).trimEnd().split('\n').map((row) => `    ${row}`);
}

function rollbackLines(rollout: RolloutDetail): string[] {
  const rb = rollout.rollback;
  if (!rb) return [];
  const lines = [`${rb.at}  ${rb.reason}  traffic reset: ${rb.trafficReset ? 'yes' : 'no'}`];
  if (rb.git) lines.push(`git: ${rb.git.state}${rb.git.commit ? ` commit ${rb.git.commit}` : ''}${rb.git.revertedCommit ? ` (reverts ${rb.git.revertedCommit})` : ''}${rb.git.message ? ` — ${rb.git.message}` : ''}`);
  return lines;
}
