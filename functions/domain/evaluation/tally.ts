import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';
import { wilsonInterval } from '../stats';
import { ZId } from '../ids';
import { ZLocalizedText, type LocalizedText } from '../text';
import { TIME_ZONE_OFFSET } from '../time-zone';
import { verifiedGroup } from './admission';
import { cstDay } from './client-key';
import { answerRules, type AnswerRules, type Answers } from './answers';
import { type FormVersion, type RatingQuestion } from './form';
import { dimensionsOf, levelPoints, scoredQuestion, type ScoredDimension } from './questions';
import { WEIGHT_SUM_TOLERANCE, periodState, type Period } from './period';
import { addPeriodCounters, prefixed, withoutZeros, type Counters, type CountersRead, type PeriodCounters } from './counters';
import { DONT_KNOW, SCALES, ZRatingLevel, type RatingLevel, type ScaleLevel } from './rating-scale';
import type { RespondentGroup } from './respondent-group';
import type { Response } from './response';
import { ZFlaggedBatch, decisionFor, digestId, type Appeal, type BatchReview, type FlagKind, type FlaggedBatch, type ReviewState } from './review';

/**
 * The tally (统计): each unit's figures for a period, from every stored response, each response read on
 * its own form version's scale, points and weights (domain.md "Scores"). Every figure carries the counts
 * behind it, and every ballot that is not counted is counted as excluded with its reason, so that for
 * every unit: ballots = n + dontKnow + Σ excluded.
 * Rates are fractions in [0, 1]; scores are points in [0, 100].
 */

/**
 * Why a ballot (or its part about one unit) is not counted. When several apply, the first in this order
 * is the one counted: what makes a ballot invalid, then an upheld appeal, then a flag (pending, or
 * excluded on review), then an unverified group. So an appeal upheld against a flagged ballot takes it out
 * of its batch, and a released ballot claiming a group it was not invited for is still excluded when the
 * period excludes such claims.
 */
export const EXCLUSION_REASONS = [
  /** The stored item does not read as a response. */
  'unreadable',
  /** It names a form version that does not exist. */
  'unknownFormVersion',
  /** It was stored outside its period's window. */
  'outsidePeriod',
  /** It rates a unit its form version does not list. */
  'unitNotOnForm',
  /** Its answers do not pass its form version's rules. */
  'invalidAnswers',
  /** A supervisor upheld the appeal (申诉) of the unit against it: excluded for that unit only. */
  'appealUpheld',
  /** An open ballot the tally flagged (review.ts FLAG_KINDS) that no review of its batch covers yet. */
  'flagged',
  /** Flagged, and a supervisor excluded it on reviewing its batch. */
  'excludedOnReview',
  /**
   * It claims a group that counts only through invitations for it (deputies, appointed supervisors …)
   * without one, and the period excludes such claims (admission.unverifiedClaim).
   */
  'unverifiedGroup',
] as const;
export const ZExclusionReason = z.enum(EXCLUSION_REASONS);
export type ExclusionReason = z.infer<typeof ZExclusionReason>;

const ZCount = z.int().check(z.minimum(0));
const ZCounts = z.partialRecord(ZRatingLevel, ZCount);
const ZGroupScores = z.record(ZId, z.object({ n: ZCount, score: z.number() }));
const ZInterval = z.nullable(z.object({ low: z.number(), high: z.number() }));

/** One dimension of a unit (服务态度, 办事效率 …), or the one rating of a single-question form. */
export const ZDimensionTally = z.object({
  dimensionId: z.string(),
  label: ZLocalizedText,
  /** Valid ratings of this dimension (不了解 excluded). */
  n: ZCount,
  dontKnow: ZCount,
  counts: ZCounts,
  satisfactionRate: z.nullable(z.number()),
  satisfactionInterval: ZInterval,
  /** S_d: mean points of its valid ratings. */
  score: z.nullable(z.number()),
  /** S_g,d per respondent group. */
  groupScores: ZGroupScores,
});
export type DimensionTally = z.infer<typeof ZDimensionTally>;

export const ZTally = z
  .object({
    periodId: ZId,
    unitId: ZId,
    /** Stored responses that rate this unit: counted + excluded. */
    ballots: ZCount,
    /**
     * Responses about this unit not counted, by reason. `flagged` is the unit's flagged ballots still
     * awaiting review.
     */
    excluded: z.partialRecord(ZExclusionReason, ZCount),
    /** N: counted responses with at least one valid rating of this unit. Every figure below rests on it. */
    n: ZCount,
    /** Counted responses that answered 不了解 throughout: shown, kept out of every denominator. */
    dontKnow: ZCount,
    /** Valid ratings, pooled over dimensions, by level. */
    counts: ZCounts,
    /** Valid ratings pooled over dimensions (= n on a single-rating form). */
    ratings: ZCount,
    /** 满意率 = (非常满意 + 满意 + 基本满意) / valid ratings; null when there are none. */
    satisfactionRate: z.nullable(z.number()),
    /**
     * Its 95% Wilson interval, with the number of responses (N) as the sample size: ratings of one response
     * on several dimensions are not independent, so counting each as a trial would overstate certainty.
     */
    satisfactionInterval: ZInterval,
    /** Responses with at least one rating in a bottom level (差评). */
    badReviews: ZCount,
    /** S_g: the mean response score of each group, a response scoring Σ w_d × points over the dimensions it rated. */
    groupScores: ZGroupScores,
    /** S = Σ W_g × S_g over the weighted groups with responses, weights rescaled to sum to 1; null when none. */
    compositeScore: z.nullable(z.number()),
    /** Σ W_g of the groups that had responses: 1 when every weighted group is represented. */
    weightCoverage: z.number(),
    /** N is below the period's minimum sample: shown, but not ranked. */
    insufficientSample: z.boolean(),
    dimensions: z.array(ZDimensionTally),
    computedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'Tally', description: "A unit's tally for a period, with the counts behind each figure." });
export type Tally = z.infer<typeof ZTally>;

/** When the tally of a period last ran, and over what. */
export const ZTallyRun = z
  .object({
    periodId: ZId,
    computedAt: z.iso.datetime(),
    units: ZCount,
    /** Stored responses read. */
    ballots: ZCount,
    /**
     * Responses counted for none of the units they name, by reason (the first, in EXCLUSION_REASONS order,
     * of the reasons that excluded the units it rates); a response can also be excluded for one unit only:
     * see each tally.
     */
    excluded: z.partialRecord(ZExclusionReason, ZCount),
    /**
     * The review decisions the run applied (reviewDecisions): once the period has ended, a count that
     * differs makes the tally run again. Absent on runs made before reviews existed.
     */
    reviewDecisions: z.optional(ZCount),
    /** The revision of the period the run counted by (its weights, limits and rule for unverified claims). */
    periodRev: z.optional(z.int()),
    /** Flagged ballots (per unit) awaiting review. */
    flaggedPending: z.optional(ZCount),
  })
  .register(z.globalRegistry, { id: 'TallyRun' });
export type TallyRun = z.infer<typeof ZTallyRun>;

/** A stored item of the responses table: a response, or what could not be read as one. */
export type StoredBallot = { ok: true; response: Response } | { ok: false; unitIds: string[] };

