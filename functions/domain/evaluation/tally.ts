import * as z from 'zod/mini';
import { wilsonInterval } from '../stats';
import { ZId } from '../ids';
import { ZLocalizedText, type LocalizedText } from '../text';
import { checkAnswers } from './answers';
import { type FormVersion } from './form';
import { dimensionsOf, levelPoints, scoredQuestion } from './questions';
import { WEIGHT_SUM_TOLERANCE, type Period } from './period';
import { DONT_KNOW, SCALES, ZRatingLevel, type RatingLevel } from './rating-scale';
import type { Response } from './response';

/**
 * The tally (统计): each unit's figures for a period, from every stored response, each response read on
 * its own form version's scale, points and weights (domain.md "Scores"). Every figure carries the counts
 * behind it, and every ballot that is not counted is counted as excluded with its reason.
 * Rates are fractions in [0, 1]; scores are points in [0, 100].
 */

/** Why a ballot (or its part about one unit) is not counted. */
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
    /** Responses about this unit not counted, by reason. */
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
    /** Responses excluded as a whole, by reason (a response can also be excluded for one unit only; see each tally). */
    excluded: z.partialRecord(ZExclusionReason, ZCount),
  })
  .register(z.globalRegistry, { id: 'TallyRun' });
export type TallyRun = z.infer<typeof ZTallyRun>;

/** A stored item of the responses table: a response, or what could not be read as one. */
export type StoredBallot = { ok: true; response: Response } | { ok: false; unitIds: string[] };

interface GroupAcc {
  n: number;
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

interface DimensionAcc {
  label: LocalizedText;
  source: DimensionSource;
  n: number;
  dontKnow: number;
  satisfied: number;
  points: number;
  counts: Partial<Record<RatingLevel, number>>;
  groups: Map<string, GroupAcc>;
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

const addTo = (groups: Map<string, GroupAcc>, group: string, score: number) => {
  const g = groups.get(group) ?? { n: 0, sum: 0 };
  g.n += 1;
  g.sum += score;
  groups.set(group, g);
};

const scores = (groups: Map<string, GroupAcc>) =>
  Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([g, acc]) => [g, { n: acc.n, score: acc.sum / acc.n }]));

/** Newest version first (then by form id); the dimensions of one version in its order. */
const bySource = (a: DimensionSource, b: DimensionSource) =>
  b.version - a.version || a.formId.localeCompare(b.formId) || a.position - b.position;

const levelOf = (scale: keyof typeof SCALES, key: string) => SCALES[scale].find((l) => l.key === key);

/**
 * Accumulates a period's ballots unit by unit. Feed it every stored ballot once, then take the tallies:
 * the order of the ballots does not matter.
 */
export class PeriodTally {
  private readonly units = new Map<string, UnitAcc>();
  private ballotCount = 0;
  private readonly excluded: Partial<Record<ExclusionReason, number>> = {};

  constructor(private readonly period: Period) {}

  private unit(unitId: string): UnitAcc {
    let acc = this.units.get(unitId);
    if (!acc) this.units.set(unitId, (acc = newUnit()));
    return acc;
  }

  private exclude(unitIds: readonly string[], reason: ExclusionReason, wholeBallot: boolean): void {
    if (wholeBallot) this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
    for (const unitId of unitIds) {
      const acc = this.unit(unitId);
      acc.ballots += 1;
      acc.excluded[reason] = (acc.excluded[reason] ?? 0) + 1;
    }
  }

  /** Counts one stored ballot, read on `version` (undefined when the version it names does not exist). */
  add(ballot: StoredBallot, version: FormVersion | undefined): void {
    this.ballotCount += 1;
    if (!ballot.ok) return this.exclude(ballot.unitIds, 'unreadable', true);
    const r = ballot.response;
    const unitIds = Object.keys(r.units);
    if (!version) return this.exclude(unitIds, 'unknownFormVersion', true);
    const at = Date.parse(r.submittedAt);
    if (r.periodId !== this.period.periodId || at < Date.parse(this.period.opensAt) || at >= Date.parse(this.period.closesAt)) {
      return this.exclude(unitIds, 'outsidePeriod', true);
    }
    const question = scoredQuestion(version.content);
    const onForm = new Set(version.content.unitIds);
    const offForm = unitIds.filter((u) => !onForm.has(u));
    const rated = Object.fromEntries(Object.entries(r.units).filter(([u]) => onForm.has(u)));
    const ratedIds = Object.keys(rated);
    this.exclude(offForm, 'unitNotOnForm', ratedIds.length === 0);
    if (ratedIds.length === 0) return;
    if (!question || checkAnswers(version.content, { answers: r.answers, units: rated }).issues.length > 0) {
      return this.exclude(ratedIds, 'invalidAnswers', true);
    }

    const points = levelPoints(question);
    const dimensions = dimensionsOf(question);
    for (const [unitId, answers] of Object.entries(rated)) {
      const acc = this.unit(unitId);
      acc.ballots += 1;
      const answer = answers[question.id];
      const values: Record<string, string> =
        typeof answer === 'string' ? { [question.id]: answer } : (answer as Record<string, string> | undefined) ?? {};
      let weight = 0;
      let weighted = 0;
      let valid = 0;
      let bad = false;
      for (const [position, d] of dimensions.entries()) {
        const source = { version: version.version, formId: version.formId, position };
        const dim = acc.dimensions.get(d.id) ?? {
          label: d.label,
          source,
          n: 0,
          dontKnow: 0,
          satisfied: 0,
          points: 0,
          counts: {},
          groups: new Map<string, GroupAcc>(),
        };
        if (isNewer(source, dim.source)) Object.assign(dim, { label: d.label, source });
        acc.dimensions.set(d.id, dim);
        const value = values[d.id];
        if (value === DONT_KNOW) {
          dim.dontKnow += 1;
          continue;
        }
        const level = value === undefined ? undefined : levelOf(question.scale, value);
        if (!level) continue;
        const p = points.get(level.key) ?? 0;
        dim.n += 1;
        dim.points += p;
        dim.counts[level.key] = (dim.counts[level.key] ?? 0) + 1;
        if (level.satisfied) dim.satisfied += 1;
        addTo(dim.groups, r.group, p);
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
        continue;
      }
      acc.n += 1;
      if (bad) acc.badReviews += 1;
      // A dimension answered 不了解 leaves it out for this ballot only: the ballot's weights are rescaled.
      if (weight > 0) addTo(acc.groups, r.group, weighted / weight);
    }
  }

