// The wording of notifications: the default title and text of each event, and `{{placeholder}}` overrides.
import type { MessageTemplate, NotificationEvent } from '../resources/notifier.js';

/** The names a template may use; each is a plain string (empty when the release does not know it). */
export const TEMPLATE_PLACEHOLDERS = [
  'rollout',
  'namespace',
  'event',
  'at',
  'revision',
  'attempt',
  'images',
  'commit',
  'shortCommit',
  'repoURL',
  'startedAt',
  'by',
  'reason',
  'message',
  'metric',
  'value',
  'analysisRun',
  'revertCommit',
  'revertRepoURL',
  'pauseReason',
  'step',
  'deadline',
  'timeToRestore',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateFields = Record<TemplatePlaceholder, string>;

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_PLACEHOLDERS);
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/**
 * Replaces every `{{name}}` of a known placeholder with its value. An unknown name is left as written, so a typo
 * shows in the message people read instead of silently vanishing or failing the delivery.
 */
export function renderTemplate(template: string, fields: TemplateFields): string {
  return template.replace(PLACEHOLDER, (whole: string, name: string) => (KNOWN.has(name) ? fields[name as TemplatePlaceholder] : whole));
}

type Wording = (fields: TemplateFields) => Required<MessageTemplate>;

/** Optional phrases are dropped whole when their value is unknown, so defaults never show `()` or `at step `. */
function part(value: string, phrase: (value: string) => string): string {
  return value === '' ? '' : phrase(value);
}

const DEFAULTS: Readonly<Record<NotificationEvent, Wording>> = {
  started: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} started`,
    text:
      `Rolling out ${f.images || 'a new revision'}` +
      part(f.commit, (c) => ` from commit ${f.shortCommit || c}${part(f.repoURL, (r) => ` of ${r}`)}`) +
      part(f.attempt === '1' ? '' : f.attempt, (a) => ` (attempt ${a})`) +
      '.',
  }),
  paused: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} paused`,
    text: `Waiting for a person: ${pauseWording(f.pauseReason)}${part(f.step, (s) => ` at step ${s}`)}. Promote or abort it with \`vane promote\` / \`vane abort\`.`,
  }),
  promoted: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} promoted`,
    text: `${f.images || 'The new revision'} now serves all traffic${part(f.by, (b) => ` (promoted by ${b}${part(f.reason, (r) => `, ${r}`)})`)}.`,
  }),
  aborted: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} aborted`,
    text:
      (f.metric !== ''
        ? `Metric ${f.metric}${part(f.value, (v) => ` measured ${v}`)} failed the analysis${part(f.analysisRun, (r) => ` (AnalysisRun ${r})`)}`
        : `Aborted${part(f.by, (b) => ` by ${b}`)}${part(f.reason, (r) => ` (${r})`)}`) +
      part(f.message, (m) => `: ${m}`) +
      '. Traffic goes back to the stable version.',
  }),
  rolledBack: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} reverted in git`,
    text: `Revert commit ${f.revertCommit} pushed${part(f.revertRepoURL, (r) => ` to ${r}`)}${part(f.commit, (c) => `, undoing ${f.shortCommit || c}`)}.`,
  }),
  healthy: (f) => ({
    title: `${f.namespace}/${f.rollout}: healthy again`,
    text: `The stable version serves all traffic again${part(f.timeToRestore, (t) => `, ${t} after the failure`)}${part(f.revertCommit, (c) => ` (revert ${c.slice(0, 12)})`)}.`,
  }),
  stuck: (f) => ({
    title: `${f.namespace}/${f.rollout}: release ${f.revision} stuck`,
    text: `No progress for ${f.deadline || 'the progress deadline'}; the release is aborted and traffic goes back to the stable version.`,
  }),
};

function pauseWording(reason: string): string {
  switch (reason) {
    case 'CanaryPauseStep':
      return 'a pause step without duration';
    case 'BlueGreenPause':
      return 'the preview is up and awaits promotion';
    case 'InconclusiveAnalysis':
      return 'the analysis was inconclusive';
    case 'UserPause':
      return 'paused by a user';
    default:
      return reason || 'paused';
  }
}

/** The title and text of an event: the default wording, with whichever of the two the override sets rendered instead. */
export function wordingFor(event: NotificationEvent, fields: TemplateFields, override?: MessageTemplate): Required<MessageTemplate> {
  const wording = DEFAULTS[event](fields);
  return {
    title: override?.title !== undefined ? renderTemplate(override.title, fields) : wording.title,
    text: override?.text !== undefined ? renderTemplate(override.text, fields) : wording.text,
  };
}

/** `45s`, `4m 12s`, `2h 5m`: how long, for people (seconds resolution). */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}
