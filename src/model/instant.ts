/** ISO 8601 UTC text of an epoch-ms instant (formatting a given instant; never reads the clock). */
export function isoInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