  /** The run record and every unit's tally, computed at `now`. */
  result(now: Date): { run: TallyRun; tallies: Tally[] } {
    const computedAt = now.toISOString();
    const tallies = [...this.units].map(([unitId, acc]) => this.unitTally(unitId, acc, computedAt));
    return {
      run: { periodId: this.period.periodId, computedAt, units: tallies.length, ballots: this.ballotCount, excluded: { ...this.excluded } },
      tallies,
    };
  }

  private unitTally(unitId: string, acc: UnitAcc, computedAt: string): Tally {
    const rate = acc.ratings > 0 ? acc.satisfied / acc.ratings : null;
    let coverage = 0;
    let weighted = 0;
    for (const [group, g] of acc.groups) {
      const w = this.period.groupWeights[group] ?? 0;
      coverage += w;
      weighted += w * (g.sum / g.n);
    }
    return {
      periodId: this.period.periodId,
      unitId,
      ballots: acc.ballots,
      excluded: acc.excluded,
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
      insufficientSample: acc.n < this.period.minSample,
      // In the newest version's order, so that the order of the ballots read does not show.
      dimensions: [...acc.dimensions].sort(([, a], [, b]) => bySource(a.source, b.source)).map(([dimensionId, d]) => ({
        dimensionId,
        label: d.label,
        n: d.n,
        dontKnow: d.dontKnow,
        counts: d.counts,
        satisfactionRate: d.n > 0 ? d.satisfied / d.n : null,
        satisfactionInterval: wilsonInterval(d.satisfied, d.n) ?? null,
        score: d.n > 0 ? d.points / d.n : null,
        groupScores: scores(d.groups),
      })),
      computedAt,
    };
  }
}

/**
 * Whether a period's tally should be (re)computed: while it is open, and once more after it ends, so the
 * stored figures are final. A period that has not opened has nothing to count.
 */
export function needsTally(period: Period, lastRun: TallyRun | undefined, now: Date): boolean {
  if (now.getTime() < Date.parse(period.opensAt)) return false;
  if (now.getTime() < Date.parse(period.closesAt)) return true;
  return !lastRun || Date.parse(lastRun.computedAt) < Date.parse(period.closesAt);
}

/** What runTally needs from storage. */
export interface RunTallyDeps {
  listPeriods(): Promise<Period[]>;
  getTallyRun(periodId: string): Promise<TallyRun | undefined>;
  /** Every stored ballot of a period. */
  periodBallots(periodId: string): AsyncIterable<StoredBallot>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  /** Replaces the period's tallies and records the run. */
  saveTallies(run: TallyRun, tallies: Tally[]): Promise<void>;
  now(): Date;
}

/**
 * The scheduled tally: recomputes every period that needs it from all of its stored ballots, each on its
 * own form version, and stores each period's results in one go. Recomputing from scratch makes a rerun
 * harmless.
 */
export async function runTally(deps: RunTallyDeps): Promise<TallyRun[]> {
  const now = deps.now();
  const runs: TallyRun[] = [];
  for (const period of await deps.listPeriods()) {
    if (!needsTally(period, await deps.getTallyRun(period.periodId), now)) continue;
    const tally = new PeriodTally(period);
    const versions = new Map<string, Promise<FormVersion | undefined>>();
    for await (const ballot of deps.periodBallots(period.periodId)) {
      let version: FormVersion | undefined;
      if (ballot.ok) {
        const key = `${ballot.response.formId}@${ballot.response.version}`;
        if (!versions.has(key)) versions.set(key, deps.getFormVersion(ballot.response.formId, ballot.response.version));
        version = await versions.get(key);
        if (version && version.periodId !== period.periodId) version = undefined;
      }
      tally.add(ballot, version);
    }
    const { run, tallies } = tally.result(now);
    await deps.saveTallies(run, tallies);
    runs.push(run);
  }
  return runs;
}