/** What the tally applies besides the ballots: the respondent groups, and the period's appeals and batch reviews. */
export interface TallyInputs extends ReviewState {
  /** Those with `requiresInvitation` count only through invitations issued for them. */
  groups: readonly Pick<RespondentGroup, 'groupId' | 'requiresInvitation'>[];
}

/**
 * How many review decisions a period's state holds: the appeals decided, and every revision (one per
 * decision) of every batch review. It only grows, whatever the clocks of the functions that decided, so a
 * tally that records it knows whether a decision came after it.
 */
export const reviewDecisions = (state: ReviewState): number =>
  state.appeals.filter((a) => a.status !== 'open').length + state.batchReviews.reduce((sum, r) => sum + r.rev, 0);

/** Flagged batches by unit, then oldest first. */
const batchOrder = (a: FlaggedBatch, b: FlaggedBatch) =>
  compareText(a.unitId, b.unitId) || compareText(a.firstAt, b.firstAt) || compareText(a.batchId, b.batchId);

/** Points summed as integer millionths (micro-points), so that sums are exact in any order of addition. */
export const MICRO = 1_000_000;
const micro = (points: number) => Math.round(points * MICRO);

interface GroupAcc {
  n: number;
  /** Micro-points. */
  sum: number;
}
/** Where a dimension's label and place come from: the newest version listing it (then the greatest form id). */
interface DimensionSource {
  version: number;
  formId: string;
  /** Its place among that version's dimensions. */
  position: number;
}
const isNewer = (a: DimensionSource, b: DimensionSource) => a.version > b.version || (a.version === b.version && a.formId > b.formId);
const sourceKey = (s: DimensionSource) => `${s.version}.${s.formId}.${s.position}`;
const sourceOf = (key: string): DimensionSource => {
  const [version, formId, position] = key.split('.');
  return { version: Number(version), formId: formId!, position: Number(position) };
};

interface DimensionAcc {
  label: LocalizedText;
  source: DimensionSource;
  n: number;
  dontKnow: number;
  satisfied: number;
  /** Micro-points. */
  points: number;
  counts: Partial<Record<RatingLevel, number>>;
  groups: Map<string, GroupAcc>;
  /** The counted parts of each form version listing it (sourceKey): its label comes from the newest. */
  sources: Map<string, number>;
}
interface UnitAcc {
  ballots: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  n: number;
  dontKnow: number;
  ratings: number;
  satisfied: number;
  badReviews: number;
  counts: Partial<Record<RatingLevel, number>>;
  groups: Map<string, GroupAcc>;
  dimensions: Map<string, DimensionAcc>;
}

const newUnit = (): UnitAcc => ({
  ballots: 0,
  excluded: {},
  n: 0,
  dontKnow: 0,
  ratings: 0,
  satisfied: 0,
  badReviews: 0,
  counts: {},
  groups: new Map(),
  dimensions: new Map(),
});

/** How a form version scores: read once per version. */
interface Scoring {
  version: FormVersion;
  question: RatingQuestion;
  points: Map<RatingLevel, number>;
  dimensions: ScoredDimension[];
  /** Where each dimension comes from (and its sourceKey), by position. */
  sources: { source: DimensionSource; key: string }[];
  /** The levels of the question's scale, by key. */
  levels: ReadonlyMap<string, ScaleLevel>;
}

/** What reading a ballot on a form version needs: read once per version, not once per ballot. */
interface VersionReading {
  onForm: ReadonlySet<string>;
  checkAnswers: AnswerRules;
  /** Undefined when the version has no scored question (its ballots are invalidAnswers). */
  scoring?: Scoring;
}

function scoringOf(version: FormVersion, question: RatingQuestion): Scoring {
  const dimensions = dimensionsOf(question);
  const sources = dimensions.map((_, position) => {
    const source = { version: version.version, formId: version.formId, position };
    return { source, key: sourceKey(source) };
  });
  return { version, question, points: levelPoints(question), dimensions, sources, levels: levelsOf(question.scale) };
}

/** A ballot as a whole: counted for none of the units it rates, it is excluded as a whole. */
interface BallotFate {
  /** Its place in the order the ballots were added (0, 1, …). */
  index: number;
  parts: number;
  excluded: number;
  reason?: ExclusionReason;
  outcome?: BallotOutcome;
}

/**
 * What the tally made of one ballot (PeriodTally's `outcomes` option), by the same rules that count it:
 * counted for at least one unit it rates, or excluded as a whole with the reason the period's figures count
 * it under; and the units it was excluded for while counted for others. For the ballot commitment
 * (domain/disclosure/commitment.ts), which must say of each ballot what the published figures did with it.
 */
export interface BallotOutcome {
  /** Its place in the order the ballots were added (0, 1, …). */
  index: number;
  status: 'counted' | 'excluded';
  /** Why it was excluded as a whole (status `excluded` only). */
  reason?: ExclusionReason;
  /** The units it was excluded for while counted for others (status `counted` only). */
  excludedFor: { unitId: string; reason: ExclusionReason }[];
}

/** A valid ballot's part about one unit, to be counted in `group` or excluded. */
interface Part {
  unitId: string;
  fate: BallotFate;
  scoring: Scoring;
  answers: Answers;
  group: string;
  /** It claims a group it was not invited for, and the period excludes such claims. */
  unverified: boolean;
}

/** An open ballot's part about one unit, held until the unit's open ballots can be read in order. */
interface OpenPart extends Part {
  ballotRef: string;
  submittedAt: string;
  at: number;
  /** The CST day of its client key, and the key. */
  day: string;
  clientKey: string;
  /** A digest of the response's answers and its answers about this unit. */
  answersKey: string;
  appealed: boolean;
}

/**
 * Why an open ballot is flagged, and with which others: its batch is (unit, kind, bucket, key), the bucket
 * being the CST day (clientLimit) or the window's start, the key the client key (clientLimit), the digest of
 * the answers (identicalAnswers) or nothing (burst).
 */
export interface Flag {
  kind: FlagKind;
  bucket: string;
  key: string;
}

const addTo = (groups: Map<string, GroupAcc>, group: string, score: number) => {
  const g = groups.get(group) ?? { n: 0, sum: 0 };
  g.n += 1;
  g.sum += score;
  groups.set(group, g);
};

const scores = (groups: Map<string, GroupAcc>) =>
  Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([g, acc]) => [g, { n: acc.n, score: acc.sum / MICRO / acc.n }]));

/** Newest version first (then by form id); the dimensions of one version in its order. */
const bySource = (a: DimensionSource, b: DimensionSource) =>
  b.version - a.version || a.formId.localeCompare(b.formId) || a.position - b.position;

/** A scale's levels by key (the first, should a key repeat). */
const levelsOf = (scale: keyof typeof SCALES): ReadonlyMap<string, ScaleLevel> => {
  const levels = new Map<string, ScaleLevel>();
  for (const l of SCALES[scale]) if (!levels.has(l.key)) levels.set(l.key, l);
  return levels;
};

const precedence = (reason: ExclusionReason) => EXCLUSION_REASONS.indexOf(reason);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** A ballot's part about a unit, as one string. */
export const partKey = (unitId: string, ballotRef: string) => `${unitId}\n${ballotRef}`;
const appealKey = partKey;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
// China Standard Time is UTC+8 all year (no daylight saving): windows are counted from its midnights.
const CST_OFFSET_MS = 8 * 60 * MINUTE_MS;

