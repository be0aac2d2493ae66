// sinkFor: exactly one sink per Notifier, and the Secret values it needs.
import { describe, expect, it } from 'vitest';
import { VaneError } from '../../src/errors.js';
import { sinkFor } from '../../src/delivery/sink-factory.js';
import type { NotifierSpec } from '../../src/resources/notifier.js';

const OPTIONS = { allowLocalUrls: false };
const ref = { name: 'notify', key: 'value' };

function failure(run: () => unknown): VaneError {
  try {
    run();
  } catch (err) {
    if (err instanceof VaneError) return err;
    throw err;
  }
  throw new Error('expected sinkFor to throw');
}

describe('sinkFor', () => {
  it.each([
    [{ webhook: { url: 'https://hooks.example.com/vane' } }, {}, 'webhook'],
    [{ webhook: { url: 'https://hooks.example.com/vane', secretRef: ref } }, { hmacKey: 'k' }, 'webhook'],
    [{ slack: { urlSecretRef: ref } }, { url: 'https://hooks.slack.com/services/T/B/X\n' }, 'slack'],
    [{ teams: { urlSecretRef: ref } }, { url: 'https://example.webhook.office.com/x' }, 'teams'],
    [{ github: { tokenSecretRef: ref } }, { token: 'ghp_x' }, 'github'],
  ] as Array<[NotifierSpec, Record<string, string>, string]>)('given %j, it builds the %s sink', (spec, secrets, type) => {
    expect(sinkFor(spec, secrets, OPTIONS).type).toBe(type);
  });

  it('refuses a spec without a sink', () => {
    const err = failure(() => sinkFor({ events: ['aborted'] }, {}, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toBe('the notifier names no sink: set exactly one of spec.webhook, spec.slack, spec.teams, spec.github');
  });

  it('refuses a spec with two sinks, naming them', () => {
    const err = failure(() => sinkFor({ webhook: { url: 'https://x.example' }, slack: { urlSecretRef: ref } }, { url: 'https://y' }, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toBe('the notifier names 2 sinks (spec.webhook, spec.slack); set exactly one');
  });

  it.each([
    [{ slack: { urlSecretRef: ref } }, {}, 'spec.slack.urlSecretRef: the Slack webhook URL is missing: Secret "notify" has no value under key "value"'],
    [{ teams: { urlSecretRef: ref } }, { url: '  ' }, 'spec.teams.urlSecretRef: the Teams webhook URL is missing'],
    [{ github: { tokenSecretRef: ref } }, {}, 'spec.github.tokenSecretRef: the GitHub token is missing'],
    [{ webhook: { url: 'https://x.example', secretRef: ref } }, {}, 'spec.webhook.secretRef: the HMAC key is missing'],
  ] as Array<[NotifierSpec, Record<string, string>, string]>)('given %j without the secret it needs, it throws naming the field and the Secret', (spec, secrets, message) => {
    const err = failure(() => sinkFor(spec, secrets, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toContain(message);
  });

  it('refuses a GitHub sink that would send nothing, or a malformed repository', () => {
    expect(failure(() => sinkFor({ github: { tokenSecretRef: ref, commitStatuses: false, deployments: false } }, { token: 't' }, OPTIONS)).message).toContain('would send nothing');
    expect(failure(() => sinkFor({ github: { tokenSecretRef: ref, repository: 'https://github.com/acme/app' } }, { token: 't' }, OPTIONS)).message).toContain(
      'spec.github.repository must be "owner/name"',
    );
  });
});
