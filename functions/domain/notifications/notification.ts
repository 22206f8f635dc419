import * as z from 'zod/mini';
import { ZId } from '../ids';
import { fill, schemaMessage, type Message } from '../messages';
import { ZInstant } from '../text';
import { CASE_KIND_LABELS, CASE_STATE_LABELS } from '../cases/messages';
import { ESCALATION_LADDER, recipientRoles, type LadderStep, type ScheduledStep } from '../cases/escalation';
import type { Case } from '../cases/case';
import { NOTIFICATION_MESSAGES as M, STEP_LABELS, STEP_REQUESTS, STEP_SUBJECTS } from './messages';

/**
 * Notifications of the escalation ladder (通知): one message per (case, deadline, step, recipient), recorded
 * in the outbox in the same transaction that moves the case up the ladder, and sent from there. Who hears
 * of what: the unit's handlers, and the supervising office (作风办) as the ladder says; their addresses
 * are the notification directory's.
 */

export const LADDER_STEPS = ESCALATION_LADDER.map((rung) => rung.step) as [LadderStep, ...LadderStep[]];
export const ZLadderStep = z.enum(LADDER_STEPS);

/** Who a message is for. */
export const RECIPIENT_ROLES = ['unitHandlers', 'supervisors'] as const;
export const ZRecipientRole = z.enum(RECIPIENT_ROLES);
export type RecipientRole = z.infer<typeof ZRecipientRole>;

/**
 * Where a message is:
 * - `pending`: to be sent (the sender claims it, sends, and marks it `sent`);
 * - `sent`: handed to the mail service, or, with no mail service (npm start), left in the outbox to be read;
 * - `superseded`: a step that fell due while no sweep ran, recorded but not sent: the highest step found
 *   due at once is the one message sent, and it names the ones it replaces;
 * - `noAddress`: the directory has no address for its recipients — recorded, so the gap shows;
 * - `failed`: the mail service refused it on every attempt (NOTIFICATION_MAX_ATTEMPTS).
 */
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'superseded', 'noAddress', 'failed'] as const;
export const ZNotificationStatus = z.enum(NOTIFICATION_STATUSES);
export type NotificationStatus = z.infer<typeof ZNotificationStatus>;

/** How many times the sender tries a message before marking it `failed`. */
export const NOTIFICATION_MAX_ATTEMPTS = 8;

/**
 * How long a sender holds a message it is sending: another sender (a second run, a retry) leaves it alone
 * meanwhile. A sender that dies between sending and marking it sent leaves it to be sent again once this
 * has passed: the at-least-once window.
 */
export const NOTIFICATION_CLAIM_SECONDS = 300;

/** An email address as the directory keeps it (lower case). */
export const ZEmailAddress = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(254),
    z.email(schemaMessage({ 'zh-CN': '请填写有效的电子邮箱。', en: 'Enter a valid email address.' })),
  );

/** At most this many addresses per directory entry: a step's messages fit in one transaction. */
export const DIRECTORY_MAX_ADDRESSES = 10;

/** One bilingual text as stored with a message. */
const ZBilingual = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZNotification = z
  .object({
    caseId: z.uuid(),
    trackingNumber: z.string(),
    /** The unit holding the case when the step fell due; null while the supervising office holds it. */
    unitId: z.nullable(ZId),
    /** The deadline the step belongs to: a new deadline starts a new ladder. */
    dueDate: z.iso.date(),
    step: ZLadderStep,
    role: ZRecipientRole,
    /** The address; absent for a `noAddress` record. */
    to: z.optional(ZEmailAddress),
    subject: ZBilingual,
    body: ZBilingual,
    status: ZNotificationStatus,
    createdAt: ZInstant,
    attempts: z.int().check(z.minimum(0)),
    sentAt: z.optional(ZInstant),
    /** `ses` when handed to Amazon SES (with its message id), `outbox` when only recorded here (npm start). */
    via: z.optional(z.enum(['ses', 'outbox'])),
    messageId: z.optional(z.string()),
    /** The name of the last error of the mail service (never its text, which may repeat the address). */
    lastError: z.optional(z.string()),
    /** A sender's hold on the message while it sends it. */
    claim: z.optional(z.object({ token: z.string(), until: ZInstant })),
  })
  .register(z.globalRegistry, { id: 'Notification', description: 'One message of the escalation ladder to one recipient.' });
