import * as z from 'zod/mini';
import { ZId } from '../ids';
import { COMMON_MESSAGES, fill, schemaMessage } from '../messages';
import { ZInstant, requiredText as text } from '../text';
import { ZAttachmentKeys, ZAttachmentLink } from './attachments';
import { CASE_MESSAGES as M } from './messages';

/**
 * A case (件): one record type for everything that must be answered or rectified — a citizen's complaint,
 * a bad review, a supervision finding, a self-inspection item (domain.md "Cases") — travelling through one
 * life cycle (lifecycle.ts). A case never holds the citizen's contact details: those live in the contacts
 * table (ZCaseContact), apart, encrypted and deleted a set time after the case ends.
 */

/** Where a case comes from. */
export const CASE_SOURCES = ['complaint', 'badReview', 'supervisionFinding', 'selfInspection'] as const;
export const ZCaseSource = z.enum(CASE_SOURCES);
export type CaseSource = z.infer<typeof ZCaseSource>;

/** What the citizen asks for: a consultation (咨询), a request or suggestion (求助/建议), a complaint or report (投诉/举报). */
export const CASE_KINDS = ['consultation', 'request', 'complaint'] as const;
export const ZCaseKind = z.enum(CASE_KINDS);
export type CaseKind = z.infer<typeof ZCaseKind>;

/** The states of domain.md's complaint life cycle (12345 style). */
export const CASE_STATES = [
  'RECEIVED',
  'ASSIGNED',
  'RETURNED',
  'IN_PROGRESS',
  'EXTENSION_REQUESTED',
  'REPLIED',
  'REOPENED',
  'CLOSED',
  'REJECTED',
] as const;
export const ZCaseState = z.enum(CASE_STATES);
export type CaseState = z.infer<typeof ZCaseState>;

/** The states a case ends in: nothing happens to it after, and its contact details expire. */
export const FINAL_STATES: readonly CaseState[] = ['CLOSED', 'REJECTED'];

/**
 * The escalation ladder of an overdue case (domain.md): reminder (提醒) → chase (催办) → supervision (督办)
 * → public notice (通报). The sweeper (escalation.ts) owns the rules; the case keeps the step reached.
 */
export const ESCALATION_STEPS = ['none', 'reminder', 'chase', 'supervision', 'publicNotice'] as const;
export const ZEscalationStep = z.enum(ESCALATION_STEPS);
export type EscalationStep = z.infer<typeof ZEscalationStep>;

/**
 * Every action an event can record. `file` opens a case; `callback` is the citizen's (回访); `close`
 * ends a replied case without a callback (no contact given, or the citizen could not be reached);
 * `escalate` is the sweeper's.
 */
export const CASE_ACTIONS = [
  'file',
  'assign',
  'reject',
  'return',
  'accept',
  'requestExtension',
  'approveExtension',
  'denyExtension',
  'reply',
  'callback',
  'close',
  'escalate',
] as const;
export const ZCaseAction = z.enum(CASE_ACTIONS);
export type CaseAction = z.infer<typeof ZCaseAction>;

/** Default deadlines in working days (domain.md "Deadlines"): by kind, and for a bad review's rectification. */
export const CASE_DEADLINE_DAYS = {
  consultation: 2,
  request: 10,
  complaint: 15,
  badReview: 15,
} as const satisfies Record<CaseKind | 'badReview', number>;

/** The working days a case has: a bad review's rectification by its own rule, any other case by its kind. */
export const deadlineDaysOf = (c: { source: CaseSource; kind: CaseKind }, days: Record<CaseKind | 'badReview', number> = CASE_DEADLINE_DAYS): number =>
  c.source === 'badReview' ? days.badReview : days[c.kind];

/** The longest extension one request may ask for, in working days. */
export const EXTENSION_MAX_DAYS = 30;

/**
 * How long contact details are kept after a case is closed or rejected (then DynamoDB's TTL deletes them),
 * and the cap from intake for a case that never ends: a callback or a repeat complaint is answered within
 * half a year, and personal data is kept no longer than the matter needs.
 */
