// `vane list rollouts --watch`: the table once, then a line for each change of a rollout's row, as `kubectl get -w`
// prints. Rows are compared as shown, so a reconnect's replay, or a change the table does not show, prints nothing.
import { sameJson } from '../resources/canonical-json.js';
import type { RolloutSummary } from '../server/rollout-view.js';
import type { RolloutBackend, RolloutChange } from './rollout-backend.js';
import { alignColumns, columnWidths, tableHeader, tableRow } from './rollout-tree.js';

export interface ListWatchOptions {
  /** Undefined: all namespaces. */
  namespace: string | undefined;
  output: 'text' | 'json';
  write: (text: string) => void;
  signal: AbortSignal;
}

/** Prints until the signal aborts. With `-o json`, one JSON change per line (`{"type":…,"rollout":…}`). */
export async function watchRolloutList(backend: RolloutBackend, options: ListWatchOptions): Promise<void> {
  const printer = options.output === 'json' ? new JsonLines(options.write) : new TableLines(options.write, options.namespace === undefined);
  printer.start(await backend.list(options.namespace));
  await backend.watchAll(options.namespace, (change) => printer.change(change), options.signal);
}

interface ChangePrinter {
  start(rollouts: readonly RolloutSummary[]): void;
  change(change: RolloutChange): void;
}

const keyOf = (r: RolloutSummary): string => `${r.namespace}/${r.name}`;

class TableLines implements ChangePrinter {
  private readonly shown = new Map<string, string>();
  private widths: number[] = [];

  constructor(private readonly write: (text: string) => void, private readonly withNamespace: boolean) {}

  start(rollouts: readonly RolloutSummary[]): void {
    const rows = [tableHeader(this.withNamespace), ...rollouts.map((r) => tableRow(r, this.withNamespace))];
    this.widths = columnWidths(rows);
    this.write(alignColumns(rows, this.widths));
    for (const r of rollouts) this.shown.set(keyOf(r), this.line(tableRow(r, this.withNamespace)));
  }

  change({ type, rollout }: RolloutChange): void {
    const key = keyOf(rollout);
    if (type === 'DELETED') {
      if (!this.shown.delete(key)) return;
      const row = tableRow(rollout, this.withNamespace);
      row[this.withNamespace ? 3 : 2] = 'Deleted';
      this.write(this.line(row));
      return;
    }
    const line = this.line(tableRow(rollout, this.withNamespace));
    if (this.shown.get(key) === line) return;
    this.shown.set(key, line);
    this.write(line);
  }

  private line(row: string[]): string {
    return alignColumns([row], this.widths);
  }
}

class JsonLines implements ChangePrinter {
  private readonly shown = new Map<string, RolloutSummary>();

  constructor(private readonly write: (text: string) => void) {}

  start(rollouts: readonly RolloutSummary[]): void {
    for (const rollout of rollouts) this.change({ type: 'ADDED', rollout });
  }

  change({ type, rollout }: RolloutChange): void {
    const key = keyOf(rollout);
    const before = this.shown.get(key);
    if (type === 'DELETED') {
      if (!this.shown.delete(key)) return;
    } else {
      // The resourceVersion moves with any write; only what a rollout shows is news.
      if (before !== undefined && sameJson({ ...before, resourceVersion: undefined }, { ...rollout, resourceVersion: undefined })) return;
      this.shown.set(key, rollout);
    }
    this.write(`${JSON.stringify({ type: before === undefined ? 'ADDED' : type === 'DELETED' ? 'DELETED' : 'MODIFIED', rollout })}\n`);
  }
}
