// Builds a GitReverter over real git for tests, and the request the reconciler would send after an abort.
import type { Logger } from 'pino';
import type { GitSourceRef } from '../../../src/gitops/discovered-source.js';
import type { CredentialOptions } from '../../../src/gitops/git-credentials.js';
import { GitReverter, type RevertRequest } from '../../../src/gitops/git-reverter.js';
import type { ObjectReader } from '../../../src/gitops/object-reader.js';
import { SimpleGitExecutor } from '../../../src/gitops/simple-git-executor.js';
import type { GitSandbox } from './git-sandbox.js';
import { MemoryObjectReader } from './memory-object-reader.js';
import { CHECKOUT } from './rollout-repos.js';

export interface HarnessOptions {
  reader?: ObjectReader;
  logger?: Logger;
  gitBinary?: string;
  pushAttempts?: number;
  credentials?: CredentialOptions;
  /** Local bare remotes need the operator opt-in; true unless a test checks the default. */
  allowLocalUrls?: boolean;
}

export function reverterFor(sandbox: GitSandbox, options: HarnessOptions = {}): GitReverter {
  const executor = new SimpleGitExecutor({
    workDir: sandbox.path('cache'),
    backoff: { baseMs: 2, maxMs: 10 },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.gitBinary ? { gitBinary: options.gitBinary } : {}),
    ...(options.pushAttempts !== undefined ? { pushAttempts: options.pushAttempts } : {}),
    allowLocalUrls: options.allowLocalUrls ?? true,
  });
  return new GitReverter({
    reader: options.reader ?? new MemoryObjectReader([]),
    executor,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The request after analysis failed on the checkout canary, with the source given explicitly. */
export function checkoutRequest(source: Partial<GitSourceRef> & { repoURL: string }, overrides: Partial<RevertRequest> = {}): RevertRequest {
  return {
    rollout: CHECKOUT.rollout,
    source: {
      kind: 'git',
      via: 'spec',
      origin: 'spec.rollback.git',
      source: { path: 'apps/checkout', valueFiles: [], push: 'direct', ...source },
    },
    stable: { podTemplateHash: CHECKOUT.stableHash, images: CHECKOUT.stable },
    failing: { podTemplateHash: CHECKOUT.failingHash, images: CHECKOUT.failing },
    release: CHECKOUT.release,
    reason: 'analysis run checkout-7f9c5d6b8-2 failed',
    analysis: { run: 'checkout-7f9c5d6b8-2', metric: 'error-rate' },
    ...overrides,
  };
}
