import type { AuditEvent } from '@/lib/identity';
import { Time } from './format';

/** Audit events: when, who, from where, what and on which resource. */
export function AuditTable(props: { events: AuditEvent[] }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Audit events</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Resource</th>
            <th scope="col" className="hide-narrow">
              Address
            </th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((event) => (
            <tr key={event.id}>
              <td>
                <Time value={event.occurredAt} />
              </td>
              <td className="break">
                {event.actor} <span className="muted">({event.actorKind})</span>
              </td>
              <td>
                {event.action}
                {event.outcome !== 'success' && <span className="badge danger"> {event.outcome}</span>}
                {event.count > 1 && <span className="muted"> ×{event.count}</span>}
              </td>
              <td className="break">
                <code>{event.resource}</code>
              </td>
              <td className="hide-narrow">{event.clientIp ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
