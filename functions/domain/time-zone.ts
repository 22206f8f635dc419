/**
 * The time zone the platform's users live by (China Standard Time, UTC+8, no daylight saving): periods
 * open and close at its midnights, and pages show times in it whatever zone the device is set to.
 */
export const TIME_ZONE = 'Asia/Shanghai';
export const TIME_ZONE_OFFSET = '+08:00';

/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The calendar and clock parts of an instant in China Standard Time, each zero-padded (`06`, `09`).
 * Plain arithmetic on the fixed offset rather than an `Intl.DateTimeFormat` for Asia/Shanghai: the same
 * answer for every instant since 1991, without loading the time-zone data at every function's cold start.
 */
export function cstParts(iso: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const at = new Date(Date.parse(iso) + CST_OFFSET_MS);
  return {
    year: pad(at.getUTCFullYear(), 4),
    month: pad(at.getUTCMonth() + 1),
    day: pad(at.getUTCDate()),
    hour: pad(at.getUTCHours()),
    minute: pad(at.getUTCMinutes()),
    second: pad(at.getUTCSeconds()),
  };
}

/** An instant as people in China read it in a file: `2026-06-15 10:00:00` (China Standard Time). */
export function formatInstantCst(iso: string): string {
  const p = cstParts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
