import { describe, expect, it } from 'vitest';
import type { ChainReport } from '../../../functions/domain/audit/verify';
import { continuedReport } from '../../../web/src/pages/admin/audit-report';

/**
 * The audit page's continued verification: an `incomplete` answer and the answer of the call `after` its
 * `verifiedThrough`, shown as one range from the first record.
 */

const HEAD = { seq: 250, hash: 'a'.repeat(64) };

/** A verification's answer, intact by default. */
const aReport = (overrides: Partial<ChainReport> = {}): ChainReport => ({
  status: 'intact',
  from: 1,
  verifiedThrough: 250,
  records: 250,
  head: HEAD,
  firstBreak: null,
  verifiedAt: '2026-11-29T12:00:00.000Z',
  ...overrides,
});

describe('continuedReport', () => {
  const earlier = aReport({ status: 'incomplete', verifiedThrough: 120, records: 120, verifiedAt: '2026-11-29T11:59:30.000Z' });

  it('shows an intact continuation as one range from record 1, the records checked added up', () => {
    // act
    const combined = continuedReport(earlier, aReport({ from: 121, verifiedThrough: 250, records: 130 }));

    // assert
    expect(combined).toEqual(aReport({ from: 1, verifiedThrough: 250, records: 250 }));
  });

  it('keeps the later answer’s break, head and time, with the intact range from record 1', () => {
    // prepare
    const firstBreak = { seq: 180, kind: 'sourceAltered' as const, detail: 'altered', source: { table: 'cases', pk: 'CASE#1', sk: 'EVENT#000002' } };
    const later = aReport({ status: 'broken', from: 121, verifiedThrough: 179, records: 200, firstBreak, head: { seq: 260, hash: 'b'.repeat(64) } });

    // act
    const combined = continuedReport(earlier, later);

    // assert
    expect(combined).toMatchObject({ status: 'broken', from: 1, verifiedThrough: 179, firstBreak, head: { seq: 260 }, verifiedAt: later.verifiedAt });
  });

  it('goes on from an incomplete continuation to another, so a third call continues the same range', () => {
    // act
    const twice = continuedReport(earlier, aReport({ status: 'incomplete', from: 121, verifiedThrough: 200, records: 80 }));
    const thrice = continuedReport(twice, aReport({ from: 201, verifiedThrough: 250, records: 50 }));

    // assert
    expect(twice).toMatchObject({ status: 'incomplete', from: 1, verifiedThrough: 200, records: 200 });
    expect(thrice).toMatchObject({ status: 'intact', from: 1, verifiedThrough: 250, records: 250 });
  });

  it('shows an answer that does not go on where the earlier one stopped as it is', () => {
    // prepare
    const fresh = aReport();

    // act and assert
    expect(continuedReport(earlier, aReport({ from: 1 }))).toEqual(fresh);
    expect(continuedReport(earlier, aReport({ from: 300, verifiedThrough: 310, records: 10 }))).toMatchObject({ from: 300, records: 10 });
  });
});