/** The start of the window of `minutes` an instant falls in, windows aligned to CST midnight: `2026-06-15T10:00:00+08:00`. */
export function windowStart(at: number, minutes: number): string {
  const local = at + CST_OFFSET_MS;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  const start = midnight + Math.floor((local - midnight) / (minutes * MINUTE_MS)) * minutes * MINUTE_MS;
  return `${new Date(start).toISOString().slice(0, 19)}${TIME_ZONE_OFFSET}`;
}

/**
 * What an open ballot's part counts as an arrival towards, each with the limit it may not pass: its
 * client's ballots that day, the ballots in its window, and the ballots with its answers in its window.
 * The tally reads them in order to flag; the counters (counters.ts) count them to know when a unit has
 * any ballot to flag.
 */
function arrivalKeys(part: Pick<OpenPart, 'at' | 'day' | 'clientKey' | 'answersKey'>, windowMinutes: number) {
  const window = windowStart(part.at, windowMinutes);
  return [
    { key: `c.${part.day}.${part.clientKey}`, limit: 'perClientPerUnitPerDay', window },
    { key: `w.${window}`, limit: 'burstPerUnit', window },
    { key: `i.${window}.${part.answersKey}`, limit: 'identicalPerUnit', window },
  ] as const;
}

/** An arrival of an open ballot's part at its unit, under a key of arrivalKeys, that may not pass `limit` arrivals. */
export interface Arrival {
  unitId: string;
  /** The CST day of its ballot: limits never reach across days, so a unit's day is what passes one. */
  day: string;
  ballotRef: string;
  key: string;
  limit: number;
}

/**
 * The CST day a stored ballot counts in: an open ballot's is its client key's (the day its limits are read
 * in: per client and day, and windows aligned to the day, so no limit reaches across days); any other's the
 * day it was stored. Both come from one clock when a ballot is stored. An unreadable item has none ('').
 */
export function ballotDay(ballot: StoredBallot): string {
  if (!ballot.ok) return '';
  const r = ballot.response;
  return r.admission.kind === 'open' ? r.admission.day : cstDay(new Date(r.submittedAt));
}

/** When a CST day (`2026-06-15`) ends, in ms since the epoch: the next CST midnight. */
export const dayEnd = (day: string): number => Date.parse(`${day}T00:00:00${TIME_ZONE_OFFSET}`) + DAY_MS;

/** A unit's day, as the counters mark it when an open ballot passes a limit there: `tax-bureau/2026-06-15`. */
export const unitDay = (unitId: string, day: string) => `${unitId}/${day}`;
const ofUnitDay = (key: string) => {
  const at = key.lastIndexOf('/');
  return { unitId: key.slice(0, at), day: key.slice(at + 1) };
};

/** The id of the batch a flag puts a unit's ballot in: the same at every tally. */
export const flaggedBatchId = (unitId: string, flag: Flag) => digestId(flag.kind, unitId, flag.bucket, flag.key);

/** How a PeriodTally reads its ballots (see its constructor). */
export interface TallyOptions {
  flag?: boolean;
  outcomes?: boolean;
  /**
   * The unit days (unitDay()) where an open ballot passed a limit, as the counters mark them (the tally's
   * hot days): open ballots of any other unit day are settled as they are added — no limit is passed there,
   * so reading them in order would flag none — and only those of these days wait to be read in order. Memory
   * then grows with the hot days' ballots only, as the tally's own reading of them does; arrivals() leaves the
   * settled ones out.
   */
  hot?: ReadonlySet<string>;
  /**
   * Told what became of each ballot's part about each unit as soon as it is settled: its place in the order
   * added, the unit, and the reason it is excluded (undefined: counted). A ballot excluded as a whole that
   * names no unit is told once, for unit ''. For the raw export's column of exclusions (response-export.ts).
   */
  onPart?: (index: number, unitId: string, reason: ExclusionReason | undefined) => void;
}

/**
 * Accumulates a period's ballots unit by unit. Feed it every stored ballot once, then take the tallies:
 * the order of the ballots does not matter.
 *
 * Besides the ballots it applies the period's review state:
 * - an appeal upheld excludes its ballot for its unit (`appealUpheld`);
 * - open ballots (admission `open`) are read per unit in the order they came (submittedAt, then ballotRef),
 *   and those past the period's openLimits are flagged, in batches: past `perClientPerUnitPerDay` from one
 *   client key in one day (clientLimit), past `burstPerUnit` in one window of `burstWindowMinutes` (burst), or
 *   past `identicalPerUnit` with the same answers in one window (identicalAnswers). Every ballot counts as an
 *   arrival towards every limit, and a ballot goes to the batch of the first limit it passes, in that order.
 *   Each decision of a batch's review covers its ballots stored up to the decision's `upTo` (decisionFor):
 *   released ones are counted, excluded ones are `excludedOnReview`, and the rest stay `flagged`. An appealed
 *   ballot, excluded for its unit anyway, still counts as an arrival but is in no batch. Tokenized ballots
 *   are never flagged: their token already makes them one per respondent;
 * - a ballot claiming a group that requires an invitation, without an invitation for that group, is counted
 *   in the period's `unverifiedClaim.groupId` (its weight goes there), or excluded (`unverifiedGroup`).
 * Precedence when several apply: EXCLUSION_REASONS order.
 */
export class PeriodTally {
  private readonly units = new Map<string, UnitAcc>();
  private ballotCount = 0;
  private readonly excluded: Partial<Record<ExclusionReason, number>> = {};
  private readonly readings = new Map<FormVersion, VersionReading>();
  private readonly open = new Map<string, OpenPart[]>();
  private readonly batches = new Map<string, FlaggedBatch>();
  private readonly invitationOnly: ReadonlySet<string>;
  private readonly upheld: ReadonlySet<string>;
  private readonly reviews: ReadonlyMap<string, BatchReview>;
  private readonly decisions: number;
  private readonly flagging: boolean;
  private readonly outcomeList?: BallotOutcome[];
  private readonly hot?: ReadonlySet<string>;
  private readonly onPart?: TallyOptions['onPart'];
  private readonly opensAt: number;
  private readonly closesAt: number;

  /**
   * `flag: false` counts open ballots without reading them against the limits (the counters' contributions);
   * `outcomes: true` keeps what became of each ballot (ballotOutcomes()); `hot` and `onPart`: see TallyOptions.
   */
  constructor(
    private readonly period: Period,
    inputs: TallyInputs,
    options: TallyOptions = {},
  ) {
    this.flagging = options.flag ?? true;
    if (options.outcomes) this.outcomeList = [];
    this.hot = options.hot;
    this.onPart = options.onPart;
    this.invitationOnly = new Set(inputs.groups.filter((g) => g.requiresInvitation).map((g) => g.groupId));
    this.upheld = new Set(
      inputs.appeals.filter((a) => a.periodId === period.periodId && a.status === 'upheld').map((a) => appealKey(a.unitId, a.ballotRef)),
    );
    this.reviews = new Map(inputs.batchReviews.filter((r) => r.periodId === period.periodId).map((r) => [r.batchId, r]));
    this.decisions = reviewDecisions(inputs);
    this.opensAt = Date.parse(period.opensAt);
    this.closesAt = Date.parse(period.closesAt);
  }

