import type { CatalogResult } from '@/lib/catalog';
import { ErrorState, UnavailableState } from './states';

/**
 * Renders the state of catalog data that did not load, because this API does not
 * offer it or the request failed. Returns null when the data loaded.
 */
export function CatalogStatus<T>(props: { result: CatalogResult<T>; what: string; signedIn: boolean }) {
  if (props.result.status === 'unavailable') return <UnavailableState what={props.what} />;
  if (props.result.status === 'error') return <ErrorState error={props.result.error} signedIn={props.signedIn} />;
  return null;
}
