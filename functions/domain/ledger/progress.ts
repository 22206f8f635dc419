import * as z from 'zod/mini';
import { LEDGER_DONE_STATES, LEDGER_STATES, ZLedgerItem, isLedgerOverdue, type LedgerItem, type LedgerState } from './ledger';

/**
 * Ledger progress (整改进度) as supervisors report it: how many items are in each state, how many are
 * overdue, and the completion rate (整改完成率) with its numerator and denominator:
 *
 * | figure                     | numerator                                  | denominator                                        |
 * |----------------------------|--------------------------------------------|----------------------------------------------------|
 * | completionRate (整改完成率) | items closed (销号) or published (公示)     | items on the ledger: every item past IDENTIFIED     |
 *
 * A problem only identified (查摆) has no measures nor deadline yet, so it is not yet owed and not counted.
 * `overdue`: items whose unit still owes the work (LEDGERED, IN_PROGRESS) past their deadline.
 */

const ZByState = z.object(Object.fromEntries(LEDGER_STATES.map((s) => [s, z.int()])) as Record<LedgerState, z.ZodMiniInt>);

export const ZLedgerProgress = z
  .object({
    /** Items in each state. */
    byState: ZByState,
    /** Every item counted (all states). */
    total: z.int(),
    overdue: z.int(),
    /** Closed or published items: the completion rate's numerator. */
    completed: z.int(),
    /** Items on the ledger (every state but IDENTIFIED): the completion rate's denominator. */
    ledgered: z.int(),
    /** completed / ledgered; null when nothing is on the ledger. */
    completionRate: z.nullable(z.number()),
  })
  .register(z.globalRegistry, { id: 'LedgerProgress', description: 'Ledger items by state, overdue, and 整改完成率 with numerator and denominator.' });
export type LedgerProgress = z.infer<typeof ZLedgerProgress>;

/** A ledger view: its items (oldest first) and their progress. */
export const ZLedgerList = z.object({ items: z.array(ZLedgerItem), progress: ZLedgerProgress }).register(z.globalRegistry, { id: 'LedgerList' });
export type LedgerList = z.infer<typeof ZLedgerList>;

/**
 * The progress of these items at `now` (see the table above): counts by state, overdue, and 整改完成率 =
 * closed-or-published / every item on the ledger (past IDENTIFIED). Pure: the weekly briefing and the ledger
 * views count with the same function.
 */
export function ledgerProgress(items: readonly Pick<LedgerItem, 'state' | 'dueAt'>[], now: Date): LedgerProgress {
  const byState = Object.fromEntries(LEDGER_STATES.map((s) => [s, 0])) as Record<LedgerState, number>;
  let overdue = 0;
  for (const item of items) {
    byState[item.state]++;
    if (isLedgerOverdue(item, now)) overdue++;
  }
  const completed = LEDGER_DONE_STATES.reduce((sum, s) => sum + byState[s], 0);
  const ledgered = items.length - byState.IDENTIFIED;
  return { byState, total: items.length, overdue, completed, ledgered, completionRate: ledgered === 0 ? null : completed / ledgered };
}
