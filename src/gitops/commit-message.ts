// The message of Vane's rollback commit: subject, reason, and the trailers that make the commit findable again.
import type { SiteBinding } from './image-site.js';
import type { ReleaseScope } from './release-scope.js';
import type { CommitSummary } from './repo-history.js';

export const TRAILER_ROLLOUT = 'Vane-Rollout';
/** On a revert (whole, or this application's part): the commit it reverts. */
export const TRAILER_REVERTS = 'Vane-Reverts';
/** On a targeted edit, which reverts nothing: the release commit that brought the failing image in. */
export const TRAILER_RELEASE_COMMIT = 'Vane-Release-Commit';
/** Identifies the failed revision, so a commit pushed before a crash is recognised instead of made twice. */
export const TRAILER_POD_HASH = 'Vane-Pod-Template-Hash';
/** Which release of that revision (Rollout uid and attempt): the same image released again is a new failure. */
export const TRAILER_RELEASE = 'Vane-Release';

export interface RollbackContext {
  rollout: { namespace: string; name: string };
  failingPodHash: string;
  /** `<rollout uid>/<attempt>`: the release of `failingPodHash` that failed. */
  release: string;
  /** Why the release was aborted, in a sentence: "analysis run checkout-7f9c-2 failed". */
  reason: string;
  analysis?: { run: string; metric?: string };
  /** The person or pipeline that aborted, when it was not the analysis. */
  actor?: string;
}

export function rolloutTrailers(context: RollbackContext): Record<string, string> {
  return {
    [TRAILER_ROLLOUT]: literal(`${context.rollout.namespace}/${context.rollout.name}`),
    [TRAILER_POD_HASH]: literal(context.failingPodHash),
    [TRAILER_RELEASE]: literal(context.release),
  };
}

/** `Revert "<subject>"`, git's own wording, so people and tools recognise it. */
export function revertMessage(context: RollbackContext, offending: CommitSummary): string {
  const subject = `Revert "${literal(offending.subject)}"`;
  const intro = `This reverts commit ${offending.sha}.`;
  return assemble(subject, intro, context, { [TRAILER_REVERTS]: offending.sha });
}

/**
 * `Revert "<subject>" for <ns>/<rollout> only`: the release commit also changed other applications' files (or other
 * workloads' documents), which this commit keeps, and says so.
 */
export function partialRevertMessage(context: RollbackContext, offending: CommitSummary, scope: ReleaseScope): string {
  const { namespace, name } = context.rollout;
  const rollout = literal(`${namespace}/${name}`);
  const subject = `Revert "${literal(offending.subject)}" for ${rollout} only`;
  const undone = [
    ...scope.ours.map((file) => `- ${literal(file)}`),
    ...scope.split.map((split) => `- ${literal(split.file)} (all but ${split.others.map(literal).join(', ')})`),
  ];
  const kept = [
    ...scope.kept.map((file) => `- ${literal(file.file)}: ${literal(file.why)}`),
    ...scope.split.map((split) => `- ${literal(split.file)}: ${split.others.map(literal).join(', ')}`),
  ];
  const intro =
    `This reverts the part of commit ${offending.sha} that deploys ${rollout}:\n${undone.join('\n')}\n\n` +
    `KEPT: the release commit also changed the following, which are not ${rollout}'s; this commit leaves them as the release left them:\n${kept.join('\n')}`;
  return assemble(subject, intro, context, { [TRAILER_REVERTS]: offending.sha });
}

/**
 * `Roll back <ns>/<rollout> to <stable image>`, for a targeted edit of the image values. `notRestored` lists the other
 * pod-template fields the release changed (undefined: Vane was not told), which such an edit leaves as they are.
 */
export function rollBackMessage(context: RollbackContext, restored: SiteBinding[], offending?: CommitSummary, notRestored?: readonly string[]): string {
  const { namespace, name } = context.rollout;
  const images = [...new Set(restored.map((binding) => literal(binding.stable)))].join(', ');
  const subject = `Roll back ${literal(`${namespace}/${name}`)} to ${images}`;
  const places = restored.map((binding) => `- ${literal(binding.site.describe())}: ${literal(binding.failing)} -> ${literal(binding.stable)}`).join('\n');
  const origin = offending ? `\n\nThe failing image came in with ${offending.sha.slice(0, 12)} "${literal(offending.subject)}", which is not reverted.` : '';
  const trailers: Record<string, string> = offending ? { [TRAILER_RELEASE_COMMIT]: offending.sha } : {};
  return assemble(subject, `Restores the stable image in place:\n${places}${origin}${notRestoredParagraph(notRestored)}`, context, trailers);
}

function notRestoredParagraph(fields: readonly string[] | undefined): string {
  if (fields === undefined) return '\n\nOnly the image is restored: any other change the release made to the pod template is kept.';
  if (fields.length === 0) return '';
  return `\n\nNOT restored: the release also changed these pod-template fields, which keep the failing release's values:\n${fields.map((field) => `- ${literal(field)}`).join('\n')}`;
}

function assemble(subject: string, intro: string, context: RollbackContext, extra: Record<string, string>): string {
  const trailers = { ...rolloutTrailers(context), ...extra };
  const trailerBlock = Object.entries(trailers).map(([key, value]) => `${key}: ${value}`).join('\n');
  return `${subject}\n\n${intro}\n\n${reasonParagraph(context)}\n\n${trailerBlock}\n`;
}

function reasonParagraph(context: RollbackContext): string {
  const { namespace, name } = context.rollout;
  const lines = [`Vane aborted the release of ${literal(`${namespace}/${name}`)}: ${literal(oneLine(context.reason))}`];
  if (context.analysis) {
    const metric = context.analysis.metric !== undefined ? `, metric ${literal(context.analysis.metric)}` : '';
    lines.push(`Failed analysis: run ${literal(context.analysis.run)}${metric}`);
  }
  if (context.actor !== undefined) lines.push(`Aborted by: ${literal(context.actor)}`);
  return lines.join('\n');
}

/** Prose on one line: runs of whitespace (newlines included) become one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A value from outside (an image from the Rollout's spec, a file name or commit subject from the repository) on one
 * line with its control characters escaped, so it can never start a line of its own: no forged paragraph or trailer.
 */
export function literal(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => CONTROL_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
