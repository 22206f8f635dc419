import type { Case, CaseEvent } from '../cases/case';
import { dueSteps, sweepHorizon, type LadderStep } from '../cases/escalation';
import { applyAction } from '../cases/lifecycle';
import type { WorkingCalendar } from '../working-days';
import {
  NOTIFICATION_CLAIM_SECONDS,
  NOTIFICATION_MAX_ATTEMPTS,
  planNotifications,
  type Notification,
  type Recipients,
} from './notification';

/**
 * The escalation sweeper's two use cases: move each late case up the ladder, recording its messages in
 * the outbox in the same write (sweepEscalations); then send what the outbox holds (deliverNotifications).
 * Exactly once per step: the case moves only from the step it was read at (its revision), and each message
 * is new in that same transaction; a message is sent by whoever claims it, then marked sent.
 */

export interface SweepDeps {
  /** The cases not closed nor rejected whose deadline (`dueAt`) is before `before` (a CST day: its start in UTC or later). */
  openCasesDueBefore(before: string): Promise<Case[]>;
  /** The working-day calendar (with the admin's adjustments). */
  loadWorkingCalendar(): Promise<WorkingCalendar>;
  /** The addresses the directory has for a case's unit (none while the office holds it) and the supervising office. */
  recipientsOf(unitId: string | null): Promise<Recipients>;
  /**
   * Writes the case as escalated, its events and its messages in one transaction: only if the case is still
   * at `expectedRev` and none of the messages exists. False when that condition failed (someone acted on the
   * case meanwhile, or another sweeper was first): the next sweep reads it again.
   */
  escalate(next: Case, events: CaseEvent[], notifications: Notification[], expectedRev: number): Promise<boolean>;
  now(): Date;
}

/** What one sweep did, without any personal data: counts only. */
export interface SweepReport {
  /** Open cases read (deadline within the horizon). */
  examined: number;
  /** Cases moved up the ladder. */
  escalated: number;
  /** Steps taken, by step (a case found late for the first time may take several). */
  steps: Partial<Record<LadderStep, number>>;
  /** Messages recorded, by status. */
  notifications: Partial<Record<Notification['status'], number>>;
  /** Cases someone else changed between the read and the write; left for the next sweep. */
  conflicts: number;
}

/**
 * Moves every late case up the escalation ladder (escalation.ts): for each open case with steps due at
 * `now`, every step it missed is taken — one `escalate` event each, through the case life cycle — and the
 * steps' messages are recorded (planNotifications: the highest step's are sent, the lower ones superseded),
 * all in one conditional transaction. Run twice, or twice at once, it takes each step once.
 */
export async function sweepEscalations(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.now();
  const calendar = await deps.loadWorkingCalendar();
  const report: SweepReport = { examined: 0, escalated: 0, steps: {}, notifications: {}, conflicts: 0 };
  const cases = await deps.openCasesDueBefore(sweepHorizon(now));
  for (const found of cases) {
    report.examined++;
    const steps = dueSteps(found, now, calendar);
    if (steps.length === 0) continue;
    let current = found;
    const events: CaseEvent[] = [];
    for (const { step } of steps) {
      const applied = applyAction(current, { action: 'escalate', step }, { kind: 'system' }, now, calendar);
      current = applied.case;
      events.push(applied.event);
    }
    const notifications = planNotifications(found, steps, await deps.recipientsOf(found.unitId), now);
    if (!(await deps.escalate(current, events, notifications, found.rev))) {
      report.conflicts++;
      continue;
    }
    report.escalated++;
    for (const { step } of steps) report.steps[step] = (report.steps[step] ?? 0) + 1;
    for (const n of notifications) report.notifications[n.status] = (report.notifications[n.status] ?? 0) + 1;
  }
  return report;
}

/** An email as the mail service takes it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  body: string;
}

/** What sending did: the mail service's id of the message, or `outbox` where no mail service is configured. */
export type MailReceipt = { via: 'ses'; messageId: string } | { via: 'outbox' };

export interface DeliveryDeps {
  /** The messages waiting to be sent, oldest first, at most `limit`. */
  pendingNotifications(limit: number): Promise<Notification[]>;
  /** Holds a pending message for this sender until `until`; false when it is sent or held by another sender. */
  claim(n: Notification, token: string, until: string, now: string): Promise<boolean>;
  /** Marks a held message sent (only while this sender holds it). */
  markSent(n: Notification, token: string, receipt: MailReceipt, at: string): Promise<void>;
  /** Lets go of a held message that could not be sent: tried once more, `failed` after the last attempt. */
  release(n: Notification, token: string, errorName: string, failed: boolean): Promise<void>;
  /** Sends one email; throws when the mail service did not take it. */
  send(mail: OutgoingMail): Promise<MailReceipt>;
  newId(): string;
  now(): Date;
}

export interface DeliveryReport {
  sent: number;
  /** Messages the mail service refused or could not be reached for this run (left pending, tried again). */
  unsent: number;
  /** Messages given up after their last attempt (`failed`). */
  failed: number;
  /** Messages another sender held. */
  heldElsewhere: number;
}

/** Messages read per run at most: one run of the job sends a day's worth of a district's ladder. */
export const DELIVERY_BATCH = 500;

/**
 * Sends the pending messages of the outbox, each once: claimed first (a second sender, or a retry, skips a
 * held one), sent in Chinese (the recipients' language), then marked sent. A refusal or fault of the mail
 * service leaves the message pending for the next run, counted in `unsent` — never marked sent; after
 * NOTIFICATION_MAX_ATTEMPTS it is marked `failed`. Should this sender die between sending and marking,
 * the message is sent again once its claim has passed (NOTIFICATION_CLAIM_SECONDS): at least once, as
 * the mail service itself has no idempotency key.
 */
export async function deliverNotifications(deps: DeliveryDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, unsent: 0, failed: 0, heldElsewhere: 0 };
  for (const n of await deps.pendingNotifications(DELIVERY_BATCH)) {
    if (!n.to) continue;
    const now = deps.now();
    const token = deps.newId();
    const until = new Date(now.getTime() + NOTIFICATION_CLAIM_SECONDS * 1000).toISOString();
    if (!(await deps.claim(n, token, until, now.toISOString()))) {
      report.heldElsewhere++;
      continue;
    }
    let receipt: MailReceipt;
    try {
      receipt = await deps.send({ to: n.to, subject: n.subject['zh-CN'], body: n.body['zh-CN'] });
    } catch (error) {
      const failed = n.attempts + 1 >= NOTIFICATION_MAX_ATTEMPTS;
      await deps.release(n, token, (error as Error).name || 'Error', failed);
      if (failed) report.failed++;
      else report.unsent++;
      continue;
    }
    await deps.markSent(n, token, receipt, deps.now().toISOString());
    report.sent++;
  }
  return report;
}
