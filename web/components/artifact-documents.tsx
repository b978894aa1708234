import { Time } from '@/components/format';
import type { ImageHistoryStep } from '@/lib/catalog';

/**
 * Returns JSON text indented by two spaces for reading. Text that does not
 * parse is returned unchanged, so the page still shows what the API sent.
 */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Shows a JSON document in a scrollable block. React escapes the text, so markup inside it shows as text. */
export function JsonDocument(props: { label: string; text: string }) {
  return (
    <pre className="block" aria-label={props.label} tabIndex={0}>
      {prettyJson(props.text)}
    </pre>
  );
}

/** Shows the build steps of an image config in a table, oldest first. */
export function HistoryTable(props: { steps: ImageHistoryStep[] }) {
  if (props.steps.length === 0) return <p className="muted">The image config records no build history.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Image history</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Command</th>
            <th scope="col" className="hide-narrow">
              Comment
            </th>
            <th scope="col">Layer</th>
          </tr>
        </thead>
        <tbody>
          {props.steps.map((step, index) => (
            <tr key={index}>
              <td>
                <Time value={step.created} />
              </td>
              <td className="mono break">{step.createdBy ?? '—'}</td>
              <td className="hide-narrow break">{step.comment ?? '—'}</td>
              <td>{step.emptyLayer ? 'No layer' : 'Layer'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
