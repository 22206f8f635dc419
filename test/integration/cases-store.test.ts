import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAction } from '../../functions/domain/cases/lifecycle';
import { caseStore } from '../../functions/store/cases/case-store';
import { SUPERVISOR, TAX_HANDLER, aCalendar, aCase, aFilingEvent } from '../fixtures/cases';
import { countItems, freshTables, type TestTables } from './helpers';

/**
 * The case store on DynamoDB Local: a transition is one transaction on the revision read, so of two
 * writers that read the same revision exactly one wins and the other writes nothing; a unit handler's write
 * also needs the case still to be with their unit; the indexes hold each case where its unit, month and
 * deadline say.
 */
describe('caseStore', () => {
  let t: TestTables;
  let store: ReturnType<typeof caseStore>;

  beforeAll(async () => {
    t = await freshTables();
    store = caseStore(t.db, t.tables.cases, t.tables.contacts);
  });

  afterAll(async () => {
    await t?.drop();
  });

  const proof = { caseId: '', salt: 's', hash: 'h' };

  it('lets exactly one of two writers of the same revision win, and keeps only the winner’s event', async () => {
    // prepare: an assigned case, read by two handlers at once
    const filed = aCase({ caseId: '11111111-1111-4111-8111-111111111111', trackingNumber: '20260601-AAAAAAAA' });
    await store.createCase(filed, aFilingEvent(filed), { ...proof, caseId: filed.caseId });
    const assigned = applyAction(filed, { action: 'assign', unitId: 'tax-bureau' }, SUPERVISOR, new Date('2026-06-01T03:00:00Z'), aCalendar());
    await store.saveTransition(assigned.case, assigned.event, { rev: 1 });
    const read = (await store.getCase(filed.caseId))!;
    const one = applyAction(read, { action: 'accept' }, TAX_HANDLER, new Date('2026-06-01T04:00:00Z'), aCalendar());
    const other = applyAction(read, { action: 'return', reason: '不归本单位' }, TAX_HANDLER, new Date('2026-06-01T04:00:01Z'), aCalendar());

    // act
    const results = await Promise.allSettled([
      store.saveTransition(one.case, one.event, { rev: read.rev, unitId: 'tax-bureau' }),
      store.saveTransition(other.case, other.event, { rev: read.rev, unitId: 'tax-bureau' }),
    ]);

    // assert
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ reason: 'staleRevision' });
    const events = await store.listEvents(filed.caseId);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    const stored = (await store.getCase(filed.caseId))!;
    expect(stored.rev).toBe(3);
    expect([one.case.state, other.case.state]).toContain(stored.state);
    expect(events[2]!.action).toBe(stored.state === 'IN_PROGRESS' ? 'accept' : 'return');
  });

  it('refuses a unit handler’s write once the case has left their unit, writing nothing', async () => {
    // prepare: the case was with tax-bureau at rev 2 when read, but is stored with another unit at rev 2
    const filed = aCase({ caseId: '22222222-2222-4222-8222-222222222222', trackingNumber: '20260601-BBBBBBBB' });
    await store.createCase(filed, aFilingEvent(filed), { ...proof, caseId: filed.caseId });
    const elsewhere = applyAction(filed, { action: 'assign', unitId: 'service-centre' }, SUPERVISOR, new Date('2026-06-01T03:00:00Z'), aCalendar());
    await store.saveTransition(elsewhere.case, elsewhere.event, { rev: 1 });
    const forged = { ...elsewhere.case, unitId: 'tax-bureau' };
    const accept = applyAction(forged, { action: 'accept' }, TAX_HANDLER, new Date('2026-06-01T04:00:00Z'), aCalendar());

    // act
    const written = store.saveTransition(accept.case, accept.event, { rev: 2, unitId: 'tax-bureau' });

    // assert
    await expect(written).rejects.toMatchObject({ reason: 'staleRevision' });
    expect(await countItems(t.db, t.tables.cases, `CASE#${filed.caseId}`)).toBe(3);
    expect((await store.getCase(filed.caseId))!.state).toBe('ASSIGNED');
  });

  it('refuses a second case with a taken tracking number', async () => {
    // prepare
    const first = aCase({ caseId: '33333333-3333-4333-8333-333333333333', trackingNumber: '20260601-CCCCCCCC' });
    const second = aCase({ caseId: '44444444-4444-4444-8444-444444444444', trackingNumber: '20260601-CCCCCCCC' });
    await store.createCase(first, aFilingEvent(first), { ...proof, caseId: first.caseId });

    // act
    const again = store.createCase(second, aFilingEvent(second), { ...proof, caseId: second.caseId }, { contact: { phone: '13800000000' }, expiresAt: 1 });

    // assert: nothing of the second was written, in either table
    await expect(again).rejects.toMatchObject({ reason: 'alreadyExists' });
    expect(await store.getCase(second.caseId)).toBeUndefined();
    expect(await countItems(t.db, t.tables.contacts, `CASE#${second.caseId}`)).toBe(0);
  });

  it('finds a case by its unit, by its month of receipt, and among the open cases by deadline until it ends', async () => {
    // prepare
    const filed = aCase({ caseId: '55555555-5555-4555-8555-555555555555', trackingNumber: '20260601-DDDDDDDD', receivedAt: '2026-05-31T17:00:00.000Z' });
    await store.createCase(filed, aFilingEvent(filed), { ...proof, caseId: filed.caseId });
    const assigned = applyAction(filed, { action: 'assign', unitId: 'permit-office' }, SUPERVISOR, new Date('2026-06-01T03:00:00Z'), aCalendar());
    await store.saveTransition(assigned.case, assigned.event, { rev: 1 });

    // act
    const ofUnit = await store.listUnitCases('permit-office');
    const ofOffice = await store.listUnitCases(null);
    const ofJune = await store.listCasesOfMonths(['2026-06']);
    const ofMay = await store.listCasesOfMonths(['2026-05']);
    const openBefore = await store.listOpenCases('2026-06-24');
    const openEarlier = await store.listOpenCases('2026-06-23');

    // assert: received 1 June 01:00 CST is June's
    expect(ofUnit.map((c) => c.caseId)).toEqual([filed.caseId]);
    expect(ofOffice.map((c) => c.caseId)).not.toContain(filed.caseId);
    expect(ofJune.map((c) => c.caseId)).toContain(filed.caseId);
    expect(ofMay.map((c) => c.caseId)).not.toContain(filed.caseId);
    expect(openBefore.map((c) => c.caseId)).toContain(filed.caseId);
    expect(openEarlier.map((c) => c.caseId)).not.toContain(filed.caseId);

    // act: rejected cases leave the open index
    const rejectedFiled = aCase({ caseId: '66666666-6666-4666-8666-666666666666', trackingNumber: '20260601-EEEEEEEE' });
    await store.createCase(rejectedFiled, aFilingEvent(rejectedFiled), { ...proof, caseId: rejectedFiled.caseId });
    const rejected = applyAction(rejectedFiled, { action: 'reject', reason: '不属于受理范围' }, SUPERVISOR, new Date('2026-06-01T03:00:00Z'), aCalendar());
    await store.saveTransition(rejected.case, rejected.event, { rev: 1 });

    // assert
    expect((await store.listOpenCases('2027-01-01')).map((c) => c.caseId)).not.toContain(rejectedFiled.caseId);
  });
});
