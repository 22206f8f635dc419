import * as z from 'zod/mini';
import { ZKpiReport } from '../cases/kpis';
import { ZCaseKind, ZCaseSource, ZCaseState } from '../cases/case';
import { ZUnitSnapshot } from '../evaluation/snapshot';
import { ZId } from '../ids';
import { ZLedgerLevel, ZLedgerSource, ZLedgerState } from '../ledger/ledger';
import { COMMON_MESSAGES, schemaMessage } from '../messages';
import { ZInstant, ZLocalizedText, requiredText as text } from '../text';

/**
 * A disclosure (公示): what supervisors publish for everyone to read without signing in — per-unit scores of
 * a period, case KPIs, rectification ledger items marked for publication with their progress, and closed cases
 * with their replies (domain.md "Public disclosure"). A supervisor proposes it; every free text in it (what
 * citizens and units wrote) has passed redaction (redaction.ts) before it is stored, so this record never holds
 * the unredacted text; an approver reads the redacted text with what was found, may edit it (re-redacted on
 * save), and approves exactly one revision. Only then is it published; a withdrawn one leaves the public page.
 *
 * DRAFT → PUBLISHED (approve: the approval and the publication are one conditional write) → WITHDRAWN.
 */

export const DISCLOSURE_STATES = ['DRAFT', 'PUBLISHED', 'WITHDRAWN'] as const;
export const ZDisclosureState = z.enum(DISCLOSURE_STATES);
export type DisclosureState = z.infer<typeof ZDisclosureState>;