export const CONTACT_RETENTION_DAYS = 180;
export const CONTACT_MAX_RETENTION_DAYS = 3 * 365;

/** The description of the matter, as the citizen writes it. */
export const DESCRIPTION_MAX = 2000;
/** A reason (reject, return, extension, denial) or a note: shown to the other side and kept with the event. */
export const REASON_MAX = 500;
/** A unit's reply to the citizen. */
export const REPLY_MAX = 2000;
export const ZCaseReason = text(REASON_MAX);

/** A tracking number read out on the phone: the CST day of receipt and 8 characters with no 0/O, 1/I/L. */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const ZTrackingNumber = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.regex(/^\d{8}-[2-9A-HJKMNP-Z]{8}$/, schemaMessage({ 'zh-CN': '受理编号格式不对。', en: 'This is not a tracking number.' })));
/** An access code: 10 characters of the same alphabet, shown once at intake; only its salted hash is stored. */
export const ACCESS_CODE_LENGTH = 10;
export const ZAccessCode = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.regex(/^[2-9A-HJKMNP-Z]{10}$/, schemaMessage({ 'zh-CN': '查询码格式不对。', en: 'This is not an access code.' })));

/** A citizen's contact details: kept in the contacts table only, never in the case, a log or an export. */
export const ZCaseContact = z
  .object({
    name: z.optional(text(50)),
    phone: z.optional(z.string().check(z.trim(), z.regex(/^\+?[0-9][0-9 -]{5,19}$/, schemaMessage(M.badPhone)))),
    email: z.optional(z.string().check(z.trim(), z.maxLength(254, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: 254 }))), z.email(schemaMessage(M.badEmail)))),
  })
  .register(z.globalRegistry, { id: 'CaseContact', description: "A citizen's contact details: stored apart from the case, deleted after it ends." });
export type CaseContact = z.infer<typeof ZCaseContact>;

/** What a citizen files (public intake, no account). */
export const ZCaseIntake = z
  .object({
    kind: ZCaseKind,
    /** The unit the citizen means; null or absent for "I don't know which unit" (the supervising office assigns). */
    unitId: z.optional(z.nullable(ZId)),
    description: text(DESCRIPTION_MAX),
    contact: z.optional(ZCaseContact),
    /** Whether the citizen agrees to be called back (回访); needs contact details. */
    callbackConsent: z.optional(z.boolean()),
    /** Files uploaded beforehand (POST /cases/attachments), by the keys that upload returned: at most 5. */
    attachmentKeys: z.optional(ZAttachmentKeys),
  })
  .register(z.globalRegistry, { id: 'CaseIntake', description: 'A complaint, request or consultation as a citizen files it.' });
export type CaseIntake = z.infer<typeof ZCaseIntake>;

/** What the citizen gets back, once: the access code is never shown again. */
export const ZCaseReceipt = z
  .object({ trackingNumber: z.string(), accessCode: z.string(), dueDate: z.iso.date(), beyondCalendar: z.boolean() })
  .register(z.globalRegistry, { id: 'CaseReceipt', description: 'The tracking number and access code of a filed case, shown once.' });
export type CaseReceipt = z.infer<typeof ZCaseReceipt>;

/** A citizen's proof of holding a case: its tracking number and access code. */
export const ZCaseCredentials = z
  .object({ trackingNumber: ZTrackingNumber, accessCode: ZAccessCode })
  .register(z.globalRegistry, { id: 'CaseCredentials' });
export type CaseCredentials = z.infer<typeof ZCaseCredentials>;

/** A citizen's callback (回访): whether the reply satisfied them. */
export const ZCaseCallbackInput = z
  .object({ ...ZCaseCredentials.shape, satisfied: z.boolean(), comment: z.optional(text(REASON_MAX)) })
  .register(z.globalRegistry, { id: 'CaseCallbackInput' });
export type CaseCallbackInput = z.infer<typeof ZCaseCallbackInput>;

