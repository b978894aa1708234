import type { Label } from '@/lib/catalog';

const COLOR = /^#[0-9a-f]{6}$/i;

/** Artifact labels as badges. Names are text; a colour is used only when it is #rrggbb. */
export function Labels(props: { labels: Label[] }) {
  if (props.labels.length === 0) return <span className="muted">none</span>;
  return (
    <span className="badges">
      {props.labels.map((label) => (
        <span
          key={label.name}
          className="badge label"
          style={label.color && COLOR.test(label.color) ? { borderColor: label.color, boxShadow: `inset 4px 0 0 ${label.color}` } : undefined}
        >
          {label.name}
        </span>
      ))}
    </span>
  );
}
