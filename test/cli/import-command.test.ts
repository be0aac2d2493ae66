// `vane import` on real manifests: every Argo Rollouts example and e2e file and every Flagger example Canary comes
// out as manifests `vane lint` accepts, and every document it could not convert is named in the summary. The
// assertions hold whatever Vane supports, so a feature landing elsewhere turns "not converted" into "converted".
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/cli/lint-command.js';
import { importManifests } from '../../src/import/import-manifests.js';
import { formatImportReport } from '../../src/import/import-report.js';
import { cliEnv, MAIN, REPO_ROOT, runCli, runCommand } from './support/run-cli.js';

const ARGO = join(REPO_ROOT, 'test/fixtures/argo-rollouts');
const FLAGGER_EXAMPLES = join(REPO_ROOT, 'test/fixtures/flagger/artifacts/examples');
const ARGO_KINDS = new Set(['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment']);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

/** Imports one file and checks the round-trip contract; returns what the import said about it. */
function importAndCheck(file: string, options: { meshProvider?: string } = {}): ReturnType<typeof importManifests> {
  const source = relative(REPO_ROOT, file);
  const text = readFileSync(file, 'utf8');
  const result = importManifests([{ source, text }], options);
  const written = result.files.flatMap((f) => f.documents);
  // Every written manifest passes `vane lint`.
  const lint = lintSources([{ source, text: written.map((doc) => yaml.dump(doc)).join('---\n') }]);
  expect(lint.findings, `${source}: ${JSON.stringify(lint.findings)}`).toEqual([]);
  const summary = formatImportReport(result.report);
  for (const entry of result.report.entries) {
    // Every input document is written (converted or unchanged), folded into another, or reported with a reason.
    if (entry.outcome === 'converted') expect(entry.produced.length, `${source} ${entry.resource}`).toBeGreaterThan(0);
    if (entry.outcome === 'not-converted' || entry.outcome === 'invalid') {
      expect(entry.problems.length, `${source} ${entry.resource}`).toBeGreaterThan(0);
      expect(summary).toContain(`${entry.resource}`);
    }
  }
  return result;
}

describe('vane import on the published corpora', () => {
  const argoFiles = [...yamlFiles(join(ARGO, 'examples')), ...yamlFiles(join(ARGO, 'test/e2e'))];

  it('given every Argo Rollouts example and e2e file, then what is written passes vane lint and every Argo object is converted or named as not converted', () => {
    expect(argoFiles.length).toBeGreaterThan(100);
    const tally = { converted: 0, notConverted: 0 };
    for (const file of argoFiles) {
      const { report, files } = importAndCheck(file);
      const written = files.flatMap((f) => f.documents) as Array<Record<string, unknown>>;
      for (const entry of report.entries) {
        const kind = entry.resource.split('/')[0] ?? '';
        if (!ARGO_KINDS.has(kind) || entry.outcome === 'passed-through') continue;
        expect(['converted', 'not-converted'], `${file} ${entry.resource}`).toContain(entry.outcome);
        if (entry.outcome === 'converted') tally.converted++;
        else tally.notConverted++;
      }
      // Nothing of Argo's API group is written: it is converted or left out and reported.
      expect(written.filter((doc) => doc['apiVersion'] === 'argoproj.io/v1alpha1' && ARGO_KINDS.has(String(doc['kind'])))).toEqual([]);
    }
    expect(tally.converted).toBeGreaterThan(0);
    process.stdout.write(`argo corpus: ${tally.converted} converted, ${tally.notConverted} not converted\n`);
  });

  it('given the Argo files, then documents other than Argo objects pass through unchanged', () => {
    const file = join(ARGO, 'examples/rollout-bluegreen.yaml');
    const original = yaml.loadAll(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
    const written = importAndCheck(file).files[0]?.documents as Array<Record<string, unknown>>;
    const services = original.filter((doc) => doc['kind'] === 'Service');
    expect(services.length).toBeGreaterThan(0);
    expect(written.filter((doc) => doc['kind'] === 'Service')).toEqual(services);
  });

  it("given Argo's web-metric example, then its expr-lang string condition is written in CEL", () => {
    const file = join(ARGO, 'test/e2e/functional/analysistemplate-web-background.yaml');
    const { files, report } = importAndCheck(file);
    const template = files[0]?.documents.find((doc) => (doc as { kind?: string }).kind === 'AnalysisTemplate') as { spec: { metrics: Array<{ successCondition: string }> } } | undefined;
    if (template !== undefined) expect(template.spec.metrics[0]?.successCondition).toBe('result.major == "1"');
    else expect(report.entries.find((e) => e.resource.startsWith('AnalysisTemplate/'))?.problems.length).toBeGreaterThan(0);
  });

  it("given an Experiment, then it is converted when Vane's lint knows the kind, else named as not converted", () => {
    const file = join(ARGO, 'examples/experiment-with-analysis.yaml');
    const { report } = importAndCheck(file);
    const experiment = report.entries.find((e) => e.resource.startsWith('Experiment/'));
    expect(experiment).toBeDefined();
    if (experiment?.outcome !== 'converted') expect(experiment?.problems.join('\n')).toMatch(/Experiment/);
  });

  it("given every Flagger example Canary, then what is written passes vane lint and each Canary is converted or named with a reason", () => {
    const files = yamlFiles(FLAGGER_EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const { report } = importAndCheck(file);
      const canary = report.entries.find((e) => e.resource.startsWith('Canary/'));
      expect(canary, file).toBeDefined();
      expect(['converted', 'not-converted']).toContain(canary?.outcome);
    }
  });

  it("given Flagger's Kuma example without spec.provider, then it is not converted and the summary says which flag to pass; with --mesh-provider kuma, that Vane has no Kuma router", () => {
    const file = join(FLAGGER_EXAMPLES, 'kuma-canary.yaml');
    const unset = importAndCheck(file).report.entries[0];
    expect(unset).toMatchObject({ outcome: 'not-converted', resource: 'Canary/podinfo' });
    expect(unset?.problems.join('\n')).toMatch(/spec\.provider: not set.*--mesh-provider/);
    const kuma = importAndCheck(file, { meshProvider: 'kuma' }).report.entries[0];
    expect(kuma?.problems.join('\n')).toMatch(/kuma is a provider Vane has no traffic router for/);
  });
});

describe('vane import (the command)', () => {
  function shell(script: string): ReturnType<typeof runCommand> {
    return runCommand('sh', ['-c', script], cliEnv({ VANE: `${process.execPath} ${MAIN}` }));
  }

  const argoRollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: shop, image: "shop:1"}]}
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 30s}}]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate}
spec:
  metrics:
    - name: success-rate
      successCondition: result[0] >= 0.95 and result[0] <= 1
      provider: {prometheus: {address: "http://prometheus:9090", query: "vector(1)"}}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec: {selector: {app: shop}, ports: [{port: 80}]}
