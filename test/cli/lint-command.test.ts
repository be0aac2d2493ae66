// `vane lint` as a child process: offline validation with field paths and exit codes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/run-cli.js';

describe('vane lint', () => {
  it('given the shipped examples, then exit 0 and each resource counted valid', async () => {
    const result = await runCli(['lint', '-f', join(REPO_ROOT, 'examples/canary-gateway-api.yaml'), join(REPO_ROOT, 'examples/analysis-template-error-rate.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ resource\(s\) valid/m);
  });

  it('given an invalid Rollout, then exit 1 with one line per problem naming the field path', async () => {
    const file = join(import.meta.dirname, 'fixtures/invalid-rollout.yaml');
    const result = await runCli(['lint', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}#1 Rollout/broken: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100`);
    expect(result.stdout).toContain(`${file}#1 Rollout/broken: spec.strategy.canary.steps[1]: must set only one of`);
    expect(result.stdout).toContain('1 of 1 resource(s) invalid, 1 other document(s) skipped');
  });

  it('given a template whose condition does not compile, then exit 1 naming the metric, the field and the cause', async () => {
    const file = join(import.meta.dirname, 'fixtures/broken-condition-template.yaml');
    const result = await runCli(['lint', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/AnalysisTemplate\/error-rate: spec\.metrics\[0\]\.successCondition: successCondition does not compile: .+ \(in "result\[0\] <"\)/);
  });

  it('given a missing file, then exit 1 and the error', async () => {
    const result = await runCli(['lint', '-f', '/nonexistent/rollout.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no such file');
  });
});
