// Specification of the informer's watch timeout and watchdog: a quiet watch is normal until the server's timeout ends
// it (v1.19 sends no bookmarks), so the watchdog only fires for silence beyond the timeout the informer asked for.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer, watchTimings } from '../../src/kube/supervised-informer.js';
import { startRecordingApiServer, type RecordingApiServer } from './support/recording-api-server.js';

let api: RecordingApiServer;
let client: KubeClient;

beforeAll(async () => {
  api = await startRecordingApiServer();
  client = new KubeClient(await KubeTransport.fromKubeConfig(api.kubeConfig()));
});

afterAll(async () => {
  client?.transport.close();
  await api?.close();
});

describe('watchTimings', () => {
  it('asks for a random timeout of 5 to 10 minutes, like client-go', () => {
    expect(watchTimings({}, () => 0).timeoutSeconds).toBe(300);
    expect(watchTimings({}, () => 0.5).timeoutSeconds).toBe(450);
    expect(watchTimings({}, () => 0.9999).timeoutSeconds).toBe(599);
  });

  it('gives a watch longer than its timeout before the watchdog calls it stuck, whatever the timeout drawn', () => {
    for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
      const { timeoutSeconds, watchdogMs } = watchTimings({}, () => r);
      expect(watchdogMs).toBeGreaterThan(timeoutSeconds * 1000);
    }
    const asked = watchTimings({ watchTimeoutSeconds: 900 });
    expect(asked.watchdogMs).toBeGreaterThan(900_000);
  });

  it('keeps an explicit watchdog as given', () => {
    expect(watchTimings({ watchTimeoutSeconds: 60, watchdogMs: 150 })).toEqual({ timeoutSeconds: 60, watchdogMs: 150 });
  });
});

describe('SupervisedInformer against a server without bookmarks', () => {
  it('given a quiet watch, when the server ends it at the timeout asked for, then it resumes from the last resourceVersion without a warning', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const informer = new SupervisedInformer<KubeObject>(client, Kinds.ConfigMap, { namespace: 'default', watchTimeoutSeconds: 1, logger });
    informer.start();
    await informer.waitForSync();
    await expect.poll(() => informer.restartCount, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await informer.stop();

    const watches = api.requests.filter((r) => r.url.searchParams.get('watch') === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(2);
    for (const watch of watches) {
      expect(watch.url.searchParams.get('timeoutSeconds')).toBe('1');
      expect(watch.url.searchParams.get('resourceVersion')).toBe('7');
    }
    // One list: a watch that ended at its timeout is resumed, not relisted.
    expect(api.requests.filter((r) => r.url.searchParams.get('watch') !== 'true')).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
