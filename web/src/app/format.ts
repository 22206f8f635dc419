import { TIME_ZONE, TIME_ZONE_OFFSET, cstParts } from '../../../functions/domain/time-zone';
import { lang } from './i18n';

/**
 * Numbers and times as people read them: every time in China Standard Time whatever zone the device is
 * set to, in the current language's conventions.
 */

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(new Date(iso));
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: 'medium', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** A fraction in [0, 1] as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return new Intl.NumberFormat(lang.value, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
}

/** A score in points with one decimal. */
export const formatScore = (x: number): string => x.toFixed(1);

/** An instant as the value of an `<input type="datetime-local">` that means China Standard Time. */
export function toCstInput(iso: string): string {
  const p = cstParts(iso);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a `datetime-local` value entered in China Standard Time means (ISO 8601 with +08:00); undefined if empty or malformed. */
export function fromCstInput(value: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00${TIME_ZONE_OFFSET}` : undefined;
}
