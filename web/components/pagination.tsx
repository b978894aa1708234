import Link from 'next/link';

/**
 * Links to the previous and next page of a list that the server pages with
 * cursors. `hrefFor` builds the link for a cursor (undefined for the first page).
 */
export function Pagination(props: {
  totalCount?: number | null;
  shown: number;
  nextCursor?: string | null;
  isFirstPage: boolean;
  hrefFor: (cursor: string | undefined) => string;
}) {
  if (props.isFirstPage && !props.nextCursor) {
    return props.totalCount ? <p className="pagination">{countLabel(props.totalCount)}</p> : null;
  }
  return (
    <nav className="pagination" aria-label="Pages">
      {props.isFirstPage ? <span /> : (
        <Link className="button secondary small" href={props.hrefFor(undefined)}>
          First page
        </Link>
      )}
      <span>
        {props.shown} shown{props.totalCount ? ` of ${props.totalCount}` : ''}
      </span>
      {props.nextCursor ? (
        <Link className="button secondary small" href={props.hrefFor(props.nextCursor)} rel="next">
          Next page
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

function countLabel(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}
