// The NotificationSink contract, written once and run against every sink (like test/traffic/router-contract.case.ts).
import { describe, expect, it } from 'vitest';
import type { NotificationMessage, NotificationSink, SendResult } from '../../src/delivery/notification-sink.js';

/** A receiver on loopback the sink under test is pointed at. */
export interface ContractReceiver {
  sink: NotificationSink;
  /** Requests received so far. */
  received(): number;
  /** The next request is answered with this status (and a body that explains it), or never answered. */
  answerNext(answer: 500 | 400 | 'hang'): void;
  close(): Promise<void>;
}

export interface SinkFixture {
  name: string;
  start(): Promise<ContractReceiver>;
  /** The same sink pointed at a port nobody listens on. */
  unreachable(port: number): NotificationSink;
}

export function describeSinkContract(fixture: SinkFixture, message: () => NotificationMessage, closedPort: () => number): void {
  async function withReceiver(run: (receiver: ContractReceiver) => Promise<void>): Promise<void> {
    const receiver = await fixture.start();
    try {
      await run(receiver);
    } finally {
      await receiver.close();
    }
  }

  describe(`the ${fixture.name} sink`, () => {
    it('given a receiver that accepts, when a message is sent, then it arrives and the result is ok', async () => {
      await withReceiver(async (receiver) => {
        const result = await receiver.sink.send(message(), AbortSignal.timeout(5000));
        expect(result).toMatchObject({ ok: true });
        expect(receiver.received()).toBeGreaterThan(0);
      });
    });

    it('given a receiver answering 500, then the result is retryable and names the status', async () => {
      await withReceiver(async (receiver) => {
        receiver.answerNext(500);
        const result = await receiver.sink.send(message(), AbortSignal.timeout(5000));
        expect(result).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 500') });
      });
    });

    it('given a receiver answering 400, then the result is not retryable and its reason holds the status and the answer', async () => {
      await withReceiver(async (receiver) => {
        receiver.answerNext(400);
        const result = await receiver.sink.send(message(), AbortSignal.timeout(5000));
        expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.stringMatching(/HTTP 400: .+/) });
      });
    });

    it('given a receiver that never answers, when the signal aborts, then the result is retryable and comes back promptly', async () => {
      await withReceiver(async (receiver) => {
        receiver.answerNext('hang');
        const started = Date.now();
        const result = await receiver.sink.send(message(), AbortSignal.timeout(300));
        expect(result).toMatchObject({ ok: false, retryable: true });
        expect(Date.now() - started).toBeLessThan(5000);
      });
    });

    it('given nobody listening, or an already aborted signal, then send resolves to a failure and never throws', async () => {
      const results: SendResult[] = [];
      results.push(await fixture.unreachable(closedPort()).send(message(), AbortSignal.timeout(5000)));
      results.push(await fixture.unreachable(closedPort()).send(message(), AbortSignal.abort()));
      for (const result of results) expect(result).toMatchObject({ ok: false, retryable: true });
    });
  });
}
