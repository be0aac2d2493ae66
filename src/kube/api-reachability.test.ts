// Specification of the reachability summary: one line when the API stops answering or refuses our credentials, again
// at most once per interval while it lasts, one when it answers again; other failures are not its business.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VaneError } from '../errors.js';
import { ApiReachability, reachabilityProblem } from './api-reachability.js';
import { KubeApiError } from './kube-api-error.js';

interface Line {
  level: number;
  msg: string;
}

function summary(): { reachability: ApiReachability; lines: Line[]; advance(ms: number): void } {
  const lines: Line[] = [];
  let now = 1_000_000;
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const reachability = new ApiReachability({ server: 'https://10.0.0.1:6443', credentials: 'kubeconfig ~/.kube/config', logger, repeatMs: 60_000, now: () => now });
  return { reachability, lines, advance: (ms) => (now += ms) };
}

const refused = new VaneError('Unavailable', 'GET /apis/vane.dev/v1alpha1/rollouts: connect ECONNREFUSED 10.0.0.1:6443', { cause: new Error('connect ECONNREFUSED 10.0.0.1:6443') });
const unauthorized = new KubeApiError(401, { reason: 'Unauthorized', message: 'Unauthorized' }, 'GET /api/v1/services');

describe('ApiReachability', () => {
  it('given many failed requests within the interval, then one error line naming the server and the cause', () => {
    const { reachability, lines } = summary();
    for (let i = 0; i < 20; i++) reachability.failed(refused);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(50);
    expect(lines[0]?.msg).toMatch(/^cannot reach the Kubernetes API at https:\/\/10\.0\.0\.1:6443: connect ECONNREFUSED 10\.0\.0\.1:6443; retrying/);
    expect(reachability.reporting).toBe(true);
  });

  it('given the problem lasts past the interval, then one more line counting the failures, and one when the API answers again', () => {
    const { reachability, lines, advance } = summary();
    reachability.failed(refused);
    advance(30_000);
    reachability.failed(refused);
    advance(31_000);
    reachability.failed(refused);
    expect(lines.map((l) => l.msg)).toHaveLength(2);
    expect(lines[1]?.msg).toContain('still retrying (3 requests failed in 61s)');
    reachability.answered();
    reachability.answered();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 30, msg: 'the Kubernetes API at https://10.0.0.1:6443 answers again' });
    expect(reachability.reporting).toBe(false);
  });

  it('given 401 answers, then a line saying the credentials from the kubeconfig are rejected', () => {
    const { reachability, lines } = summary();
    reachability.failed(unauthorized);
    reachability.failed(unauthorized);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toContain('rejects the credentials from kubeconfig ~/.kube/config (401 Unauthorized');
  });

  it('given failures that are not about reaching the API (403, 404, 409, 500), then nothing is reported', () => {
    const { reachability, lines } = summary();
    for (const status of [403, 404, 409, 500]) reachability.failed(new KubeApiError(status, undefined, 'GET /x'));
    expect(lines).toEqual([]);
    expect(reachabilityProblem(new KubeApiError(503, undefined, 'GET /x'))).toBeUndefined();
    expect(reachabilityProblem(new VaneError('Timeout', 'GET /x timed out after 30000 ms'))).toBe('unreachable');
  });
});
