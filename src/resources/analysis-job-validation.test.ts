// Specification of the job provider's validation: what Kubernetes would reject in a Job is rejected when the template
// is applied, naming the field (Argo docs analysis/job.md; Argo's e2e expectedfailures/malformed-analysistemplate.yaml).
import { describe, expect, it } from 'vitest';
import { argoManifest } from '../../test/fixtures/argo-corpus.js';
import { validateAnalysisRun, validateAnalysisTemplate, validateClusterAnalysisTemplate } from './analysis-template-validation.js';
import type { FieldError } from './field-error.js';
import type { Loose } from './fixtures/rollouts.js';

const JOB = 'spec.metrics[0].provider.job';
const POD = `${JOB}.spec.template.spec`;

function passTemplate(): Loose {
  return argoManifest('examples/analysis-templates.yaml', 'AnalysisTemplate', 'pass');
}

function errorsAfter(breakIt: (t: Loose) => void): FieldError[] {
  const template = passTemplate();
  breakIt(template);
  return validateAnalysisTemplate(template);
}

describe('job provider validation', () => {
  it.each([
    ['examples/analysis-templates.yaml', 'AnalysisTemplate', 'pass'],
    ['examples/cluster-analysis-templates.yaml', 'ClusterAnalysisTemplate', 'always-pass'],
    ['test/e2e/functional/analysistemplate-multiple-job.yaml', 'AnalysisTemplate', 'multiple-job'],
    ['test/e2e/functional/analysistemplate-long-running-job.yaml', 'AnalysisTemplate', 'long-running-job'],
    ['test/e2e/functional/analysistemplate-long-running-job-deadline.yaml', 'AnalysisTemplate', 'long-running-job-deadline'],
    ['test/e2e/functional/analysistemplate-invalid-image-job.yaml', 'AnalysisTemplate', 'invalid-image-job'],
    ['examples/traffic-management/job.yaml', 'AnalysisTemplate', 'load-test'],
  ])('given Argo\'s %s (%s %s), apiVersion swapped, then it is accepted', (file, kind, name) => {
    const doc = argoManifest(file, kind, name);
    const validate = kind === 'ClusterAnalysisTemplate' ? validateClusterAnalysisTemplate : validateAnalysisTemplate;
    expect(validate(doc)).toEqual([]);
  });

  it('given Argo\'s analysis-run-job.yaml AnalysisRun, then it is accepted', () => {
    expect(validateAnalysisRun(argoManifest('test/e2e/functional/analysis-run-job.yaml', 'AnalysisRun'))).toEqual([]);
  });

  it('given Argo\'s malformed template (memory: invalid, no restartPolicy), then both problems are named', () => {
    const errors = validateAnalysisTemplate(argoManifest('test/e2e/expectedfailures/malformed-analysistemplate.yaml', 'AnalysisTemplate'));
    expect(errors).toEqual([
      { path: `${POD}.restartPolicy`, message: 'is required for a Job: one of Never, OnFailure' },
      { path: `${POD}.containers[0].resources.requests.memory`, message: 'must be a quantity such as "128Mi", "1Gi", "500m" or "0.5", got "invalid"' },
    ]);
    const cluster = validateClusterAnalysisTemplate(argoManifest('test/e2e/expectedfailures/malformed-clusteranalysistemplate.yaml', 'ClusterAnalysisTemplate'));
    expect(cluster.map((e) => e.path)).toContain(`${POD}.containers[0].resources.requests.memory`);
  });

  it('given a restartPolicy of Always, then it is rejected as Kubernetes rejects it for a Job', () => {
    expect(errorsAfter((t) => (t.spec.metrics[0].provider.job.spec.template.spec.restartPolicy = 'Always'))).toEqual([
      { path: `${POD}.restartPolicy`, message: 'must be one of "Never", "OnFailure", got "Always"' },
    ]);
  });

  it.each([
    [{ cpu: '500m', memory: '128Mi', 'ephemeral-storage': '1e9' }, []],
    [{ cpu: 0.5, memory: '1Gi' }, []],
    [{ cpu: '-1' }, ['must be greater than or equal to 0, got "-1"']],
    [{ memory: '12 Mi' }, ['must be a quantity such as "128Mi", "1Gi", "500m" or "0.5", got "12 Mi"']],
    [{ memory: '1MB' }, ['must be a quantity such as "128Mi", "1Gi", "500m" or "0.5", got "1MB"']],
  ])('given container limits %j, then the errors are %j', (limits, messages) => {
    const errors = errorsAfter((t) => (t.spec.metrics[0].provider.job.spec.template.spec.containers[0].resources = { limits }));
    expect(errors.map((e) => e.message)).toEqual(messages);
  });

  it('given a Job without spec.template, a container without image, then each is named', () => {
    expect(errorsAfter((t) => delete t.spec.metrics[0].provider.job.spec.template)).toEqual([{ path: `${JOB}.spec.template`, message: 'is required' }]);
    expect(errorsAfter((t) => delete t.spec.metrics[0].provider.job.spec.template.spec.containers[0].image)).toEqual([
      { path: `${POD}.containers[0].image`, message: 'is required' },
    ]);
  });

  it('given a placeholder for an argument the template does not declare, then its field is named', () => {
    const errors = errorsAfter((t) => (t.spec.metrics[0].provider.job.spec.template.spec.containers[0].args = ['exit {{args.code}}']));
    expect(errors).toEqual([{ path: `${POD}.containers[0].args[0]`, message: 'refers to undeclared argument "code"' }]);
  });

  it('given a job metric whose name cannot be part of a Job name, then the name is rejected', () => {
    const errors = errorsAfter((t) => (t.spec.metrics[0].name = 'Smoke Test'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.metrics[0].name' });
    expect(errors[0]?.message).toContain("a job metric's name is part of the names of its Jobs");
  });

  it('given a job metric with a successCondition, then it is refused rather than ignored', () => {
    expect(errorsAfter((t) => (t.spec.metrics[0].successCondition = 'result == 1'))).toEqual([
      { path: 'spec.metrics[0].successCondition', message: "is not used by the job provider: the Job's Complete or Failed condition is the measurement" },
    ]);
  });

  it('given a negative backoffLimit, then it is rejected', () => {
    expect(errorsAfter((t) => (t.spec.metrics[0].provider.job.spec.backoffLimit = -1))).toEqual([
      { path: `${JOB}.spec.backoffLimit`, message: 'must be greater than or equal to 0' },
    ]);
  });
});
