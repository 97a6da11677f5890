/**
 * Times are stored as UTC ISO strings; people read and filter them in Beijing time (UTC+8, no
 * daylight saving). Client-safe: no server imports.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** "2026-03-01T06:05:09.123Z" → "2026-03-01 14:05:09" (Beijing time). */
export function formatBeijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The UTC instant at which a Beijing calendar day ("2026-03-01") starts. */
export function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - OFFSET_MS);
}

/** Today's date in Beijing, "YYYY-MM-DD". */
export function beijingToday(now = new Date()): string {
  return new Date(now.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}
