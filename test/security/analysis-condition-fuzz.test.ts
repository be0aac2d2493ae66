// Issue #20: random conditions over random metric answers never hold the event loop for 100 ms (seeded, bounded in count and time).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Environment } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { ConditionError, compileCondition } from '../../src/analysis/cel-condition.js';
import { seededRandom as random } from '../../src/seeded-random.js';

/** The longest one condition may hold the event loop (compile and evaluate). */
const STALL_LIMIT_MS = 100;
/** Cases per run and the time they may take together; `VANE_FUZZ_SEED` replays a run, `VANE_FUZZ_CASES` lengthens it. */
const CASES = Number(process.env['VANE_FUZZ_CASES'] ?? 400);
const TIME_BUDGET_MS = 30_000;
const SEED = Number(process.env['VANE_FUZZ_SEED'] ?? 20_2026);

/** Evaluates one condition on one answer; throws only for what is neither a value nor a ConditionError. */
type Evaluator = (source: string, result: unknown) => void;

interface Stall {
  cpuMs: number;
  source: string;
  result: string;
}

interface FuzzReport {
  cases: number;
  worst: Stall;
  /** The event loop's longest delay as perf_hooks saw it (wall time: on a busy machine it also counts waiting for a core). */
  loopDelayMaxMs: number;
  outcomes: Record<string, number>;
}


class CaseGenerator {
  private variables = 0;

  constructor(private readonly next: () => number) {}

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /* conditions: a grammar of comparisons, arithmetic, size, comprehensions nested up to the limit, and matches() */

  condition(): string {
    this.variables = 0;
    return this.bool(4, ['result']);
  }

  private bool(depth: number, scope: readonly string[]): string {
    const leaf = depth <= 0 || this.next() < 0.25;
    const choices = leaf ? 3 : 10;
    switch (this.int(choices)) {
      case 0:
        return `${this.number(depth - 1, scope)} ${this.pick(['<', '<=', '>', '>=', '==', '!='])} ${this.number(depth - 1, scope)}`;
      case 1:
        return `size(${this.list(depth - 1, scope)}) ${this.pick(['>', '==', '<'])} ${this.int(5)}`;
      case 2:
        return `${this.text(depth - 1, scope)}.matches(${JSON.stringify(this.pattern())})`;
      case 3:
      case 4:
      case 5: {
        const variable = `v${this.variables++}`;
        const macro = this.pick(['all', 'exists', 'exists_one']);
        return `${this.list(depth - 1, scope)}.${macro}(${variable}, ${this.bool(depth - 1, [...scope, variable])})`;
      }
      case 6:
        return `(${this.bool(depth - 1, scope)} ${this.pick(['&&', '||'])} ${this.bool(depth - 1, scope)})`;
      case 7:
        return `!(${this.bool(depth - 1, scope)})`;
      case 8:
        return `${this.pick(scope)} == ${this.pick(scope)}`;
      default:
        return `${this.number(depth - 1, scope)} in ${this.list(depth - 1, scope)}`;
    }
  }

  private number(depth: number, scope: readonly string[]): string {
    if (depth <= 0 || this.next() < 0.4) {
      return this.pick([`${this.pick(scope)}`, 'result[0]', `${(this.next() * 2).toFixed(3)}`, 'double(size(result))', '1e308', '-0.0']);
    }
    return `(${this.number(depth - 1, scope)} ${this.pick(['+', '-', '*', '/'])} ${this.number(depth - 1, scope)})`;
  }

  private list(depth: number, scope: readonly string[]): string {
    if (depth <= 0 || this.next() < 0.35) {
      return this.pick(['result', 'result.items', '[1.0, 2.0, 3.0]', `${this.pick(scope)}`, 'result.text.split("a")']);
    }
    const variable = `v${this.variables++}`;
    switch (this.int(4)) {
      case 0:
        return `${this.list(depth - 1, scope)}.map(${variable}, ${this.number(depth - 1, [...scope, variable])})`;
      case 1:
        return `${this.list(depth - 1, scope)}.filter(${variable}, ${this.bool(depth - 1, [...scope, variable])})`;
      case 2:
        return `(${this.list(depth - 1, scope)} + ${this.list(depth - 1, scope)})`;
      default:
        return `cel.bind(${variable}, ${this.list(depth - 1, scope)}, ${variable} + ${variable})`;
    }
  }

  private text(depth: number, scope: readonly string[]): string {
    if (depth <= 0 || this.next() < 0.5) return this.pick(['result.text', 'string(result[0])', `string(${this.pick(scope)})`, '"aaaa!"']);
    return `(${this.text(depth - 1, scope)} + ${this.text(depth - 1, scope)})`;
  }

  private pattern(): string {
    return this.pick(['(a+)+$', '^(a+)+$', '(a|aa)+$', '(.*a){20}', '^(a|a?)+$', '(x+x+)+y', '^ok$', '[0-9]+', '(?i)A{3,}', 'a{1000}']);
  }

  /* answers: what the Prometheus provider makes (numbers with NaN and ±Inf) and what the web provider may read */

  answer(): unknown {
    switch (this.int(5)) {
      case 0:
        return Array.from({ length: this.size() }, () => this.sample());
      case 1:
        return { text: this.longText(), items: Array.from({ length: this.size() }, () => this.sample()) };
      case 2:
        return this.json(this.int(30));
      case 3:
        return this.longText();
      default:
        return this.sample();
    }
  }