export const DISCLOSURE_KINDS = ['scores', 'kpis', 'ledgerItem', 'case'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

/** The kinds of personal data redaction finds (redaction.ts). */
export const REDACTION_KINDS = ['name', 'mobile', 'landline', 'idNumber', 'address', 'plate', 'email'] as const;
export const ZRedactionFinding = z.object({ kind: z.enum(REDACTION_KINDS), start: z.int().check(z.minimum(0)), end: z.int().check(z.minimum(0)) });
export type RedactionFinding = z.infer<typeof ZRedactionFinding>;

/**
 * A free text after redaction: the text as it will be published, and what redaction found in the text it
 * was given (kinds and positions as redact() reports them), so the approver sees what was hidden and where.
 */
export const ZRedactedText = z.object({ text: z.string(), findings: z.array(ZRedactionFinding) });
export type RedactedText = z.infer<typeof ZRedactedText>;

/** The longest free text of a disclosure (a reply, a description, a measure), as the case context allows. */
export const DISCLOSURE_TEXT_MAX = 2000;
export const DISCLOSURE_TITLE_MAX = 100;
/** The most items one disclosure holds. */
export const DISCLOSURE_MAX_ITEMS = 50;

/** One thing a supervisor proposes to disclose, by what it is drawn from. */
export const ZDisclosureItemInput = z.discriminatedUnion('kind', [
  /** A period's per-unit figures from its latest tally snapshot (N, 满意率 with its interval, score, rank). */
  z.object({ kind: z.literal('scores'), periodId: ZId }),
  /** The case KPIs of the cases received in a range of CST days, each with numerator and denominator. */
  z.object({ kind: z.literal('kpis'), from: z.iso.date(), to: z.iso.date() }),
  /** A rectification ledger item marked for publication (its `disclose` flag), with its progress. */
  z.object({ kind: z.literal('ledgerItem'), caseId: z.uuid() }),
  /** A closed complaint or bad-review case with its reply. */
  z.object({ kind: z.literal('case'), caseId: z.uuid() }),
]);
export type DisclosureItemInput = z.infer<typeof ZDisclosureItemInput>;

/** What a supervisor proposes: a title and the items, each drawn from the data now and redacted. */
export const ZDisclosureInput = z
  .object({
    title: text(DISCLOSURE_TITLE_MAX),
    items: z.array(ZDisclosureItemInput).check(z.minLength(1, schemaMessage(COMMON_MESSAGES.required)), z.maxLength(DISCLOSURE_MAX_ITEMS)),
  })
  .register(z.globalRegistry, { id: 'DisclosureInput', description: 'A disclosure (公示) a supervisor proposes: its title and what it holds.' });
export type DisclosureInput = z.infer<typeof ZDisclosureInput>;

/** The unit a case or figure is about, with its name as published. */
const ZUnitRef = z.object({ unitId: ZId, name: ZLocalizedText });

/** A period's scores: each unit's snapshot exactly as the snapshot API gives it, beside the units' names. */
export const ZScoresContent = z.object({
  kind: z.literal('scores'),
  periodId: ZId,
  periodName: ZLocalizedText,
  /** The CST day of the snapshot and its run's data-as-of time. */
  day: z.string(),
  computedAt: z.iso.datetime(),
  /** The snapshot of each unit, as GET /periods/{periodId}/snapshots returns it (ZUnitSnapshot), best rank first. */
  units: z.array(ZUnitSnapshot),
  unitNames: z.record(ZId, ZLocalizedText),
});

export const ZKpisContent = z.object({ kind: z.literal('kpis'), report: ZKpiReport });

/** A progress update of a ledger item (整改进展): when, and what the unit reported (redacted). */
export const ZProgressStep = z.object({ at: ZInstant, note: ZRedactedText });

/** A rectification ledger item (整改台账事项, domain/ledger/ledger.ts) marked for publication, with its progress. */
export const ZLedgerItemContent = z.object({
  kind: z.literal('ledgerItem'),
  caseId: z.uuid(),
  source: ZLedgerSource,
  level: ZLedgerLevel,
  /** The problem category (问题类别) with its name as the category list had it. */
  category: z.object({ id: ZId, name: ZLocalizedText }),
  unit: ZUnitRef,
  /** The ledger state when proposed (CLOSED becomes PUBLISHED with the publication). */
  state: ZLedgerState,
  dueDate: z.optional(z.iso.date()),
  /** The problem (问题描述) and the measures (整改措施), redacted. Owner and responsible leader are people's names: never published. */
  problem: ZRedactedText,
  measures: z.optional(ZRedactedText),
  progress: z.array(ZProgressStep),
  closedAt: z.optional(ZInstant),
  closedOnTime: z.optional(z.boolean()),
});

export const ZCaseContent = z.object({
  kind: z.literal('case'),
  caseId: z.uuid(),
  source: ZCaseSource,
  caseKind: ZCaseKind,
  unit: z.nullable(ZUnitRef),
  state: ZCaseState,
  receivedAt: ZInstant,
  closedAt: z.optional(ZInstant),
  closedOnTime: z.optional(z.boolean()),
  /** The citizen's latest callback, satisfied or not (回访), without their comment. */
  satisfied: z.optional(z.boolean()),
  description: ZRedactedText,
  reply: ZRedactedText,
});

export const ZDisclosureContent = z.discriminatedUnion('kind', [ZScoresContent, ZKpisContent, ZLedgerItemContent, ZCaseContent]);
export type DisclosureContent = z.infer<typeof ZDisclosureContent>;
export type ScoresContent = z.infer<typeof ZScoresContent>;
export type LedgerItemContent = z.infer<typeof ZLedgerItemContent>;
export type CaseContent = z.infer<typeof ZCaseContent>;

/** An item of a disclosure: its id within it (`i1`, `i2`…) and its content. */
export const ZDisclosureItem = z.object({ itemId: z.string(), content: ZDisclosureContent });
export type DisclosureItem = z.infer<typeof ZDisclosureItem>;

/** Who approved which revision when, and the hash of exactly what they approved (canonical JSON of the items, SHA-256). */
export const ZApproval = z.object({ by: z.string(), at: ZInstant, rev: z.int(), contentHash: z.string() });
export type Approval = z.infer<typeof ZApproval>;

/** Where the approved content went: its publication id and file (relative to the public root), and any commitment. */
export const ZPublication = z.object({
  publicationId: z.string(),
  at: ZInstant,
  file: z.string(),
  /** The ballot commitments of the scores it holds (one per period), by their file prefix. */
  commitmentPrefixes: z.optional(z.array(z.string())),
});
export type Publication = z.infer<typeof ZPublication>;

export const ZDisclosure = z
  .object({
    disclosureId: z.uuid(),
    title: z.string(),
    state: ZDisclosureState,
    items: z.array(ZDisclosureItem),
    proposedBy: z.string(),
    proposedAt: ZInstant,
    approval: z.optional(ZApproval),
    publication: z.optional(ZPublication),
    withdrawal: z.optional(z.object({ by: z.string(), at: ZInstant, reason: z.string() })),
    /** Raised by every change; an approval names the revision it approves. */
    rev: z.int().check(z.minimum(1)),
    updatedAt: ZInstant,
  })
  .register(z.globalRegistry, { id: 'Disclosure', description: 'A disclosure (公示): redacted content, its approval and publication.' });
export type Disclosure = z.infer<typeof ZDisclosure>;

export const DISCLOSURE_ACTIONS = ['propose', 'edit', 'approve', 'withdraw'] as const;

/** One append-only step of a disclosure: who, when, which action, from which state to which, at which revision. */
export const ZDisclosureEvent = z
  .object({
    disclosureId: z.uuid(),
    seq: z.int().check(z.minimum(1)),
    at: ZInstant,
    by: z.string(),
    action: z.enum(DISCLOSURE_ACTIONS),
    from: z.nullable(ZDisclosureState),
    to: ZDisclosureState,
    /** The approval's content hash, the publication id, or the withdrawal's reason. */
    contentHash: z.optional(z.string()),
    publicationId: z.optional(z.string()),
    note: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'DisclosureEvent' });
export type DisclosureEvent = z.infer<typeof ZDisclosureEvent>;

export const ZDisclosureDetail = z.object({ disclosure: ZDisclosure, events: z.array(ZDisclosureEvent) }).register(z.globalRegistry, { id: 'DisclosureDetail' });
export type DisclosureDetail = z.infer<typeof ZDisclosureDetail>;

/** The list for staff: each disclosure without its items' content (newest first). */
export const ZDisclosureList = z
  .object({
    disclosures: z.array(
      z.object({
        disclosureId: z.uuid(),
        title: z.string(),
        state: ZDisclosureState,
        items: z.int(),
        proposedAt: ZInstant,
        rev: z.int(),
        publishedAt: z.optional(ZInstant),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'DisclosureList' });
export type DisclosureList = z.infer<typeof ZDisclosureList>;

/** An approver's change to one redacted text of a draft: the item, the text's path in it (`reply`, `progress.2.note`), the new text. */
export const ZTextEdit = z.object({ itemId: z.string().check(z.maxLength(10)), path: z.string().check(z.maxLength(40)), text: text(DISCLOSURE_TEXT_MAX) });

/** Edits to a draft at the revision read; each text is redacted again before it is saved. */
export const ZDisclosureEditInput = z
  .object({
    rev: z.int().check(z.minimum(1)),
    edits: z.optional(z.array(ZTextEdit).check(z.maxLength(200))),
    /** Items to leave out of the draft. */
    remove: z.optional(z.array(z.string().check(z.maxLength(10))).check(z.maxLength(DISCLOSURE_MAX_ITEMS))),
  })
  .register(z.globalRegistry, { id: 'DisclosureEditInput', description: 'Edits of redacted texts, at the revision read.' });
export type DisclosureEditInput = z.infer<typeof ZDisclosureEditInput>;

/** An approval, of the revision the approver read. */
export const ZDisclosureApproveInput = z.object({ rev: z.int().check(z.minimum(1)) }).register(z.globalRegistry, { id: 'DisclosureApproveInput' });

/** A withdrawal from the public page, at the revision read, with its reason (kept, not published). */
export const ZDisclosureWithdrawInput = z
  .object({ rev: z.int().check(z.minimum(1)), reason: text(500) })
  .register(z.globalRegistry, { id: 'DisclosureWithdrawInput' });

/** What an approval answers: the disclosure as published, and any ledger item still short of its PUBLISHED state. */
export const ZApprovalResult = z
  .object({ disclosure: ZDisclosure, ledgerItemsNotMarked: z.array(z.uuid()) })
  .register(z.globalRegistry, { id: 'DisclosureApproval' });
