/**
 * The time zone the platform's users live by (China Standard Time, UTC+8, no daylight saving): periods
 * open and close at its midnights, and pages show times in it whatever zone the device is set to.
 */
export const TIME_ZONE = 'Asia/Shanghai';
export const TIME_ZONE_OFFSET = '+08:00';

const CST_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The calendar and clock parts of an instant in China Standard Time, each zero-padded (`06`, `09`). */
export function cstParts(iso: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const parts = Object.fromEntries(CST_PARTS.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** An instant as people in China read it in a file: `2026-06-15 10:00:00` (China Standard Time). */
export function formatInstantCst(iso: string): string {
  const p = cstParts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
