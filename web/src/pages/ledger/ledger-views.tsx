import { signal } from '@preact/signals';
import { DEFAULT_LEDGER_CATEGORIES, type LedgerCategory, type LedgerItem, type LedgerState } from '../../../../functions/domain/ledger/ledger';
import { LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import { getLedgerCategories } from '../../../../functions/routes/ledger';
import { call } from '../../app/api';
import { local, messages } from '../../app/i18n';
import { staff } from '../../app/session';
import { ledgerStaff } from '../../messages/ledger';
import { formatCstDay } from '../cases/case-views';

/**
 * What the ledger pages (ledger.html, ledger-item.html) show alike: an item's state as a badge, its
 * deadline, the problem categories by name, and whether the signed-in person supervises.
 */

/** Supervisors and admins see every item and act as the supervising office (作风办). */
export const isSupervisor = (): boolean => Boolean(staff.value?.roles.some((r) => r === 'supervisor' || r === 'admin'));

/** A ledger item's state as a badge (its colour by state, its text in the page's language). */
export function LedgerStateBadge({ state, id }: { state: LedgerState; id?: string }) {
  return (
    <span id={id} class={`badge ledger-state ledger-state-${state}`} data-state={state}>
      {local(LEDGER_STATE_LABELS[state])}
    </span>
  );
}

/** The deadline as it was given: working days, or the day itself. */
export function deadlineText(item: Pick<LedgerItem, 'deadline'>): string | undefined {
  const m = messages(ledgerStaff);
  if (!item.deadline) return undefined;
  return 'workingDays' in item.deadline ? m.deadlineDays({ days: item.deadline.workingDays }) : formatCstDay(item.deadline.date);
}

/** The problem categories in force (the defaults until they are loaded, or if loading fails). */
export const categories = signal<readonly LedgerCategory[]>(DEFAULT_LEDGER_CATEGORIES);
let started = false;

/** Loads the categories once per page; the pages re-render when they arrive. */
export function loadCategories(): void {
  if (started) return;
  started = true;
  call(getLedgerCategories, {}).then(
    (res) => (categories.value = res.categories),
    (err: unknown) => console.error(err),
  );
}

/** A category's name in the page's language, or its id when it is no longer in the list. */
export function categoryName(id: string): string {
  const found = categories.value.find((c) => c.id === id);
  return found ? local(found.name) : id;
}
