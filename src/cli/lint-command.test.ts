import { describe, expect, it } from 'vitest';
import { formatLintReport, lintText, type LintReport } from './lint-command.js';

const validTemplate = `apiVersion: vane.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: error-rate}
spec:
  metrics:
    - name: error-rate
      successCondition: result[0] < 0.01
      provider:
        prometheus: {address: "http://prometheus:9090", query: "vector(0)"}
`;

function lint(text: string): LintReport {
  const report: LintReport = { checked: 0, skipped: 0, findings: [] };
  lintText('f.yaml', text, report);
  return report;
}

describe('lintText', () => {
  it('checks Vane kinds and skips others, including Argo Rollouts objects of the same kind name', () => {
    const report = lint(`${validTemplate}---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: argo}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
    expect(report).toEqual({ checked: 1, skipped: 2, findings: [] });
    expect(formatLintReport(report)).toBe('1 resource(s) valid, 2 other document(s) skipped\n');
  });

  it('reports each field error of a document with its position and resource', () => {
    const report = lint(`---\n${validTemplate}---\napiVersion: vane.dev/v1alpha1\nkind: Rollout\nmetadata: {name: bad}\nspec: {}\n`);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ document: 2, resource: 'Rollout/bad' });
    expect(formatLintReport(report)).toMatch(/^f\.yaml#2 Rollout\/bad: spec\.\S+: /m);
  });

  it('turns a YAML syntax error into a finding instead of a crash', () => {
    const report = lint('kind: [unclosed');
    expect(report.findings[0]?.errors[0]?.message).toMatch(/^not valid YAML/);
  });
});
