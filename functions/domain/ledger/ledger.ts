import * as z from 'zod/mini';
import { ZAttachmentKeys, ZAttachmentLink } from '../cases/attachments';
import { ZCaseEventActor, ZEscalationStep, type CaseSource, type EscalationStep } from '../cases/case';
import { ZId } from '../ids';
import { ZInstant, ZLocalizedText, requiredText as text } from '../text';

/**
 * A rectification ledger item (整改台账事项, 挂账销号): a problem found by the leadership team, one of its
 * members, a unit or a cadre, put on the ledger with measures, a responsible person and leader and a
 * deadline, worked on, proven by evidence, accepted by a supervisor, closed (销号) and published (公示).
 *
 * A ledger item is a case (domain.md "Cases"): it lives in the cases table beside the complaints, with a
 * case's source, the same append-only event log (who, when, from, to, note), the same optimistic locking
 * (one transaction per transition on the revision read), the same working-day deadlines and the same
 * escalation ladder (cases/escalation.ts). Its own fields and life cycle are kept in their own schema, so
 * the complaint pages, lists and KPIs never see a ledger item, and a complaint's schema carries no ledger
 * fields it never uses.
 */

/**
 * The life cycle of domain.md: IDENTIFIED → LEDGERED (owner, responsible leader, measures, deadline) →
 * IN_PROGRESS → EVIDENCE_SUBMITTED → ACCEPTED → CLOSED (销号) → PUBLISHED (公示); a submission sent back
 * (with a reason) returns to IN_PROGRESS.
 */
export const LEDGER_STATES = ['IDENTIFIED', 'LEDGERED', 'IN_PROGRESS', 'EVIDENCE_SUBMITTED', 'ACCEPTED', 'CLOSED', 'PUBLISHED'] as const;
export const ZLedgerState = z.enum(LEDGER_STATES);
export type LedgerState = z.infer<typeof ZLedgerState>;

/** Where the rectification is done to (层级): the leadership team (领导班子), its members (班子成员), a unit, a cadre. */
export const LEDGER_LEVELS = ['leadershipTeam', 'teamMember', 'unit', 'cadre'] as const;
export const ZLedgerLevel = z.enum(LEDGER_LEVELS);
export type LedgerLevel = z.infer<typeof ZLedgerLevel>;

/**
 * The sources a ledger item can have (a subset of the case sources): found by the unit itself, found by
 * the supervising office, or a complaint or bad review that needs rectification (then linked by `linkedCaseId`).
 */
export const LEDGER_SOURCES = ['selfInspection', 'supervisionFinding', 'complaint', 'badReview'] as const satisfies readonly CaseSource[];
export const ZLedgerSource = z.enum(LEDGER_SOURCES);
export type LedgerSource = z.infer<typeof ZLedgerSource>;

/**
 * Every action a ledger event can record. `identify` opens an item (查摆); `import` opens one from a
 * spreadsheet in the state its row names; `progress` and `markDisclosure` keep the state; `escalate` is the
 * sweeper's; `publish` is applied when a supervisor approves the item's publication (the disclosure step).
 */
export const LEDGER_ACTIONS = [
  'identify',
  'import',
  'ledger',
  'start',
  'progress',
  'submitEvidence',
  'sendBack',
  'accept',
  'close',
  'markDisclosure',
  'publish',
  'escalate',
] as const;
export const ZLedgerAction = z.enum(LEDGER_ACTIONS);
export type LedgerAction = z.infer<typeof ZLedgerAction>;

/** Who may take a ledger action: a supervisor (or admin), a unit handler of the item's unit, the sweeper. */
export type LedgerRole = 'supervisor' | 'unitHandler' | 'system';

const ALL_BUT_PUBLISHED = { IDENTIFIED: 'IDENTIFIED', LEDGERED: 'LEDGERED', IN_PROGRESS: 'IN_PROGRESS', EVIDENCE_SUBMITTED: 'EVIDENCE_SUBMITTED', ACCEPTED: 'ACCEPTED', CLOSED: 'CLOSED' } as const;

/**
 * THE ledger transitions, by action: who may take it, and from which state to which (anything else is an
 * illegal transition, 409). A unit writes its own measures (`ledger`), works on them and reports progress,
 * and submits evidence; the supervising office (作风办) accepts or sends back, closes (销号), marks for
 * publication and publishes. `markDisclosure` and `progress` record an event and keep the state.
 */
