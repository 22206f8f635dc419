import { describe, expect, it } from 'vitest';
import { UNRANKED_LABELS, UNRANKED_REASONS, rankUnits, unrankedReason } from '../../../../functions/domain/evaluation/ranking';
import type { Tally } from '../../../../functions/domain/evaluation/tally';
import { aTally } from '../../../fixtures/catalog';

/** A row of unit `id` with a sufficient sample and this composite score (or null), or with no tally at all. */
const row = (id: string, compositeScore: number | null | 'noTally', overrides: Partial<Tally> = {}) => ({
  id,
  tally: compositeScore === 'noTally' ? null : aTally({ unitId: id, compositeScore, insufficientSample: false, ...overrides }),
});

const standings = (rows: ReturnType<typeof row>[]) => rankUnits(rows).map((r) => [r.id, r.rank, r.unranked]);

describe('rankUnits', () => {
  it('ranks units by composite score, highest first', () => {
    // act
    const ranked = standings([row('a', 70), row('b', 92.5), row('c', 81)]);

    // assert
    expect(ranked).toEqual([
      ['b', 1, null],
      ['c', 2, null],
      ['a', 3, null],
    ]);
  });

  it('gives tied units the same rank and skips the places they share (1, 2, 2, 4), tied units in the order given', () => {
    // act
    const ranked = standings([row('d', 60), row('c', 80), row('a', 90), row('b', 80)]);

    // assert
    expect(ranked).toEqual([
      ['a', 1, null],
      ['c', 2, null],
      ['b', 2, null],
      ['d', 4, null],
    ]);
  });

  it('ties scores that are equal as published, to two decimals, and not those a reader can tell apart', () => {
    // prepare: 0.1 + 0.2 style noise, and a difference in the second decimal
    const noisy = (0.1 + 0.2) * 100;

    // act
    const ranked = standings([row('a', 30), row('b', noisy), row('c', 30.01), row('d', 29.996)]);

    // assert
    expect(ranked).toEqual([
      ['c', 1, null],
      ['a', 2, null],
      ['b', 2, null],
      ['d', 2, null],
    ]);
  });

  it('lists a unit below the minimum sample after the ranked ones, unranked, however high its score', () => {
    // act
    const ranked = standings([row('small', 99, { insufficientSample: true }), row('a', 60), row('b', 70)]);

    // assert
    expect(ranked).toEqual([
      ['b', 1, null],
      ['a', 2, null],
      ['small', null, 'insufficientSample'],
    ]);
  });

  it('leaves unranked a unit without a composite score, and one not tallied yet, in the order given', () => {
    // act
    const ranked = standings([row('untallied', 'noTally'), row('a', 50), row('unweighted', null), row('small', null, { insufficientSample: true })]);

    // assert
    expect(ranked).toEqual([
      ['a', 1, null],
      ['untallied', null, 'noTally'],
      ['unweighted', null, 'noCompositeScore'],
      ['small', null, 'insufficientSample'],
    ]);
  });

  it('ranks nobody when no unit has a sufficient sample, and keeps every row', () => {
    // act
    const ranked = rankUnits([row('a', 80, { insufficientSample: true }), row('b', 'noTally')]);

    // assert
    expect(ranked.map((r) => r.rank)).toEqual([null, null]);
    expect(ranked.map((r) => r.tally)).toEqual([expect.objectContaining({ unitId: 'a' }), null]);
  });
});

describe('unrankedReason', () => {
  it('names an insufficient sample before a missing composite score', () => {
    // act
    const reason = unrankedReason(aTally({ insufficientSample: true, compositeScore: null }));

    // assert
    expect(reason).toBe('insufficientSample');
  });

  it('names every reason in Chinese and in English, each once', () => {
    // act
    const labels = UNRANKED_REASONS.map((r) => UNRANKED_LABELS[r]);

    // assert
    expect(new Set(labels.map((l) => l['zh-CN'])).size).toBe(UNRANKED_REASONS.length);
    expect(new Set(labels.map((l) => l.en)).size).toBe(UNRANKED_REASONS.length);
    expect(UNRANKED_LABELS.insufficientSample['zh-CN']).toBe('样本不足');
  });
});
