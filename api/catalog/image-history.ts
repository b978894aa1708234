/** One entry of an image config's `history` array, as the OCI image spec defines it. */
export interface ImageHistoryEntry {
  /** Creation time as the config writes it (RFC 3339), or null when absent. */
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  /** True when the step added no layer, such as ENV or CMD. */
  emptyLayer: boolean;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Parses the `history` array of an image config's JSON text, oldest step
 * first. Returns an empty list when the config has no history, and skips
 * entries that are not objects.
 */
export function parseImageHistory(configText: string): ImageHistoryEntry[] {
  const config = JSON.parse(configText) as { history?: unknown };
  if (!Array.isArray(config.history)) return [];

  return config.history
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry))
    .map((entry) => ({
      created: optionalText(entry.created),
      createdBy: optionalText(entry.created_by),
      comment: optionalText(entry.comment),
      emptyLayer: entry.empty_layer === true,
    }));
}
