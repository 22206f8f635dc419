/**
 * Counters (计数器): a period's tally kept as sums that only ever grow by addition, so that each ballot's
 * contribution can be added once, as it is stored, in any order, and a period's figures derived from the
 * sums alone — O(units), not O(ballots). tally.ts turns ballots into counters and counters into figures.
 *
 * A unit's counters are a flat map of named integers (names below, ids never hold a dot):
 *
 * | name                                 | what                                                      |
 * |--------------------------------------|-----------------------------------------------------------|
 * | `b`                                  | ballots naming the unit                                   |
 * | `x.<reason>`                         | of those, excluded for the reason                         |
 * | `n`, `dk`                            | counted with a rating, counted with 不了解 only           |
 * | `r`, `s`, `bad`                      | ratings, satisfied ratings, ballots with a bad review     |
 * | `l.<level>`                          | ratings of each level                                     |
 * | `g.<group>.n`, `g.<group>.s`         | ballots of a respondent group, sum of their micro-points  |
 * | `d.<dim>.n`, `.dk`, `.s`, `.p`       | a dimension's ratings, 不了解, satisfied, micro-points    |
 * | `d.<dim>.l.<level>`                  | its ratings of each level                                 |
 * | `d.<dim>.g.<group>.n`, `.s`          | its ratings by group, their micro-points                  |
 * | `d.<dim>.v.<version>.<formId>.<pos>` | counted ballots on a form version listing it (its label)  |
 *
 * and a period's: `b` (ballots) and `x.<reason>` (ballots excluded for every unit they name).
 * Points are summed as integer millionths (tally.ts MICRO), so sums are exact whatever the order.
 */
export type Counters = Record<string, number>;

/** A period's counters: the period's own, and each unit's. */
export interface PeriodCounters {
  period: Counters;
  units: Map<string, Counters>;
}

/**
 * A period's counters as read, with each unit's late count: how many of its ballots were counted late
 * (counting.ts isLate). Kept beside the counters, not among them (no recount compares it): the tally knows
 * by it that a settled hot day of the unit may have a new ballot (tally.ts SettledDay).
 */
export interface CountersRead extends PeriodCounters {
  late: ReadonlyMap<string, number>;
}

/** The counters without the names whose count is zero (a missing name counts zero). */
export function withoutZeros(counters: Counters): Counters {
  return Object.fromEntries(Object.entries(counters).filter(([, n]) => n !== 0));
}

/** Named counts under a prefix: `{ flagged: 2 }` under `x` is `{ 'x.flagged': 2 }`. */
export function prefixed(prefix: string, counts: Partial<Record<string, number>>): Counters {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [`${prefix}.${name}`, n ?? 0]));
}

/** a + sign × b, name by name, zeros dropped. */
export function addCounters(a: Counters, b: Counters, sign: 1 | -1 = 1): Counters {
  const out: Counters = { ...a };
  for (const [name, n] of Object.entries(b)) out[name] = (out[name] ?? 0) + sign * n;
  return withoutZeros(out);
}

/** a + sign × b for a whole period; a unit whose counters all come to zero is dropped. */
export function addPeriodCounters(a: PeriodCounters, b: PeriodCounters, sign: 1 | -1 = 1): PeriodCounters {
  const units = new Map(a.units);
  for (const [unitId, counters] of b.units) {
    const sum = addCounters(units.get(unitId) ?? {}, counters, sign);
    if (Object.keys(sum).length > 0) units.set(unitId, sum);
    else units.delete(unitId);
  }
  return { period: addCounters(a.period, b.period, sign), units };
}

/** What must be added to `actual` to make it `expected`: empty when they are equal. */
export function counterDifference(expected: PeriodCounters, actual: PeriodCounters): PeriodCounters {
  return addPeriodCounters(expected, actual, -1);
}

/** Whether a difference is nothing at all. */
export const isEmptyDifference = (d: PeriodCounters) => Object.keys(d.period).length === 0 && d.units.size === 0;
