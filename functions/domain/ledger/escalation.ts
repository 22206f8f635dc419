import { ESCALATION_LADDER, escalationSchedule, ladderIndex, recipientRoles, sweepHorizon, type LadderStep, type ScheduledStep } from '../cases/escalation';
import { fill, type Message } from '../messages';
import type { Notification, Recipients } from '../notifications/notification';
import { NOTIFICATION_MESSAGES, STEP_LABELS } from '../notifications/messages';
import type { WorkingCalendar } from '../working-days';
import { LEDGER_ESCALATING_STATES, type LedgerEvent, type LedgerItem, type LedgerState } from './ledger';
import { applyLedgerAction } from './lifecycle';
import { LEDGER_STATE_LABELS } from './messages';

/**
 * The escalation ladder (cases/escalation.ts: reminder → chase → supervision → public notice, counted in
 * working days from the deadline) climbed by ledger items whose unit still owes the work (LEDGERED,
 * IN_PROGRESS) past their deadline: the same ladder and the same exactly-once rule as a case's — the item
 * moves only from the revision read, with one `escalate` event per step, in one transaction.
 */

export interface LedgerSweepDeps {
  /** The items still owed whose deadline (`dueAt`) is before `before` (a CST day). */
  openLedgerItemsDueBefore(before: string): Promise<LedgerItem[]>;
  loadWorkingCalendar(): Promise<WorkingCalendar>;
  /** The addresses the notification directory has for the item's unit and the supervising office. */
  recipientsOf(unitId: string | null): Promise<Recipients>;
  /**
   * Writes the item, its events and its messages (outbox) if the item is still at `expectedRev`, in one
   * transaction; false when someone acted meanwhile.
   */
  escalateLedgerItem(next: LedgerItem, events: LedgerEvent[], notifications: Notification[], expectedRev: number): Promise<boolean>;
  now(): Date;
}

export interface LedgerSweepReport {
  examined: number;
  escalated: number;
  steps: Partial<Record<LadderStep, number>>;
  conflicts: number;
}

/** The steps an item should take now, in ladder order (none for an item not owed or without a deadline). */
export function ledgerDueSteps(item: Pick<LedgerItem, 'state' | 'dueDate' | 'escalation'>, now: Date, calendar: WorkingCalendar) {
  if (!item.dueDate || !(LEDGER_ESCALATING_STATES as readonly LedgerState[]).includes(item.state)) return [];
  const reached = ladderIndex(item.escalation);
  return escalationSchedule(item.dueDate, calendar).filter((s, index) => index > reached && Date.parse(s.at) <= now.getTime());
}

/** Moves every late ledger item up the ladder; run twice, or twice at once, it takes each step once. Counts only. */
export async function sweepLedgerEscalations(deps: LedgerSweepDeps): Promise<LedgerSweepReport> {
  const now = deps.now();
  const calendar = await deps.loadWorkingCalendar();
  const report: LedgerSweepReport = { examined: 0, escalated: 0, steps: {}, conflicts: 0 };
  for (const found of await deps.openLedgerItemsDueBefore(sweepHorizon(now))) {
    report.examined++;
    const steps = ledgerDueSteps(found, now, calendar);
    if (steps.length === 0) continue;
    let current = found;
    const events: LedgerEvent[] = [];
    for (const { step } of steps) {
      const applied = applyLedgerAction(current, { action: 'escalate', step }, { kind: 'system' }, now, calendar);
      current = applied.item;
      events.push(applied.event);
    }
    const notifications = planLedgerNotifications(found, steps, await deps.recipientsOf(found.unitId), now);
    if (!(await deps.escalateLedgerItem(current, events, notifications, found.rev))) {
      report.conflicts++;
      continue;
    }
    report.escalated++;
    for (const { step } of steps) report.steps[step] = (report.steps[step] ?? 0) + 1;
  }
  return report;
}

