// `vane lint` as a child process: offline validation with field paths and exit codes, from files, folders and stdin.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, MAIN, REPO_ROOT, runCli, runCommand } from './support/run-cli.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const PRODUCTION_OVERLAY = join(EXAMPLES, 'gitops/apps/shop/overlays/production');

/** `sh -c SCRIPT` with the built CLI as $VANE, so a test can pipe into it as a user does. */
function shell(script: string): ReturnType<typeof runCommand> {
  return runCommand('sh', ['-c', script], cliEnv({ VANE: `${process.execPath} ${MAIN}` }));
}

describe('vane lint', () => {
  it('given the shipped examples, then exit 0 and each resource counted valid', async () => {
    const result = await runCli(['lint', '-f', join(EXAMPLES, 'canary-gateway-api.yaml'), join(EXAMPLES, 'analysis-template-error-rate.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2 resource\(s\) valid/m);
  });

  it('given the examples folder (-f DIR), then every manifest in it is read in name order and all are valid', async () => {
    const result = await runCli(['lint', '-f', EXAMPLES]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4 resource\(s\) valid, \d+ other document\(s\) skipped$/m);
    expect(result.stdout).not.toContain('note:');
  });

  it('given a folder with only subfolders and no --recursive, then exit 1 saying so; with -R its manifests are read', async () => {
    const flat = await runCli(['lint', '-f', join(EXAMPLES, 'gitops')]);
    expect(flat.code).toBe(1);
    expect(flat.stderr).toContain('no .yaml, .yml or .json files (--recursive reads its subfolders)');
    const recursive = await runCli(['lint', '-R', '-f', join(EXAMPLES, 'gitops/apps/shop/base')]);
    expect(recursive.stderr).toBe('');
    expect(recursive.stdout).toMatch(/^2 resource\(s\) valid/m);
  });

  it('given `kubectl kustomize OVERLAY | vane lint -f -`, then the rendering is linted from standard input', async () => {
    const result = await shell(`kubectl kustomize ${PRODUCTION_OVERLAY} | $VANE lint -f -`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2 resource\(s\) valid, 3 other document\(s\) skipped$/m);
  });

  it('given a broken manifest on standard input, then findings name <stdin> and the exit code is 1', async () => {
    const result = await shell(`kubectl kustomize ${PRODUCTION_OVERLAY} | sed 's/replicas: 6/replica: 6/' | $VANE lint -f -`);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^<stdin>#\d+ Rollout\/shop: spec\.replica: unknown field "replica" \(did you mean "replicas"\?\)$/m);
  });

  it('given a Rollout with spec.replica, stepz, canaryServce and a misspelt container field, then each is reported in one run, exit 1', async () => {
    const file = join(import.meta.dirname, 'fixtures/unknown-fields-rollout.yaml');
    const result = await runCli(['lint', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${file}#1 Rollout/typos: spec.replica: unknown field "replica" (did you mean "replicas"?)`,
      `${file}#1 Rollout/typos: spec.template.spec.containers[0].imagePullPolic: unknown field "imagePullPolic" (did you mean "imagePullPolicy"?)`,
      `${file}#1 Rollout/typos: spec.strategy.canary.canaryServce: unknown field "canaryServce" (did you mean "canaryService"?)`,
      `${file}#1 Rollout/typos: spec.strategy.canary.steps[1]: unknown step kind "stepz"`,
      '1 of 1 resource(s) invalid',
    ]);
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

  it('given the blue-green example without the template it names, then exit 0 with a note that its arguments were not checked', async () => {
    const result = await runCli(['lint', '-f', join(EXAMPLES, 'blue-green.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('note: AnalysisTemplate error-rate is not among the linted documents');
  });

  it('given a missing file beside a readable one, then exit 1 naming the missing file, and the readable one is still linted', async () => {
    const result = await runCli(['lint', '-f', '/nonexistent/rollout.yaml', join(EXAMPLES, 'analysis-template-error-rate.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('vane lint: cannot read /nonexistent/rollout.yaml: ENOENT: no such file');
    expect(result.stdout).toMatch(/^1 resource\(s\) valid, 1 other document\(s\) skipped$/m);
  });
});
