// Specification of how the sandbox reads a Job's command: run time and exit code, from the idioms of Argo's e2e Jobs.
import { describe, expect, it } from 'vitest';
import { containerOutcome, podOutcome } from './job-script.js';

describe('job script', () => {
  it.each([
    [{ command: ['sh', '-c', '-x'], args: ['sleep 0s && exit 1'] }, { runMs: 0, exitCode: 1 }],
    [{ command: ['sh', '-c', '-x'], args: ['sleep 2 && exit 0'] }, { runMs: 2000, exitCode: 0 }],
    [{ command: ['sh', '-c'], args: ['exit 0'] }, { runMs: 0, exitCode: 0 }],
    [{ command: ['/bin/sh', '-c', 'sleep 30; exit 1'] }, { runMs: 30_000, exitCode: 1 }],
    [{ command: ['sleep', '30'] }, { runMs: 30_000, exitCode: 0 }],
    [{ command: ['sleep', '365d'] }, { runMs: undefined, exitCode: 0 }],
    [{ command: ['sh', '-c'], args: ['sleep 6000'] }, { runMs: 6_000_000, exitCode: 0 }],
    [{ command: ['sh', '-c'], args: ['FLIP=$(($(($RANDOM%10))%2)) && exit $FLIP'] }, { runMs: 0, exitCode: 1 }],
    [{ command: ['sh', '-c', '-x', '-e'], args: ['wrk -d45s http://web/\njq -e ".ok" report.json'] }, { runMs: 0, exitCode: 0 }],
    [{ command: ['sh', '-c'], args: ['exit 0 && exit 3'] }, { runMs: 0, exitCode: 0 }],
    [{}, { runMs: 0, exitCode: 0 }],
  ])('given %j, then the pod runs and exits as %j', (container, outcome) => {
    expect(containerOutcome(container)).toEqual(outcome);
  });

  it('given two containers, then the pod ends with the later one and the first non-zero exit code', () => {
    expect(podOutcome([{ command: ['sleep', '1'] }, { command: ['sh', '-c', 'sleep 2; exit 4'] }])).toEqual({ runMs: 2000, exitCode: 4 });
    expect(podOutcome([{ command: ['sleep', 'infinity'] }, { command: ['sh', '-c', 'exit 1'] }])).toEqual({ runMs: undefined, exitCode: 1 });
  });
});
