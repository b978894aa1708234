import Link from 'next/link';

/**
 * Renders a search form that filters one list by text through the `q` query parameter.
 * It is a plain GET form, so it works with the keyboard and without scripts.
 */
export function FilterForm(props: { action: string; label: string; placeholder: string; value?: string }) {
  const id = `filter-${props.action.replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <form className="toolbar" action={props.action} role="search">
      <div className="inline-form">
        <div className="field">
          <label htmlFor={id} className="visually-hidden">
            {props.label}
          </label>
          <input id={id} type="search" name="q" defaultValue={props.value} placeholder={props.placeholder} />
        </div>
        <button type="submit" className="button secondary">
          Filter
        </button>
        {props.value && <Link href={props.action}>Clear</Link>}
      </div>
    </form>
  );
}
