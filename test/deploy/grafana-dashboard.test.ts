// Specification of deploy/grafana/vane-delivery.json: the structure Grafana needs to import it (uid, title, panels
// with unique ids, types, grid positions that fit the 24-column grid without overlapping, the Prometheus input), and
// every query valid PromQL (promtool checks them as rules) naming only series Vane exports or the rules record.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { exportedSeries, recordedSeries, vaneSeriesIn } from './support/vane-metric-names.js';

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: { type: string; uid: string };
  targets: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  templating: { list: Array<{ name: string; query: { query: string } }> };
  panels: Panel[];
}

const DASHBOARD = join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'vane-delivery.json');
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const scratch = mkdtempSync(join(tmpdir(), 'vane-dashboard-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Grafana's variables made concrete, so the query is what Prometheus would receive. */
function concrete(expr: string): string {
  return expr.replaceAll('$namespace', '.*');
}

function overlap(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

const allExprs = (): string[] => [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query.query)];

describe('deploy/grafana/vane-delivery.json', () => {
  it('has a uid, a title, schemaVersion 39 and a Prometheus datasource input', () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
  });

  it('gives every panel a unique id, a known type, a grid position inside 24 columns and targets on ${DS_PROMETHEUS}', () => {
    expect(dashboard.panels.length).toBeGreaterThan(0);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(Number.isInteger(panel.id), panel.title).toBe(true);
      expect(['stat', 'timeseries', 'gauge', 'table', 'bargauge'], panel.title).toContain(panel.type);
      const { x, y, w, h } = panel.gridPos;
      expect([x, y, w, h].every((n) => Number.isInteger(n) && n >= 0), panel.title).toBe(true);
      expect(w > 0 && h > 0 && x + w <= 24, panel.title).toBe(true);
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      expect(new Set(panel.targets.map((t) => t.refId)).size, panel.title).toBe(panel.targets.length);
      for (const target of panel.targets) expect(target.expr, panel.title).toBeTruthy();
    }
  });

  it('lays the panels out without overlap', () => {
    const overlapping = dashboard.panels.flatMap((a, i) => dashboard.panels.slice(i + 1).filter((b) => overlap(a.gridPos, b.gridPos)).map((b) => `${a.title} / ${b.title}`));
    expect(overlapping).toEqual([]);
  });

  it('shows the four figures and the rollback split', () => {
    const exprs = allExprs().join('\n');
    for (const series of ['vane:deployment_frequency:per_day_30d', 'vane:lead_time_seconds:p90_30d', 'vane:change_failure_rate:ratio_30d', 'vane:time_to_restore_seconds:p90_30d', 'vane:rollback_seconds:p90_30d', 'vane_rollback_seconds_bucket']) {
      expect(exprs).toContain(series);
    }
  });

  it('queries only valid PromQL: promtool check rules accepts every panel query as a recording rule', () => {
    const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => concrete(t.expr)));
    const rules = { groups: [{ name: 'dashboard-queries', rules: queries.map((expr, i) => ({ record: `vane_dashboard:query_${i}`, expr })) }] };
    const file = join(scratch, 'dashboard-queries.yaml');
    writeFileSync(file, yaml.dump(rules));
    let problems = '';
    try {
      execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      problems = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    }
    expect(problems).toBe('');
  });

  it('the PromQL check would catch a broken query', () => {
    const file = join(scratch, 'broken.yaml');
    writeFileSync(file, yaml.dump({ groups: [{ name: 'broken', rules: [{ record: 'vane_dashboard:broken', expr: 'sum by (namespace (vane_deployments_total)' }] }] }));
    expect(() => execFileSync('promtool', ['check', 'rules', file], { stdio: 'ignore' })).toThrow();
  });

  it('names only series Vane exports or the rules record', () => {
    const known = new Set([...exportedSeries(), ...recordedSeries()]);
    const unknown = allExprs().flatMap((expr) => vaneSeriesIn(expr).filter((name) => !known.has(name)));
    expect(unknown).toEqual([]);
  });
});