/** Each step's email subject for a ledger item; `{ref}`, `{dueDate}`, `{late}` are filled in. */
const LEDGER_STEP_SUBJECTS = {
  reminder: { 'zh-CN': '【提醒】整改事项 {ref} 将于 {dueDate} 到期', en: '[Reminder] Ledger item {ref} is due on {dueDate}' },
  chase: { 'zh-CN': '【催办】整改事项 {ref} 已超过整改时限（{dueDate}）', en: '[Chase] Ledger item {ref} is past its deadline ({dueDate})' },
  supervision: { 'zh-CN': '【督办】整改事项 {ref} 逾期 {late} 个工作日', en: '[Supervision] Ledger item {ref} is {late} working days late' },
  publicNotice: { 'zh-CN': '【通报】整改事项 {ref} 逾期 {late} 个工作日，将予通报', en: '[Public notice] Ledger item {ref} is {late} working days late and will be named publicly' },
} as const satisfies Record<LadderStep, Message>;

const LEDGER_STEP_REQUESTS = {
  reminder: { 'zh-CN': '请在整改时限内完成整改并提交整改材料。', en: 'Please finish the rectification and submit its evidence by the deadline.' },
  chase: { 'zh-CN': '此事项已逾期，请立即整改并提交整改材料。', en: 'This item is overdue: please finish it and submit its evidence now.' },
  supervision: { 'zh-CN': '此事项已列入督办，请责任领导督促整改，并说明逾期原因。', en: 'This item is under supervision: the responsible leader is asked to see it done and to explain the delay.' },
  publicNotice: { 'zh-CN': '此事项逾期未改，将在简报中通报。', en: 'This item is still not rectified and will be named in the briefing.' },
} as const satisfies Record<LadderStep, Message>;

/** The reference a ledger item's messages name it by: `L-` and the first 8 characters of its id (the pages find it by that). */
export const ledgerRef = (item: Pick<LedgerItem, 'caseId'>): string => `L-${item.caseId.slice(0, 8).toUpperCase()}`;

/**
 * The messages of the steps a ledger item takes at once, as the outbox records them — the cases' rule
 * (notifications/notification.ts planNotifications): per step, one message per address of each role it goes to,
 * or one `noAddress` record; only the highest step's are sent, the lower ones recorded `superseded`. Never
 * names the owner or the leader (people's names stay out of mail logs). Pure.
 */
export function planLedgerNotifications(item: LedgerItem, steps: readonly ScheduledStep[], recipients: Recipients, now: Date): Notification[] {
  const highest = steps.at(-1)?.step;
  const ref = ledgerRef(item);
  const dueDate = item.dueDate!;
  return steps.flatMap(({ step }) => {
    const isHighest = step === highest;
    const rung = ESCALATION_LADDER.find((r) => r.step === step)!;
    const params = { ref, dueDate, late: rung.workingDaysFromDue };
    const body = (lang: 'zh-CN' | 'en') => {
      const lines = [
        LEDGER_STEP_REQUESTS[step][lang],
        '',
        `${lang === 'zh-CN' ? '整改事项' : 'Ledger item'}: ${ref}`,
        fill(NOTIFICATION_MESSAGES.unitLine, { unit: item.unitId })[lang],
        fill(NOTIFICATION_MESSAGES.dueLine, { dueDate })[lang],
        fill(NOTIFICATION_MESSAGES.stateLine, { state: LEDGER_STATE_LABELS[item.state][lang] })[lang],
      ];
      const replaces = isHighest ? steps.slice(0, -1).map((s) => STEP_LABELS[s.step][lang]) : [];
      if (replaces.length > 0) lines.push('', fill(NOTIFICATION_MESSAGES.missedLine, { steps: replaces.join(lang === 'zh-CN' ? '、' : ', ') })[lang]);
      lines.push('', NOTIFICATION_MESSAGES.footer[lang]);
      return lines.join('\n');
    };
    const base = {
      caseId: item.caseId,
      trackingNumber: ref,
      unitId: item.unitId,
      dueDate,
      step,
      subject: fill(LEDGER_STEP_SUBJECTS[step], params),
      body: { 'zh-CN': body('zh-CN'), en: body('en') },
      createdAt: now.toISOString(),
      attempts: 0,
    };
    const seen = new Set<string>();
    return recipientRoles(step, item.unitId).flatMap((role): Notification[] => {
      const addresses = [...new Set(recipients[role].map((a) => a.toLowerCase()))].filter((a) => !seen.has(a));
      addresses.forEach((a) => seen.add(a));
      if (recipients[role].length === 0) return [{ ...base, role, status: 'noAddress' }];
      return addresses.map((to) => ({ ...base, role, to, status: isHighest ? 'pending' : 'superseded' }));
    });
  });
}