export const LEDGER_TRANSITIONS = {
  ledger: { who: ['supervisor', 'unitHandler'], from: { IDENTIFIED: 'LEDGERED' } },
  start: { who: ['unitHandler', 'supervisor'], from: { LEDGERED: 'IN_PROGRESS' } },
  progress: { who: ['unitHandler'], from: { IN_PROGRESS: 'IN_PROGRESS' } },
  submitEvidence: { who: ['unitHandler'], from: { IN_PROGRESS: 'EVIDENCE_SUBMITTED' } },
  sendBack: { who: ['supervisor'], from: { EVIDENCE_SUBMITTED: 'IN_PROGRESS' } },
  accept: { who: ['supervisor'], from: { EVIDENCE_SUBMITTED: 'ACCEPTED' } },
  close: { who: ['supervisor'], from: { ACCEPTED: 'CLOSED' } },
  markDisclosure: { who: ['supervisor'], from: ALL_BUT_PUBLISHED },
  publish: { who: ['supervisor'], from: { CLOSED: 'PUBLISHED' } },
  escalate: { who: ['system'], from: { LEDGERED: 'LEDGERED', IN_PROGRESS: 'IN_PROGRESS' } },
} as const satisfies Record<Exclude<LedgerAction, 'identify' | 'import'>, { who: readonly LedgerRole[]; from: Partial<Record<LedgerState, LedgerState>> }>;
export type LedgerTransitionAction = keyof typeof LEDGER_TRANSITIONS;

/**
 * The states in which an item climbs the escalation ladder and counts as overdue past its deadline: where
 * the unit still owes the work. Evidence submitted waits for the supervising office; accepted, closed and
 * published items are done.
 */
export const LEDGER_ESCALATING_STATES = ['LEDGERED', 'IN_PROGRESS'] as const satisfies readonly LedgerState[];

/** The states that count as rectified (整改完成) in the completion rate: closed (销号) or published. */
export const LEDGER_DONE_STATES = ['CLOSED', 'PUBLISHED'] as const satisfies readonly LedgerState[];

/** A problem's description (问题描述) and the measures (整改措施) as offices write them. */
export const LEDGER_TEXT_MAX = 2000;
/** A person's name or post as the ledger names them (责任人, 责任领导: "张三" or "副局长 张三"). */
export const LEDGER_PERSON_MAX = 100;
/** A progress update, a reason for sending back, or a note. */
export const LEDGER_NOTE_MAX = 1000;
/** The longest deadline in working days: a year of them. */
export const LEDGER_MAX_WORKING_DAYS = 250;

export const ZLedgerPerson = text(LEDGER_PERSON_MAX);
export const ZLedgerNote = text(LEDGER_NOTE_MAX);

/** A deadline (整改时限) as given: a number of working days from when it is set, or a CST day. */
export const ZLedgerDeadline = z
  .union([
    z.object({ workingDays: z.int().check(z.minimum(1), z.maximum(LEDGER_MAX_WORKING_DAYS)) }),
    z.object({ date: z.iso.date() }),
  ])
  .register(z.globalRegistry, { id: 'LedgerDeadline', description: 'A number of working days from now, or a date (CST day).' });
export type LedgerDeadline = z.infer<typeof ZLedgerDeadline>;

/** The four things that put an item on the ledger (建账). */
const ledgerFields = {
  /** 责任人 */
  owner: ZLedgerPerson,
  /** 责任领导 */
  responsibleLeader: ZLedgerPerson,
  /** 整改措施 */
  measures: text(LEDGER_TEXT_MAX),
  /** 整改时限 */
  deadline: ZLedgerDeadline,
};

/**
 * A new ledger item. With owner, responsible leader, measures and deadline all given it is put on the
 * ledger at once (LEDGERED); otherwise it starts IDENTIFIED. A unit handler may enter only their own
 * units' self-inspection findings; a supervisor any.
 */
export const ZLedgerItemInput = z
  .object({
    source: ZLedgerSource,
    /** The complaint or bad review this rectification answers (a case of the cases table). */
    linkedCaseId: z.optional(z.uuid()),
    level: ZLedgerLevel,
    /** A category of the configured list (LedgerCategories). */
    category: ZId,
    /** 问题描述 */
    problem: text(LEDGER_TEXT_MAX),
    /** 责任单位: whose handlers see and work the item. */
    unitId: ZId,
    owner: z.optional(ledgerFields.owner),
    responsibleLeader: z.optional(ledgerFields.responsibleLeader),
    measures: z.optional(ledgerFields.measures),
    deadline: z.optional(ledgerFields.deadline),
  })
  .register(z.globalRegistry, { id: 'LedgerItemInput', description: 'A problem to put on the rectification ledger.' });
