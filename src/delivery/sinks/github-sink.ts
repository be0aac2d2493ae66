// The GitHub sink: commit statuses on the released commit and on the revert, and a deployment with its statuses.
import { repoUrlParts } from '../../gitops/repo-url.js';
import type { GitHubSink as GitHubSinkSpec, NotificationEvent } from '../../resources/notifier.js';
import type { NotificationMessage, NotificationSink, SendResult } from '../notification-sink.js';
import { sinkRequest, type SinkRequestOptions } from '../sink-request.js';

/** GitHub refuses a commit or deployment status description over 140 characters (422). */
export const GITHUB_DESCRIPTION_MAX = 140;
export const GITHUB_API_VERSION = '2022-11-28';

/** The Notifier's `github` settings, with the token read from its Secret. */
export type GitHubSinkConfig = Omit<GitHubSinkSpec, 'tokenSecretRef'> & { token: string };

type CommitState = 'pending' | 'success' | 'failure' | 'error';
type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** Which commit each event marks and how: the release's own commit, or the revert once it is pushed. */
const COMMIT_STATUS: Readonly<Record<NotificationEvent, { on: 'released' | 'revert'; state: CommitState }>> = {
  started: { on: 'released', state: 'pending' },
  paused: { on: 'released', state: 'pending' },
  promoted: { on: 'released', state: 'success' },
  aborted: { on: 'released', state: 'failure' },
  stuck: { on: 'released', state: 'failure' },
  rolledBack: { on: 'revert', state: 'success' },
  healthy: { on: 'revert', state: 'success' },
};

/**
 * The deployment of the released commit follows the release; after a revert it goes inactive, and once healthy the
 * revert commit gets its own successful deployment (auto_inactive then retires the others in the environment).
 */
const DEPLOYMENT_STATUS: Readonly<Record<NotificationEvent, { on: 'released' | 'revert'; state: DeploymentState }>> = {
  started: { on: 'released', state: 'in_progress' },
  paused: { on: 'released', state: 'in_progress' },
  promoted: { on: 'released', state: 'success' },
  aborted: { on: 'released', state: 'failure' },
  stuck: { on: 'released', state: 'error' },
  rolledBack: { on: 'released', state: 'inactive' },
  healthy: { on: 'revert', state: 'success' },
};

type Failure = Extract<SendResult, { ok: false }>;

export class GitHubSink implements NotificationSink {
  readonly type = 'github' as const;
  private readonly apiURL: string;

