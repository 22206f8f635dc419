import * as z from 'zod/mini';
import { ZKpi } from '../cases/kpis';
import { ZCaseKind } from '../cases/case';
import { ZId } from '../ids';
import { COMMON_MESSAGES, fill, schemaMessage } from '../messages';
import { DECIMAL_STEP } from '../numbers';
import { ZInstant, ZLocalizedText } from '../text';
import { cstDate } from '../working-days';
import { BRIEFING_MESSAGES as M } from './messages';

/**
 * The weekly briefing (简报, 第N期) and the monthly report (月报告) of domain.md "Weekly briefing": figures
 * drafted by a job from the tally snapshots and the cases (figures.ts), narrative sections a supervisor
 * writes, and a number taken only when a supervisor publishes — so the issues are numbered without gaps.
 * A published issue never changes.
 *
 * A briefing covers a window of CST days: a week (Monday to Sunday) or a calendar month. Its id names the
 * window — `weekly-<Monday>` (`weekly-2026-11-23`), `monthly-<YYYY-MM>` (`monthly-2026-11`) — so drafting a
 * window twice finds the first draft rather than making a second.
 */

export const BRIEFING_KINDS = ['weekly', 'monthly'] as const;
export const ZBriefingKind = z.enum(BRIEFING_KINDS);
export type BriefingKind = z.infer<typeof ZBriefingKind>;

export const BRIEFING_STATES = ['draft', 'published'] as const;
export const ZBriefingState = z.enum(BRIEFING_STATES);
export type BriefingState = z.infer<typeof ZBriefingState>;

const ID_PATTERN = /^(weekly-\d{4}-\d{2}-\d{2}|monthly-\d{4}-\d{2})$/;
/** A briefing's id: its kind and the first day (weekly) or the month (monthly) of its window. */
export const ZBriefingId = z
  .string()
  .check(z.regex(ID_PATTERN, schemaMessage(M.badBriefingId)))
  .register(z.globalRegistry, { id: 'BriefingId', description: '`weekly-<Monday, YYYY-MM-DD>` or `monthly-<YYYY-MM>`.' });

