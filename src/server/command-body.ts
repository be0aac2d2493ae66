// The body of a command request: optional, a JSON object, with only the fields the command knows
// (`{"full": true}` on promote); anything else is a 400 naming the field.
import { VaneError } from '../errors.js';
import type { CommandAction } from '../resources/rollout.js';

export type CommandVerb = 'promote' | 'abort' | 'retry' | 'pause' | 'resume' | 'rollback-retry';

export const COMMAND_VERBS: readonly CommandVerb[] = ['promote', 'abort', 'retry', 'pause', 'resume', 'rollback-retry'];

const FIELDS: Record<CommandVerb, readonly string[]> = {
  promote: ['full'],
  abort: [],
  retry: [],
  pause: [],
  resume: [],
  'rollback-retry': [],
};

/** The action a request asks for; throws BadRequest naming the offending field. */
export function commandAction(verb: CommandVerb, body: unknown): CommandAction {
  if (body === undefined || body === null) return verb;
  if (typeof body !== 'object' || Array.isArray(body)) throw new VaneError('BadRequest', 'body: must be a JSON object');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS[verb].includes(key)) throw new VaneError('BadRequest', `${key}: unknown field for ${verb}${FIELDS[verb].length ? ` (known: ${FIELDS[verb].join(', ')})` : ' (it takes no body)'}`);
  }
  const full = fields.full;
  if (full !== undefined && typeof full !== 'boolean') throw new VaneError('BadRequest', 'full: must be a boolean');
  return verb === 'promote' && full === true ? 'promote-full' : verb;
}
