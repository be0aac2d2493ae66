// Multi-document YAML files as GitOps repositories hold them: values with every scalar kept as a string, and line spans.
import yaml from 'js-yaml';

export interface DocumentSpan {
  /** 1-based first and last line of the document's content, separators excluded. */
  startLine: number;
  endLine: number;
  value: unknown;
}

/**
 * All documents of a file, scalars as strings (the failsafe schema) so `tag: 1.10` stays "1.10"; undefined when the
 * text is not YAML (a Helm template, for instance).
 */
export function parseDocuments(text: string): unknown[] | undefined {
  try {
    return yaml.loadAll(text, undefined, { schema: yaml.FAILSAFE_SCHEMA });
  } catch {
    return undefined;
  }
}

const SEPARATOR = /^(?:---|\.\.\.)(?:\s.*)?$/;

/** Each document with the lines it occupies; undefined when any document is not YAML. */
export function documentSpans(text: string): DocumentSpan[] | undefined {
  const lines = text.split('\n');
  const spans: DocumentSpan[] = [];
  let start = 1;
  for (let index = 0; index <= lines.length; index += 1) {
    const atEnd = index === lines.length;
    if (!atEnd && !SEPARATOR.test(lines[index] ?? '')) continue;
    const chunk = lines.slice(start - 1, index).join('\n');
    const span = parseChunk(chunk, start, index);
    if (span === null) return undefined;
    if (span) spans.push(span);
    start = index + 2;
  }
  return spans;
}

function parseChunk(chunk: string, startLine: number, endLine: number): DocumentSpan | undefined | null {
  if (chunk.trim().length === 0) return undefined;
  try {
    return { startLine, endLine, value: yaml.load(chunk, { schema: yaml.FAILSAFE_SCHEMA }) };
  } catch {
    return null;
  }
}
