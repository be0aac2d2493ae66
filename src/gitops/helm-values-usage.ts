// Which templates of a chart in the repository read a values mapping (directly or through a named helper), and what they declare.
import { posix } from 'node:path';
import type { RepoHistory } from './repo-history.js';

export interface TemplateUse {
  /** The template file that reads the mapping. */
  file: string;
  /** The `kind:` of each document the template declares, in order. */
  kinds: string[];
}

/** The templates reading `.Values.<path>`, or why Vane cannot tell. */
export type HelmValuesUsage = { kind: 'known'; uses: TemplateUse[] } | { kind: 'unknown'; why: string };

const MAX_TEMPLATES = 200;

/**
 * Reads every template of the chart at `chartDir` (and of the subchart a values path starts with) for `.Values.<path>`.
 * Helpers (`_*.tpl`) that read it count through the templates that `include` or `template` their definitions.
 * Lookups Vane does not parse (`index .Values "image"`, `$.Values` passed through variables) go unseen.
 */
export async function helmValuesUsage(repo: RepoHistory, chartDir: string, valuesPath: readonly string[]): Promise<HelmValuesUsage> {
  const [first, ...rest] = valuesPath;
  if (first !== undefined && rest.length > 0) {
    const subchart = posix.join(chartDir, 'charts', first);
    if ((await repo.fileAt('HEAD', posix.join(subchart, 'Chart.yaml'))) !== undefined) return helmValuesUsage(repo, subchart, rest);
  }
  const files = (await repo.listFiles(posix.join(chartDir, 'templates'))).filter((file) => /\.(ya?ml|tpl|txt)$/i.test(file));
  if (files.length > MAX_TEMPLATES) return { kind: 'unknown', why: `chart ${chartDir} has more than ${MAX_TEMPLATES} templates` };
  const contents = new Map<string, string>();
  for (const file of files) contents.set(file, (await repo.fileAt('HEAD', file)) ?? '');
  const reads = valuesReference(valuesPath);
  const helpers = new Set<string>();
  for (const [file, text] of contents) {
    if (isHelper(file) && reads.test(text)) for (const match of text.matchAll(/define\s+"([^"]+)"/g)) helpers.add(match[1] ?? '');
  }
  const uses: TemplateUse[] = [];
  for (const [file, text] of contents) {
    if (isHelper(file)) continue;
    if (reads.test(text) || [...helpers].some((helper) => includes(text, helper))) uses.push({ file, kinds: [...text.matchAll(/^kind:\s*["']?([A-Za-z]+)/gm)].map((match) => match[1] ?? '') });
  }
  return { kind: 'known', uses };
}

function isHelper(file: string): boolean {
  return posix.basename(file).startsWith('_') || file.endsWith('.tpl');
}

/** `.Values.image` followed by a non-identifier character: `.Values.image.tag` reads it, `.Values.imageX` does not. */
function valuesReference(path: readonly string[]): RegExp {
  const dotted = path.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\.');
  return new RegExp(`\\.Values\\.${dotted}(?![A-Za-z0-9_])`);
}

function includes(text: string, helper: string): boolean {
  const name = helper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:include|template)\\s+"${name}"`).test(text);
}
