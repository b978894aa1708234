import type { ActionResult } from '@/lib/action-result';

/** The outcome of a form's action: an error in words, or a confirmation. */
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
