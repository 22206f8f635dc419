import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormVersion } from '../../../../functions/domain/evaluation/form';
import { PeriodTally, type StoredBallot, type Tally } from '../../../../functions/domain/evaluation/tally';
import {
  aDimensionsQuestion,
  aFormContent,
  aFormVersion,
  aGroupQuestion,
  aPeriod,
  aRatingQuestion,
  aResponse,
  anAllUnitsContent,
  DURING_PERIOD,
  STANDARD_GROUP_IDS,
} from '../../../fixtures/catalog';
import { tallyInputs } from '../../../fixtures/ballots';

/**
 * Properties of the tally over random mixes of valid and invalid ballots on two forms with two versions each
 * (scales, points, dimension order and weights all differ between versions). The ballots here came with
 * tokens; tally-review-properties.test.ts mixes in open ballots, flags, reviews and appeals.
 */

const ON_FORM = ['tax-bureau', 'service-centre'] as const;
const OFF_FORM = ['land-office', 'nowhere'] as const;
const FIVE = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied', 'dontKnow'] as const;
const THREE = ['satisfied', 'basicallySatisfied', 'dissatisfied', 'dontKnow'] as const;

const base = aDimensionsQuestion();
const baseDimensions = base.type === 'dimensions' ? base.dimensions : [];

const VERSIONS: FormVersion[] = [
  aFormVersion({ formId: 'window', version: 1 }),
  aFormVersion({
    formId: 'window',
    version: 2,
    content: aFormContent({ questions: [aRatingQuestion({ scale: 'three', points: { basicallySatisfied: 50 } }), aGroupQuestion()] }),
  }),
  aFormVersion({ formId: 'annual', version: 1, content: anAllUnitsContent() }),
  aFormVersion({
    formId: 'annual',
    version: 2,
    content: anAllUnitsContent({
      questions: [
        aGroupQuestion(),
        // The newest version lists the dimensions in another order, with other weights.
        aDimensionsQuestion({ dimensions: [...baseDimensions].reverse().map((d, i) => ({ ...d, weight: [0.1, 0.2, 0.3, 0.4][i]! })) }),
      ],
    }),
  }),
];
const versionOf = (ballot: StoredBallot) =>
  ballot.ok ? VERSIONS.find((v) => v.formId === ballot.response.formId && v.version === ballot.response.version) : undefined;

const group = fc.constantFrom(...STANDARD_GROUP_IDS);
const inPeriod = fc.integer({ min: 0, max: 364 }).map((days) => new Date(Date.parse('2026-01-01T00:00:00+08:00') + days * 86_400_000).toISOString());

const respond = (formId: string, version: number, g: string, units: Record<string, Record<string, unknown>>, submittedAt: string) =>
  aResponse({ formId, version, group: g, answers: { group: g }, units: units as never, submittedAt });

/** A one-unit ballot on the window form, valid on its version. */
const windowBallot = fc.record({ version: fc.constantFrom(1, 2), unit: fc.constantFrom(...ON_FORM), g: group, at: inPeriod, pick: fc.nat() }).map(
  ({ version, unit, g, at, pick }): StoredBallot => {
    const levels = version === 1 ? FIVE : THREE;
    return { ok: true, response: respond('window', version, g, { [unit]: { overall: levels[pick % levels.length]! } }, at) };
  },
);

/** An all-units ballot on the annual form: every unit rated on four dimensions, 不了解 allowed. */
const annualBallot = fc
  .record({ version: fc.constantFrom(1, 2), g: group, at: inPeriod, levels: fc.array(fc.constantFrom(...FIVE), { minLength: 8, maxLength: 8 }) })
  .map(({ version, g, at, levels }): StoredBallot => {
    const four = (offset: number) => ({
      evaluation: Object.fromEntries(baseDimensions.map((d, i) => [d.id, levels[offset + i]!])),
    });
    return { ok: true, response: respond('annual', version, g, { 'tax-bureau': four(0), 'service-centre': four(4) }, at) };
  });

