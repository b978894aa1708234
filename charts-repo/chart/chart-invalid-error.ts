/**
 * Raised for a chart archive, Chart.yaml or provenance file that Wharf rejects.
 * `status` is 400, or 413 when a size limit was exceeded.
 */
export class ChartInvalidError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'ChartInvalidError';
  }
}
