// Specification of deploy/prometheus/vane-rules.yaml: promtool accepts the rules and passes their unit tests
// (vane-rules.test.yaml: the 30-day figures, and each alert firing when it should and not otherwise), and the rules
// read only series Vane exports.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportedSeries, PROMETHEUS_DIR, readRules, recordedSeries, vaneSeriesIn } from './support/vane-metric-names.js';

/** promtool's output when it fails, empty when it passes (it exits non-zero and lists the problems). */
function promtool(args: string[]): string {
  try {
    execFileSync('promtool', args, { cwd: PROMETHEUS_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (err) {
    const { stdout, stderr, message } = err as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}` || message;
  }
}

describe('deploy/prometheus/vane-rules.yaml', () => {
  it('passes promtool check rules', () => {
    expect(promtool(['check', 'rules', 'vane-rules.yaml'])).toBe('');
  });

  it('passes its promtool unit tests: the 30-day figures, and each alert firing and resolving when it should', () => {
    expect(promtool(['test', 'rules', 'vane-rules.test.yaml'])).toBe('');
  });

  it('alerts on the three targets: change failure rate over 5%, a restore over 30 minutes, a traffic reset over 2 minutes', () => {
    const alerts = readRules().groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.map((a) => a.alert).sort()).toEqual(['VaneChangeFailureRateHigh', 'VaneRestoreSlow', 'VaneRollbackSlow']);
    expect(alerts.find((a) => a.alert === 'VaneChangeFailureRateHigh')?.expr).toMatch(/> 0\.05\b/);
    expect(alerts.find((a) => a.alert === 'VaneRestoreSlow')?.expr).toContain('le="1800"');
    expect(alerts.find((a) => a.alert === 'VaneRollbackSlow')?.expr).toContain('stage="traffic_reset",le="120"');
    for (const alert of alerts) {
      expect(alert.labels?.['severity'], alert.alert).toMatch(/^(warning|critical)$/);
      expect(alert.annotations?.['summary'], alert.alert).toBeTruthy();
    }
  });

  it('reads only series Vane exports or the rules record', () => {
    const known = new Set([...exportedSeries(), ...recordedSeries()]);
    const unknown = readRules().groups.flatMap((g) => g.rules.flatMap((r) => vaneSeriesIn(r.expr).filter((name) => !known.has(name))));
    expect(unknown).toEqual([]);
    expect(known).toContain('vane_rollback_seconds_bucket');
    expect(known).toContain('vane:change_failure_rate:ratio_30d');
  });
});
