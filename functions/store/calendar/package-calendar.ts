// The package's own data file: the official schedules alone (37 KB of JSON), without the lunar calendar and
// solar-term code of its entry module, which would also rebuild the same maps at every cold start.
import data from 'chinese-days/dist/chinese-days.json';
import type { NamedDay, OfficialYear } from '../../domain/calendar/calendar';

/**
 * The official schedules (放假安排) chinese-days ships, year by year. The package's data maps each date to
 * `"<English name>,<中文名>,<days>"`: `holidays` the days off, `workdays` the make-up working days (调休).
 *
 * The years covered are the years the data has holidays in — derived, never a literal: every year has
 * New Year's Day off, and a year the package has not been updated for has none (1.5.7 knows 2004–2026
 * and calls 2027-01-01 a working day).
 */
export function packageYears(source: { holidays: Record<string, string>; workdays: Record<string, string> } = data): OfficialYear[] {
  const years = new Map<number, { holidays: NamedDay[]; workdays: NamedDay[] }>();
  const add = (list: 'holidays' | 'workdays', date: string, value: string) => {
    const year = Number(date.slice(0, 4));
    if (!years.has(year)) years.set(year, { holidays: [], workdays: [] });
    years.get(year)![list].push({ date, name: nameOf(value) });
  };
  for (const [date, value] of Object.entries(source.holidays)) add('holidays', date, value);
  const covered = new Set(years.keys());
  // Coverage is decided by the holidays alone: a stray make-up day in an otherwise unknown year must not make it look covered.
  for (const [date, value] of Object.entries(source.workdays)) if (covered.has(Number(date.slice(0, 4)))) add('workdays', date, value);
  const sorted = (days: NamedDay[]) => days.sort((a, b) => a.date.localeCompare(b.date));
  return [...years]
    .map(([year, days]) => ({ year, holidays: sorted(days.holidays), workdays: sorted(days.workdays) }))
    .sort((a, b) => a.year - b.year);
}

/** `"Spring Festival,春节,4"` → both names (the English one may itself hold a comma). */
function nameOf(value: string): NamedDay['name'] {
  const parts = value.split(',');
  const zh = parts.at(-2) ?? value;
  const en = parts.slice(0, -2).join(',') || value;
  return { 'zh-CN': zh, en };
}