  private unit(unitId: string): UnitAcc {
    let acc = this.units.get(unitId);
    if (!acc) this.units.set(unitId, (acc = newUnit()));
    return acc;
  }

  private exclude(unitIds: readonly string[], reason: ExclusionReason, wholeBallot: boolean, outcome?: BallotOutcome): void {
    if (wholeBallot) this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
    if (outcome && wholeBallot) Object.assign(outcome, { status: 'excluded', reason, excludedFor: [] });
    if (this.onPart && wholeBallot && unitIds.length === 0) this.onPart(this.ballotCount - 1, '', reason);
    for (const unitId of unitIds) {
      const acc = this.unit(unitId);
      acc.ballots += 1;
      acc.excluded[reason] = (acc.excluded[reason] ?? 0) + 1;
      if (outcome && !wholeBallot) outcome.excludedFor.push({ unitId, reason });
      this.onPart?.(this.ballotCount - 1, unitId, reason);
    }
  }

  private readingOf(version: FormVersion): VersionReading {
    let reading = this.readings.get(version);
    if (!reading) {
      const question = scoredQuestion(version.content);
      reading = {
        onForm: new Set(version.content.unitIds),
        checkAnswers: answerRules(version.content),
        ...(question ? { scoring: scoringOf(version, question) } : {}),
      };
      this.readings.set(version, reading);
    }
    return reading;
  }

  /** The group a response counts in, by the period's rule for groups that count only through invitations. */
  private claimOf(r: Response): { group: string; unverified: boolean } {
    if (!this.invitationOnly.has(r.group) || verifiedGroup(r.admission, r.group)) return { group: r.group, unverified: false };
    const rule = this.period.admission.unverifiedClaim;
    return rule.action === 'countAs' ? { group: rule.groupId, unverified: false } : { group: r.group, unverified: true };
  }

  /** Counts one stored ballot, read on `version` (undefined when the version it names does not exist). */
  add(ballot: StoredBallot, version: FormVersion | undefined): void {
    const outcome: BallotOutcome | undefined = this.outcomeList && { index: this.ballotCount, status: 'counted', excludedFor: [] };
    if (outcome) this.outcomeList!.push(outcome);
    this.ballotCount += 1;
    if (!ballot.ok) return this.exclude(ballot.unitIds, 'unreadable', true, outcome);
    const r = ballot.response;
    const unitIds = Object.keys(r.units);
    if (!version) return this.exclude(unitIds, 'unknownFormVersion', true, outcome);
    const at = Date.parse(r.submittedAt);
    if (r.periodId !== this.period.periodId || at < this.opensAt || at >= this.closesAt) {
      return this.exclude(unitIds, 'outsidePeriod', true, outcome);
    }
    const { onForm, checkAnswers, scoring } = this.readingOf(version);
    const offForm = unitIds.filter((u) => !onForm.has(u));
    const rated = Object.entries(r.units).filter(([u]) => onForm.has(u));
    this.exclude(offForm, 'unitNotOnForm', rated.length === 0, outcome);
    if (rated.length === 0) return;
    // The answers are checked on the units the form lists; when that is all of them (as a rule), on the ballot's own.
    const units = offForm.length === 0 ? r.units : Object.fromEntries(rated);
    if (!scoring || checkAnswers({ answers: r.answers, units }).issues.length > 0) {
      return this.exclude(rated.map(([u]) => u), 'invalidAnswers', true, outcome);
    }

    const claim = this.claimOf(r);
    const fate: BallotFate = { index: this.ballotCount - 1, parts: rated.length, excluded: 0, ...(outcome ? { outcome } : {}) };
    for (const [unitId, answers] of rated) {
      const part: Part = { unitId, fate, scoring, answers, ...claim };
      const appealed = this.upheld.has(appealKey(unitId, r.ballotRef));
      // With the `hot` option, an open ballot of a unit day where no limit was passed is settled at once too.
      if (r.admission.kind !== 'open' || (this.hot && !this.hot.has(unitDay(unitId, r.admission.day)))) {
        this.settle(part, appealed ? 'appealUpheld' : undefined);
        continue;
      }
      // Open ballots wait: whether one is flagged depends on those of its unit that came before it.
      const parts = this.open.get(unitId) ?? [];
      parts.push({
        ...part,
        ballotRef: r.ballotRef,
        submittedAt: r.submittedAt,
        at,
        day: r.admission.day,
        clientKey: r.admission.clientKey,
        answersKey: createHash('sha256').update(canonicalJson([r.answers, answers])).digest('base64url'),
        appealed,
      });
      this.open.set(unitId, parts);
    }
  }

  /** Counts a ballot's part about its unit, or excludes it for `reason` (or as an unverified claim). */
  private settle(part: Part, reason?: ExclusionReason): void {
    const acc = this.unit(part.unitId);
    acc.ballots += 1;
    const why = reason ?? (part.unverified ? 'unverifiedGroup' : undefined);
    this.onPart?.(part.fate.index, part.unitId, why);
    if (!why) return this.count(acc, part);
    acc.excluded[why] = (acc.excluded[why] ?? 0) + 1;
    const fate = part.fate;
    fate.excluded += 1;
    if (fate.reason === undefined || precedence(why) < precedence(fate.reason)) fate.reason = why;
    if (fate.excluded === fate.parts) this.excluded[fate.reason] = (this.excluded[fate.reason] ?? 0) + 1;
    if (fate.outcome) {
      fate.outcome.excludedFor.push({ unitId: part.unitId, reason: why });
      if (fate.excluded === fate.parts) Object.assign(fate.outcome, { status: 'excluded', reason: fate.reason, excludedFor: [] });
    }
  }

  /**
   * The flag of an open ballot, if any: `arrive` counts it in (and tells how many have come so far from) its
   * client that day, its window, and its answers in that window.
   */
  private flagOf(part: OpenPart, arrive: (key: string) => number): Flag | undefined {
    const limits = this.period.admission.openLimits;
    const keys = arrivalKeys(part, limits.burstWindowMinutes);
    const fromClient = arrive(keys[0].key);
    const inWindow = arrive(keys[1].key);
    const identical = arrive(keys[2].key);
    if (fromClient > limits.perClientPerUnitPerDay) return { kind: 'clientLimit', bucket: part.day, key: part.clientKey };
    if (inWindow > limits.burstPerUnit) return { kind: 'burst', bucket: keys[1].window, key: '' };
    if (identical > limits.identicalPerUnit) return { kind: 'identicalAnswers', bucket: keys[1].window, key: part.answersKey };
    return undefined;
  }

  /** Reads each unit's open ballots in the order they came, flags those past the limits and applies the reviews. */
  private settleOpen(): void {
    for (const [unitId, parts] of [...this.open].sort(([a], [b]) => compareText(a, b))) {
      parts.sort((a, b) => a.at - b.at || compareText(a.ballotRef, b.ballotRef));
      const arrivals = new Map<string, number>();
      const arrive = (key: string) => {
        const n = (arrivals.get(key) ?? 0) + 1;
        arrivals.set(key, n);
        return n;
      };
      for (const part of parts) {
        const flag = this.flagging ? this.flagOf(part, arrive) : undefined;
        if (part.appealed) {
          this.settle(part, 'appealUpheld');
          continue;
        }
        if (!flag) {
          this.settle(part);
          continue;
        }
        const batch = this.batchOf(unitId, flag, part);
        const decision = decisionFor(batch.review, part.submittedAt);
        if (!decision) {
          batch.pending += 1;
          this.settle(part, 'flagged');
        } else if (decision.action === 'exclude') {
          batch.excluded += 1;
          this.settle(part, 'excludedOnReview');
        } else {
          batch.released += 1;
          this.settle(part);
        }
      }
    }
    this.open.clear();
  }

