import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodCounters } from '../../functions/domain/evaluation/counters';
import { createForm, publishForm } from '../../functions/domain/evaluation/form-admin';
import { recountPeriod, runRecount } from '../../functions/domain/evaluation/recount';
import { submitResponse } from '../../functions/domain/evaluation/response';
import { runTally, tallyPeriod, type SettledDay } from '../../functions/domain/evaluation/tally';
import { tallyReport } from '../../functions/domain/evaluation/tally-report';
import { formAdminDeps, recountDeps, runTallyDeps, submitDeps, tallyReportDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { counterStore } from '../../functions/store/evaluation/counter-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { TEST_CLIENT, aFormContent, aUnitWithId, anOpenPeriod, someGroups } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/**
 * The counters on DynamoDB Local: a ballot's counters and markers written once however often it comes, in
 * several transactions when it rates more units than one can hold, and the recount finding and repairing a
 * counter changed by hand, on ballots counted by the real counting function from the real stream.
 */
let t: TestTables;
beforeAll(async () => {
  t = await freshTables();
});
afterAll(() => t.drop());

const contribution = (units: number): PeriodCounters => ({
  period: { b: 1 },
  units: new Map(Array.from({ length: units }, (_, i) => [`unit-${String(i).padStart(3, '0')}`, { b: 1, n: 1, 'l.satisfied': 1, 'g.citizen.s': 85_000_000 }])),
});

describe('counter store', () => {
  it('adds a ballot rating 120 units once, in three transactions, however often it comes', async () => {
    const store = counterStore(t.db, t.tables.tallies);

    const first = await store.addOnce('p-many', 'o.ballot-1', contribution(120), 1, '2026-06-15', false);
    const again = await store.addOnce('p-many', 'o.ballot-1', contribution(120), 1, '2026-06-15', false);

    expect([first, again]).toEqual([true, false]);
    const counters = await store.readCounters('p-many');
    expect(counters.period).toEqual({ b: 1 });
    expect(counters.units.size).toBe(120);
    expect([...counters.units.values()].every((c) => c.b === 1 && c['g.citizen.s'] === 85_000_000)).toBe(true);
    expect(await store.countedRefs('p-many', 'unit-119', '2026-06-15')).toEqual(['o.ballot-1']);
    expect(await store.countedRefs('p-many', 'unit-119', '2026-06-16')).toEqual([]);
    expect(await store.countedBallots('p-many')).toEqual(new Set(['o.ballot-1']));
    expect(await store.countedRevs('p-many')).toEqual(new Set([1]));
  });

  it('finishes a ballot whose later transaction failed when it comes again, adding the first part nothing twice', async () => {
    const store = counterStore(t.db, t.tables.tallies);
    // The second TransactWriteItems of the first attempt fails, as a throttled call would.
    let transactions = 0;
    const fault = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (/TransactWrite/.test(context.commandName ?? '') && ++transactions === 2) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return next(args);
    };
    t.db.middlewareStack.add(fault as never, { step: 'initialize', name: 'secondTransactionFails' });

    await expect(store.addOnce('p-retry', 'o.ballot-2', contribution(60), 1, '2026-06-15', false)).rejects.toThrow('throttled');
    const half = await store.readCounters('p-retry');
    t.db.middlewareStack.remove('secondTransactionFails');
    const retried = await store.addOnce('p-retry', 'o.ballot-2', contribution(60), 1, '2026-06-15', false);

    expect(half.units.size).toBe(49);
    expect(retried).toBe(true);
    const counters = await store.readCounters('p-retry');
    expect(counters.period).toEqual({ b: 1 });
    expect(counters.units.size).toBe(60);
    expect([...counters.units.values()].every((c) => c.b === 1)).toBe(true);
  });

  it('keeps arrivals as sets: a ballot arriving again is not counted again', async () => {
    const store = counterStore(t.db, t.tables.tallies);

    const counts = [
      await store.arrive('p-arr', 'u1', 'c.2026-06-15.key', 'o.a'),
      await store.arrive('p-arr', 'u1', 'c.2026-06-15.key', 'o.a'),
      await store.arrive('p-arr', 'u1', 'c.2026-06-15.key', 'o.b'),
      await store.arriveAll('p-arr', 'u1', 'c.2026-06-15.key', ['o.a', 'o.b', 'o.c']),
    ];
    await store.markHot('p-arr', 'u1', '2026-06-15');
    await store.markHot('p-arr', 'u1', '2026-06-15');

    expect(counts).toEqual([1, 1, 2, 3]);
    expect(await store.hotDays('p-arr')).toEqual(new Set(['u1/2026-06-15']));
  });

  it('keeps late counts beside the counters, and settled hot days beside the hot set, out of the counters', async () => {
    const store = counterStore(t.db, t.tables.tallies);
    const one = (unitId: string): PeriodCounters => ({ period: { b: 1 }, units: new Map([[unitId, { b: 1, n: 1 }]]) });
    await store.addOnce('p-late', 'o.on-time', one('u1'), 1, '2026-06-15', false);
    await store.addOnce('p-late', 'o.late-1', one('u1'), 1, '2026-06-15', true);
    await store.addOnce('p-late', 'o.late-1', one('u1'), 1, '2026-06-15', true);
    await store.addOnce('p-late', 'o.late-2', one('u2'), 1, '2026-06-16', true);
    await store.markHot('p-late', 'u1', '2026-06-15');
    const settled: SettledDay = {
      day: '2026-06-15',
      key: 'key-1',
      late: { u1: 1 },
      period: { 'x.flagged': 1 },
      units: { u1: { n: -1, 'x.flagged': 1, 'g.citizen.s': -85_000_000 } },
      batches: [],
      settledAt: '2026-06-16T02:00:00.000Z',
    };

    await store.settleDay('p-late', settled);
    await store.settleDay('p-late', { ...settled, key: 'key-2' });

    const counters = await store.readCounters('p-late');
    expect(counters.period).toEqual({ b: 3 });
    expect(Object.fromEntries(counters.units)).toEqual({ u1: { b: 2, n: 2 }, u2: { b: 1, n: 1 } });
    // Counted twice, added once: the late count too.
    expect(Object.fromEntries(counters.late)).toEqual({ u1: 1, u2: 1 });
    expect(await store.readTallyState('p-late')).toEqual({ counters, hot: new Set(['u1/2026-06-15']), settled: [{ ...settled, key: 'key-2' }] });
    expect(await store.readTallyState('p-none')).toEqual({ counters: { period: {}, units: new Map(), late: new Map() }, hot: new Set(), settled: [] });
    expect(await store.unitBallots('p-late', ['u1', 'u2'])).toEqual(new Map([['u1', 2], ['u2', 1]]));
  });
});

