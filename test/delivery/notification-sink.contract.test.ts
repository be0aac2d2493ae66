// Runs the NotificationSink contract against the webhook, Slack, Teams and GitHub sinks, each on a loopback receiver.
import { beforeAll } from 'vitest';
import { notificationMessage } from '../../src/delivery/notification-message.js';
import type { NotificationMessage, NotificationSink } from '../../src/delivery/notification-sink.js';
import { releaseTransitions } from '../../src/delivery/release-transitions.js';
import { GitHubSink } from '../../src/delivery/sinks/github-sink.js';
import { SlackSink } from '../../src/delivery/sinks/slack-sink.js';
import { TeamsSink } from '../../src/delivery/sinks/teams-sink.js';
import { WebhookSink } from '../../src/delivery/sinks/webhook-sink.js';
import { startGitHubApiReceiver } from '../support/github-api-receiver.js';
import { describeSinkContract, type ContractReceiver, type SinkFixture } from './notification-sink-contract.case.js';
import { abortedRecord, shopRollout } from './support/release-fixtures.js';
import { closedPort, startHttpReceiver } from './support/http-receiver.js';

const LOCAL = { allowLocalUrls: true };

function chatFixture(name: string, ok: { status: number; body: string }, refusal: string, make: (url: string) => NotificationSink): SinkFixture {
  return {
    name,
    async start(): Promise<ContractReceiver> {
      const receiver = await startHttpReceiver(ok);
      return {
        sink: make(`${receiver.url}/hook/secret-path`),
        received: () => receiver.requests.length,
        answerNext: (answer) => receiver.answerNext(answer === 'hang' ? 'hang' : { status: answer, body: answer === 400 ? refusal : 'internal error' }),
        close: () => receiver.close(),
      };
    },
    unreachable: (port) => make(`http://127.0.0.1:${port}/hook/secret-path`),
  };
}

const FIXTURES: SinkFixture[] = [
  chatFixture('webhook', { status: 204, body: '' }, 'bad request', (url) => new WebhookSink({ url, hmacKey: 'k' }, LOCAL)),
  chatFixture('Slack', { status: 200, body: 'ok' }, 'invalid_payload', (url) => new SlackSink(url, LOCAL)),
  chatFixture('Teams', { status: 200, body: '1' }, 'Bad payload received by generic incoming webhook.', (url) => new TeamsSink(url, LOCAL)),
  {
    name: 'GitHub',
    async start(): Promise<ContractReceiver> {
      const receiver = await startGitHubApiReceiver();
      return {
        sink: new GitHubSink({ token: receiver.token, apiURL: receiver.url }, LOCAL),
        received: () => receiver.calls.length,
        answerNext: (answer) => (answer === 'hang' ? receiver.hangNext() : receiver.failNext(answer)),
        close: () => receiver.close(),
      };
    },
    unreachable: (port) => new GitHubSink({ token: 't', apiURL: `http://127.0.0.1:${port}` }, LOCAL),
  },
];

let port = 0;
beforeAll(async () => {
  port = await closedPort();
});

function abortedMessage(): NotificationMessage {
  const record = abortedRecord();
  const transition = releaseTransitions(record).find((t) => t.event === 'aborted');
  if (!transition) throw new Error('the fixture has no abort');
  return notificationMessage({ rollout: shopRollout(), record, transition, notifier: 'shop/contract' });
}

for (const fixture of FIXTURES) describeSinkContract(fixture, abortedMessage, () => port);
