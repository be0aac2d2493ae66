import { describe, expect, it } from 'vitest';
import { validateObject } from '../sandbox/schema/structural-schema.js';
import { schemaForKind } from './crd-manifests.js';
import { validateClusterNotifier, validateNotifier } from './notifier-validation.js';

const webhookNotifier = (spec: Record<string, unknown>, kind = 'Notifier'): Record<string, unknown> => ({
  apiVersion: 'vane.dev/v1alpha1',
  kind,
  metadata: { name: 'team', ...(kind === 'Notifier' ? { namespace: 'shop' } : {}) },
  spec,
});

describe('Notifier validation', () => {
  it('given a webhook notifier with a selector, events and a signing secret, then it is valid and the CRD schema accepts it', () => {
    const obj = webhookNotifier({
      selector: { matchLabels: { team: 'shop' } },
      events: ['aborted', 'rolledBack'],
      webhook: { url: 'https://hooks.example.com/vane', secretRef: { name: 'hook', key: 'hmac' } },
    });
    expect(validateNotifier(obj)).toEqual([]);
    expect(validateObject(schemaForKind('Notifier'), obj)).toEqual([]);
  });

  it('given no sink, then validation names the four sink fields', () => {
    expect(validateNotifier(webhookNotifier({ events: ['started'] }))).toEqual([
      { path: 'spec', message: 'must set exactly one sink: one of spec.webhook, spec.slack, spec.teams, spec.github' },
    ]);
  });

  it('given two sinks, then validation names both that are set', () => {
    const obj = webhookNotifier({ webhook: { url: 'https://a.example' }, slack: { urlSecretRef: { name: 's', key: 'url' } } });
    expect(validateNotifier(obj)).toEqual([
      { path: 'spec', message: 'must set exactly one sink of spec.webhook, spec.slack, spec.teams, spec.github; found spec.webhook and spec.slack' },
    ]);
  });

  it('given a webhook URL that is not http(s), an unknown event and a template for an unknown event, then each is named', () => {
    const obj = webhookNotifier({ events: ['started', 'exploded'], webhook: { url: 'ftp://x.example/hook' }, templates: { boom: { text: 'x' } } });
    expect(validateNotifier(obj)).toEqual([
      { path: 'spec.events[1]', message: 'must be one of "started", "paused", "promoted", "aborted", "rolledBack", "healthy", "stuck", got "exploded"' },
      { path: 'spec.webhook.url', message: 'must be an http or https URL, got scheme "ftp"' },
      { path: 'spec.templates', message: 'unknown event "boom"' },
    ]);
  });

  it('given a chat sink without its URL Secret, or a GitHub sink with a bad repository, then the field is named', () => {
    expect(validateNotifier(webhookNotifier({ teams: {} }))).toEqual([{ path: 'spec.teams.urlSecretRef', message: 'is required' }]);
    const github = webhookNotifier({ github: { tokenSecretRef: { name: 'gh', key: 'token' }, repository: 'acme' } });
    expect(validateNotifier(github)).toEqual([{ path: 'spec.github.repository', message: 'must be "owner/name", got "acme"' }]);
  });

  it('given a namespaceSelector on a namespaced Notifier, then it is refused: only a ClusterNotifier selects namespaces', () => {
    const spec = { namespaceSelector: { matchLabels: { tier: 'prod' } }, webhook: { url: 'https://a.example' } };
    expect(validateNotifier(webhookNotifier(spec))).toEqual([
      { path: 'spec.namespaceSelector', message: 'is only for a ClusterNotifier: a Notifier covers the Rollouts of its own namespace' },
    ]);
    const cluster = webhookNotifier(spec, 'ClusterNotifier');
    expect(validateClusterNotifier(cluster)).toEqual([]);
    expect(validateObject(schemaForKind('ClusterNotifier'), cluster)).toEqual([]);
  });
});
