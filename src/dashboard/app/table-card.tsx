// A titled card holding one table that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it),
// or a line saying there is nothing to show: the ReplicaSets, the release history and the Events are each one.
import type { ComponentChildren, JSX } from 'preact';

export function TableCard(props: { id: string; title: string; testId?: string; columns: readonly string[]; empty?: string; children: ComponentChildren }): JSX.Element {
  const titleId = `${props.id}-title`;
  const rows = Array.isArray(props.children) ? props.children.length : props.children ? 1 : 0;
  return (
    <section class="card" data-testid={props.testId} aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      {rows === 0 && props.empty !== undefined ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <div class="table-scroll" tabIndex={0} aria-labelledby={titleId}>
          <table>
            <thead>
              <tr>
                {props.columns.map((column) => (
                  <th scope="col" key={column}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{props.children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
