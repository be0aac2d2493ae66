import { describe, expect, it } from 'vitest';
import { argoCorpusText } from '../../test/fixtures/argo-corpus.js';
import { formatLintReport, lintSources, type LintReport } from './lint-command.js';

const validTemplate = `apiVersion: vane.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: error-rate, namespace: shop}
spec:
  args:
    - name: service-name
    - name: namespace
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
  metrics:
    - name: error-rate
      successCondition: result[0] < 0.01
      provider:
        prometheus: {address: "http://prometheus:9090", query: "vector(0) + 0 * {{args.namespace}}{{args.service-name}}"}
`;

/** A canary gated on error-rate; `args` is the YAML of the gate's args list. */
function gatedRollout(args: string, extra = ''): string {
  return `apiVersion: vane.dev/v1alpha1
kind: Rollout
metadata: {name: shop, namespace: shop, labels: {team: payments}}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: shop, image: shop:1}]
  strategy:
    canary:
      steps:
        - setWeight: 20
        - analysis:
            templates: [{templateName: error-rate}]
            args: ${args}
${extra}`;
}

function lint(...texts: string[]): LintReport {
  return lintSources(texts.map((text, i) => ({ source: `f${i}.yaml`, text })));
}

function lines(report: LintReport): string[] {
  return formatLintReport(report).trimEnd().split('\n');
}