export type LedgerItemInput = z.infer<typeof ZLedgerItemInput>;

const rev = { rev: z.optional(z.int().check(z.minimum(1))) };
/**
 * A staff action on a ledger item, by `action`; `rev`, when given, is the revision the caller saw (a stale
 * one answers 409 staleRevision). `submitEvidence` takes the keys of files uploaded beforehand by
 * POST /cases/attachments (checked and claimed like a complaint's attachments).
 */
export const ZLedgerActionInput = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('ledger'), ...ledgerFields, ...rev }),
    z.object({ action: z.literal('start'), ...rev }),
    z.object({ action: z.literal('progress'), text: ZLedgerNote, ...rev }),
    z.object({ action: z.literal('submitEvidence'), note: ZLedgerNote, evidenceKeys: ZAttachmentKeys, ...rev }),
    z.object({ action: z.literal('sendBack'), reason: ZLedgerNote, ...rev }),
    z.object({ action: z.literal('accept'), note: z.optional(ZLedgerNote), ...rev }),
    z.object({ action: z.literal('close'), note: z.optional(ZLedgerNote), ...rev }),
    z.object({ action: z.literal('markDisclosure'), disclose: z.boolean(), ...rev }),
    z.object({ action: z.literal('publish'), note: z.optional(ZLedgerNote), ...rev }),
  ])
  .register(z.globalRegistry, { id: 'LedgerActionInput', description: 'A staff action on a ledger item, by `action`.' });
export type LedgerActionInput = z.infer<typeof ZLedgerActionInput>;

/** What the ledger life cycle applies: a staff action, or the sweeper's escalation. */
export type LedgerCommand = LedgerActionInput | { action: 'escalate'; step: EscalationStep };

/** One progress update (整改进展), as the unit reported it. */
export const ZLedgerProgressUpdate = z.object({ text: z.string(), at: ZInstant });
export type LedgerProgressUpdate = z.infer<typeof ZLedgerProgressUpdate>;

export const ZLedgerItem = z
  .object({
    /** The case id: ledger items share the cases table's ids and key layout. */
    caseId: z.uuid(),
    source: ZLedgerSource,
    linkedCaseId: z.optional(z.uuid()),
    level: ZLedgerLevel,
    category: ZId,
    problem: z.string(),
    unitId: ZId,
    owner: z.optional(z.string()),
    responsibleLeader: z.optional(z.string()),
    measures: z.optional(z.string()),
    /** The deadline as given; the due day below is what it came to on the working-day calendar. */
    deadline: z.optional(ZLedgerDeadline),
    dueDate: z.optional(z.iso.date()),
    /** The end of the due day, as an instant: late after it. */
    dueAt: z.optional(ZInstant),
    /** The due day lies past the years the working-day calendar covers. */
    beyondCalendar: z.optional(z.boolean()),
    state: ZLedgerState,
    /** 整改进展, oldest first. */
    progress: z.array(ZLedgerProgressUpdate),
    /** Keys of the evidence files (attachment store) of the latest submission. */
    evidenceKeys: z.array(z.string()),
    evidenceNote: z.optional(z.string()),
    submittedAt: z.optional(ZInstant),
    /** The supervising office's latest verdict on a submission. */
    review: z.optional(z.object({ decision: z.enum(['accepted', 'sentBack']), reason: z.optional(z.string()), at: ZInstant })),
    sendBackCount: z.int().check(z.minimum(0)),
    /** Marked for publication by a supervisor: the disclosure step may then publish it. */
    disclose: z.boolean(),
    identifiedAt: ZInstant,
    ledgeredAt: z.optional(ZInstant),
    closedAt: z.optional(ZInstant),
    /** Whether the evidence that was accepted had been submitted by the deadline. */
    closedOnTime: z.optional(z.boolean()),
    publishedAt: z.optional(ZInstant),
    escalation: ZEscalationStep,
    /** Revision, raised by every transition; the event of a transition has `seq` = the new revision. */
    rev: z.int().check(z.minimum(1)),
    updatedAt: ZInstant,
  })
  .register(z.globalRegistry, { id: 'LedgerItem', description: 'A rectification ledger item (整改台账事项).' });
export type LedgerItem = z.infer<typeof ZLedgerItem>;

/**
 * One step of a ledger item, append-only, in the cases table's event log (same key layout as a case's
 * events); `record: 'ledger'` tells a reader of that log which life cycle it belongs to.
 */