  constructor(
    private readonly config: GitHubSinkConfig,
    private readonly options: SinkRequestOptions,
  ) {
    this.apiURL = (config.apiURL ?? 'https://api.github.com').replace(/\/+$/, '');
  }

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    // Healthy again after a fix-forward (no revert): the fixing release's own statuses say it; nothing to mark here.
    if (message.event === 'healthy' && message.revert === undefined) return { ok: true, detail: 'no revert commit to mark on GitHub' };
    if (message.release.commit === undefined) return { ok: false, retryable: false, reason: 'no commit known for this release' };
    const repository = this.config.repository ?? repositoryOf(message.release.repoURL ?? message.revert?.repoURL);
    if (repository === undefined) {
      return { ok: false, retryable: false, reason: `no GitHub repository known: set spec.github.repository (the release's repoURL ${JSON.stringify(message.release.repoURL ?? '')} names none)` };
    }
    const done: string[] = [];
    if (this.config.commitStatuses !== false) {
      const result = await this.commitStatus(repository, message, signal);
      if (!result.ok) return result;
      done.push(result.detail);
    }
    if (this.config.deployments !== false) {
      const result = await this.deploymentStatus(repository, message, signal);
      if (!result.ok) return result;
      done.push(result.detail);
    }
    return { ok: true, detail: done.join('; ') };
  }

  private async commitStatus(repository: string, message: NotificationMessage, signal: AbortSignal): Promise<{ ok: true; detail: string } | Failure> {
    const mapping = COMMIT_STATUS[message.event];
    const sha = commitFor(mapping.on, message);
    if (!sha.ok) return sha;
    const body = { state: mapping.state, description: description(message), context: this.config.context ?? `vane/${message.rollout.name}` };
    const response = await this.call('POST', `/repos/${repository}/statuses/${sha.commit}`, body, signal);
    return response.ok ? { ok: true, detail: `commit status ${mapping.state} on ${sha.commit.slice(0, 12)}` } : response;
  }

  private async deploymentStatus(repository: string, message: NotificationMessage, signal: AbortSignal): Promise<{ ok: true; detail: string } | Failure> {
    const mapping = DEPLOYMENT_STATUS[message.event];
    const sha = commitFor(mapping.on, message);
    if (!sha.ok) return sha;
    const environment = this.config.environment ?? message.rollout.namespace;
    const deployment = await this.deploymentFor(repository, sha.commit, environment, message, signal);
    if (!deployment.ok) return deployment;
    const body = { state: mapping.state, description: description(message), environment, auto_inactive: mapping.state === 'success' };
    const response = await this.call('POST', `/repos/${repository}/deployments/${deployment.id}/statuses`, body, signal);
    return response.ok ? { ok: true, detail: `deployment ${deployment.id} ${mapping.state}` } : response;
  }

  /** The deployment of this commit in this environment, found first so a retry or a restart never makes a second one. */
  private async deploymentFor(
    repository: string,
    sha: string,
    environment: string,
    message: NotificationMessage,
    signal: AbortSignal,
  ): Promise<{ ok: true; id: number } | Failure> {
    const query = new URLSearchParams({ sha, environment });
    const listed = await this.call('GET', `/repos/${repository}/deployments?${query.toString()}`, undefined, signal);
    if (!listed.ok) return listed;
    const existing = firstId(listed.body);
    if (existing !== undefined) return { ok: true, id: existing };
    const body = {
      ref: sha,
      environment,
      auto_merge: false,
      required_contexts: [],
      description: description(message),
      transient_environment: false,
      production_environment: /^prod(uction)?$/i.test(environment),
      payload: { rollout: `${message.rollout.namespace}/${message.rollout.name}` },
    };
    const created = await this.call('POST', `/repos/${repository}/deployments`, body, signal);
    if (!created.ok) return created;
    const id = idOf(parseJson(created.body));
    return id !== undefined ? { ok: true, id } : { ok: false, retryable: false, reason: `GitHub created a deployment but answered HTTP ${created.status} without its id` };
  }

  private async call(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): ReturnType<typeof sinkRequest> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${this.config.token}`,
      'x-github-api-version': GITHUB_API_VERSION,
      'user-agent': 'vane-notifications',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const label = `GitHub (${method} ${path.split('?')[0] ?? path})`;
    return sinkRequest({ method, url: `${this.apiURL}${path}`, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), label }, this.options, signal);
  }
}

function commitFor(on: 'released' | 'revert', message: NotificationMessage): { ok: true; commit: string } | Failure {
  const commit = on === 'released' ? message.release.commit : message.revert?.commit;
  if (commit === undefined) return { ok: false, retryable: false, reason: on === 'released' ? 'no commit known for this release' : 'no revert commit known for this release' };
  return { ok: true, commit };
}

/** The message text, cut to GitHub's 140 characters. */
function description(message: NotificationMessage): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  return text.length > GITHUB_DESCRIPTION_MAX ? `${text.slice(0, GITHUB_DESCRIPTION_MAX - 1)}…` : text;
}

/**
 * `owner/name` from a repository URL in https, ssh or scp-like form (`git@github.com:acme/app.git`); the last two
 * path segments, so a GitHub Enterprise URL under a path prefix reads too.
 */
export function repositoryOf(repoURL: string | undefined): string | undefined {
  if (repoURL === undefined) return undefined;
  const segments = repoUrlParts(repoURL)?.segments ?? [];
  if (segments.length < 2) return undefined;
  const [owner, name] = segments.slice(-2);
  const valid = /^[A-Za-z0-9_.-]+$/;
  return owner !== undefined && name !== undefined && valid.test(owner) && valid.test(name) ? `${owner}/${name}` : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function idOf(value: unknown): number | undefined {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}

function firstId(listBody: string): number | undefined {
  const list = parseJson(listBody);
  return Array.isArray(list) ? list.map(idOf).find((id) => id !== undefined) : undefined;
}