const rev = { rev: z.optional(z.int().check(z.minimum(1))) };
/**
 * A staff member's action on a case, by `action` (`callback`: a supervisor who called the citizen back records
 * the answer); `rev`, when given, is the revision the staff member saw
 * (a stale one answers 409 staleRevision).
 */
export const ZCaseActionInput = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('assign'), unitId: ZId, ...rev }),
    z.object({ action: z.literal('reject'), reason: ZCaseReason, ...rev }),
    z.object({ action: z.literal('return'), reason: ZCaseReason, ...rev }),
    z.object({ action: z.literal('accept'), ...rev }),
    z.object({ action: z.literal('requestExtension'), days: z.int().check(z.minimum(1), z.maximum(EXTENSION_MAX_DAYS)), reason: ZCaseReason, ...rev }),
    z.object({ action: z.literal('approveExtension'), ...rev }),
    z.object({ action: z.literal('denyExtension'), reason: ZCaseReason, ...rev }),
    z.object({ action: z.literal('reply'), text: text(REPLY_MAX), ...rev }),
    z.object({ action: z.literal('callback'), satisfied: z.boolean(), comment: z.optional(ZCaseReason), ...rev }),
    z.object({ action: z.literal('close'), note: z.optional(ZCaseReason), ...rev }),
  ])
  .register(z.globalRegistry, { id: 'CaseActionInput', description: 'A staff action on a case, by `action`.' });
export type CaseActionInput = z.infer<typeof ZCaseActionInput>;

/** What lifecycle.ts applies: a staff action, the citizen's callback, or the sweeper's escalation. */
export type CaseCommand = CaseActionInput | { action: 'callback'; satisfied: boolean; comment?: string | undefined } | { action: 'escalate'; step: EscalationStep };

/** Who did something, as an event keeps it: a staff member by subject; a citizen and the system anonymously. */
export const ZCaseEventActor = z.object({ kind: z.enum(['citizen', 'staff', 'system']), sub: z.optional(z.string()) });
export type CaseEventActor = z.infer<typeof ZCaseEventActor>;

export const ZCase = z
  .object({
    caseId: z.uuid(),
    trackingNumber: z.string(),
    source: ZCaseSource,
    kind: ZCaseKind,
    /** The unit the case is with now; null while the supervising office holds it (received, returned). */
    unitId: z.nullable(ZId),
    /** The unit the citizen named at intake; null for "I don't know which unit". */
    requestedUnitId: z.nullable(ZId),
    description: z.string(),
    /** Keys of attachments in the attachment store (images, PDF). */
    attachmentKeys: z.array(z.string()),
    /** Whether contact details were left (they are in the contacts table, never here). */
    hasContact: z.boolean(),
    callbackConsent: z.boolean(),
    state: ZCaseState,
    receivedAt: ZInstant,
    /** The deadline (CST day, and the end of it as an instant); moved by an approved extension or a reopening. */
    dueDate: z.iso.date(),
    dueAt: ZInstant,
    /** The deadline lies past the years the working-day calendar covers: counted by weekends only, flagged. */
    beyondCalendar: z.boolean(),
    /**
     * The working days the case was given at filing (the admin's setting for its kind then): a reopening counts
     * them again, so a later change of the setting moves no existing deadline. Absent on cases filed before
     * it was kept, which count by domain.md's defaults (CASE_DEADLINE_DAYS).
     */
    deadlineDays: z.optional(z.int().check(z.minimum(1))),
    /** The latest extension asked for, with its outcome once decided. */
    extension: z.optional(
      z.object({
        days: z.int(),
        reason: z.string(),
        requestedAt: ZInstant,
        decision: z.optional(z.enum(['approved', 'denied'])),
        decisionReason: z.optional(z.string()),
      }),
    ),
    reply: z.optional(z.object({ text: z.string(), at: ZInstant })),
    rejectionReason: z.optional(z.string()),
    returnReason: z.optional(z.string()),
    /** The latest callback (回访). */
    callback: z.optional(z.object({ satisfied: z.boolean(), comment: z.optional(z.string()), at: ZInstant })),
    /** When the case was first assigned to a unit. */
    assignedAt: z.optional(ZInstant),
    /** When a unit first accepted it (签收). */
    acceptedAt: z.optional(ZInstant),
    closedAt: z.optional(ZInstant),
    /** Whether the reply that closed the case was given by the deadline. */
    closedOnTime: z.optional(z.boolean()),
    returnCount: z.int().check(z.minimum(0)),
    reopenCount: z.int().check(z.minimum(0)),
    callbackCount: z.int().check(z.minimum(0)),
    escalation: ZEscalationStep,
    /** Revision, raised by every transition; the event of a transition has `seq` = the new revision. */
    rev: z.int().check(z.minimum(1)),
    updatedAt: ZInstant,
  })
  .register(z.globalRegistry, { id: 'Case', description: 'A complaint, bad review, supervision finding or self-inspection item (件).' });
