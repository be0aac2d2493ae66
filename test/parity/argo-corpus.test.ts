// Specification of parity on Argo Rollouts' own published manifests (examples/ and test/e2e/ of argoproj/argo-rollouts,
// vendored unmodified): with only the apiVersion swapped, `vane lint` accepts at least 95% of the Rollouts,
// AnalysisTemplates, ClusterAnalysisTemplates and AnalysisRuns Argo accepts, and refuses every one Argo refuses.
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/cli/lint-command.js';
import { argoCorpusFiles, argoCorpusText } from '../fixtures/argo-corpus.js';

const KINDS = ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'] as const;

/** Argo's e2e harness fills these placeholders before applying a file (test/e2e/*_test.go: RolloutTemplate). */
const PLACEHOLDERS: Record<string, string> = { ROLLOUT_NAME: 'corpus-rollout', REPLACEME: 'corpus-rollout', '$$name$$': 'corpus' };

/**
 * Documents that Argo Rollouts (or the Kubernetes API in front of it) refuses too, with why. Vane must refuse them.
 * Keyed by file (every document of the four kinds in it) or by `file#Kind`.
 */
const REFUSED_BY_ARGO: Record<string, string> = {
  'test/e2e/expectedfailures/malformed-rollout.yaml': 'a container memory request "invalid" is no quantity',
  'test/e2e/expectedfailures/malformed-rollout-ephemeral.yaml': 'a container memory request "invalid" is no quantity',
  'test/e2e/expectedfailures/malformed-analysistemplate.yaml': 'a Job memory request "invalid" is no quantity',
  'test/e2e/expectedfailures/malformed-clusteranalysistemplate.yaml': 'a Job memory request "invalid" is no quantity',
  'test/e2e/expectedfailures/malformed-analysisrun.yaml': 'a Job memory request "invalid" is no quantity',
  'test/e2e/expectedfailures/analysis-run-failfast.yaml': 'not valid YAML (a sequence entry at mapping indentation)',
  'examples/traffic-management/rollout-linkerd.yaml#AnalysisTemplate': 'an unquoted {{args.x}} annotation value is a YAML mapping, and annotations are strings',
};

interface Verdict {
  file: string;
  kind: string;
  name: string;
  accepted: boolean;
  problems: string[];
}

function filled(text: string): string {
  return Object.entries(PLACEHOLDERS).reduce((t, [placeholder, value]) => t.replaceAll(placeholder, value), text);
}

/** Helm chart templates are manifests only once `helm template` renders them; they are not counted. */
const HELM_TEMPLATES = /^examples\/helm-[^/]+\/templates\//;

/** One verdict per document of KINDS, in corpus order; a file that is not YAML counts as its one refused document. */
function verdicts(): Verdict[] {
  return argoCorpusFiles()
    .filter((file) => !HELM_TEMPLATES.test(file))
    .flatMap((file) => {
      const text = filled(argoCorpusText(file));
      const report = lintSources([{ source: file, text }]);
      let documents: Array<{ kind?: unknown; metadata?: { name?: unknown } }>;
      try {
        documents = (loadAll(text) as typeof documents).filter((d) => d !== null && typeof d === 'object');
      } catch (err) {
        return [{ file, kind: 'AnalysisRun', name: '', accepted: false, problems: [`not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`] }];
      }
      return documents
        .filter((d) => typeof d.kind === 'string' && (KINDS as readonly string[]).includes(d.kind))
        .map((d) => {
          const kind = String(d.kind);
          const name = typeof d.metadata?.name === 'string' ? d.metadata.name : '(unnamed)';
          const finding = report.findings.find((f) => f.resource === `${kind}/${name}`);
          return { file, kind, name, accepted: finding === undefined, problems: (finding?.errors ?? []).map((e) => `${e.path}: ${e.message}`) };
        });
    });
}

const refusal = (v: Verdict): string | undefined => REFUSED_BY_ARGO[v.file] ?? REFUSED_BY_ARGO[`${v.file}#${v.kind}`];
const all = verdicts();
const refusedByArgo = all.filter((v) => refusal(v) !== undefined);
const acceptedByArgo = all.filter((v) => refusal(v) === undefined);

describe("Argo Rollouts' published manifests, apiVersion swapped", () => {
  it('given the corpus, then it holds every document of the four kinds: the 110 the parity goal counts and the 2 of rollout-linkerd.yaml', () => {
    // Go's YAML (kubectl, Argo) cannot read rollout-linkerd.yaml's unquoted {{args.x}} mapping key and counts none of
    // its documents; js-yaml reads the file, so its Rollout and AnalysisTemplate are counted here.
    expect(all).toHaveLength(112);
    expect(all.filter((v) => v.kind === 'AnalysisRun').map((v) => v.file)).toContain('test/e2e/expectedfailures/analysis-run-failfast.yaml');
  });

  it('given the documents Argo accepts, then vane lint accepts at least 95% of them (per kind in the table printed)', () => {
    const rows = KINDS.map((kind) => {
      const ofKind = acceptedByArgo.filter((v) => v.kind === kind);
      return { kind, accepted: ofKind.filter((v) => v.accepted).length, rejected: ofKind.filter((v) => !v.accepted).length };
    });
    const accepted = acceptedByArgo.filter((v) => v.accepted).length;
    const lines = [
      'kind                     accepted rejected',
      ...rows.map((r) => `${r.kind.padEnd(25)}${String(r.accepted).padStart(8)}${String(r.rejected).padStart(9)}`),
      `all (of ${acceptedByArgo.length} Argo accepts)     ${String(accepted).padStart(5)}${String(acceptedByArgo.length - accepted).padStart(9)}  ${((100 * accepted) / acceptedByArgo.length).toFixed(1)}%`,
      ...acceptedByArgo.filter((v) => !v.accepted).map((v) => `rejected ${v.file} ${v.kind}/${v.name}: ${v.problems.join('; ')}`),
    ];
    console.log(lines.join('\n'));
    expect(accepted / acceptedByArgo.length).toBeGreaterThanOrEqual(0.95);
  });

  it('given the documents Argo refuses, then vane lint refuses every one of them', () => {
    expect(refusedByArgo.length).toBeGreaterThan(0);
    expect(refusedByArgo.filter((v) => v.accepted).map((v) => `${v.file} ${v.kind}/${v.name}`)).toEqual([]);
  });

  it('given a rejected document, then every problem names a field path, never only "invalid"', () => {
    for (const verdict of all.filter((v) => !v.accepted && refusal(v)?.startsWith('not valid YAML') !== true)) {
      for (const problem of verdict.problems) expect(problem).toMatch(/^(spec|metadata)\.[^:]*: \S/);
    }
  });
});