describe('lintSources', () => {
  it('given two document markers in a row (an empty document, as in Argo\'s albmesh-pingpong example), then the documents around it are read', () => {
    const text = "---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n";
    const report = lint(text);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toBe(2);
  });

  it('checks Vane kinds and skips others, including Argo Rollouts objects of the same kind name', () => {
    const report = lint(`${validTemplate}---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: argo}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
    expect(report).toEqual({ checked: 1, skipped: 2, findings: [], notes: [] });
    expect(formatLintReport(report)).toBe('1 resource(s) valid, 2 other document(s) skipped\n');
  });

  it('reports each field error of a document with its position and resource', () => {
    const report = lint(`---\n${validTemplate}---\napiVersion: vane.dev/v1alpha1\nkind: Rollout\nmetadata: {name: bad}\nspec: {}\n`);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ document: 2, resource: 'Rollout/bad' });
    expect(formatLintReport(report)).toMatch(/^f0\.yaml#2 Rollout\/bad: spec\.\S+: /m);
  });

  it('given a document with broken YAML, then it is a finding with its line, and the documents around it are still linted', () => {
    const text = `${gatedRollout('[{name: service-name, value: shop-canary}]')}---\napiVersion: v1\nkind: a: b\n---\n${validTemplate.replace('error-rate, namespace', 'other, namespace')}`;
    const report = lint(text);
    const brokenLine = text.split('\n').indexOf('kind: a: b') + 1;
    expect(lines(report)[0]).toMatch(new RegExp(`^f0\\.yaml#2 \\(document\\): not valid YAML at line ${brokenLine}: bad indentation`));
    expect(report.checked).toBe(3);
    expect(report.findings).toHaveLength(1);
  });

  it('given unknown fields at the top, deep in the strategy and in the pod template, then each is named, with the likely intended field', () => {
    const rollout = gatedRollout('[{name: service-name, value: shop-canary}]')
      .replace('replicas: 2', 'replica: 2')
      .replace('containers: [{name: shop, image: shop:1}]', 'containers: [{name: shop, image: shop:1, imagePullPolic: Always, ports: [{containerPrt: 80}]}]\n      nodeSelecter: {}')
      .replace('      steps:', '      canaryServce: shop-canary\n      steps:')
      .replace('metadata: {name: shop, namespace: shop, labels: {team: payments}}', 'metadata: {name: shop, namespace: shop, lables: {}}');
    expect(lines(lint(rollout, validTemplate)).slice(0, -1)).toEqual([
      'f0.yaml#1 Rollout/shop: metadata.lables: unknown field "lables" (did you mean "labels"?)',
      'f0.yaml#1 Rollout/shop: spec.replica: unknown field "replica" (did you mean "replicas"?)',
      'f0.yaml#1 Rollout/shop: spec.template.spec.containers[0].imagePullPolic: unknown field "imagePullPolic" (did you mean "imagePullPolicy"?)',
      'f0.yaml#1 Rollout/shop: spec.template.spec.containers[0].ports[0].containerPrt: unknown field "containerPrt" (did you mean "containerPort"?)',
      'f0.yaml#1 Rollout/shop: spec.template.spec.nodeSelecter: unknown field "nodeSelecter" (did you mean "nodeSelector"?)',
      'f0.yaml#1 Rollout/shop: spec.strategy.canary.canaryServce: unknown field "canaryServce" (did you mean "canaryService"?)',
    ]);
  });

  it('given fields Kubernetes has in the pod spec, maps and the status, then none of them is called unknown', () => {
    const rollout = gatedRollout('[{name: service-name, value: shop-canary}]')
      .replace('containers: [{name: shop, image: shop:1}]', 'containers: [{name: shop, image: shop:1, env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}], resources: {limits: {cpu: "1"}}}]\n      nodeSelector: {"kubernetes.io/os": linux}\n      tolerations: [{key: k, operator: Exists}]')
      .replace('metadata: {labels: {app: shop}}', 'metadata: {labels: {app: shop}, annotations: {"prometheus.io/scrape": "true"}}');
    expect(lint(rollout, validTemplate).findings).toEqual([]);
  });

  it('given a step of an unknown kind, then it is reported once, by the step check', () => {
    const report = lint(gatedRollout('[{name: service-name, value: shop-canary}]').replace('- setWeight: 20', '- stepz: 20'), validTemplate);
    expect(lines(report).slice(0, -1)).toEqual(['f0.yaml#1 Rollout/shop: spec.strategy.canary.steps[0]: unknown step kind "stepz"']);
  });

  it('given a type error, a semantic error and an unknown field in one document, then all three are reported at once', () => {
    const rollout = gatedRollout('[{name: service-name, value: shop-canary}]')
      .replace('replicas: 2', 'replicas: 2\n  paused: "yes"\n  extra: 1')
      .replace('setWeight: 20', 'setWeight: 120');
    const messages = lint(rollout, validTemplate).findings[0]?.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      'spec.extra: unknown field "extra"',
      'spec.strategy.canary.steps[0].setWeight: must be between 0 and 100',
      expect.stringMatching(/^spec\.paused: /),
    ]));
  });

  it('given a vane.dev document of an unknown kind or version, then it is an error rather than skipped', () => {
    const report = lint('apiVersion: vane.dev/v1alpha1\nkind: Rollot\nmetadata: {name: x}\n---\napiVersion: vane.dev/v1\nkind: Rollout\nmetadata: {name: y}\n');
    expect(lines(report)).toEqual([
      'f0.yaml#1 Rollot/x: vane.dev/v1alpha1 Rollot is not a Vane kind; use apiVersion vane.dev/v1alpha1 with kind Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun, Experiment, Notifier, ClusterNotifier',
      'f0.yaml#2 Rollout/y: vane.dev/v1 Rollout is not a Vane kind; use apiVersion vane.dev/v1alpha1 with kind Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun, Experiment, Notifier, ClusterNotifier',
      '2 of 2 resource(s) invalid',
    ]);
  });
});

