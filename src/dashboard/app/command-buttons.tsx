// The commands a person may send to a rollout: one button each, enabled only when the API says the caller may send
// it now (RBAC, no pending command, the state machine accepts it), with the reason shown when not; abort asks why.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { AgeText } from './age-text.js';
import type { ActionAvailability, CommandAck, DashboardAction, RolloutCommand } from './api-types.js';
import { ACTIONS, REASON_MAX_LENGTH, commandReasons, commandRequest } from './rollout-commands.js';

type Result = { ok: boolean; text: string };

export function CommandButtons(props: {
  client: ApiClient;
  namespace: string;
  name: string;
  actions: Partial<Record<DashboardAction, ActionAvailability>> | undefined;
  /** A command written to the status that the controller has not acknowledged yet. */
  pending?: RolloutCommand | undefined;
  /** The controller's answer to the last command it carried out. */
  last?: CommandAck | undefined;
  now: number;
  onSent: () => void;
}): JSX.Element {
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [result, setResult] = useState<Result | undefined>();
  const [aborting, setAborting] = useState(false);
  const [reason, setReason] = useState('');

  const send = async (action: DashboardAction, why?: string): Promise<void> => {
    // Buttons stay enabled while a command is in flight (disabling one drops the keyboard focus); presses meanwhile are ignored.
    if (inFlight.current) return;
    inFlight.current = true;
    const { path, body } = commandRequest(props.namespace, props.name, action, why);
    setBusy(true);
    setResult(undefined);
    try {
      await props.client.post(path, body);
      setResult({ ok: true, text: `${action} accepted` });
      setAborting(false);
      setReason('');
    } catch (err) {
      setResult({ ok: false, text: err instanceof ApiRequestError ? `${action}: ${err.message}` : `${action} failed: ${String(err)}` });
    } finally {
      inFlight.current = false;
      setBusy(false);
      props.onSent();
    }
  };

  const reasons = commandReasons(props.actions);
  return (
    <section class="card commands" aria-labelledby="commands-title">
      <h2 id="commands-title">Commands</h2>
      <div class="command-grid">
        {ACTIONS.map(({ action, label }) => {
          const availability = props.actions?.[action];
          const allowed = availability?.allowed === true;
          const why = availability === undefined ? 'not offered by this server' : availability.reason;
          const own = availability === undefined ? why : reasons.perAction[action];
          const describedBy = [own !== undefined ? `action-reason-${action}` : '', reasons.shared !== undefined ? 'commands-why' : ''].filter(Boolean).join(' ');
          return (
            <div class="command" key={action}>
              <button
                type="button"
                class={action === 'abort' ? 'danger' : action === 'promote' || action === 'promote-full' ? 'primary' : ''}
                data-testid={`action-${action}`}
                disabled={!allowed}
                aria-busy={busy}
                title={allowed ? undefined : why}
                aria-describedby={allowed || describedBy === '' ? undefined : describedBy}
                onClick={() => (action === 'abort' ? setAborting(true) : void send(action))}
              >
                {label}
              </button>
              {!allowed && own !== undefined && (
                <span class="command-reason" id={`action-reason-${action}`} data-testid={`action-reason-${action}`}>
                  {own}
                </span>
              )}
            </div>
          );
        })}
      </div>
      {reasons.shared !== undefined && (
        <p class="command-reason shared" id="commands-why" data-testid="commands-why">
          {reasons.shared}
        </p>
      )}
      {aborting && (
        <form
          class="abort-form"
          data-testid="abort-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send('abort', reason);
          }}
        >
          <label for="abort-reason">Why abort? (kept in the status, the Event and the audit log)</label>
          <input
            id="abort-reason"
            data-testid="abort-reason"
            type="text"
            maxLength={REASON_MAX_LENGTH}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            autoFocus
          />
          <div class="form-buttons">
            <button type="submit" class="danger" data-testid="abort-confirm" disabled={busy}>
              Abort the release
            </button>
            <button type="button" onClick={() => setAborting(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <p class={`action-result ${result?.ok === false ? 'error' : 'ok'}`} role="status" data-testid="action-result">
        {result?.text ?? ''}
      </p>
      {props.pending && (
        <p class="command-state" data-testid="pending-command">
          {props.pending.action} by {props.pending.actor}, sent <AgeText at={props.pending.time} now={props.now} />: waiting for the controller
        </p>
      )}
      {props.last && (
        <p class={`command-state ${props.last.result === 'Rejected' ? 'error' : ''}`} data-testid="last-command">
          The controller's answer to {props.last.action}, <AgeText at={props.last.time} now={props.now} />: {props.last.result}
          {props.last.message ? ` — ${props.last.message}` : ''}
        </p>
      )}
    </section>
  );
}
