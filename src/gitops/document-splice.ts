// A revert limited to some documents of a multi-document YAML file: the reverted text, with chosen documents as the branch has them.
import { documentKey } from './workload-document.js';
import { documentSpans, type DocumentSpan } from './yaml-documents.js';

const SEPARATOR = /^(?:---|\.\.\.)(?:\s.*)?$/;

/**
 * `reverted` is the file after `git revert`; `current` is the file on the branch. Returns `reverted` with every document
 * `isKept` picks (another workload's) exactly as `current` has it: replaced in place, removed when the branch no longer
 * has it, appended when only the branch has it. Undefined when either text cannot be split into documents.
 */
export function keepDocuments(reverted: string, current: string, isKept: (doc: unknown) => boolean): string | undefined {
  const currentLines = current.split('\n');
  const lines = reverted.split('\n');
  const revertedSpans = documentSpans(reverted)?.map((span) => trimmed(span, lines));
  const currentSpans = documentSpans(current)?.map((span) => trimmed(span, currentLines));
  if (!revertedSpans || !currentSpans) return undefined;
  const kept = new Map<string, DocumentSpan>();
  for (const span of currentSpans) {
    const key = documentKey(span.value);
    if (key !== undefined && isKept(span.value)) kept.set(key, span);
  }
  const placed = new Set<string>();
  // Bottom-up, so that the line numbers of the spans still to visit stay valid.
  for (const span of [...revertedSpans].reverse()) {
    const key = documentKey(span.value);
    if (key === undefined || !isKept(span.value)) continue;
    const replacement = kept.get(key);
    placed.add(key);
    if (replacement) lines.splice(span.startLine - 1, span.endLine - span.startLine + 1, ...currentLines.slice(replacement.startLine - 1, replacement.endLine));
    else removeDocument(lines, span);
  }
  const missing = [...kept].filter(([key]) => !placed.has(key)).map(([, span]) => currentLines.slice(span.startLine - 1, span.endLine));
  return appendDocuments(lines, missing).join('\n');
}

/** The span without the blank lines that end it: the last document's span runs to the file's final newline. */
function trimmed(span: DocumentSpan, lines: string[]): DocumentSpan {
  let endLine = span.endLine;
  while (endLine > span.startLine && (lines[endLine - 1] ?? '').trim() === '') endLine -= 1;
  return { ...span, endLine };
}

/** Drops a document and one separator next to it, so no empty document is left behind. */
function removeDocument(lines: string[], span: DocumentSpan): void {
  const start = span.startLine - 1;
  const count = span.endLine - span.startLine + 1;
  if (start > 0 && SEPARATOR.test(lines[start - 1] ?? '')) lines.splice(start - 1, count + 1);
  else if (SEPARATOR.test(lines[start + count] ?? '')) lines.splice(start, count + 1);
  else lines.splice(start, count);
}

function appendDocuments(lines: string[], documents: string[][]): string[] {
  if (documents.length === 0) return lines;
  const endsWithNewline = lines[lines.length - 1] === '';
  const body = endsWithNewline ? lines.slice(0, -1) : lines;
  const appended = documents.flatMap((document) => ['---', ...document]);
  return [...body, ...appended, ...(endsWithNewline ? [''] : [])];
}
