// The body of a command request: optional, a JSON object, with only the fields the command knows
// (`{"full": true}` on promote, `{"reason": "..."}` on abort); anything else is a 400 naming the field.
import { VaneError } from '../errors.js';
import { COMMAND_REASON_MAX_LENGTH, type CommandAction } from '../resources/rollout.js';

export type CommandVerb = 'promote' | 'abort' | 'retry' | 'pause' | 'resume' | 'rollback-retry';

export const COMMAND_VERBS: readonly CommandVerb[] = ['promote', 'abort', 'retry', 'pause', 'resume', 'rollback-retry'];

const FIELDS: Record<CommandVerb, readonly string[]> = {
  promote: ['full'],
  abort: ['reason'],
  retry: [],
  pause: [],
  resume: [],
  'rollback-retry': [],
};

/** What a request asks for: the action, and the reason given with it. */
export interface CommandRequest {
  action: CommandAction;
  reason?: string;
}

/** The action a request asks for; throws BadRequest naming the offending field. */
export function commandAction(verb: CommandVerb, body: unknown): CommandAction {
  return commandRequest(verb, body).action;
}

/** The action and reason a request asks for; throws BadRequest naming the offending field. */
export function commandRequest(verb: CommandVerb, body: unknown): CommandRequest {
  if (body === undefined || body === null) return { action: verb };
  if (typeof body !== 'object' || Array.isArray(body)) throw new VaneError('BadRequest', 'body: must be a JSON object');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS[verb].includes(key)) throw new VaneError('BadRequest', `${key}: unknown field for ${verb}${FIELDS[verb].length ? ` (known: ${FIELDS[verb].join(', ')})` : ' (it takes no body)'}`);
  }
  const full = fields.full;
  if (full !== undefined && typeof full !== 'boolean') throw new VaneError('BadRequest', 'full: must be a boolean');
  const reason = commandReason(fields.reason);
  return { action: verb === 'promote' && full === true ? 'promote-full' : verb, ...(reason === undefined ? {} : { reason }) };
}

/** A reason as written into status: trimmed text of at most COMMAND_REASON_MAX_LENGTH characters, or none. */
export function commandReason(value: unknown, field = 'reason'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new VaneError('BadRequest', `${field}: must be a string`);
  const reason = value.trim();
  if (reason === '') throw new VaneError('BadRequest', `${field}: must not be empty`);
  if (reason.length > COMMAND_REASON_MAX_LENGTH) throw new VaneError('BadRequest', `${field}: at most ${COMMAND_REASON_MAX_LENGTH} characters; got ${reason.length}`);
  return reason;
}
