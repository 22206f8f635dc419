import * as z from 'zod';
import { RESPONDENT_GROUPS, ZId, ZRespondentGroup, type Form, type Period, type RespondentGroup } from './catalog';
import { DONT_KNOW, RATING_LEVELS, ZRatingLevel, scaleLevels, type Rating } from './rating-scale';
import { wilsonInterval } from './stats';

/**
 * A unit's tally for a period: the counts behind every figure, so each figure can be traced to its N.
 * Rates are fractions in [0, 1]; scores are points in [0, 100].
 */
export const ZTally = z
  .object({
    periodId: ZId,
    unitId: ZId,
    /** Ratings per level, including zero counts for every level of the form's scale. */
    counts: z.partialRecord(ZRatingLevel, z.int().min(0)),
    /** 不了解 answers: counted, shown, and kept out of every denominator. */
    dontKnow: z.int().min(0),
    /** Valid ratings: every answer except 不了解. */
    n: z.int().min(0),
    /** 满意率 = (非常满意 + 满意 + 基本满意) / n; null when n is 0. */
    satisfactionRate: z.number().min(0).max(1).nullable(),
    satisfactionInterval: z.object({ low: z.number(), high: z.number() }).nullable(),
    /** Ratings in the bottom levels (差评). */
    badReviews: z.int().min(0),
    /** S_g = Σ points × count / N_g per respondent group with ratings. */
    groupScores: z.partialRecord(ZRespondentGroup, z.object({ n: z.int().min(0), score: z.number() })),
    /** S = Σ W_g × S_g over groups with ratings, their weights rescaled to sum to 1; null when n is 0. */
    compositeScore: z.number().nullable(),
    /** Σ W_g of the groups that had ratings: 1 when every weighted group is represented. */
    weightCoverage: z.number().min(0).max(1),
    /** n is below the period's minimum sample: shown, but not ranked. */
    insufficientSample: z.boolean(),
    computedAt: z.iso.datetime(),
  })
  .meta({ id: 'Tally', description: "A unit's satisfaction tally for a period, with the counts behind each figure." });
export type Tally = z.infer<typeof ZTally>;

/** What the tally needs of a stored response. */
export interface Ballot {
  rating: Rating;
  group: RespondentGroup;
}

/**
 * Tallies one unit's ballots with the form's scale points and the period's group weights (domain.md "Scores").
 * Ratings the scale does not know are never produced by submitResponse; they would be ignored here.
 */
export function tallyUnit(unitId: string, ballots: Iterable<Ballot>, form: Form, period: Period, now: Date): Tally {
  const levels = scaleLevels(form.scale);
  const byKey = new Map(levels.map((l) => [l.key as Rating, l]));
  const counts = Object.fromEntries(levels.map((l) => [l.key, 0])) as Record<string, number>;
  const groups = new Map<RespondentGroup, { n: number; points: number }>();
  let dontKnow = 0;
  let n = 0;
  let satisfied = 0;
  let badReviews = 0;

  for (const ballot of ballots) {
    if (ballot.rating === DONT_KNOW) {
      dontKnow += 1;
      continue;
    }
    const level = byKey.get(ballot.rating);
    if (!level) continue;
    counts[level.key] = (counts[level.key] ?? 0) + 1;
    n += 1;
    if (level.satisfied) satisfied += 1;
    if (level.badReview) badReviews += 1;
    const g = groups.get(ballot.group) ?? { n: 0, points: 0 };
    g.n += 1;
    g.points += level.points;
    groups.set(ballot.group, g);
  }

  const groupScores: Tally['groupScores'] = {};
  let weightCoverage = 0;
  let weighted = 0;
  for (const group of RESPONDENT_GROUPS) {
    const g = groups.get(group);
    if (!g) continue;
    const score = g.points / g.n;
    groupScores[group] = { n: g.n, score };
    const weight = period.groupWeights[group] ?? 0;
    weightCoverage += weight;
    weighted += weight * score;
  }
  const interval = wilsonInterval(satisfied, n);

  return {
    periodId: period.periodId,
    unitId,
    counts,
    dontKnow,
    n,
    satisfactionRate: n > 0 ? satisfied / n : null,
    satisfactionInterval: interval ?? null,
    badReviews,
    groupScores,
    compositeScore: weightCoverage > 0 ? weighted / weightCoverage : null,
    weightCoverage: Math.min(1, weightCoverage),
    insufficientSample: n < period.minSample,
    computedAt: now.toISOString(),
  };
}

/** The level keys a tally's columns show, in scale order (all five, so forms on either scale line up). */
export const TALLY_LEVEL_COLUMNS = RATING_LEVELS;

/** When the tally of a period last ran, and over how much. */
export const ZTallyRun = z
  .object({
    periodId: ZId,
    computedAt: z.iso.datetime(),
    units: z.int().min(0),
    ballots: z.int().min(0),
  })
  .meta({ id: 'TallyRun' });
export type TallyRun = z.infer<typeof ZTallyRun>;

/**
 * Whether a period's tally should be (re)computed: while it is open, and once more after it ends, so the
 * stored figures are final. A period that has not opened has nothing to count.
 */
export function needsTally(period: Period, lastRun: TallyRun | undefined, now: Date): boolean {
  const opensAt = Date.parse(period.opensAt);
  const closesAt = Date.parse(period.closesAt);
  if (now.getTime() < opensAt) return false;
  if (now.getTime() < closesAt) return true;
  return !lastRun || Date.parse(lastRun.computedAt) < closesAt;
}

/** What runTally needs from storage. */
export interface RunTallyDeps {
  listForms(): Promise<Form[]>;
  getPeriod(periodId: string): Promise<Period | undefined>;
  getTallyRun(periodId: string): Promise<TallyRun | undefined>;
  /** Every stored ballot of one unit in one period. */
  unitBallots(periodId: string, unitId: string): AsyncIterable<Ballot>;
  /** Replaces the period's tallies and records the run. */
  saveTallies(run: TallyRun, tallies: Tally[]): Promise<void>;
  now(): Date;
}

/**
 * The scheduled tally: recomputes every unit of every published form whose period needs it, from all of
 * its stored ballots, and stores each period's results in one go. Recomputing from scratch makes a rerun
 * harmless. A unit listed by two forms of one period is tallied once, on the first form's scale.
 */
export async function runTally(deps: RunTallyDeps): Promise<TallyRun[]> {
  const now = deps.now();
  const formsByPeriod = new Map<string, Form[]>();
  for (const form of await deps.listForms()) {
    formsByPeriod.set(form.periodId, [...(formsByPeriod.get(form.periodId) ?? []), form]);
  }

  const runs: TallyRun[] = [];
  for (const [periodId, forms] of formsByPeriod) {
    const period = await deps.getPeriod(periodId);
    if (!period || !needsTally(period, await deps.getTallyRun(periodId), now)) continue;
    const tallies = new Map<string, Tally>();
    let ballots = 0;
    for (const form of forms) {
      for (const unitId of form.unitIds) {
        if (tallies.has(unitId)) continue;
        const unitBallots: Ballot[] = [];
        for await (const ballot of deps.unitBallots(periodId, unitId)) unitBallots.push(ballot);
        ballots += unitBallots.length;
        tallies.set(unitId, tallyUnit(unitId, unitBallots, form, period, now));
      }
    }
    const run: TallyRun = { periodId, computedAt: now.toISOString(), units: tallies.size, ballots };
    await deps.saveTallies(run, [...tallies.values()]);
    runs.push(run);
  }
  return runs;
}
