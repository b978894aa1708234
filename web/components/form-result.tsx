import type { ActionResult } from '@/lib/action-result';

/** Renders the outcome of a form's action: a readable error or a confirmation. */
export function FormResult(props: { result: ActionResult | undefined }) {
  const result = props.result;
  if (!result) return null;
  if (!result.ok) {
    return (
      <div className="notice error" role="alert">
        <strong>{result.error.title}.</strong> {result.error.message}
      </div>
    );
  }
  if (!result.message) return null;
  return (
    <div className="notice success" role="status">
      {result.message}
    </div>
  );
}
