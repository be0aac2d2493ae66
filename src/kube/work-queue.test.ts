import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('given the same key added many times before a worker runs, then it is processed once', async () => {
    const queue = new WorkQueue();
    for (let i = 0; i < 100; i++) queue.add('ns/a');
    queue.add('ns/b');
    expect(queue.depth).toBe(2);
    const seen: string[] = [];
    const run = queue.run(2, async (key) => {
      seen.push(key);
      if (seen.length === 2) queue.shutDown();
    });
    await run;
    expect(seen.sort()).toEqual(['ns/a', 'ns/b']);
  });

  it('never hands one key to two workers at once, and re-queues a key added while it is processed', async () => {
    const queue = new WorkQueue();
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    queue.add('ns/a');
    const run = queue.run(4, async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      if (calls === 1) {
        queue.add('ns/a');
        queue.add('ns/a');
        await gate.promise;
      }
      active--;
      if (calls === 2) queue.shutDown();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(1);
    gate.resolve();
    await run;
    expect(calls).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('addAfter keeps the earliest schedule for a key', async () => {
    const queue = new WorkQueue();
    queue.addAfter('ns/a', 10_000);
    queue.addAfter('ns/a', 10);
    queue.addAfter('ns/a', 5_000);
    expect(queue.delayed).toBe(1);
    const started = Date.now();
    await queue.run(1, async () => queue.shutDown());
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('backs off exponentially per key on failure and forget() resets it', () => {
    const queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    expect(queue.addRateLimited('k')).toBe(10);
    expect(queue.addRateLimited('k')).toBe(20);
    expect(queue.addRateLimited('k')).toBe(40);
    expect(queue.addRateLimited('k')).toBe(50);
    expect(queue.addRateLimited('other')).toBe(10);
    queue.forget('k');
    expect(queue.failureCount('k')).toBe(0);
    expect(queue.addRateLimited('k')).toBe(10);
    queue.shutDown();
  });

  it('keeps FIFO order among distinct keys', async () => {
    const queue = new WorkQueue();
    const keys = Array.from({ length: 3000 }, (_, i) => `ns/k${i}`);
    for (const key of keys) queue.add(key);
    const seen: string[] = [];
    await queue.run(1, async (key) => {
      seen.push(key);
      if (seen.length === keys.length) queue.shutDown();
    });
    expect(seen).toEqual(keys);
  });

  it('after shutDown, adds are ignored and run() returns', async () => {
    const queue = new WorkQueue();
    queue.shutDown();
    queue.add('ns/a');
    expect(queue.depth).toBe(0);
    await expect(queue.run(2, async () => undefined)).resolves.toBeUndefined();
  });
});
