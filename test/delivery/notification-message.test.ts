// notificationMessage: the facts of each transition, the default wording per event, template overrides and the id.
import { describe, expect, it } from 'vitest';
import { humanDuration, renderTemplate, TEMPLATE_PLACEHOLDERS, type TemplateFields } from '../../src/delivery/message-templates.js';
import { messageId, notificationMessage } from '../../src/delivery/notification-message.js';
import { releaseTransitions, type ReleaseTransition } from '../../src/delivery/release-transitions.js';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '../../src/resources/notifier.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { abortedRecord, promotedRecord, RELEASED_COMMIT, REPO_URL, REVERT_COMMIT, shopRollout } from './support/release-fixtures.js';

const NOTIFIER = 'shop/team-slack';

function transitionOf(record: RevisionRecord, event: NotificationEvent): ReleaseTransition {
  const transition = releaseTransitions(record).find((candidate) => candidate.event === event);
  if (!transition) throw new Error(`the fixture has no ${event} transition`);
  return transition;
}

function messageFor(record: RevisionRecord, event: NotificationEvent, templates?: Parameters<typeof notificationMessage>[0]['templates']): ReturnType<typeof notificationMessage> {
  return notificationMessage({ rollout: shopRollout(), record, transition: transitionOf(record, event), notifier: NOTIFIER, ...(templates ? { templates } : {}) });
}

describe('the default wording of each event', () => {
  it('aborted names the failing metric, its value and the AnalysisRun', () => {
    const message = messageFor(abortedRecord(), 'aborted');
    expect(message.title).toBe('shop/checkout: release 7c9d8f6b5 aborted');
    expect(message.text).toContain('error-rate measured 0.127');
    expect(message.text).toContain('AnalysisRun checkout-7c9d8f6b5-2');
    expect(message.verdict).toEqual({ by: 'controller', reason: 'AnalysisFailed', message: 'error-rate above 0.05', metric: { name: 'error-rate', value: '0.127', analysisRun: 'checkout-7c9d8f6b5-2' } });
    expect(message.at).toBe('2025-03-04T10:06:00Z');
  });

  it('aborted by a person names who and why when no metric failed', () => {
    const record = { ...abortedRecord(), verdict: { at: '2025-03-04T10:06:00Z', by: 'bob', reason: 'UserAbort' } };
    expect(messageFor(record, 'aborted').text).toBe('Aborted by bob (UserAbort). Traffic goes back to the stable version.');
  });

  it('rolledBack names the full revert commit SHA and the remote', () => {
    const message = messageFor(abortedRecord(), 'rolledBack');
    expect(message.text).toContain(REVERT_COMMIT);
    expect(message.text).toContain(`to ${REPO_URL}`);
    expect(message.revert).toEqual({ commit: REVERT_COMMIT, repoURL: REPO_URL });
  });

  it('healthy says how long the restore took after the failure verdict', () => {
    expect(messageFor(abortedRecord(), 'healthy').text).toContain('4m 12s after the failure');
  });

  it('paused says why and at which step, and carries the pause', () => {
    const message = messageFor(abortedRecord(), 'paused');
    expect(message.text).toContain('a pause step without duration at step 1');
    expect(message.pause).toEqual({ reason: 'CanaryPauseStep', step: 1 });
  });

  it('started lists the images and the commit when known, and carries no verdict', () => {
    const message = messageFor(promotedRecord(), 'started');
    expect(message.text).toBe(`Rolling out ghcr.io/acme/checkout:1.4.1, ghcr.io/acme/envoy:1.30 from commit ${RELEASED_COMMIT.slice(0, 12)} of ${REPO_URL}.`);
    expect(message.verdict).toBeUndefined();
    expect(message.release).toMatchObject({ commit: RELEASED_COMMIT, repoURL: REPO_URL, attempt: 1, podTemplateHash: '5a4b3c2d1' });
  });

  it('started without a known source says nothing about a commit', () => {
    const { source: _source, ...record } = promotedRecord();
    const message = messageFor(record, 'started');
    expect(message.text).not.toContain('commit');
    expect(message.release.commit).toBeUndefined();
  });

  it('stuck names the progress deadline of the Rollout', () => {
    const record = { ...abortedRecord(), stuckAt: '2025-03-04T10:05:00Z' };
    const message = notificationMessage({ rollout: shopRollout({ progressDeadlineSeconds: 900 }), record, transition: transitionOf(record, 'stuck'), notifier: NOTIFIER });
    expect(message.text).toContain('No progress for 15m');
  });

  it('promoted names who promoted', () => {
    expect(messageFor(promotedRecord(), 'promoted').text).toContain('promoted by alice@acme.io, UserPromote');
  });
});