export type Notification = z.infer<typeof ZNotification>;

/** The key that makes a message unique within its case: deadline, step (in ladder order), recipient. */
export function notificationKey(n: Pick<Notification, 'dueDate' | 'step' | 'role' | 'to'>): string {
  const rank = LADDER_STEPS.indexOf(n.step);
  return `${n.dueDate}#${rank}${n.step}#${n.to ?? `none:${n.role}`}`;
}

/** The addresses a case's step goes to, by role. */
export interface Recipients {
  unitHandlers: readonly string[];
  supervisors: readonly string[];
}

/** A message's subject and body for a step, in both languages; the highest step names the ones it replaces. */
export function composeMessage(
  c: Pick<Case, 'trackingNumber' | 'kind' | 'unitId' | 'dueDate' | 'state'>,
  step: LadderStep,
  replaces: readonly LadderStep[],
): { subject: Message; body: Message } {
  const rung = ESCALATION_LADDER.find((r) => r.step === step)!;
  const params = { trackingNumber: c.trackingNumber, dueDate: c.dueDate, late: rung.workingDaysFromDue };
  const subject = fill(STEP_SUBJECTS[step], params);
  const line = (lang: 'zh-CN' | 'en') => {
    const unit = c.unitId ?? M.officeHolds[lang];
    const lines = [
      STEP_REQUESTS[step][lang],
      '',
      fill(M.caseLine, params)[lang],
      `${CASE_KIND_LABELS[c.kind][lang]}`,
      fill(M.unitLine, { unit })[lang],
      fill(M.dueLine, params)[lang],
      fill(M.stateLine, { state: CASE_STATE_LABELS[c.state][lang] })[lang],
    ];
    if (replaces.length > 0) {
      const steps = replaces.map((s) => (lang === 'zh-CN' ? `“${STEP_LABELS[s][lang]}”` : STEP_LABELS[s][lang].toLowerCase())).join(lang === 'zh-CN' ? '、' : ', ');
      lines.push('', fill(M.missedLine, { steps })[lang]);
    }
    lines.push('', M.footer[lang]);
    return lines.join('\n');
  };
  return { subject, body: { 'zh-CN': line('zh-CN'), en: line('en') } };
}

/**
 * The messages of the steps a case takes at once (dueSteps, in ladder order), as the outbox records them:
 * for each step, one message per address of each role it goes to (an address in both lists gets one), or
 * one `noAddress` record for a role without any. Only the highest step's messages are sent (`pending`); the
 * lower ones are recorded `superseded`: a handler found 7 working days late hears once, by the supervision
 * notice naming the reminder and chase it replaces, rather than three contradicting emails in a minute,
 * and the record still shows every step. Pure.
 */
export function planNotifications(c: Case, steps: readonly ScheduledStep[], recipients: Recipients, now: Date): Notification[] {
  const highest = steps.at(-1)?.step;
  const createdAt = now.toISOString();
  return steps.flatMap(({ step }) => {
    const isHighest = step === highest;
    const replaces = isHighest ? steps.slice(0, -1).map((s) => s.step) : [];
    const { subject, body } = composeMessage(c, step, replaces);
    const base = { caseId: c.caseId, trackingNumber: c.trackingNumber, unitId: c.unitId, dueDate: c.dueDate, step, subject, body, createdAt, attempts: 0 };
    const seen = new Set<string>();
    return recipientRoles(step, c.unitId).flatMap((role): Notification[] => {
      const addresses = [...new Set(recipients[role].map((a) => a.toLowerCase()))].filter((a) => !seen.has(a));
      addresses.forEach((a) => seen.add(a));
      if (recipients[role].length === 0) return [{ ...base, role, status: 'noAddress' }];
      return addresses.map((to) => ({ ...base, role, to, status: isHighest ? 'pending' : 'superseded' }));
    });
  });
}
