import type { CatalogResult } from '@/lib/catalog';
import { ErrorState, UnavailableState } from './states';

/**
 * The state to show for catalog data that did not load: not offered by this API,
 * or failed. Returns null when the data loaded.
 */
export function CatalogStatus<T>(props: { result: CatalogResult<T>; what: string; signedIn: boolean }) {
  if (props.result.status === 'unavailable') return <UnavailableState what={props.what} />;
  if (props.result.status === 'error') return <ErrorState error={props.result.error} signedIn={props.signedIn} />;
  return null;
}
