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

  it('given a key with a wake-up pending, when a later pass answers with none, then nothing stays scheduled and the key is not woken', async () => {
    const queue = new WorkQueue();
    queue.addAfter('ns/a', 30);
    queue.reschedule('ns/a', undefined);
    expect(queue.delayed).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(queue.depth).toBe(0);
  });

  it('given a key with an early wake-up pending, when a later pass asks for a later one, then the later one replaces it', async () => {
    const queue = new WorkQueue();
    queue.addAfter('ns/a', 20);
    queue.reschedule('ns/a', 150, 'bulk');
    expect(queue.delayed).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(queue.depth).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(queue.depth).toBe(1);
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

  it('given thousands of bulk keys waiting, then an urgent key is handed out next, and a bulk key added again urgently moves ahead once', async () => {
    const queue = new WorkQueue();
    for (let i = 0; i < 5000; i++) queue.add(`ns/bulk${i}`);
    queue.add('ns/bulk4000', 'urgent');
    queue.add('ns/pause', 'urgent');
    queue.add('ns/pause', 'bulk');
    expect(queue.depth).toBe(5001);
    const seen: string[] = [];
    await queue.run(1, async (key) => {
      seen.push(key);
      if (seen.length === 5001) queue.shutDown();
    });
    expect(seen.slice(0, 3)).toEqual(['ns/bulk4000', 'ns/pause', 'ns/bulk0']);
    expect(seen.filter((k) => k === 'ns/bulk4000')).toHaveLength(1);
    expect(new Set(seen).size).toBe(5001);
  });

  it('given a key added urgently while it is processed, then it is queued again ahead of the bulk keys', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    const seen: string[] = [];
    await queue.run(1, async (key) => {
      seen.push(key);
      if (seen.length === 1) {
        for (let i = 0; i < 100; i++) queue.add(`ns/bulk${i}`);
        queue.add('ns/a', 'bulk');
        queue.add('ns/a', 'urgent');
      }
      if (seen.length === 3) queue.shutDown();
    });
    expect(seen).toEqual(['ns/a', 'ns/a', 'ns/bulk0']);
  });

  it('given a wake-up that falls due while bulk keys wait, then it goes ahead of them; a failure retry or a bulk look-again waits in line', async () => {
    const queue = new WorkQueue({ baseDelayMs: 1 });
    queue.addRateLimited('ns/retry');
    queue.addAfter('ns/pause', 1);
    queue.addAfter('ns/recheck', 1, 'bulk');
    // A bulk look-again scheduled before a due wake-up of the same key keeps the wake-up's lane.
    queue.addAfter('ns/deadline', 40);
    queue.addAfter('ns/deadline', 2, 'bulk');
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 0; i < 10; i++) queue.add(`ns/bulk${i}`);
    expect(queue.delayed).toBe(0);
    const seen: string[] = [];
    await queue.run(1, async (key) => {
      seen.push(key);
      if (seen.length === 14) queue.shutDown();
    });
    expect(seen.slice(0, 2).sort()).toEqual(['ns/deadline', 'ns/pause']);
    expect(seen.slice(2, 4).sort()).toEqual(['ns/recheck', 'ns/retry']);
  });

  it('given 10,000 keys scheduled at different times, then one timer serves them and each fires in time order', async () => {
    const queue = new WorkQueue();
    // Three due times far enough apart that adding all 10,000 keys cannot blur them.
    const delayOf = (key: string): number => 20 + 150 * ((Number(key.slice(4)) * 7919) % 3);
    const realSetTimeout = globalThis.setTimeout;
    let timers = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++;
      return realSetTimeout(...args);
    }) as typeof setTimeout;
    try {
      for (let i = 0; i < 10_000; i++) queue.addAfter(`ns/k${i}`, delayOf(`ns/k${i}`));
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(queue.delayed).toBe(10_000);
    expect(timers).toBeLessThan(50);
    const seen: string[] = [];
    await queue.run(1, async (key) => {
      seen.push(key);
      if (seen.length === 10_000) queue.shutDown();
    });
    expect(new Set(seen).size).toBe(10_000);
    const delays = seen.map(delayOf);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
  });
});