  /** The batch a flagged ballot goes to, with the ballot in it. */
  private batchOf(unitId: string, flag: Flag, part: OpenPart): FlaggedBatch {
    const batchId = flaggedBatchId(unitId, flag);
    let batch = this.batches.get(batchId);
    if (!batch) {
      const review = this.reviews.get(batchId);
      batch = {
        periodId: this.period.periodId,
        batchId,
        unitId,
        kind: flag.kind,
        bucket: flag.bucket,
        firstAt: part.submittedAt,
        lastAt: part.submittedAt,
        ballots: 0,
        pending: 0,
        released: 0,
        excluded: 0,
        ...(review ? { review } : {}),
      };
      this.batches.set(batchId, batch);
    }
    // The parts come in time order.
    batch.lastAt = part.submittedAt;
    batch.ballots += 1;
    return batch;
  }

  private count(acc: UnitAcc, part: Part): void {
    const { scoring, answers, group } = part;
    const { question, points, dimensions, sources, levels } = scoring;
    const answer = answers[question.id];
    const values: Record<string, string> = typeof answer === 'string' ? { [question.id]: answer } : (answer as Record<string, string> | undefined) ?? {};
    let weight = 0;
    let weighted = 0;
    let valid = 0;
    let bad = false;
    for (const [position, d] of dimensions.entries()) {
      const { source, key } = sources[position]!;
      const dim = acc.dimensions.get(d.id) ?? {
        label: d.label,
        source,
        n: 0,
        dontKnow: 0,
        satisfied: 0,
        points: 0,
        counts: {},
        groups: new Map<string, GroupAcc>(),
        sources: new Map<string, number>(),
      };
      if (isNewer(source, dim.source)) Object.assign(dim, { label: d.label, source });
      dim.sources.set(key, (dim.sources.get(key) ?? 0) + 1);
      acc.dimensions.set(d.id, dim);
      const value = values[d.id];
      if (value === DONT_KNOW) {
        dim.dontKnow += 1;
        continue;
      }
      const level = value === undefined ? undefined : levels.get(value);
      if (!level) continue;
      const p = points.get(level.key) ?? 0;
      dim.n += 1;
      dim.points += micro(p);
      dim.counts[level.key] = (dim.counts[level.key] ?? 0) + 1;
      if (level.satisfied) dim.satisfied += 1;
      addTo(dim.groups, group, micro(p));
      acc.counts[level.key] = (acc.counts[level.key] ?? 0) + 1;
      acc.ratings += 1;
      if (level.satisfied) acc.satisfied += 1;
      bad ||= level.badReview;
      valid += 1;
      weight += d.weight;
      weighted += d.weight * p;
    }
    if (valid === 0) {
      acc.dontKnow += 1;
      return;
    }
    acc.n += 1;
    if (bad) acc.badReviews += 1;
    // A dimension answered 不了解 leaves it out for this ballot only: the ballot's weights are rescaled.
    if (weight > 0) addTo(acc.groups, group, micro(weighted / weight));
  }

  /** The arrivals of the open ballots added so far and not yet settled (before counters() or result()). */
  arrivals(): Arrival[] {
    const limits = this.period.admission.openLimits;
    return [...this.open].flatMap(([unitId, parts]) =>
      parts.flatMap((part) =>
        arrivalKeys(part, limits.burstWindowMinutes).map(({ key, limit }) => ({ unitId, day: part.day, ballotRef: part.ballotRef, key, limit: limits[limit] })),
      ),
    );
  }

  /** What the ballots added so far amount to, as counters (counters.ts). */
  counters(): PeriodCounters {
    this.settleOpen();
    return {
      period: withoutZeros({ b: this.ballotCount, ...prefixed('x', this.excluded) }),
      units: new Map([...this.units].map(([unitId, acc]) => [unitId, unitCounters(acc)])),
    };
  }

  /** What became of each ballot, in the order they were added (with the `outcomes` option; after counters() or result()). */
  ballotOutcomes(): BallotOutcome[] {
    if (!this.outcomeList) throw new Error('PeriodTally was not asked to keep outcomes');
    this.settleOpen();
    return this.outcomeList;
  }

  /** The flagged batches, by unit, then oldest first (after counters() or result()). */
  flaggedBatches(): FlaggedBatch[] {
    return [...this.batches.values()].sort(batchOrder);
  }

  /** The run record, every unit's tally and the flagged batches (by unit, then oldest first), computed at `now`. */
  result(now: Date): { run: TallyRun; tallies: Tally[]; batches: FlaggedBatch[] } {
    this.settleOpen();
    const computedAt = now.toISOString();
    const tallies = [...this.units].map(([unitId, acc]) => unitTally(this.period, unitId, acc, computedAt));
    const batches = this.flaggedBatches();
    return {
      run: {
        periodId: this.period.periodId,
        computedAt,
        units: tallies.length,
        ballots: this.ballotCount,
        excluded: { ...this.excluded },
        reviewDecisions: this.decisions,
        periodRev: this.period.rev,
        flaggedPending: batches.reduce((sum, b) => sum + b.pending, 0),
      },
      tallies,
      batches,
    };
  }
}

/** A unit's accumulated counts as counters (counters.ts). */
function unitCounters(acc: UnitAcc): Counters {
  const c: Counters = {
    b: acc.ballots,
    ...prefixed('x', acc.excluded),
    n: acc.n,
    dk: acc.dontKnow,
    r: acc.ratings,
    s: acc.satisfied,
    bad: acc.badReviews,
    ...prefixed('l', acc.counts),
  };
  for (const [group, g] of acc.groups) Object.assign(c, { [`g.${group}.n`]: g.n, [`g.${group}.s`]: g.sum });
  for (const [id, d] of acc.dimensions) {
    Object.assign(c, { [`d.${id}.n`]: d.n, [`d.${id}.dk`]: d.dontKnow, [`d.${id}.s`]: d.satisfied, [`d.${id}.p`]: d.points });
    Object.assign(c, prefixed(`d.${id}.l`, d.counts));
    for (const [group, g] of d.groups) Object.assign(c, { [`d.${id}.g.${group}.n`]: g.n, [`d.${id}.g.${group}.s`]: g.sum });
    Object.assign(c, prefixed(`d.${id}.v`, Object.fromEntries(d.sources)));
  }
  return withoutZeros(c);
}

/** The label of a dimension as the form version that is its source lists it. */
export type DimensionLabels = (source: { formId: string; version: number; position: number }) => LocalizedText | undefined;

