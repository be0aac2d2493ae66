// Turns git's failures (exit status plus English stderr) into VaneErrors whose code says what went wrong.
import { VaneError, type VaneErrorCode } from '../errors.js';
import { redactUrl } from './repo-url.js';

/** A failed git command: the typed code for callers, git's own words (redacted) kept for the message. */
export class GitCommandError extends VaneError {
  readonly operation: string;

  constructor(code: VaneErrorCode, operation: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GitCommandError';
    this.operation = operation;
  }

  /** The remote moved between our fetch and our push: fetch, rebase and try again. */
  get isStalePush(): boolean {
    return this.code === 'Conflict';
  }
}

const RULES: ReadonlyArray<{ code: VaneErrorCode; pattern: RegExp }> = [
  { code: 'Timeout', pattern: /block timeout reached|timed out after/i },
  { code: 'Conflict', pattern: /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info/i },
  { code: 'Forbidden', pattern: /returned error: 403|pre-receive hook declined|protected branch|\[remote rejected\]/i },
  {
    code: 'Unauthorized',
    pattern:
      /authentication failed|returned error: 401|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|host key verification failed|invalid username or password/i,
  },
  {
    code: 'NotFound',
    pattern: /couldn't find remote ref|remote branch .* not found|returned error: 404|repository .* (not found|does not exist)|does not appear to be a git repository/i,
  },
  {
    code: 'Unavailable',
    pattern:
      /could not resolve host|connection refused|failed to connect|couldn't connect|connection timed out|connection reset|unable to access|could not read from remote repository|the remote end hung up|early eof|network is unreachable/i,
  },
];

export function classifyGitFailure(err: unknown, operation: string): GitCommandError {
  if (err instanceof GitCommandError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const detail = summarize(redactUrl(raw));
  const code = RULES.find((rule) => rule.pattern.test(raw))?.code ?? 'Internal';
  return new GitCommandError(code, operation, `git ${operation} failed (${describe(code)}): ${detail}`, { cause: err });
}

function describe(code: VaneErrorCode): string {
  switch (code) {
    case 'Unauthorized':
      return 'authentication was refused; check the credentials secret';
    case 'Forbidden':
      return 'the server refused the change';
    case 'Unavailable':
      return 'the remote is unreachable';
    case 'NotFound':
      return 'not found on the remote';
    case 'Conflict':
      return 'the remote branch moved';
    case 'Timeout':
      return 'git stopped responding';
    default:
      return 'unexpected error';
  }
}

/** git's stderr without hints and blank lines, short enough for a status message. */
function summarize(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('hint:'));
  const text = lines.join(' | ');
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}
