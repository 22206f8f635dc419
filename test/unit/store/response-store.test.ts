import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZResponse } from '../../../functions/domain/evaluation/response';
import { responseKey, toBallot, toBallotInBulk } from '../../../functions/store/evaluation/response-store';
import { aResponse, anOpenAdmission } from '../../fixtures/catalog';

/** How a stored item reads as a ballot: toBallot through ZResponse, toBallotInBulk through it compiled, which must change nothing. */

/** A stored item as DynamoDB hands it back: the response with its keys. */
const storedItem = (): Record<string, unknown> => {
  const response = aResponse({ units: { 'tax-bureau': { overall: 'satisfied', comment: '窗口,"很好"' }, police: { overall: 'dontKnow' } } });
  return structuredClone({ ...responseKey(response.periodId, response.ballotRef), ...response });
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The item's units, while an earlier damage left them an object. */
const unitsOf = (item: Record<string, unknown>) => (isRecord(item.units) ? item.units : undefined);

// What a damaged or foreign item may hold: JSON values, and what DynamoDB adds (sets, binary).
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('o.abcd', 'x.abcd', '2026-06-15T02:00:00Z', '2026-06-15T02:00:00+08:00', '2026-13-01', 'dontKnow', 'x'.repeat(4001)),
  fc.constant(new Set(['a'])),
  fc.constant(new Uint8Array([1, 2])),
  fc.constantFrom(anOpenAdmission(), { kind: 'invitation', batchId: 'b-1', groupId: 'deputy' }, { kind: 'serviceRecord' }),
);
const field = fc.constantFrom(...Object.keys(storedItem()), 'extra');
const damage = fc.oneof(
  fc.record({ field, value }).map(({ field, value }) => (item: Record<string, unknown>) => void (item[field] = value)),
  field.map((field) => (item: Record<string, unknown>) => void delete item[field]),
  fc.record({ key: fc.constantFrom('overall', 'comment', 'Bad-key', 'x'.repeat(33)), value }).map(
    ({ key, value }) => (item: Record<string, unknown>) => void (isRecord(unitsOf(item)?.['tax-bureau']) && ((unitsOf(item)!['tax-bureau'] as Record<string, unknown>)[key] = value)),
  ),
  fc.record({ unit: fc.constantFrom('police', 'Bad Unit', 'a'.repeat(64)), value }).map(
    ({ unit, value }) => (item: Record<string, unknown>) => void (unitsOf(item) && (unitsOf(item)![unit] = value)),
  ),
);

describe.each([
  ['toBallot', toBallot],
  ['toBallotInBulk', toBallotInBulk],
])('%s', (_, toBallot) => {
  it('reads a stored item as ZResponse reads it without its keys, whatever is damaged in it', () => {
    fc.assert(
      fc.property(fc.array(damage, { maxLength: 3 }), (damages) => {
        // prepare
        const item = storedItem();
        for (const d of damages) d(item);
        const { pk: _pk, sk: _sk, ...fields } = item;
        const expected = ZResponse.safeParse(fields);

        // act
        const ballot = toBallot(item);

        // assert
        if (expected.success) expect(ballot).toStrictEqual({ ok: true, response: expected.data });
        else expect(ballot.ok).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it('names the units an unreadable item seems to rate', () => {
    // prepare
    const item = { ...storedItem(), receiptCode: 'lost' };

    // act
    const ballot = toBallot(item);

    // assert
    expect(ballot).toEqual({ ok: false, unitIds: ['tax-bureau', 'police'] });
  });
});