/** Counters back as accumulated counts; each dimension labelled by the newest form version it was counted on. */
function unitAccOf(counters: Counters, labelOf: DimensionLabels): UnitAcc {
  const acc = newUnit();
  const group = (groups: Map<string, GroupAcc>, id: string) => {
    const g = groups.get(id) ?? { n: 0, sum: 0 };
    groups.set(id, g);
    return g;
  };
  const dimension = (id: string) => {
    let d = acc.dimensions.get(id);
    if (!d) {
      const unset = { version: -1, formId: '', position: 0 };
      d = { label: { 'zh-CN': id, en: id }, source: unset, n: 0, dontKnow: 0, satisfied: 0, points: 0, counts: {}, groups: new Map(), sources: new Map() };
      acc.dimensions.set(id, d);
    }
    return d;
  };
  for (const [name, n] of Object.entries(counters)) {
    if (n === 0) continue;
    const [head, id, field, ...rest] = name.split('.');
    if (head === 'b') acc.ballots = n;
    else if (head === 'n') acc.n = n;
    else if (head === 'dk') acc.dontKnow = n;
    else if (head === 'r') acc.ratings = n;
    else if (head === 's') acc.satisfied = n;
    else if (head === 'bad') acc.badReviews = n;
    else if (head === 'x') acc.excluded[id as ExclusionReason] = n;
    else if (head === 'l') acc.counts[id as RatingLevel] = n;
    else if (head === 'g') group(acc.groups, id!)[field === 'n' ? 'n' : 'sum'] = n;
    else if (head === 'd') {
      const d = dimension(id!);
      if (field === 'n') d.n = n;
      else if (field === 'dk') d.dontKnow = n;
      else if (field === 's') d.satisfied = n;
      else if (field === 'p') d.points = n;
      else if (field === 'l') d.counts[rest[0] as RatingLevel] = n;
      else if (field === 'g') group(d.groups, rest[0]!)[rest[1] === 'n' ? 'n' : 'sum'] = n;
      else if (field === 'v') d.sources.set(rest.join('.'), n);
    }
  }
  for (const [id, d] of acc.dimensions) {
    const newest = [...d.sources].filter(([, n]) => n > 0).map(([key]) => sourceOf(key)).sort(bySource)[0];
    // A dimension is listed while a counted ballot's version lists it (the tally's own rule).
    if (!newest) {
      acc.dimensions.delete(id);
      continue;
    }
    d.source = newest;
    d.label = labelOf({ formId: newest.formId, version: newest.version, position: newest.position }) ?? d.label;
  }
  return acc;
}

/**
 * A period's run record and tallies from its counters: what PeriodTally.result() gives for the same ballots,
 * with the flagged batches (and the review decisions) of the ballots that were read to apply them.
 */
export function talliesFromCounters(
  period: Period,
  counters: PeriodCounters,
  labelOf: DimensionLabels,
  review: { batches: FlaggedBatch[]; decisions: number },
  now: Date,
): { run: TallyRun; tallies: Tally[]; batches: FlaggedBatch[] } {
  const computedAt = now.toISOString();
  const tallies = [...counters.units]
    .sort(([a], [b]) => compareText(a, b))
    .map(([unitId, c]) => unitTally(period, unitId, unitAccOf(c, labelOf), computedAt));
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  for (const reason of EXCLUSION_REASONS) if (counters.period[`x.${reason}`]) excluded[reason] = counters.period[`x.${reason}`];
  return {
    run: {
      periodId: period.periodId,
      computedAt,
      units: tallies.length,
      ballots: counters.period.b ?? 0,
      excluded,
      reviewDecisions: review.decisions,
      periodRev: period.rev,
      flaggedPending: review.batches.reduce((sum, b) => sum + b.pending, 0),
    },
    tallies,
    batches: review.batches,
  };
}

/** A unit's figures from its accumulated counts. */
function unitTally(period: Period, unitId: string, acc: UnitAcc, computedAt: string): Tally {
  const rate = acc.ratings > 0 ? acc.satisfied / acc.ratings : null;
  let coverage = 0;
  let weighted = 0;
  // In the groups' order, so that the sums (and their last bits) do not depend on the order ballots came in.
  for (const [group, g] of [...acc.groups].sort(([a], [b]) => compareText(a, b))) {
    const w = period.groupWeights[group] ?? 0;
    coverage += w;
    weighted += w * (g.sum / MICRO / g.n);
  }
  return {
    periodId: period.periodId,
    unitId,
    ballots: acc.ballots,
    excluded: { ...acc.excluded },
    n: acc.n,
    dontKnow: acc.dontKnow,
    counts: acc.counts,
    ratings: acc.ratings,
    satisfactionRate: rate,
    satisfactionInterval: rate === null ? null : (wilsonInterval(rate * acc.n, acc.n) ?? null),
    badReviews: acc.badReviews,
    groupScores: scores(acc.groups),
    compositeScore: coverage > 0 ? weighted / coverage : null,
    // Weights like 0.5 + 0.3 + 0.1 + 0.1 sum to a hair under 1 in binary: full coverage is 1.
    weightCoverage: Math.abs(coverage - 1) <= WEIGHT_SUM_TOLERANCE ? 1 : Math.min(1, coverage),
    insufficientSample: acc.n < period.minSample,
    // In the newest version's order, so that the order of the ballots read does not show.
    dimensions: [...acc.dimensions].sort(([, a], [, b]) => bySource(a.source, b.source)).map(([dimensionId, d]) => ({
      dimensionId,
      label: d.label,
      n: d.n,
      dontKnow: d.dontKnow,
      counts: d.counts,
      satisfactionRate: d.n > 0 ? d.satisfied / d.n : null,
      satisfactionInterval: wilsonInterval(d.satisfied, d.n) ?? null,
      score: d.n > 0 ? d.points / MICRO / d.n : null,
      groupScores: scores(d.groups),
    })),
    computedAt,
  };
}

/**
 * Whether a period's tally should be (re)computed: while it is open, and once more after it ends, so the
 * stored figures are final — and again whenever the figures of an ended period would change: a review
 * decision (an appeal decided, a flagged batch released or excluded) or an edit of the period (its
 * weights, limits or rule for unverified claims) since the last run. `decisions` is reviewDecisions() of
 * the period's current review state. A period that has not opened has nothing to count.
 */
export function needsTally(period: Period, lastRun: TallyRun | undefined, now: Date, decisions = 0): boolean {
  const state = periodState(period, now);
  if (state === 'notYetOpen') return false;
  if (state === 'open') return true;
  return (
    !lastRun ||
    Date.parse(lastRun.computedAt) < Date.parse(period.closesAt) ||
    (lastRun.reviewDecisions ?? 0) !== decisions ||
    (lastRun.periodRev !== undefined && lastRun.periodRev !== period.rev)
  );
}

