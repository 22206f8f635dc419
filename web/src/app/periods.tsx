import { useSignal, type Signal } from '@preact/signals';
import { periodState } from '../../../functions/domain/evaluation/period';
import type { PeriodWithForms } from '../../../functions/domain/evaluation/period-admin';
import { listPeriods } from '../../../functions/routes/evaluation';
import { call } from './api';
import { failureOf } from './components/fields';
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

/** Lists the periods and picks the one the page shows, kept in the URL. Throws ApiError or NetworkError. */
export async function loadPeriodChoice(): Promise<{ periods: PeriodWithForms[]; periodId: string }> {
  const periods = (await call(listPeriods, {})).periods;
  const periodId = pickPeriod(periods);
  if (periodId) keepPeriodInUrl(periodId);
  return { periods, periodId };
}

/**
 * The periods a staff page offers and the one it shows, and how it loads them: the list, the pick (as
 * above), then `then`, which loads what the page shows of that period. A failure lands in `problem`.
 */
export function usePeriodChoice(problem: Signal<string | undefined>, then: () => Promise<void>) {
  const periods = useSignal<PeriodWithForms[] | undefined>(undefined);
  const periodId = useSignal('');
  const load = async () => {
    problem.value = undefined;
    try {
      const got = await loadPeriodChoice();
      periods.value = got.periods;
      periodId.value = got.periodId;
      await then();
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };
  return { periods, periodId, load };
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