export const ZLedgerEvent = z
  .object({
    caseId: z.uuid(),
    record: z.literal('ledger'),
    seq: z.int().check(z.minimum(1)),
    at: ZInstant,
    actor: ZCaseEventActor,
    action: ZLedgerAction,
    from: z.nullable(ZLedgerState),
    to: ZLedgerState,
    note: z.optional(z.string()),
    /** The evidence submitted, for `submitEvidence`. */
    evidenceKeys: z.optional(z.array(z.string())),
  })
  .register(z.globalRegistry, { id: 'LedgerEvent', description: 'One append-only step of a ledger item.' });
export type LedgerEvent = z.infer<typeof ZLedgerEvent>;

/** A ledger item with its events and, where the function may read the attachment store, links to its evidence. */
export const ZLedgerDetail = z
  .object({ item: ZLedgerItem, events: z.array(ZLedgerEvent), attachments: z.optional(z.array(ZAttachmentLink)) })
  .register(z.globalRegistry, { id: 'LedgerDetail' });
export type LedgerDetail = z.infer<typeof ZLedgerDetail>;

/** The ledger views' filters: level, unit, category, owner, state, source, overdue. */
export const ZLedgerListQuery = z
  .object({
    level: z.optional(ZLedgerLevel),
    unitId: z.optional(ZId),
    category: z.optional(ZId),
    /** 责任人, matched exactly (after trimming). */
    owner: z.optional(z.string().check(z.trim(), z.maxLength(LEDGER_PERSON_MAX))),
    state: z.optional(ZLedgerState),
    source: z.optional(ZLedgerSource),
    /** `true`: only items past their deadline with the work still owed. */
    overdue: z.optional(z.enum(['true', 'false'])),
  })
  .register(z.globalRegistry, { id: 'LedgerListQuery' });
export type LedgerListQuery = z.infer<typeof ZLedgerListQuery>;

/** A category of problems (问题类别): the campaign's "six aspects" in the demo, set by an admin. */
export const ZLedgerCategory = z.object({ id: ZId, name: ZLocalizedText }).register(z.globalRegistry, { id: 'LedgerCategory' });
export type LedgerCategory = z.infer<typeof ZLedgerCategory>;

/** The most categories the list may hold. */
export const LEDGER_CATEGORIES_MAX = 30;

export const ZLedgerCategoriesInput = z
  .object({ categories: z.array(ZLedgerCategory).check(z.minLength(1), z.maxLength(LEDGER_CATEGORIES_MAX)), rev: z.int().check(z.minimum(0)) })
  .register(z.globalRegistry, { id: 'LedgerCategoriesInput', description: 'The category list an admin saves, at the revision read (0: never saved).' });
export type LedgerCategoriesInput = z.infer<typeof ZLedgerCategoriesInput>;

export const ZLedgerCategories = z
  .object({ categories: z.array(ZLedgerCategory), rev: z.int().check(z.minimum(0)), updatedAt: z.optional(ZInstant) })
  .register(z.globalRegistry, { id: 'LedgerCategories', description: 'The problem categories in force (rev 0: the defaults, never saved).' });
export type LedgerCategories = z.infer<typeof ZLedgerCategories>;

/**
 * The default categories until an admin sets others: six neutral aspects in the wording work-style
 * (作风建设) campaigns commonly use for their "six aspects" (六个方面).
 */
export const DEFAULT_LEDGER_CATEGORIES: readonly LedgerCategory[] = [
  { id: 'political-study', name: { 'zh-CN': '理论学习和政治意识方面', en: 'Study and political awareness' } },
  { id: 'formalism', name: { 'zh-CN': '形式主义官僚主义方面', en: 'Formalism and bureaucratism' } },
  { id: 'serving-people', name: { 'zh-CN': '服务群众和办事效率方面', en: 'Serving the people and efficiency' } },
  { id: 'duty', name: { 'zh-CN': '担当作为和履职尽责方面', en: 'Taking responsibility and doing the job' } },
  { id: 'discipline', name: { 'zh-CN': '纪律规矩和工作纪律方面', en: 'Rules and work discipline' } },
  { id: 'integrity', name: { 'zh-CN': '廉洁自律方面', en: 'Integrity and self-discipline' } },
];

/** Whether an item still owed by its unit is past its deadline at `now`. */
export const isLedgerOverdue = (item: Pick<LedgerItem, 'state' | 'dueAt'>, now: Date): boolean =>
  item.dueAt !== undefined && (LEDGER_ESCALATING_STATES as readonly LedgerState[]).includes(item.state) && now.getTime() > Date.parse(item.dueAt);