export type Case = z.infer<typeof ZCase>;

/** One transition, append-only: who, when, from which state to which, and the note shown with it. */
export const ZCaseEvent = z
  .object({
    caseId: z.uuid(),
    /** 1 for filing, then the case's revision after the transition. */
    seq: z.int().check(z.minimum(1)),
    at: ZInstant,
    actor: ZCaseEventActor,
    action: ZCaseAction,
    from: z.nullable(ZCaseState),
    to: ZCaseState,
    note: z.optional(z.string()),
    /** The unit the case went to, for `assign`. */
    unitId: z.optional(ZId),
  })
  .register(z.globalRegistry, { id: 'CaseEvent', description: 'One append-only step of a case.' });
export type CaseEvent = z.infer<typeof ZCaseEvent>;

/**
 * A case for staff: the case, its events, (for staff who may call back) the contact details, and a
 * short-lived download link per attachment.
 */
export const ZCaseDetail = z
  .object({ case: ZCase, events: z.array(ZCaseEvent), contact: z.optional(ZCaseContact), attachments: z.optional(z.array(ZAttachmentLink)) })
  .register(z.globalRegistry, { id: 'CaseDetail' });
export type CaseDetail = z.infer<typeof ZCaseDetail>;

export const ZCaseList = z.object({ cases: z.array(ZCase) }).register(z.globalRegistry, { id: 'CaseList' });

/** What the holder of a tracking number and access code sees: no staff identities, no contact details. */
export const ZCaseStatus = z
  .object({
    trackingNumber: z.string(),
    kind: ZCaseKind,
    state: ZCaseState,
    receivedAt: ZInstant,
    dueDate: z.iso.date(),
    beyondCalendar: z.boolean(),
    reply: z.optional(z.object({ text: z.string(), at: ZInstant })),
    rejectionReason: z.optional(z.string()),
    callback: z.optional(z.object({ satisfied: z.boolean(), at: ZInstant })),
    events: z.array(z.object({ at: ZInstant, action: ZCaseAction, from: z.nullable(ZCaseState), to: ZCaseState, note: z.optional(z.string()) })),
  })
  .register(z.globalRegistry, { id: 'CaseStatus', description: "A case as its citizen sees it (tracking number + access code)." });
export type CaseStatus = z.infer<typeof ZCaseStatus>;

/** The staff list's filters. */
export const ZCaseListQuery = z
  .object({
    state: z.optional(ZCaseState),
    unitId: z.optional(ZId),
    kind: z.optional(ZCaseKind),
    /** `true`: only open cases past their deadline. */
    overdue: z.optional(z.enum(['true', 'false'])),
    /** Received on or after this CST day (default: 90 days back, for a supervisor's list without a unit). */
    from: z.optional(z.iso.date()),
    to: z.optional(z.iso.date()),
  })
  .register(z.globalRegistry, { id: 'CaseListQuery' });
export type CaseListQuery = z.infer<typeof ZCaseListQuery>;

/** Whether a case still waiting for a unit or the office is past its deadline at `now` (a replied one waits for the citizen). */
export const isOverdue = (c: Pick<Case, 'state' | 'dueAt'>, now: Date): boolean =>
  !FINAL_STATES.includes(c.state) && c.state !== 'REPLIED' && now.getTime() > Date.parse(c.dueAt);
