import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { InformerEvent, SupervisedInformer } from '../kube/supervised-informer.js';
import type { RolloutObject } from './rollout-read-model.js';
import { RolloutStatusStream } from './status-stream.js';

type Handler = (event: InformerEvent<RolloutObject>) => void;

function rollout(i: number, message = 'x'.repeat(200)): RolloutObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: 'shop', name: `web-${i}`, resourceVersion: String(i) },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'app', image: 'shop:1' }] } }, strategy: { canary: { steps: [] } } },
    status: { phase: 'Healthy', message },
  } as RolloutObject;
}

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A stream over a real socket, with an informer the test drives by hand. */
async function streamOf(initial: RolloutObject[], maxBufferedBytes: number): Promise<{ url: string; emit: Handler; stream: RolloutStatusStream }> {
  let handler: Handler = () => undefined;
  const informer = { addHandler: (h: Handler) => (handler = h) } as unknown as SupervisedInformer<RolloutObject>;
  const stream = new RolloutStatusStream(informer, { maxBufferedBytes });
  const app = express();
  app.get('/watch', (_req, res) => stream.open(res, {}, initial, { user: 'alice', recheck: () => Promise.resolve(undefined) }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ close: () => (stream.closeAll(), server.closeAllConnections(), server.close()) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/watch`, emit: (event) => handler(event), stream };
}

/** Reads data messages until `done` says so. */
async function readMessages(res: IncomingMessage, done: (messages: Array<{ type: string; name: string }>) => boolean): Promise<Array<{ type: string; name: string }>> {
  const messages: Array<{ type: string; name: string }> = [];
  let text = '';
  for await (const chunk of res) {
    text += String(chunk);
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) {
        const parsed = JSON.parse(data.slice(6)) as { type: string; rollout: { name: string } };
        messages.push({ type: parsed.type, name: parsed.rollout.name });
      }
    }
    if (done(messages)) break;
  }
  return messages;
}

describe('the opening state of a status stream', () => {
  it('reaches a slow reader whole even when it is far larger than the buffer limit, then the changes that came meanwhile', async () => {
    // 10 MB: more than loopback's socket buffers take, so the writer must wait for the reader.
    const initial = Array.from({ length: 5_000 }, (_, i) => rollout(i, 'x'.repeat(2_000)));
    const { url, emit } = await streamOf(initial, 16 * 1024);
    const res = await new Promise<IncomingMessage>((resolve) => get(url, resolve));
    res.pause();
    // While the client does not read, a Rollout changes twice: only its latest state is owed.
    emit({ type: 'update', key: 'shop/web-7', object: rollout(7, 'first'), oldObject: rollout(7) });
    emit({ type: 'update', key: 'shop/web-7', object: rollout(7, 'second'), oldObject: rollout(7, 'first') });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const messages = await readMessages(res, (m) => m.some((x) => x.type === 'MODIFIED'));
    res.destroy();
    const added = messages.filter((m) => m.type === 'ADDED');
    expect(added).toHaveLength(5_000);
    expect(new Set(added.map((m) => m.name)).size).toBe(5_000);
    expect(messages.at(-1)).toEqual({ type: 'MODIFIED', name: 'web-7' });
    expect(messages.filter((m) => m.type === 'MODIFIED')).toHaveLength(1);
  });

  it('still ends the stream of a client that stops reading changes, once the buffer limit is passed', async () => {
    const { url, emit, stream } = await streamOf([rollout(0)], 16 * 1024);
    const res = await new Promise<IncomingMessage>((resolve) => get(url, resolve));
    await readMessages(res, (m) => m.length === 1);
    res.pause();
    for (let i = 0; i < 20_000 && stream.openStreams > 0; i++) {
      emit({ type: 'update', key: 'shop/web-0', object: rollout(0, `change ${i} ${'y'.repeat(500)}`), oldObject: rollout(0) });
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stream.openStreams).toBe(0);
    res.destroy();
  });
});
