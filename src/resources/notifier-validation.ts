// Notifier and ClusterNotifier validation: field types, and the rules the structural schema cannot say (exactly one
// sink, sink URLs that are URLs, templates only for known events). Used by `vane lint` and by the notification outbox,
// which marks an invalid notifier Ready=False with these messages and sends nothing through it.
import { FieldChecker, childPath, indexPath, isFields, type Fields } from './field-checker.js';
import type { FieldError } from './field-error.js';
import { NOTIFICATION_EVENTS } from './notifier.js';
import { SINK_FIELDS } from './notifier-schema.js';
import { checkResourceHeader } from './resource-header.js';
import { checkRequirement } from './rollout-validation.js';

const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Every problem with `obj` as a Notifier; empty when it is valid. */
export function validateNotifier(obj: unknown): FieldError[] {
  return validate(obj, 'Notifier');
}

/** Every problem with `obj` as a ClusterNotifier; empty when it is valid. */
export function validateClusterNotifier(obj: unknown): FieldError[] {
  return validate(obj, 'ClusterNotifier');
}

function validate(obj: unknown, kind: 'Notifier' | 'ClusterNotifier'): FieldError[] {
  const c = new FieldChecker();
  const spec = checkResourceHeader(c, obj, [kind]);
  if (spec === undefined) return c.errors;
  checkOptionalSelector(c, spec.selector, 'spec.selector');
  if (kind === 'ClusterNotifier') checkOptionalSelector(c, spec.namespaceSelector, 'spec.namespaceSelector');
  else if (spec.namespaceSelector !== undefined) c.add('spec.namespaceSelector', 'is only for a ClusterNotifier: a Notifier covers the Rollouts of its own namespace');
  checkEvents(c, spec.events, 'spec.events');
  c.boolean(spec.suspend, 'spec.suspend');
  checkSink(c, spec);
  checkTemplates(c, spec.templates, 'spec.templates');
  return c.errors;
}

/** An absent or empty selector selects everything; a present one must be well formed. */
function checkOptionalSelector(c: FieldChecker, value: unknown, path: string): void {
  const sel = c.object(value, path);
  if (sel === undefined) return;
  c.stringMap(sel.matchLabels, childPath(path, 'matchLabels'));
  const expressionsPath = childPath(path, 'matchExpressions');
  (c.list(sel.matchExpressions, expressionsPath) ?? []).forEach((e, i) => checkRequirement(c, e, indexPath(expressionsPath, i)));
}

function checkEvents(c: FieldChecker, value: unknown, path: string): void {
  const events = c.list(value, path, { nonEmpty: true }) ?? [];
  events.forEach((e, i) => c.oneOf(e, indexPath(path, i), NOTIFICATION_EVENTS, { required: true }));
  const seen = new Set<unknown>();
  events.forEach((e, i) => {
    if (seen.has(e)) c.add(indexPath(path, i), `duplicate event ${JSON.stringify(e)}`);
    seen.add(e);
  });
}

function checkSink(c: FieldChecker, spec: Fields): void {
  const set = SINK_FIELDS.filter((k) => spec[k] !== undefined);
  if (set.length !== 1) {
    const names = SINK_FIELDS.map((k) => `spec.${k}`).join(', ');
    c.add('spec', set.length === 0 ? `must set exactly one sink: one of ${names}` : `must set exactly one sink of ${names}; found ${set.map((k) => `spec.${k}`).join(' and ')}`);
    return;
  }
  const sink = set[0] as (typeof SINK_FIELDS)[number];
  const path = `spec.${sink}`;
  const value = c.object(spec[sink], path, { required: true });
  if (value === undefined) return;
  if (sink === 'webhook') {
    checkUrl(c, value.url, childPath(path, 'url'), true);
    if (value.secretRef !== undefined) checkSecretRef(c, value.secretRef, childPath(path, 'secretRef'));
  } else if (sink === 'github') {
    checkGitHub(c, value, path);
  } else {
    checkSecretRef(c, value.urlSecretRef, childPath(path, 'urlSecretRef'));
  }
}

function checkGitHub(c: FieldChecker, value: Fields, path: string): void {
  checkSecretRef(c, value.tokenSecretRef, childPath(path, 'tokenSecretRef'));
  checkUrl(c, value.apiURL, childPath(path, 'apiURL'), false);
  const repository = c.string(value.repository, childPath(path, 'repository'));
  if (repository !== undefined && !GITHUB_REPOSITORY.test(repository)) c.add(childPath(path, 'repository'), `must be "owner/name", got ${JSON.stringify(repository)}`);
  c.boolean(value.commitStatuses, childPath(path, 'commitStatuses'));
  c.boolean(value.deployments, childPath(path, 'deployments'));
  c.string(value.environment, childPath(path, 'environment'));
  c.string(value.context, childPath(path, 'context'));
  if (value.commitStatuses === false && value.deployments === false) c.add(path, 'sends nothing with both commitStatuses and deployments false; set one of them, or suspend the notifier');
}

function checkUrl(c: FieldChecker, value: unknown, path: string, required: boolean): void {
  const text = c.string(value, path, { required });
  if (text === undefined) return;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    c.add(path, `must be an absolute http or https URL, got ${JSON.stringify(text)}`);
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') c.add(path, `must be an http or https URL, got scheme ${JSON.stringify(url.protocol.slice(0, -1))}`);
}

function checkSecretRef(c: FieldChecker, value: unknown, path: string): void {
  const ref = c.object(value, path, { required: true });
  if (ref === undefined) return;
  c.name(ref.name, childPath(path, 'name'), 'dns1123Subdomain', { required: true });
  c.string(ref.key, childPath(path, 'key'), { required: true });
}

function checkTemplates(c: FieldChecker, value: unknown, path: string): void {
  const templates = c.object(value, path);
  if (templates === undefined) return;
  c.unknownKeys(templates, path, NOTIFICATION_EVENTS, 'event');
  for (const event of NOTIFICATION_EVENTS) {
    const at = childPath(path, event);
    const template = c.object(templates[event], at);
    if (template === undefined) continue;
    c.string(template.title, childPath(at, 'title'));
    c.string(template.text, childPath(at, 'text'));
    if (isFields(template) && template.title === undefined && template.text === undefined) c.add(at, 'must set title or text');
  }
}
