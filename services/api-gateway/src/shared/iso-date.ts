/** A time as the admin API shows it: ISO 8601 in UTC (`z.iso.datetime()` in the views); null stays null. */
export function toIso(date: Date): string;
export function toIso(date: Date | null): string | null;
export function toIso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
