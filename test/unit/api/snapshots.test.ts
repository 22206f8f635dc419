import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as listTrend } from '../../../functions/api/evaluation/list-period-trend';
import { handler as listSnapshots } from '../../../functions/api/evaluation/list-snapshots';
import { ZPeriodTrend, ZSnapshotList } from '../../../functions/domain/evaluation/snapshot';
import { createDocumentClient } from '../../../functions/store/client';
import { tallyStore } from '../../../functions/store/evaluation/tally-store';
import { aPeriod, aTally, aTallyRun } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { periodItem } from '../../fixtures/items';
import { UNIT_TABLE, fakeTables, type FakeTables } from './fake-tables';

/**
 * The trend handlers over snapshots that the tally store wrote (saveTallies, as the scheduled tally
 * calls it): period 2026-annual counted on 2026-06-15 and 2026-06-16 (CST), and 2025-annual whose last
 * run was on 2025-12-31.
 */
const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;

const current = aPeriod();
const previous = aPeriod({ periodId: '2025-annual', opensAt: '2025-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' });
const future = aPeriod({ periodId: '2099-annual', opensAt: '2099-01-01T00:00:00+08:00', closesAt: '2100-01-01T00:00:00+08:00' });

async function countRun(periodId: string, computedAt: string, scores: Record<string, number>) {
  const tallies = Object.entries(scores).map(([unitId, compositeScore]) => aTally({ periodId, unitId, compositeScore, insufficientSample: false, computedAt }));
  await tallyStore(createDocumentClient(), UNIT_TABLE.tallies).saveTallies(aTallyRun({ periodId, computedAt, units: tallies.length }), tallies, []);
}

beforeEach(async () => {
  ddb.reset();
  tables = fakeTables(ddb);
  tables.put(UNIT_TABLE.catalog, periodItem(current), periodItem(previous), periodItem(future));
  await countRun('2025-annual', '2025-12-30T04:00:00.000Z', { 'tax-bureau': 60 });
  await countRun('2025-annual', '2025-12-31T04:00:00.000Z', { 'tax-bureau': 61, 'service-centre': 55 });
  await countRun('2026-annual', '2026-06-15T04:00:00.000Z', { 'tax-bureau': 70, 'service-centre': 80 });
  await countRun('2026-annual', '2026-06-15T09:00:00.000Z', { 'tax-bureau': 71, 'service-centre': 81 });
  await countRun('2026-annual', '2026-06-16T04:00:00.000Z', { 'tax-bureau': 72, 'service-centre': 79 });
});

describe('listSnapshots handler', () => {
  it("gives a supervisor the period's days and each named unit's daily snapshots, oldest first, with ranks", async () => {
    // act
    const res = await listSnapshots(
      httpEvent('listSnapshots', { params: { periodId: '2026-annual' }, query: { units: 'tax-bureau,service-centre' }, claims: staffClaims('supervisor') }),
      lambdaContext(),
    );

    // assert
    expect(res.statusCode).toBe(200);
    const list = ZSnapshotList.parse(JSON.parse(String(res.body)));
    expect(list.days.map((d) => [d.day, d.computedAt])).toEqual([
      ['2026-06-15', '2026-06-15T09:00:00.000Z'],
      ['2026-06-16', '2026-06-16T04:00:00.000Z'],
    ]);
    expect(list.units.map((u) => [u.unitId, u.snapshots.map((s) => [s.day, s.compositeScore, s.rank])])).toEqual([
      ['tax-bureau', [['2026-06-15', 71, 2], ['2026-06-16', 72, 2]]],
      ['service-centre', [['2026-06-15', 81, 1], ['2026-06-16', 79, 1]]],
    ]);
  });

  it('answers 400 naming `units` when it lists more than ten or none, in the language asked for', async () => {
    // act
    const tooMany = await listSnapshots(
      httpEvent('listSnapshots', {
        params: { periodId: '2026-annual' },
        query: { units: Array.from({ length: 11 }, (_, i) => `u${i}`).join(',') },
        claims: staffClaims('supervisor'),
        headers: { 'accept-language': 'en' },
      }),
      lambdaContext(),
    );
    const none = await listSnapshots(httpEvent('listSnapshots', { params: { periodId: '2026-annual' }, claims: staffClaims('supervisor') }), lambdaContext());

    // assert
    expect(tooMany.statusCode).toBe(400);
    expect(JSON.parse(String(tooMany.body)).fields).toEqual([expect.objectContaining({ path: 'units', message: expect.stringContaining('One to 10 unit ids') })]);
    expect(none.statusCode).toBe(400);
    expect(JSON.parse(String(none.body)).fields).toEqual([expect.objectContaining({ path: 'units' })]);
  });

  it('answers 404 for an unknown period', async () => {
    const res = await listSnapshots(
      httpEvent('listSnapshots', { params: { periodId: 'nope' }, query: { units: 'tax-bureau' }, claims: staffClaims('admin') }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(404);
  });
});

describe('listPeriodTrend handler', () => {
  it("gives each begun period, oldest first, with each named unit's last snapshot there", async () => {
    // prepare: "now" is after both periods opened, long before 2099
    vi.useFakeTimers({ now: new Date('2026-06-20T00:00:00Z'), toFake: ['Date'] });
    try {
      // act
      const res = await listTrend(httpEvent('listPeriodTrend', { query: { units: 'tax-bureau,service-centre' }, claims: staffClaims('supervisor') }), lambdaContext());

      // assert
      expect(res.statusCode).toBe(200);
      const trend = ZPeriodTrend.parse(JSON.parse(String(res.body)));
      expect(trend.periods.map((p) => [p.period.periodId, p.units.map((u) => [u.unitId, u.day, u.compositeScore])])).toEqual([
        [
          '2025-annual',
          [
            ['tax-bureau', '2025-12-31', 61],
            ['service-centre', '2025-12-31', 55],
          ],
        ],
        [
          '2026-annual',
          [
            ['tax-bureau', '2026-06-16', 72],
            ['service-centre', '2026-06-16', 79],
          ],
        ],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});