/** What runTally needs from storage. */
export interface RunTallyDeps {
  listPeriods(): Promise<Period[]>;
  /** The respondent groups: which count only through invitations. */
  listGroups(): Promise<RespondentGroup[]>;
  getTallyRun(periodId: string): Promise<TallyRun | undefined>;
  /** The period's appeals (an upheld one excludes its ballot for its unit). */
  listAppeals(periodId: string): Promise<Appeal[]>;
  /** The period's reviews of flagged batches. */
  listBatchReviews(periodId: string): Promise<BatchReview[]>;
  /**
   * At once: the period's counters as the counting function (jobs/count-responses.ts) has added them up, with
   * the units' late counts; the days of units (unitDay()) whose open ballots must be read in order — an
   * arrival passed a limit there —; and the hot days settled so far (SettledDay).
   */
  readTallyState(periodId: string): Promise<{ counters: CountersRead; hot: ReadonlySet<string>; settled: SettledDay[] }>;
  /** The units' ballots counted so far (their counter `b`), read now. */
  unitBallots(periodId: string, unitIds: readonly string[]): Promise<Map<string, number>>;
  /** Keeps a hot day's settlement, replacing the day's earlier one. */
  settleDay(periodId: string, settled: SettledDay): Promise<void>;
  /** The references of the ballots of a day (ballotDay()) counted for a unit. */
  countedRefs(periodId: string, unitId: string, day: string): Promise<string[]>;
  /** Which of these ballots' parts have been counted for their unit, as partKey()s. */
  counted(periodId: string, parts: readonly { unitId: string; ballotRef: string; day: string }[]): Promise<Set<string>>;
  /** Stored ballots by reference (those not found are left out). */
  getBallots(periodId: string, ballotRefs: readonly string[]): Promise<StoredBallot[]>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  /** Replaces the period's tallies and flagged batches (dropping batches no longer flagged), and records the run. */
  saveTallies(run: TallyRun, tallies: Tally[], batches: FlaggedBatch[]): Promise<void>;
  now(): Date;
}

/**
 * Counting went on while a run read a busy unit's ballots, every time it tried: the next run tries again
 * (the scheduled job is retried; an operation that runs the tally answers 503 with Retry-After).
 */
export class CountingInProgressError extends Error {
  override readonly name = 'CountingInProgressError';
  readonly $retryable = { throttling: false };
}

/** Reads form versions once each, and knows which belong to the period. */
function versionReader(deps: Pick<RunTallyDeps, 'getFormVersion'>, periodId: string) {
  const versions = new Map<string, Promise<FormVersion | undefined>>();
  const get = (formId: string, version: number) => {
    const key = `${formId}@${version}`;
    if (!versions.has(key)) versions.set(key, deps.getFormVersion(formId, version));
    return versions.get(key)!;
  };
  return {
    get,
    /** The version a ballot is read on: undefined when it does not exist or belongs to another period. */
    async of(ballot: StoredBallot): Promise<FormVersion | undefined> {
      if (!ballot.ok) return undefined;
      const version = await get(ballot.response.formId, ballot.response.version);
      return version && version.periodId === periodId ? version : undefined;
    },
  };
}

/** The labels of every dimension source the counters name, read once per form version. */
async function labelsOf(counters: PeriodCounters, versions: ReturnType<typeof versionReader>): Promise<DimensionLabels> {
  const wanted = new Set<string>();
  for (const c of counters.units.values()) {
    for (const name of Object.keys(c)) {
      const [head, , field, version, formId] = name.split('.');
      if (head === 'd' && field === 'v') wanted.add(`${version}.${formId}`);
    }
  }
  const found = new Map<string, FormVersion | undefined>();
  await Promise.all(
    [...wanted].map(async (key) => {
      const [version, formId] = key.split('.');
      found.set(key, await versions.get(formId!, Number(version)));
    }),
  );
  return ({ formId, version, position }) => {
    const v = found.get(`${version}.${formId}`);
    const question = v && scoredQuestion(v.content);
    return question ? dimensionsOf(question)[position]?.label : undefined;
  };
}

const READ_ATTEMPTS = 5;

/**
 * A hot day settled: once a CST day with hot units (unitDay()) ended SETTLE_AFTER_MS ago, a ballot of it
 * counted from then on is late (counting.ts isLate, LATE_AFTER_MS before that). The run that reads the day
 * keeps what reading its ballots in order changes against the counters — as tallied − as counted, of the
 * ballots of its hot units and those of the day with an upheld appeal — with its flagged batches; later runs
 * add that instead of reading the ballots again (no limit, batch or ballot reaches across days, so each day's
 * change is its own). It holds while nothing that went into it changed: `key` (settledKey: the period's rules,
 * the groups, the day's hot units and its counted ballots with an upheld appeal), the reviews of its batches,
 * and the late counts of its hot units (a ballot of the day counted after it was settled, or one of the
 * recount's adopted ones); otherwise the day is read again, and settled anew.
 */
export const ZSettledDay = z
  .object({
    day: z.string(),
    key: z.string(),
    /** The late counts of the day's hot units when it was settled. */
    late: z.record(ZId, ZCount),
    /** The change to the period's counters and to each unit's (counters.ts names). */
    period: z.record(z.string(), z.number()),
    units: z.record(ZId, z.record(z.string(), z.number())),
    batches: z.array(ZFlaggedBatch),
    settledAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'SettledDay' });
export type SettledDay = z.infer<typeof ZSettledDay>;

/**
 * How long after its end a hot day is settled: the counting function's write of a ballot that was not late
 * (LATE_AFTER_MS) is over by then.
 */
export const SETTLE_AFTER_MS = 60 * 60_000;
/** A settlement larger than this (as JSON) is not kept: the day is read at every run, and no item nears DynamoDB's 400 KB. */
const SETTLED_MAX_CHARS = 64_000;

/** What a day's settlement rests on, besides the reviews of its batches and the late counts of its hot units. */
function settledKey(period: Period, groups: TallyInputs['groups'], hotUnits: readonly string[], appealedParts: readonly string[]): string {
  const rules = [period.rev, period.opensAt, period.closesAt, period.admission];
  const invitationOnly = groups.map((g) => [g.groupId, g.requiresInvitation === true] as const).sort(([a], [b]) => compareText(a, b));
  return createHash('sha256').update(canonicalJson([rules, invitationOnly, hotUnits, appealedParts])).digest('base64url');
}

/**
 * One period's figures from its counters: O(units) reads, plus the ballots that the counters cannot settle
 * alone — those of the days of units where an open ballot passed a limit (hot days, read in order and
 * flagged) and those with an upheld appeal. Those ballots are taken out of the counters as counted (their
 * contribution) and put back as the tally reads them with the period's reviews and appeals; the result is
 * what PeriodTally gives over every counted ballot. A hot day settled (SettledDay) and still holding is
 * added as settled, without a read; one that ended SETTLE_AFTER_MS ago is settled by the run that reads it.
 * The counters, the hot days and the settled days are one read; the unsettled hot days' references are read
 * after it, and then their units' ballot counts again: if a ballot of one of those units was counted
 * meanwhile, the run reads again. A unit's late count is read with its counters, so a settled day is trusted
 * only with counters that hold no ballot of it counted after it was settled.
 */
