// The shape every benchmark reports in, and the one markdown table and JSON file `npm run bench` writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Figure {
  figure: string;
  /** A number, or a sentence when the figure could not be measured (`not measured: …`). */
  value: number | string;
  unit?: string;
  /** Printed after the value, in parentheses (ratios to the floor, how it was measured). */
  note?: string;
  /** The issue's target, in words, where it sets one. */
  target?: string;
}

export interface Section {
  benchmark: string;
  figures: Figure[];
}

export interface Machine {
  cpus: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  loadAverage1m: number;
}

export function machine(): Machine {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
}

function cell(value: string): string {
  return value.replaceAll('|', '\\|');
}

export function markdownTable(sections: readonly Section[]): string {
  const lines = ['| benchmark | figure | value | target |', '|---|---|---|---|'];
  for (const section of sections) {
    for (const f of section.figures) {
      const shown = typeof f.value === 'number' ? `${f.value}${f.unit ? ` ${f.unit}` : ''}` : f.value;
      const value = f.note ? `${shown} (${f.note})` : shown;
      lines.push(`| ${cell(section.benchmark)} | ${cell(f.figure)} | ${cell(value)} | ${cell(f.target ?? '')} |`);
    }
  }
  return lines.join('\n');
}

/** Writes `results/bench-<time>.json` and returns its path. */
export function writeResults(sections: readonly Section[], settings: Record<string, unknown>, startedAt: Date): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), machine: machine(), settings, sections }, null, 2)}\n`);
  return file;
}
