// Specification of reading a release's commit off Argo CD and Flux objects, and of which release records wait for a source or for GitOps health.
import { describe, expect, it } from 'vitest';
import {
  argoCDState,
  deploysRevert,
  fluxState,
  parseFluxRevision,
  releasesAwaitingAuthorTime,
  releasesAwaitingGitOpsHealth,
  releasesAwaitingSource,
  SOURCE_WINDOW_MS,
} from '../../src/gitops/release-source.js';
import type { RevisionRecord, RolloutStatus } from '../../src/resources/rollout.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
const REPO = 'https://git.example.com/acme/gitops.git';

describe('parseFluxRevision', () => {
  it.each([
    ['main@sha1:' + SHA, SHA],
    ['refs/heads/main@sha1:' + SHA, SHA],
    ['sha1:' + SHA, SHA],
    ['main/' + SHA, SHA],
    ['release/v2/' + SHA, SHA],
    [SHA, SHA],
    [SHA.toUpperCase(), SHA],
  ])('given the lastAppliedRevision %s, then the commit is its SHA', (revision, sha) => {
    expect(parseFluxRevision(revision)).toBe(sha);
  });

  it.each([
    ['an OCI digest', 'latest@sha256:' + 'a'.repeat(64)],
    ['a short SHA', 'main@sha1:0123456'],
    ['a branch name only', 'main'],
    ['nothing', ''],
    ['no revision at all', undefined],
  ])('given %s, then there is no commit', (_what, revision) => {
    expect(parseFluxRevision(revision)).toBeUndefined();
  });
});

describe('argoCDState', () => {
  it('given a Synced and Healthy Application, then the revision is status.sync.revision', () => {
    const app = { status: { sync: { status: 'Synced', revision: SHA }, health: { status: 'Healthy' }, operationState: { syncResult: { revision: OTHER } } } };
    expect(argoCDState(app, REPO)).toEqual({ revision: SHA, synced: true, healthy: true });
  });

  it('given an OutOfSync Application, then the revision is the one its last sync applied, not the newer one it compared to', () => {
    const app = { status: { sync: { status: 'OutOfSync', revision: OTHER }, health: { status: 'Progressing' }, operationState: { syncResult: { revision: SHA } } } };
    expect(argoCDState(app, REPO)).toEqual({ revision: SHA, synced: false, healthy: false });
  });

  it('given a multi-source Application, then the revision is the one of the source repository', () => {
    const app = {
      spec: { sources: [{ repoURL: 'https://charts.example.com', chart: 'web' }, { repoURL: 'https://git.example.com/acme/gitops', ref: 'values' }] },
      status: { sync: { status: 'Synced', revisions: ['1.2.3', SHA] }, health: { status: 'Healthy' } },
    };
    expect(argoCDState(app, REPO).revision).toBe(SHA);
  });

  it('given a revision that is not a commit SHA (a chart version), then there is no revision', () => {
    const app = { status: { sync: { status: 'Synced', revision: '1.2.3' }, health: { status: 'Healthy' } } };
    expect(argoCDState(app, REPO)).toEqual({ synced: true, healthy: true });
  });
});

describe('fluxState', () => {
  it('given a Ready Kustomization, then its applied commit and Ready are read', () => {
    const kustomization = { status: { lastAppliedRevision: `main@sha1:${SHA}`, conditions: [{ type: 'Reconciling', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    expect(fluxState(kustomization)).toEqual({ revision: SHA, ready: true });
  });

  it('given a Kustomization whose Ready condition is False, then it is not ready', () => {
    expect(fluxState({ status: { lastAppliedRevision: SHA, conditions: [{ type: 'Ready', status: 'False' }] } })).toEqual({ revision: SHA, ready: false });
  });
});

const NOW = Date.parse('2025-06-01T12:00:00Z');
const at = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const record = (hash: string, msAgo: number, extra: Partial<RevisionRecord> = {}): RevisionRecord => ({ podTemplateHash: hash, images: [], outcome: 'Promoted', startedAt: at(msAgo), ...extra });

describe('releasesAwaitingSource', () => {
  it('given records old and new, with and without a source, then those without one from the last 24 h come newest first', () => {
    const history = [record('old', SOURCE_WINDOW_MS + 1), record('a', 3_600_000), record('b', 60_000, { source: { commit: SHA, via: 'argocd' } }), record('c', 1_000)];
    expect(releasesAwaitingSource(history, NOW).map((r) => r.podTemplateHash)).toEqual(['c', 'a']);
  });

  it('given a source whose author time is unknown, then the record waits for the author time only', () => {
    const history = [record('a', 60_000, { source: { commit: SHA, via: 'flux' } }), record('b', 1_000, { source: { commit: SHA, via: 'flux', authoredAt: at(90_000) } })];
    expect(releasesAwaitingAuthorTime(history, NOW).map((r) => r.podTemplateHash)).toEqual(['a']);
    expect(releasesAwaitingSource(history, NOW)).toEqual([]);
  });
});

describe('releasesAwaitingGitOpsHealth', () => {
  it('given an aborted release with a revert and no gitopsHealthyAt, then it waits; promoted or already healthy ones do not', () => {
    const revert = { commit: SHA, at: at(1_000) };
    const status: RolloutStatus = {
      history: [record('p', 9_000, { revert }), record('h', 8_000, { outcome: 'Aborted', revert, gitopsHealthyAt: at(500) }), record('w', 7_000, { outcome: 'Aborted', revert })],
    };
    expect(releasesAwaitingGitOpsHealth(status).map((w) => w.record.podTemplateHash)).toEqual(['w']);
  });

  it('given an aborted release without its own revert, then the committed git rollback of that release and attempt is its revert', () => {
    const status: RolloutStatus = {
      history: [record('f', 5_000, { outcome: 'Aborted', attempt: 2 })],
      rollback: { reason: 'AnalysisFailed', at: at(4_000), trafficReset: true, git: { state: 'Committed', failingPodHash: 'f', attempt: 2, commit: SHA, repoURL: REPO } },
    };
    expect(releasesAwaitingGitOpsHealth(status)).toEqual([{ record: status.history![0], revert: { commit: SHA, repoURL: REPO, at: at(4_000) } }]);
  });

  it('given a git rollback of another attempt or one that failed, then the release has no revert and does not wait', () => {
    const history = [record('f', 5_000, { outcome: 'Aborted', attempt: 1 })];
    const other: RolloutStatus = { history, rollback: { reason: 'x', at: at(1), trafficReset: true, git: { state: 'Committed', failingPodHash: 'f', attempt: 2, commit: SHA } } };
    const failed: RolloutStatus = { history, rollback: { reason: 'x', at: at(1), trafficReset: true, git: { state: 'Failed', failingPodHash: 'f', attempt: 1 } } };
    expect(releasesAwaitingGitOpsHealth(other)).toEqual([]);
    expect(releasesAwaitingGitOpsHealth(failed)).toEqual([]);
  });
});

describe('deploysRevert', () => {
  it('given the revert commit itself, then it is deployed even when git cannot be asked', () => {
    expect(deploysRevert(SHA, SHA, undefined)).toBe(true);
  });

  it('given a descendant of the revert, then it is deployed when git says so, and not when git cannot be asked or says no', () => {
    expect(deploysRevert(OTHER, SHA, true)).toBe(true);
    expect(deploysRevert(OTHER, SHA, undefined)).toBe(false);
    expect(deploysRevert(OTHER, SHA, false)).toBe(false);
    expect(deploysRevert(undefined, SHA, true)).toBe(false);
  });
});