describe('lintSources: analysis arguments', () => {
  it('given a gate that gives every argument the template lacks, and a fieldRef template argument, then it is valid', () => {
    expect(lint(gatedRollout('[{name: service-name, value: shop-canary}]'), validTemplate).findings).toEqual([]);
  });

  it('given a gate that does not give an argument the template has no value for, then the gate is named with the template and argument', () => {
    expect(lines(lint(gatedRollout('[]'), validTemplate))).toEqual([
      'f0.yaml#1 Rollout/shop: spec.strategy.canary.steps[1].analysis: AnalysisTemplate error-rate: argument "service-name" has no value: give it in this gate\'s args',
      '1 of 2 resource(s) invalid',
    ]);
  });

  it('given field references to a label and an annotation the Rollout lacks, then they read as empty (as in Argo Rollouts) and nothing is reported', () => {
    // test/e2e/functional/rollout-rollback-window.yaml passes metadata.labels['rev'] of a Rollout without that label.
    const template = validTemplate.replace('fieldPath: metadata.namespace', "fieldPath: \"metadata.labels['owner']\"");
    const rollout = gatedRollout(`[{name: service-name, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['service']"}}}]`);
    expect(lint(rollout, template).findings).toEqual([]);
  });

  it('given a field reference to a label the Rollout has, then it resolves', () => {
    const template = validTemplate.replace('fieldPath: metadata.namespace', "fieldPath: \"metadata.labels['team']\"");
    expect(lint(gatedRollout('[{name: service-name, value: shop-canary}]'), template).findings).toEqual([]);
  });

  it('given a Rollout whose template is not among the documents, then it is valid with a note that its arguments were not checked', () => {
    const report = lint(gatedRollout('[]'));
    expect(report.findings).toEqual([]);
    expect(lines(report)).toEqual(['note: AnalysisTemplate error-rate is not among the linted documents: the arguments its gates need were not checked', '1 resource(s) valid']);
  });

  it('given blue-green pre-promotion analysis and background canary analysis, then their gates are checked too', () => {
    const blueGreen = gatedRollout('[]').replace(/ {4}canary:[\s\S]*$/, '    blueGreen:\n      activeService: a\n      prePromotionAnalysis: {templates: [{templateName: error-rate}]}\n');
    const background = gatedRollout('[{name: service-name, value: x}]').replace('      steps:', '      analysis: {templates: [{templateName: error-rate}]}\n      steps:');
    expect(lint(blueGreen, validTemplate).findings[0]?.errors.map((e) => e.path)).toEqual(['spec.strategy.blueGreen.prePromotionAnalysis']);
    expect(lint(background, validTemplate).findings[0]?.errors.map((e) => e.path)).toEqual(['spec.strategy.canary.analysis']);
  });
});

describe('lintSources: Experiments', () => {
  const corpus = argoCorpusText;

  it.each(['test/e2e/functional/experiment-basic.yaml', 'test/e2e/functional/experiment-same-template.yaml', 'test/e2e/expectedfailures/experiment-degrade.yaml', 'examples/rollout-experiment-step.yaml',
    'test/e2e/functional/experiment-with-service.yaml', 'examples/traffic-routing-experiment-step/istio-host-split-experiment-step.yaml',
    'examples/traffic-routing-experiment-step/rollout-smi-experiment-step.yaml', 'examples/traffic-routing-experiment-step/rollout-alb-experiment-step.yaml',
    'test/e2e/istio/istio-subset-split-experiment-step.yaml', 'test/e2e/smi/rollout-smi-experiment.yaml', 'test/e2e/alb/rollout-alb-experiment.yaml'])(
    'given Argo\'s %s with only its apiVersion changed, then it is valid',
    (file) => {
      expect(lint(corpus(file)).findings).toEqual([]);
    },
  );

});

describe('vane lint of notifiers', () => {
  it('given a Notifier with two sinks, then lint names both fields and the document is invalid', () => {
    const report = lintSources([{ source: 'n.yaml', text: 'apiVersion: vane.dev/v1alpha1\nkind: Notifier\nmetadata: {name: team, namespace: shop}\nspec:\n  webhook: {url: "https://a.example"}\n  teams: {urlSecretRef: {name: t, key: url}}\n' }]);
    expect(formatLintReport(report).split('\n')[0]).toBe('n.yaml#1 Notifier/team: spec: must set exactly one sink of spec.webhook, spec.slack, spec.teams, spec.github; found spec.webhook and spec.teams');
    expect(report.findings).toHaveLength(1);
  });
});