async function periodFromCounters(deps: RunTallyDeps, period: Period, inputs: TallyInputs, now: Date) {
  const periodId = period.periodId;
  const upheld = inputs.appeals.filter((a) => a.periodId === periodId && a.status === 'upheld');
  // An appealed ballot is taken out only once it is counted; the check comes before the counters are read.
  const stored = upheld.length > 0 ? await deps.getBallots(periodId, [...new Set(upheld.map((a) => a.ballotRef))]) : [];
  const dayOf = new Map(stored.flatMap((b) => (b.ok ? [[b.response.ballotRef, ballotDay(b)] as const] : [])));
  const parts = upheld.map((a) => ({ ...a, day: dayOf.get(a.ballotRef) ?? '' }));
  const counted = upheld.length > 0 ? await deps.counted(periodId, parts) : new Set<string>();
  const appealed = parts.filter((a) => counted.has(partKey(a.unitId, a.ballotRef)));
  const reviews = new Map(inputs.batchReviews.filter((r) => r.periodId === periodId).map((r) => [r.batchId, r]));
  for (let attempt = 1; ; attempt++) {
    const { counters, hot, settled } = await deps.readTallyState(periodId);
    const hotUnits = new Map<string, string[]>();
    for (const { unitId, day } of [...hot].sort(compareText).map(ofUnitDay)) hotUnits.set(day, [...(hotUnits.get(day) ?? []), unitId]);
    const keyOf = (day: string) =>
      settledKey(period, inputs.groups, hotUnits.get(day) ?? [], appealed.filter((a) => a.day === day).map((a) => partKey(a.unitId, a.ballotRef)).sort(compareText));
    // A settled day holds while nothing it rests on changed, and no hot unit of it counted a late ballot since.
    const holds = (s: SettledDay) =>
      hotUnits.has(s.day) &&
      s.key === keyOf(s.day) &&
      s.batches.every((b) => (b.review?.rev ?? 0) === (reviews.get(b.batchId)?.rev ?? 0)) &&
      hotUnits.get(s.day)!.every((u) => (counters.late.get(u) ?? 0) === (s.late[u] ?? 0));
    const usable = new Map(settled.filter(holds).map((s) => [s.day, s]));
    const live = [...hotUnits].filter(([day]) => !usable.has(day)).flatMap(([day, units]) => units.map((unitId) => ({ unitId, day })));
    const refs = await Promise.all(live.map(({ unitId, day }) => deps.countedRefs(periodId, unitId, day)));
    const liveUnits = [...new Set(live.map((l) => l.unitId))];
    // Then the live units' ballot counts again: a ballot counted for one since the counters were read is in
    // its references and not in the counters (or may be).
    const ballotCounts = liveUnits.length > 0 ? await deps.unitBallots(periodId, liveUnits) : new Map<string, number>();
    if (liveUnits.some((u) => (ballotCounts.get(u) ?? 0) !== (counters.units.get(u)?.b ?? 0))) {
      if (attempt >= READ_ATTEMPTS) throw new CountingInProgressError(`counting of period ${periodId} went on while it was read`);
      continue;
    }
    const appealedRefs = appealed.filter((a) => !usable.has(a.day)).map((a) => a.ballotRef);
    const ballots = await deps.getBallots(periodId, [...new Set([...refs.flat(), ...appealedRefs])].sort(compareText));
    const versions = versionReader(deps, periodId);
    // Day by day: what reading each day's ballots in order changes against the counters.
    const days = new Map<string, { asCounted: PeriodTally; asTallied: PeriodTally }>();
    const dayTally = (day: string) => {
      let d = days.get(day);
      if (!d) {
        d = { asCounted: new PeriodTally(period, { groups: inputs.groups, appeals: [], batchReviews: [] }, { flag: false }), asTallied: new PeriodTally(period, inputs) };
        days.set(day, d);
      }
      return d;
    };
    for (const { day } of live) dayTally(day);
    for (const ballot of ballots) {
      const version = await versions.of(ballot);
      const d = dayTally(ballotDay(ballot));
      d.asCounted.add(ballot, version);
      d.asTallied.add(ballot, version);
    }
    let figures: PeriodCounters = { period: counters.period, units: counters.units };
    const batches: FlaggedBatch[] = [];
    const settling: SettledDay[] = [];
    for (const [day, { asCounted, asTallied }] of [...days].sort(([a], [b]) => compareText(a, b))) {
      const change = addPeriodCounters(asTallied.counters(), asCounted.counters(), -1);
      const flagged = asTallied.flaggedBatches();
      figures = addPeriodCounters(figures, change);
      batches.push(...flagged);
      const units = hotUnits.get(day);
      if (units && now.getTime() >= dayEnd(day) + SETTLE_AFTER_MS) {
        const late = Object.fromEntries(units.map((u) => [u, counters.late.get(u) ?? 0]));
        settling.push({ day, key: keyOf(day), late, period: change.period, units: Object.fromEntries(change.units), batches: flagged, settledAt: now.toISOString() });
      }
    }
    for (const s of usable.values()) {
      figures = addPeriodCounters(figures, { period: s.period, units: new Map(Object.entries(s.units)) });
      batches.push(...s.batches);
    }
    for (const s of settling) if (JSON.stringify(s).length <= SETTLED_MAX_CHARS) await deps.settleDay(periodId, s);
    return talliesFromCounters(
      period,
      figures,
      await labelsOf(figures, versions),
      { batches: batches.sort(batchOrder), decisions: reviewDecisions(inputs) },
      now,
    );
  }
}

/**
 * The scheduled tally: recomputes every period that needs it (needsTally) from its counters
 * (periodFromCounters), with the period's appeals and batch reviews, and stores each period's results in
 * one go. A rerun computes the same figures from the same counters. An ended period costs two Queries a
 * run (its appeals and batch reviews), to see whether a decision came after its last tally.
 */
export async function runTally(deps: RunTallyDeps): Promise<TallyRun[]> {
  const now = deps.now();
  const runs: TallyRun[] = [];
  let groups: Promise<RespondentGroup[]> | undefined;
  for (const period of await deps.listPeriods()) {
    if (periodState(period, now) === 'notYetOpen') continue;
    const [lastRun, appeals, batchReviews] = await Promise.all([
      deps.getTallyRun(period.periodId),
      deps.listAppeals(period.periodId),
      deps.listBatchReviews(period.periodId),
    ]);
    if (!needsTally(period, lastRun, now, reviewDecisions({ appeals, batchReviews }))) continue;
    groups ??= deps.listGroups();
    runs.push(await tallyPeriod(deps, period, { groups: await groups, appeals, batchReviews }, now));
  }
  return runs;
}

/** Computes and stores one period's figures now, whether or not it needs it (after a recount repaired its counters). */
export async function tallyPeriod(deps: RunTallyDeps, period: Period, inputs?: TallyInputs, now = deps.now()): Promise<TallyRun> {
  const [groups, appeals, batchReviews] = inputs
    ? [inputs.groups, inputs.appeals, inputs.batchReviews]
    : await Promise.all([deps.listGroups(), deps.listAppeals(period.periodId), deps.listBatchReviews(period.periodId)]);
  const { run, tallies, batches } = await periodFromCounters(deps, period, { groups, appeals, batchReviews }, now);
  await deps.saveTallies(run, tallies, batches);
  return run;
}

/** Every stored ballot of a period read by the tally at once, on its form version: the recount. */
export async function recountBallots(
  period: Period,
  inputs: TallyInputs,
  ballots: AsyncIterable<StoredBallot>,
  getFormVersion: RunTallyDeps['getFormVersion'],
  options: TallyOptions = {},
): Promise<PeriodTally> {
  const tally = new PeriodTally(period, inputs, options);
  const versions = versionReader({ getFormVersion }, period.periodId);
  for await (const ballot of ballots) tally.add(ballot, await versions.of(ballot));
  return tally;
}