describe('the recount on DynamoDB Local', () => {
  const period = anOpenPeriod({ periodId: 'recount-period', minSample: 1 });

  beforeAll(async () => {
    const catalog = catalogStore(t.db, t.tables.catalog);
    await Promise.all([
      unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId('tax-bureau')),
      unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId('service-centre')),
      ...someGroups().map((g) => catalog.createGroup(g)),
    ]);
    await catalog.createPeriod(period);
    const admin = formAdminDeps(t.db);
    const created = await createForm(admin, { formId: 'recount-form', periodId: period.periodId, content: aFormContent({ unitIds: ['tax-bureau', 'service-centre'] }) });
    await publishForm(admin, 'recount-form', { rev: created.form.rev });
    const levels = ['verySatisfied', 'satisfied', 'dissatisfied', 'satisfied', 'basicallySatisfied', 'verySatisfied'];
    for (const [i, level] of levels.entries()) {
      await submitResponse(
        submitDeps(t.db),
        { formId: 'recount-form', version: 1, answers: { group: 'citizen' }, units: { [i % 2 ? 'tax-bureau' : 'service-centre']: { overall: level } }, submissionId: randomUUID() },
        { ...TEST_CLIENT, userAgent: `respondent-${i}` },
      );
    }
    // The counting function counts them from the responses table's stream, as on AWS.
    await t.countBallots();
    await runTally(runTallyDeps(t.db));
  });

  it('finds nothing to repair in counters the counting function kept', async () => {
    const record = await recountPeriod(recountDeps(t.db), period);

    expect(record).toMatchObject({ periodId: period.periodId, status: 'match', ballots: 6, unitsDiffering: [], countersDiffering: 0 });
  });

  it('finds a counter changed by hand, repairs it, and the figures derived again are those before', async () => {
    // prepare: the figures as counted; then someone adds two satisfied ratings to tax-bureau in the console
    const before = await tallyReport(tallyReportDeps(t.db), period.periodId);
    await t.db.send(
      new UpdateCommand({
        TableName: t.tables.tallies,
        Key: { pk: `C#${period.periodId}`, sk: 'U#tax-bureau' },
        UpdateExpression: 'ADD #r :two, #s :two, #l :two',
        ExpressionAttributeNames: { '#r': 'r', '#s': 's', '#l': 'l.satisfied' },
        ExpressionAttributeValues: { ':two': 2 },
      }),
    );
    await tallyPeriod(runTallyDeps(t.db), period);
    const tampered = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // act: the nightly recount (as the job runs it)
    const [record] = await runRecount(recountDeps(t.db), (p) => tallyPeriod(runTallyDeps(t.db), p));
    const after = await tallyReport(tallyReportDeps(t.db), period.periodId);
    const again = await recountPeriod(recountDeps(t.db), period);

    // assert
    const taxBureau = (r: typeof before) => r.rows.find((row) => row.unit.unitId === 'tax-bureau')?.tally;
    expect([taxBureau(before)?.ratings, taxBureau(tampered)?.ratings]).toEqual([3, 5]);
    expect(record).toMatchObject({ status: 'repaired', unitsDiffering: ['tax-bureau'], countersDiffering: 3 });
    const figures = (r: typeof before) => r.rows.map((row) => ({ ...row, tally: row.tally && { ...row.tally, computedAt: '' } }));
    expect(figures(after)).toEqual(figures(before));
    expect(again).toMatchObject({ status: 'match' });
  });
});
