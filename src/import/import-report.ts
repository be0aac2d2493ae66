// What `vane import` did with each input document: converted, converted with a change of meaning, passed through,
// or not converted (and why, by field path); and the exit code that follows from it.

/**
 * - `converted`: Vane manifests were written for it (`changes` says where their meaning differs, `problems` names
 *   the parts left out);
 * - `not-converted`: nothing was written for it; `problems` says why;
 * - `consumed`: folded into another document's conversion (a Flagger MetricTemplate, a Canary's Deployment);
 * - `passed-through`: written unchanged (a Service, an Ingress ...);
 * - `invalid`: not a manifest at all (bad YAML, an unreadable file): bad input.
 */
export type ImportOutcome = 'converted' | 'not-converted' | 'consumed' | 'passed-through' | 'invalid';

export interface ImportEntry {
  source: string;
  /** 1-based position in its file; 0 for the file as a whole. */
  document: number;
  /** `Kind/name` of the input document. */
  resource: string;
  outcome: ImportOutcome;
  /** `Kind/name` of each manifest written for it. */
  produced: string[];
  /** Where the written manifests do something different from the original. */
  changes: string[];
  /** What could not be converted, each naming the field (`spec.analysis.alerts: ...`). */
  problems: string[];
}

export interface ImportReport {
  entries: ImportEntry[];
}

/** The documented exit codes of `vane import`. */
export const IMPORT_EXIT = { converted: 0, badInput: 1, incomplete: 2 } as const;

export function importExitCode(report: ImportReport): number {
  if (report.entries.some((e) => e.outcome === 'invalid')) return IMPORT_EXIT.badInput;
  if (report.entries.some((e) => e.outcome === 'not-converted' || e.problems.length > 0)) return IMPORT_EXIT.incomplete;
  return IMPORT_EXIT.converted;
}

/** The summary printed on standard error: one block per document that was not simply passed through, then totals. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  const passed = new Map<string, number>();
  for (const entry of report.entries) {
    if (entry.outcome === 'passed-through') {
      const kind = entry.resource.split('/')[0] ?? entry.resource;
      passed.set(kind, (passed.get(kind) ?? 0) + 1);
      continue;
    }
    lines.push(headline(entry));
    for (const change of entry.changes) lines.push(`    changed: ${change}`);
    for (const problem of entry.problems) lines.push(`    not converted: ${problem}`);
  }
  if (passed.size > 0) {
    const kinds = [...passed].map(([kind, n]) => `${n} ${kind}`).join(', ');
    lines.push(`passed through unchanged: ${kinds}`);
  }
  lines.push(totals(report));
  return `${lines.join('\n')}\n`;
}

function headline(entry: ImportEntry): string {
  const where = `${entry.source}${entry.document > 0 ? `#${entry.document}` : ''} ${entry.resource}`;
  switch (entry.outcome) {
    case 'converted':
      return `${entry.problems.length > 0 ? 'partly converted' : 'converted'} ${where} -> ${entry.produced.join(', ')}`;
    case 'consumed':
      return `folded in ${where}${entry.changes.length === 0 && entry.problems.length === 0 ? '' : ':'}`;
    case 'invalid':
      return `invalid ${where}`;
    default:
      return `not converted ${where}`;
  }
}

function totals(report: ImportReport): string {
  const count = (test: (e: ImportEntry) => boolean): number => report.entries.filter(test).length;
  const converted = count((e) => e.outcome === 'converted');
  const changed = count((e) => e.outcome === 'converted' && e.changes.length > 0);
  const partly = count((e) => e.outcome === 'converted' && e.problems.length > 0);
  const notConverted = count((e) => e.outcome === 'not-converted');
  const passed = count((e) => e.outcome === 'passed-through');
  const invalid = count((e) => e.outcome === 'invalid');
  const parts = [
    `${converted} converted (${changed} with a change of meaning, ${partly} in part)`,
    `${notConverted} not converted`,
    `${passed} passed through`,
  ];
  if (invalid > 0) parts.push(`${invalid} invalid`);
  return parts.join(', ');
}