/** Ballots that are excluded, as a whole or for one unit. */
const badBallot = fc.oneof(
  fc.subarray([...ON_FORM, ...OFF_FORM]).map((unitIds): StoredBallot => ({ ok: false, unitIds })),
  fc.record({ unit: fc.constantFrom(...ON_FORM), g: group, at: inPeriod }).map(
    ({ unit, g, at }): StoredBallot => ({ ok: true, response: respond('window', 9, g, { [unit]: { overall: 'satisfied' } }, at) }),
  ),
  fc.record({ unit: fc.constantFrom(...ON_FORM), g: group }).map(
    ({ unit, g }): StoredBallot => ({ ok: true, response: respond('window', 1, g, { [unit]: { overall: 'satisfied' } }, '2025-12-01T00:00:00.000Z') }),
  ),
  fc.record({ on: fc.constantFrom(...ON_FORM), off: fc.constantFrom(...OFF_FORM), g: group, at: inPeriod }).map(
    ({ on, off, g, at }): StoredBallot => ({
      ok: true,
      response: respond('window', 1, g, { [on]: { overall: 'dissatisfied' }, [off]: { overall: 'satisfied' } }, at),
    }),
  ),
  fc.record({ off: fc.constantFrom(...OFF_FORM), g: group, at: inPeriod }).map(
    ({ off, g, at }): StoredBallot => ({ ok: true, response: respond('window', 2, g, { [off]: { overall: 'satisfied' } }, at) }),
  ),
  fc.record({ unit: fc.constantFrom(...ON_FORM), g: group, at: inPeriod }).map(
    ({ unit, g, at }): StoredBallot => ({ ok: true, response: respond('window', 2, g, { [unit]: { overall: 'verySatisfied' } }, at) }),
  ),
  fc.record({ g: group, at: inPeriod }).map(
    ({ g, at }): StoredBallot => ({ ok: true, response: respond('annual', 1, g, { 'tax-bureau': { evaluation: { attitude: 'satisfied' } } }, at) }),
  ),
);

/** Every stored ballot has a reference of its own (its key); these come through service records, never flagged. */
const withRef = (ballot: StoredBallot, i: number): StoredBallot =>
  ballot.ok ? { ok: true, response: { ...ballot.response, ballotRef: `r.ballot${i}`, admission: { kind: 'serviceRecord' } } } : ballot;

const ballots = fc.array(fc.oneof(windowBallot, annualBallot, badBallot), { maxLength: 60 }).map((list) => list.map(withRef));

function tallyAll(list: readonly StoredBallot[]) {
  const tally = new PeriodTally(aPeriod(), tallyInputs());
  for (const ballot of list) tally.add(ballot, versionOf(ballot));
  return tally.result(DURING_PERIOD);
}

/** Tallies by unit, numbers to 1e-9: sums of non-integer scores in another order differ in the last bits only. */
function comparable(tallies: Tally[]): unknown {
  const round = (value: unknown): unknown => {
    if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
    if (Array.isArray(value)) return value.map(round);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
    return value;
  };
  return round([...tallies].sort((a, b) => a.unitId.localeCompare(b.unitId)));
}

describe('PeriodTally (properties)', () => {
  it('accounts for every ballot of a unit: ballots = N + 不了解 + Σ excluded', () => {
    fc.assert(
      fc.property(ballots, (list) => {
        const { run, tallies } = tallyAll(list);

        expect(run.ballots).toBe(list.length);
        for (const t of tallies) {
          const excluded = Object.values(t.excluded).reduce((a, b) => a + (b ?? 0), 0);
          expect(t.ballots).toBe(t.n + t.dontKnow + excluded);
        }
      }),
    );
  });

  it('gives the same figures whatever order the ballots are read in', () => {
    const listAndShuffle = ballots.chain((list) =>
      fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
    );
    fc.assert(
      fc.property(listAndShuffle, ([list, shuffled]) => {
        const inOrder = tallyAll(list);
        const reordered = tallyAll(shuffled);

        expect(reordered.run).toEqual(inOrder.run);
        expect(comparable(reordered.tallies)).toEqual(comparable(inOrder.tallies));
      }),
    );
  });
});
