// Issue #20: a condition may not freeze the controller: ReDoS in matches(), nested comprehensions and doubling values end as an Error.
import { describe, expect, it } from 'vitest';
import { ConditionError, compileCondition } from '../../src/analysis/cel-condition.js';
import { checkTemplateConditions } from '../../src/analysis/template-conditions.js';
import { analysisRun, metric, RunDriver, ScriptedProvider, T0, value } from '../analysis/lifecycle/fixtures/scripted-analysis.js';

/** The longest a condition may hold the event loop: the controller's /healthz must keep answering. */
const STALL_LIMIT_MS = 100;

/**
 * CPU time of this process in ms. Evaluation is synchronous, so the CPU it takes is how long it holds the event loop;
 * wall time would also count the time other processes on a busy machine (CI, two shared cores) take from it.
 */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Evaluates `source` on `result`, timing it; the outcome is the value or the ConditionError it threw. */
function timedEvaluation(source: string, result: unknown): { outcome: boolean | ConditionError; elapsedMs: number } {
  const condition = compileCondition(source);
  const started = cpuMs();
  let outcome: boolean | ConditionError;
  try {
    outcome = condition.evaluate(result);
  } catch (err) {
    if (!(err instanceof ConditionError)) throw err;
    outcome = err;
  }
  return { outcome, elapsedMs: cpuMs() - started };
}

function compileProblem(source: string): ConditionError | undefined {
  try {
    compileCondition(source);
    return undefined;
  } catch (err) {
    if (err instanceof ConditionError) return err;
    throw err;
  }
}

const series = (count: number): number[] => Array.from({ length: count }, (_, index) => index / count);

describe('matches() runs in linear time (RE2 semantics)', () => {
  it('given result.matches("^(a+)+$") on 22 "a"s and a "!", when evaluated, then it is false at once (a backtracking engine takes seconds)', () => {
    const { outcome, elapsedMs } = timedEvaluation('result.matches("^(a+)+$")', `${'a'.repeat(22)}!`);

    expect(outcome).toBe(false);
    expect(elapsedMs).toBeLessThan(STALL_LIMIT_MS);
  });

  // Texts sized so that a backtracking engine needs from half a second to a few seconds on them (longer ones hang it).
  it.each([
    { pattern: '(a|aa)+$', text: `${'a'.repeat(30)}!`, matches: false },
    { pattern: '(.*a){20}', text: `${'a'.repeat(48)}!`, matches: true },
    { pattern: '(.*a){20}', text: `${'a'.repeat(19)}${'b'.repeat(30)}`, matches: false },
    { pattern: '^(a|a?)+$', text: `${'a'.repeat(21)}!`, matches: false },
    { pattern: '(x+x+)+y', text: 'x'.repeat(23), matches: false },
  ])('given the adversarial pattern $pattern, when evaluated, then it answers $matches within the stall limit', ({ pattern, text, matches }) => {
    const { outcome, elapsedMs } = timedEvaluation(`result.matches(${JSON.stringify(pattern)})`, text);

    expect(outcome).toBe(matches);
    expect(elapsedMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('given a pattern with a backreference (not RE2), when compiled, then it is refused before any measurement', () => {
    const problem = compileProblem('result.matches("(a)\\\\1")');

    expect(problem?.kind).toBe('Syntax');
    expect(problem?.message).toContain('backreferences are not supported');
  });
});

describe('comprehensions are bounded', () => {
  it('given all() nested three deep over 150 series (3.4 million steps), when evaluated, then it stops as a Limit error within the stall limit', () => {
    const { outcome, elapsedMs } = timedEvaluation('result.all(x, result.all(y, result.all(z, x + y + z >= 0.0)))', series(150));

    expect(outcome).toBeInstanceOf(ConditionError);
    expect((outcome as ConditionError).kind).toBe('Limit');
    expect((outcome as ConditionError).message).toContain('cost budget');
    expect(elapsedMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('given exists() inside map() inside filter() over 200 series, when evaluated, then it stops within the stall limit', () => {
    const source = 'result.filter(x, result.map(y, result.exists(z, z > x + y)).size() > 0).size() >= 0';
    const { outcome, elapsedMs } = timedEvaluation(source, series(200));

    expect((outcome as ConditionError).kind).toBe('Limit');
    expect(elapsedMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('given a list doubled fourteen times with cel.bind, when evaluated, then it stops before the list fills the heap', () => {
    let source = 'size(l14) > 0';
    for (let level = 14; level >= 1; level -= 1) source = `cel.bind(l${level}, l${level - 1} + l${level - 1}, ${source})`;
    source = `cel.bind(l0, result, ${source})`;

    const { outcome, elapsedMs } = timedEvaluation(source, series(1_000));

    expect((outcome as ConditionError).kind).toBe('Limit');
    expect(elapsedMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('given comprehensions nested four deep, when compiled (and linted), then the condition is refused naming the limit', () => {
    const source = 'result.all(a, result.all(b, result.all(c, result.all(d, a <= d))))';

    expect(compileProblem(source)?.kind).toBe('Limit');
    expect(checkTemplateConditions('AnalysisTemplate shop/errors', { metrics: [metric('errors', { successCondition: source })] })).toEqual([
      expect.stringContaining('successCondition does not compile: comprehensions (all, exists, exists_one, map, filter) nest 4 deep; at most 3'),
    ]);
  });

  it('given comprehensions over list literals whose product alone is over the budget, when compiled, then the condition is refused', () => {
    const literal = `[${Array.from({ length: 1_000 }, (_, index) => index).join(', ')}]`;

    expect(compileProblem(`${literal}.all(a, ${literal}.all(b, a + b >= 0))`)?.kind).toBe('Limit');
  });
});

describe('a condition over its budget is an Error measurement naming the metric', () => {
  it('given a run whose successCondition nests all() three deep over 150 series, when measured, then the measurement is an Error naming the metric and the budget', async () => {
    const errors = metric('errors', { successCondition: 'result.all(x, result.all(y, result.all(z, x + y + z >= 0.0)))' });
    const driver = new RunDriver(analysisRun([errors]), new ScriptedProvider({ errors: [value(series(150))] }));

    const started = cpuMs();
    await driver.step(T0);

    const measurement = driver.metricResult('errors').measurements[0];
    expect(measurement?.phase).toBe('Error');
    expect(measurement?.message).toContain('metric "errors"');
    expect(measurement?.message).toContain('cost budget');
    expect(cpuMs() - started).toBeLessThan(STALL_LIMIT_MS * 2);
  });
});