describe('templates', () => {
  it('given a text override, when rendered, then placeholders are substituted and the default title stays', () => {
    const message = messageFor(abortedRecord(), 'aborted', { aborted: { text: '{{rollout}} in {{namespace}}: {{metric}}={{value}} ({{ analysisRun }}), commit {{commit}}' } });
    expect(message.text).toBe(`checkout in shop: error-rate=0.127 (checkout-7c9d8f6b5-2), commit ${RELEASED_COMMIT}`);
    expect(message.title).toBe('shop/checkout: release 7c9d8f6b5 aborted');
  });

  it('given an unknown placeholder, then it is left visible and nothing throws', () => {
    const message = messageFor(abortedRecord(), 'rolledBack', { rolledBack: { title: '{{revertCommit}} {{revrtCommit}} {{}}' } });
    expect(message.title).toBe(`${REVERT_COMMIT} {{revrtCommit}} {{}}`);
  });

  it('given a known placeholder the release does not know, then it renders empty', () => {
    const message = messageFor(promotedRecord(), 'started', { started: { text: '[{{revertCommit}}]' } });
    expect(message.text).toBe('[]');
  });

  it('an override for another event does not change this one', () => {
    expect(messageFor(abortedRecord(), 'healthy', { aborted: { text: 'x' } }).text).toContain('serves all traffic again');
  });

  // @covers spec.templates.started
  // @covers spec.templates.started.title
  // @covers spec.templates.started.text
  // @covers spec.templates.paused
  // @covers spec.templates.paused.title
  // @covers spec.templates.paused.text
  // @covers spec.templates.promoted
  // @covers spec.templates.promoted.title
  // @covers spec.templates.promoted.text
  // @covers spec.templates.aborted
  // @covers spec.templates.aborted.title
  // @covers spec.templates.aborted.text
  // @covers spec.templates.rolledBack
  // @covers spec.templates.rolledBack.title
  // @covers spec.templates.rolledBack.text
  // @covers spec.templates.healthy
  // @covers spec.templates.healthy.title
  // @covers spec.templates.healthy.text
  // @covers spec.templates.stuck
  // @covers spec.templates.stuck.title
  // @covers spec.templates.stuck.text
  it.each(NOTIFICATION_EVENTS)('given a title and text override for %s, then its message uses both and every other event keeps its default wording', (event) => {
    const templates = { [event]: { title: `T {{event}} {{rollout}}`, text: `X {{event}} {{revision}}` } };
    const recordOf = (e: NotificationEvent): RevisionRecord => (e === 'promoted' ? promotedRecord() : { ...abortedRecord(), stuckAt: '2025-03-04T10:05:00Z' });
    for (const other of NOTIFICATION_EVENTS) {
      const record = recordOf(other);
      const overridden = messageFor(record, other, templates);
      const plain = messageFor(record, other);
      if (other === event) {
        expect([overridden.title, overridden.text]).toEqual([`T ${event} checkout`, `X ${event} ${record.podTemplateHash}`]);
      } else {
        expect([overridden.title, overridden.text]).toEqual([plain.title, plain.text]);
      }
    }
  });

  it('every placeholder name is substituted', () => {
    const fields = Object.fromEntries(TEMPLATE_PLACEHOLDERS.map((name) => [name, `<${name}>`])) as TemplateFields;
    const template = TEMPLATE_PLACEHOLDERS.map((name) => `{{${name}}}`).join(' ');
    expect(renderTemplate(template, fields)).toBe(TEMPLATE_PLACEHOLDERS.map((name) => `<${name}>`).join(' '));
  });
});

describe('the message id', () => {
  const base = { rollout: shopRollout(), record: abortedRecord(), transition: transitionOf(abortedRecord(), 'aborted'), notifier: NOTIFIER };

  it('is the same for the same transition and notifier, whatever the wording', () => {
    expect(messageFor(abortedRecord(), 'aborted').id).toBe(messageFor(abortedRecord(), 'aborted', { aborted: { title: 'other' } }).id);
    expect(messageId(base)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs by notifier, transition, attempt, revision and rollout', () => {
    const id = messageId(base);
    const others = [
      messageId({ ...base, notifier: 'shop/team-teams' }),
      messageId({ ...base, transition: transitionOf(abortedRecord(), 'rolledBack') }),
      messageId({ ...base, record: { ...abortedRecord(), attempt: 2 } }),
      messageId({ ...base, record: { ...abortedRecord(), podTemplateHash: 'ffff' } }),
      messageId({ ...base, rollout: shopRollout({ uid: 'another-uid' }) }),
    ];
    expect(new Set([id, ...others]).size).toBe(6);
  });

  it('falls back to namespace/name when the Rollout has no uid', () => {
    const rollout = shopRollout();
    delete rollout.metadata.uid;
    const withoutUid = messageId({ ...base, rollout });
    expect(withoutUid).toBe(messageId({ ...base, rollout: structuredClone(rollout) }));
    expect(withoutUid).not.toBe(messageId(base));
  });
});

describe('humanDuration', () => {
  it.each([
    [45_000, '45s'],
    [252_000, '4m 12s'],
    [600_000, '10m'],
    [7_500_000, '2h 5m'],
    [3_600_000, '1h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