`;

  function tempFile(name: string, text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'vane-import-'));
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('given Argo objects that all convert, then the Vane manifests go to stdout, the summary to stderr, exit 0', async () => {
    const result = await runCli(['import', '-f', tempFile('shop.yaml', argoRollout)]);
    expect(result.code).toBe(0);
    const docs = yaml.loadAll(result.stdout) as Array<{ apiVersion: string; kind: string; spec?: { metrics?: Array<{ successCondition?: string }> } }>;
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['vane.dev/v1alpha1 Rollout', 'vane.dev/v1alpha1 AnalysisTemplate', 'v1 Service']);
    expect(docs[1]?.spec?.metrics?.[0]?.successCondition).toBe('result[0] >= 0.95 && result[0] <= 1');
    expect(result.stderr).toMatch(/^converted \S+#1 Rollout\/shop -> Rollout\/shop$/m);
    expect(result.stderr).toMatch(/^2 converted \(0 with a change of meaning, 0 in part\), 0 not converted, 1 passed through$/m);
  });

  it('given Argo objects on standard input (-f -), then they are converted like a file, named <stdin>', async () => {
    const file = tempFile('shop.yaml', argoRollout);
    const result = await shell(`cat ${file} | $VANE import -f - | $VANE lint -f -`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2 resource\(s\) valid, 1 other document\(s\) skipped$/m);
    expect(result.stderr).toMatch(/^converted <stdin>#1 Rollout\/shop/m);
  });

  it('given a condition with no CEL spelling, then that template is not written, the summary names the field, exit 2', async () => {
    const text = argoRollout.replace('result[0] >= 0.95 and result[0] <= 1', 'abs(result[0]) < 1');
    const result = await runCli(['import', '-f', tempFile('shop.yaml', text)]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(/AnalysisTemplate/);
    expect(result.stderr).toMatch(/^not converted \S+#2 AnalysisTemplate\/success-rate$/m);
    expect(result.stderr).toMatch(/not converted: spec\.metrics\[0\]\.successCondition: "abs\(result\[0\]\) < 1" cannot be written in CEL: the function abs\(\)/);
  });

  it('given a field Vane rejects, then the document is not written and the summary names the field path, exit 2', async () => {
    const text = argoRollout.replace('  replicas: 2\n', '  replicas: 2\n  rollbackWindowz: {revisions: 1}\n');
    const result = await runCli(['import', '-f', tempFile('shop.yaml', text)]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(/kind: Rollout/);
    expect(result.stderr).toMatch(/not converted: spec\.rollbackWindowz: unknown field "rollbackWindowz"/);
  });

  it('given a file that is not YAML or one that does not exist, then exit 1 (bad input)', async () => {
    const broken = await runCli(['import', '-f', tempFile('broken.yaml', 'kind: [unclosed\n')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^invalid \S+broken\.yaml \(file\)$/m);
    const missing = await runCli(['import', '-f', join(tmpdir(), 'vane-import-no-such-file.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/vane import: cannot read/);
  });

  it('given -R -f DIR -o OUT, then one file per input file is written under OUT, at its relative path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vane-import-out-'));
    const result = await runCli(['import', '-R', '-f', 'test/fixtures/flagger/artifacts/examples', '--mesh-provider', 'istio', '-o', out]);
    expect([0, 2]).toContain(result.code);
    expect(result.stdout).toBe('');
    const written = readFileSync(join(out, 'test/fixtures/flagger/artifacts/examples/istio-canary.yaml'), 'utf8');
    expect(written).toMatch(/^kind: Rollout$/m);
    expect(written).toMatch(/^kind: VirtualService$/m);
  });
});
