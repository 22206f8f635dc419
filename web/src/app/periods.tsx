import { periodState } from '../../../functions/domain/evaluation/period';
import type { PeriodWithForms } from '../../../functions/domain/evaluation/period-admin';
import { local } from './i18n';

/**
 * The period a staff page shows, kept in its URL as `?period=` so that a reload or a shared link shows the
 * same one: the period in the URL, else the one open now, else the newest.
 */
export function pickPeriod(periods: readonly PeriodWithForms[], wanted: string | null = new URLSearchParams(location.search).get('period')): string {
  if (wanted && periods.some((p) => p.periodId === wanted)) return wanted;
  const open = periods.find((p) => periodState(p, new Date()) === 'open');
  return (open ?? periods[0])?.periodId ?? '';
}

/** Puts the chosen period in the URL without a new history entry. */
export function keepPeriodInUrl(periodId: string): void {
  const url = new URL(location.href);
  url.searchParams.set('period', periodId);
  history.replaceState(null, '', url);
}

/**
 * The period picker of a staff page: a labelled select of the periods, which keeps the choice in the URL
 * and tells the page, which then loads what it shows of that period.
 */
export function PeriodField({ periods, value, label, onPick }: { periods: readonly PeriodWithForms[]; value: string; label: string; onPick: (periodId: string) => void }) {
  return (
    <div class="field">
      <label for="period">{label}</label>
      <select
        id="period"
        value={value}
        onChange={(e) => {
          const periodId = (e.currentTarget as HTMLSelectElement).value;
          keepPeriodInUrl(periodId);
          onPick(periodId);
        }}
      >
        {periods.map((p) => (
          <option key={p.periodId} value={p.periodId}>
            {local(p.name)}
          </option>
        ))}
      </select>
    </div>
  );
}