/** The CST days a briefing covers (both included), and the instants they span (`endsAt` exclusive). */
export interface BriefingWindow {
  kind: BriefingKind;
  briefingId: string;
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** The instant a CST day begins. */
const startOfCstDay = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();

/** The window of this kind that holds the CST day `day`: its week (Monday to Sunday) or its month. */
export function windowOf(kind: BriefingKind, day: string): BriefingWindow {
  let from: string;
  let to: string;
  if (kind === 'weekly') {
    const n = dayNumber(day);
    // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays.
    const monday = n - ((((n + 3) % 7) + 7) % 7);
    [from, to] = [dayOf(monday), dayOf(monday + 6)];
  } else {
    const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
    from = `${day.slice(0, 7)}-01`;
    to = dayOf(dayNumber(month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`) - 1);
  }
  const briefingId = kind === 'weekly' ? `weekly-${from}` : `monthly-${from.slice(0, 7)}`;
  return { kind, briefingId, from, to, startsAt: startOfCstDay(from), endsAt: startOfCstDay(dayOf(dayNumber(to) + 1)) };
}

/** The window a briefing id names; undefined for an id of no window (a weekly id whose day is not a Monday). */
export function windowOfId(briefingId: string): BriefingWindow | undefined {
  if (!ID_PATTERN.test(briefingId)) return undefined;
  const [kind, rest] = [briefingId.startsWith('weekly-') ? 'weekly' : 'monthly', briefingId.replace(/^(weekly|monthly)-/, '')] as const;
  const day = kind === 'weekly' ? rest : `${rest}-01`;
  if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) return undefined;
  const window = windowOf(kind, day);
  return window.briefingId === briefingId ? window : undefined;
}

/** The windows that have just ended at `now`: last week's and last month's, which the scheduled job drafts. */
export function endedWindows(now: Date): BriefingWindow[] {
  const today = cstDate(now);
  const thisWeek = windowOf('weekly', today);
  const thisMonth = windowOf('monthly', today);
  return [windowOf('weekly', dayOf(dayNumber(thisWeek.from) - 1)), windowOf('monthly', dayOf(dayNumber(thisMonth.from) - 1))];
}

// ---- figures ---------------------------------------------------------------------------------------------

const ZCount = z.int().check(z.minimum(0));
/** A rate with its numerator and denominator (null when there is nothing to divide by). */
export const ZRatio = z.object({ numerator: z.int(), denominator: z.int(), rate: z.nullable(z.number()) });
export type Ratio = z.infer<typeof ZRatio>;

/** A unit's standing in a period at the window's end, against the start (the last snapshot before it). */
export const ZUnitStanding = z.object({
  periodId: ZId,
  unitId: ZId,
  unitName: ZLocalizedText,
  /** Valid ratings (N) at the end of the window. */
  n: ZCount,
  compositeScore: z.nullable(z.number()),
  /** The composite score of the last snapshot before the window; null when the unit had none. */
  previousScore: z.nullable(z.number()),
  /** compositeScore − previousScore, when both exist. */
  change: z.nullable(z.number()),
  satisfactionRate: z.nullable(z.number()),
  rank: z.nullable(z.int()),
  insufficientSample: z.boolean(),
  /** Why the unit is below the threshold: its composite score, its 满意率, or both. */
  below: z.array(z.enum(['compositeScore', 'satisfactionRate'])),
});
export type UnitStanding = z.infer<typeof ZUnitStanding>;

const badScore = schemaMessage(M.badScoreThreshold);
const badRate = schemaMessage(M.badRateThreshold);
// As numbers.ts's ZDecimal: DynamoDB cannot store a magnitude under 1E-130, and no one means a threshold of 1e-20.
const notTooFine = z.refine<number>((v) => v === 0 || Math.abs(v) >= DECIMAL_STEP, schemaMessage(fill(COMMON_MESSAGES.tooFine, { step: '0.000001' })));
/** The thresholds a unit is reported under ("units below threshold"): a setting, defaults in DEFAULT_BRIEFING_SETTINGS. */
export const ZBriefingThresholds = z.object({
  /** A composite score under this (0–100) is below threshold. */
  compositeScore: z.number(badScore).check(z.minimum(0, badScore), z.maximum(100, badScore), notTooFine),
  /** A 满意率 under this (a fraction) is below threshold. */
  satisfactionRate: z.number(badRate).check(z.minimum(0, badRate), z.maximum(1, badRate), notTooFine),
});
export type BriefingThresholds = z.infer<typeof ZBriefingThresholds>;

/** How many units a briefing names among the biggest rises and falls of score. */
export const MOVERS_SHOWN = 5;
/** How many units below threshold a briefing names (it always gives how many there are). */
export const BELOW_THRESHOLD_SHOWN = 50;

export const ZBriefingFigures = z
  .object({
    /** The data-as-of time: the window's end, or the drafting time for a window not yet over. */
    asOf: ZInstant,
    thresholds: ZBriefingThresholds,
    ratings: z.object({
      /** Each evaluation period open during the window, with the net change of its valid ratings (N) in the window. */
      periods: z.array(z.object({ periodId: ZId, name: ZLocalizedText, newRatings: z.int(), n: ZCount, unitsRated: ZCount })),
      newRatings: z.int(),
      risers: z.array(ZUnitStanding),
      fallers: z.array(ZUnitStanding),
      belowThreshold: z.array(ZUnitStanding),
      belowThresholdCount: ZCount,
    }),
    cases: z.object({
      received: ZCount,
      closed: ZCount,
      overdue: ZCount,
      /** The KPIs of the cases received from the start of the year to the window's end (本年累计). */
      kpiFrom: z.iso.date(),
      kpiTo: z.iso.date(),
      kpis: z.array(ZKpi),
    }),
    /** Repeat complaints: at least two cases about the same unit and kind received in the window. */
    repeatComplaints: z.array(z.object({ unitId: ZId, unitName: ZLocalizedText, kind: ZCaseKind, count: ZCount })),
    /** Rectification ledger items (整改台账), counted as ledger/progress.ts counts them. */
    ledger: z.object({
      /** Every item identified by the time of the figures. */
      total: ZCount,
      /** On the ledger (past IDENTIFIED): the completion rate's denominator. */
      ledgered: ZCount,
      /** Closed (销号) or published (公示): its numerator. */
      completed: ZCount,
      overdue: ZCount,
      newInWindow: ZCount,
      closedInWindow: ZCount,
      /** 整改完成率: completed / ledgered. */
      completionRate: ZRatio,
    }),
  })
  .register(z.globalRegistry, { id: 'BriefingFigures', description: 'The figures of a briefing, as drafted.' });
export type BriefingFigures = z.infer<typeof ZBriefingFigures>;

// ---- narrative, briefing, inputs -------------------------------------------------------------------------

/** The longest narrative section. */
export const NARRATIVE_MAX = 5000;
const narrativeText = z.string().check(z.trim(), z.maxLength(NARRATIVE_MAX, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: NARRATIVE_MAX }))));

/** What a supervisor writes: typical experience (典型经验), problems found (发现问题), next steps (下一步工作). */
export const ZBriefingNarrative = z.object({ typicalExperience: narrativeText, problemsFound: narrativeText, nextSteps: narrativeText });
export type BriefingNarrative = z.infer<typeof ZBriefingNarrative>;
export const EMPTY_NARRATIVE: BriefingNarrative = { typicalExperience: '', problemsFound: '', nextSteps: '' };

export const ZBriefing = z
  .object({
    briefingId: ZBriefingId,
    kind: ZBriefingKind,
    from: z.iso.date(),
    to: z.iso.date(),
    state: ZBriefingState,
    /** 第N期: taken when published, one after the last published issue of its kind; absent on a draft. */
    number: z.optional(z.int().check(z.minimum(1))),
    /** The issuing office printed under the title (a setting). */
    office: z.string(),
    figures: ZBriefingFigures,
    narrative: ZBriefingNarrative,
    /** Revision, raised by every save; an edit or a publication names the revision it read. */
    rev: z.int().check(z.minimum(1)),
    draftedAt: ZInstant,
    updatedAt: ZInstant,
    publishedAt: z.optional(ZInstant),
    /** The subject of the supervisor who published it. */
    publishedBy: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Briefing', description: 'A weekly briefing (简报) or monthly report (月报告), draft or published.' });
export type Briefing = z.infer<typeof ZBriefing>;

/** A briefing in a list: no figures, no narrative. */
export const ZBriefingSummary = z.object({
  briefingId: ZBriefingId,
  kind: ZBriefingKind,
  from: z.iso.date(),
  to: z.iso.date(),
  state: ZBriefingState,
  number: z.optional(z.int()),
  rev: z.int(),
  asOf: ZInstant,
  updatedAt: ZInstant,
  publishedAt: z.optional(ZInstant),
});
export type BriefingSummary = z.infer<typeof ZBriefingSummary>;
export const ZBriefingList = z.object({ briefings: z.array(ZBriefingSummary) }).register(z.globalRegistry, { id: 'BriefingList' });
export type BriefingList = z.infer<typeof ZBriefingList>;

export const ZBriefingParams = z.object({ briefingId: ZBriefingId });

/** "Draft now": the week or month holding `day` (a CST day; default today, the window so far). */
export const ZDraftBriefingInput = z
  .object({ kind: ZBriefingKind, day: z.optional(z.iso.date()) })
  .register(z.globalRegistry, { id: 'DraftBriefingInput' });
export type DraftBriefingInput = z.infer<typeof ZDraftBriefingInput>;

export const ZBriefingNarrativeInput = z
  .object({ ...ZBriefingNarrative.shape, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'BriefingNarrativeInput', description: 'The narrative sections, at the revision read.' });
export type BriefingNarrativeInput = z.infer<typeof ZBriefingNarrativeInput>;

export const ZPublishBriefingInput = z
  .object({ rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'PublishBriefingInput', description: 'The revision of the draft the supervisor read.' });
export type PublishBriefingInput = z.infer<typeof ZPublishBriefingInput>;

// ---- settings --------------------------------------------------------------------------------------------

/** The longest issuing office. */
export const OFFICE_MAX = 100;
const badOffice = schemaMessage(fill(M.badOffice, { max: OFFICE_MAX }));

/** What a deployment sets for its briefings: the issuing office (发文机关) and the thresholds (an admin's, domain/briefings/settings.ts). */
export const ZBriefingSettings = z
  .object({ office: z.string(badOffice).check(z.trim(), z.minLength(1, badOffice), z.maxLength(OFFICE_MAX, badOffice)), thresholds: ZBriefingThresholds })
  .register(z.globalRegistry, { id: 'BriefingSettings', description: 'The issuing office printed under a briefing\'s title, and the thresholds a unit is reported under.' });
export type BriefingSettings = z.infer<typeof ZBriefingSettings>;

/**
 * The defaults: a unit is below threshold with a composite score under 80 or a 满意率 under 90 % (units
 * with too small a sample are not judged); the office is the campaign's 作风办.
 */
export const DEFAULT_BRIEFING_SETTINGS: BriefingSettings = {
  office: '评议工作领导小组办公室',
  thresholds: { compositeScore: 80, satisfactionRate: 0.9 },
};