  private size(): number {
    return this.pick([0, 1, 3, 50, 500, 5_000, 50_000]);
  }

  private sample(): number {
    return this.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, 0, 0.004, 1, 2 ** 53 + 1, this.next()]);
  }

  private longText(): string {
    const length = this.pick([0, 5, 30, 1_000, 100_000, 1_000_000]);
    return `${this.pick(['a', 'x', 'ab'] as const).repeat(length)}${this.pick(['', '!', 'y'])}`.slice(0, length + 1);
  }

  /** Arrays and objects nested `depth` levels deep: one branch goes deeper, its siblings are leaves. */
  private json(depth: number): unknown {
    const leaf = (): unknown => this.pick<unknown>([this.sample(), 'aaaa!', true, null, []]);
    if (depth <= 0) return leaf();
    if (this.next() < 0.5) return [this.json(depth - 1), ...Array.from({ length: this.int(4) }, leaf)];
    return { text: this.pick(['ok', 'aaaaaaaaaaaaaaaaaaaaaaaaaa!']), items: [leaf(), leaf()], nested: this.json(depth - 1) };
  }
}

/* ───────────── the harness ───────────── */

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function describeAnswer(result: unknown): string {
  const text = JSON.stringify(result) ?? String(result);
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
}

/**
 * Runs `cases` (or random ones from `seed`) through `evaluate`, one per turn of the event loop, and reports the
 * longest synchronous turn in CPU time: the stall a condition causes, whatever else the machine is doing.
 */
async function fuzz(evaluate: Evaluator, cases: Iterable<{ source: string; result: unknown }>): Promise<FuzzReport> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const deadline = performance.now() + TIME_BUDGET_MS;
  const report: FuzzReport = { cases: 0, worst: { cpuMs: 0, source: '', result: '' }, loopDelayMaxMs: 0, outcomes: {} };
  for (const { source, result } of cases) {
    if (performance.now() > deadline) break;
    await new Promise((resolve) => setImmediate(resolve));
    const started = cpuMs();
    let outcome: string;
    try {
      evaluate(source, result);
      outcome = 'value';
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      outcome = err.kind;
    }
    const spent = cpuMs() - started;
    report.cases += 1;
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    if (spent > report.worst.cpuMs) report.worst = { cpuMs: spent, source, result: describeAnswer(result) };
  }
  histogram.disable();
  report.loopDelayMaxMs = histogram.max / 1e6;
  return report;
}

function* randomCases(seed: number, count: number): Iterable<{ source: string; result: unknown }> {
  const generator = new CaseGenerator(random(seed));
  for (let index = 0; index < count; index += 1) yield { source: generator.condition(), result: generator.answer() };
}

const conditions: Evaluator = (source, result) => {
  compileCondition(source).evaluate(result);
};

/** How conditions were evaluated before issue #20: cel-js alone, no budget, JS RegExp for matches(). */
function unboundedEvaluator(): Evaluator {
  const environment = new Environment().registerVariable('result', 'dyn');
  return (source, result) => {
    try {
      environment.evaluate(source, { result });
    } catch (err) {
      throw new ConditionError('Evaluation', source, err instanceof Error ? err.message : String(err));
    }
  };
}

describe('fuzz: conditions and metric answers', () => {
  it(`given ${CASES} random conditions over random answers (seed ${SEED}), when each is compiled and evaluated, then none holds the event loop for ${STALL_LIMIT_MS} ms`, async () => {
    const report = await fuzz(conditions, randomCases(SEED, CASES));

    const summary = `seed ${SEED} (replay with VANE_FUZZ_SEED=${SEED}), ${report.cases} cases, outcomes ${JSON.stringify(report.outcomes)}, event loop max delay ${report.loopDelayMaxMs.toFixed(1)} ms (wall)`;
    expect(report.cases, summary).toBeGreaterThanOrEqual(Math.min(CASES, 100));
    expect(
      report.worst.cpuMs,
      `${summary}; the longest: ${report.worst.cpuMs.toFixed(1)} ms of CPU for ${JSON.stringify(report.worst.source)} on ${report.worst.result}`,
    ).toBeLessThan(STALL_LIMIT_MS);
    // The grammar must reach what it is for: conditions that run, and conditions stopped at the budget.
    expect(report.outcomes['value'] ?? 0, summary).toBeGreaterThan(0);
    expect(report.outcomes['Limit'] ?? 0, summary).toBeGreaterThan(0);
  });

  it('given the unbounded evaluator of before issue #20 and known-bad inputs, when fuzzed, then the harness reports the stall (it can fail)', async () => {
    const knownBad = [
      { source: 'result.matches("^(a+)+$")', result: `${'a'.repeat(22)}!` },
      { source: 'result.all(x, result.all(y, result.all(z, x + y + z >= 0.0)))', result: Array.from({ length: 120 }, (_, index) => index / 120) },
    ];

    const report = await fuzz(unboundedEvaluator(), knownBad);

    expect(report.worst.cpuMs).toBeGreaterThan(STALL_LIMIT_MS);
    expect((await fuzz(conditions, knownBad)).worst.cpuMs).toBeLessThan(STALL_LIMIT_MS);
  });
});
