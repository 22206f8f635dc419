import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseReceipt, CaseStatus } from '../../functions/domain/cases/case';
import { CASE_DEADLINE_DAYS } from '../../functions/domain/cases/case';
import { ZDeadlineSettings } from '../../functions/domain/cases/deadline-settings';
import { fileCase, newCode } from '../../functions/domain/cases/intake';
import { ZErrorBody } from '../../functions/platform/error-body';
import { loadWorkingCalendar } from '../../functions/store/calendar/calendar-store';
import { caseStore } from '../../functions/store/cases/case-store';
import { loadDeadlineDays, settingsStore } from '../../functions/store/cases/settings-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { createDistrict, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';
import { freshTables, type TestTables } from './helpers';

/**
 * The deadline days per case kind on DynamoDB Local: the store (one item of the catalog table, its revision
 * checked by the conditional write itself) and the admin routes through the local HTTP API — a complaint
 * filed after the change gets the new days, a case filed before keeps its own, also when reopened.
 */

const SAVED_AT = '2026-11-29T02:00:00.000Z';

describe('settingsStore and loadDeadlineDays', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await freshTables();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("reads domain.md's defaults while nothing is saved", async () => {
    // act
    const days = await loadDeadlineDays(t.db, t.tables.catalog);

    // assert
    expect(days).toEqual(CASE_DEADLINE_DAYS);
    expect(await settingsStore(t.db, t.tables.catalog).getDeadlineSettings()).toBeUndefined();
  });

  it('saves the first settings only while none exist, and a change only at the revision stored', async () => {
    // prepare
    const store = settingsStore(t.db, t.tables.catalog);
    const first = { days: { ...CASE_DEADLINE_DAYS, complaint: 5 }, rev: 1, updatedAt: SAVED_AT };
    const second = { days: { ...CASE_DEADLINE_DAYS, consultation: 3 }, rev: 2, updatedAt: SAVED_AT };

    // act
    await store.saveDeadlineSettings(first, 0);
    const againNew = await store.saveDeadlineSettings(first, 0).catch((error: unknown) => error);
    const stale = await store.saveDeadlineSettings(second, 2).catch((error: unknown) => error);
    await store.saveDeadlineSettings(second, 1);

    // assert
    expect(againNew).toMatchObject({ reason: 'staleRevision' });
    expect(stale).toMatchObject({ reason: 'staleRevision' });
    expect(await store.getDeadlineSettings()).toEqual(second);
    expect(await loadDeadlineDays(t.db, t.tables.catalog)).toEqual(second.days);
  });
});

describe('the case-deadline admin routes (local API)', () => {
  let api: AdmissionStack;
  const TAX: Caller = { unitHandlerOf: ['tax-office'] };
  const INTAKE = { kind: 'complaint', unitId: 'tax-office', description: '办税大厅周六不开窗口，排队两小时。', contact: { phone: '13912345678' }, callbackConsent: true } as const;

  beforeAll(async () => {
    api = await startAdmissionStack('case-deadlines');
    await createDistrict(api, ['tax-office']);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const calendar = () => loadWorkingCalendar(api.db, api.tables.catalog);
  const read = async () => {
    const res = await api.send('GET', '/admin/case-deadlines', undefined, { as: 'admin' });
    expect(res.status, res.text).toBe(200);
    return ZDeadlineSettings.parse(res.body);
  };
  const status = async (r: CaseReceipt): Promise<CaseStatus> => (await api.send('POST', '/cases/status', { trackingNumber: r.trackingNumber, accessCode: r.accessCode })).body;
  const caseIdOf = async (r: CaseReceipt) => {
    const list = await api.send('GET', '/cases?state=RECEIVED', undefined, { as: 'supervisor' });
    return (list.body.cases as { caseId: string; trackingNumber: string }[]).find((c) => c.trackingNumber === r.trackingNumber)!.caseId;
  };

  it("shows domain.md's defaults at revision 0 before any admin saved", async () => {
    // act
    const settings = await read();

    // assert
    expect(settings).toEqual({ days: CASE_DEADLINE_DAYS, defaults: CASE_DEADLINE_DAYS, rev: 0 });
  });

  it('refuses days outside 1–60, not whole or missing, naming each field in Chinese and English, and stores nothing', async () => {
    // prepare
    const bad = { days: { consultation: 0, request: 2.5, complaint: 61 }, rev: 0 };

    // act
    const zh = await api.send('PUT', '/admin/case-deadlines', bad, { as: 'admin', headers: { 'accept-language': 'zh-CN' } });
    const en = await api.send('PUT', '/admin/case-deadlines', bad, { as: 'admin', headers: { 'accept-language': 'en' } });

    // assert
    expect([zh.status, en.status]).toEqual([400, 400]);
    const zhFields = ZErrorBody.parse(zh.body).fields ?? [];
    expect(zhFields.map((f) => f.path).sort()).toEqual(['days.badReview', 'days.complaint', 'days.consultation', 'days.request']);
    expect(zhFields.find((f) => f.path === 'days.complaint')?.message).toBe('办理时限应为 1 至 60 之间的整数（工作日）。');
    expect(ZErrorBody.parse(en.body).fields?.find((f) => f.path === 'days.request')?.message).toBe('The deadline must be a whole number of working days from 1 to 60.');
    expect((await read()).rev).toBe(0);
  });

  it('lets only admins read or change the deadline days', async () => {
    // act
    const supervisorRead = await api.send('GET', '/admin/case-deadlines', undefined, { as: 'supervisor' });
    const supervisorWrite = await api.send('PUT', '/admin/case-deadlines', { days: { ...CASE_DEADLINE_DAYS, complaint: 1 }, rev: 0 }, { as: 'supervisor' });
    const anonymous = await api.send('GET', '/admin/case-deadlines');

    // assert
    expect([supervisorRead.status, supervisorWrite.status, anonymous.status]).toEqual([403, 403, 401]);
    expect((await read()).rev).toBe(0);
  });

  it('gives a complaint filed after the change 5 working days, leaves a case filed before at its 15, also when reopened, and refuses a stale revision', async () => {
    // prepare: a complaint filed before the change, straight through the intake's domain function on the
    // stack's tables (the file-case function keeps the days it read for 5 minutes, as the calendar)
    const { db, tables } = api;
    const before = await fileCase(
      {
        ...caseStore(db, tables.cases, tables.contacts),
        getUnit: unitStore(db, tables.catalog).getUnit,
        workingCalendar: () => loadWorkingCalendar(db, tables.catalog),
        deadlineDays: () => loadDeadlineDays(db, tables.catalog),
        now: () => new Date(),
        newId: randomUUID,
        newCode: (length) => newCode(length),
      },
      INTAKE,
    );
    const beforeId = await caseIdOf(before);

    // act: complaints get 5 working days from now on
    const saved = await api.send('PUT', '/admin/case-deadlines', { days: { ...CASE_DEADLINE_DAYS, complaint: 5 }, rev: 0 }, { as: 'admin' });
    const stale = await api.send('PUT', '/admin/case-deadlines', { days: { ...CASE_DEADLINE_DAYS, complaint: 7 }, rev: 0 }, { as: 'admin' });
    const filed = await api.send('POST', '/cases', INTAKE);

    // assert: the setting, and the revision check
    expect(saved.status, saved.text).toBe(200);
    expect(ZDeadlineSettings.parse(saved.body)).toMatchObject({ days: { complaint: 5, consultation: 2 }, rev: 1 });
    expect(stale.status).toBe(409);
    expect(ZErrorBody.parse(stale.body).reason).toBe('staleRevision');
    expect((await read()).days.complaint).toBe(5);

    // assert: the new complaint is due 5 working days after its receipt
    expect(filed.status, filed.text).toBe(201);
    const after = filed.body as CaseReceipt;
    const cal = await calendar();
    expect(after.dueDate).toBe(cal.addWorkingDays(new Date((await status(after)).receivedAt), 5).dueDate);
    const afterDetail = (await api.send('GET', `/cases/${await caseIdOf(after)}`, undefined, { as: 'supervisor' })).body as CaseDetail;
    expect(afterDetail.case.deadlineDays).toBe(5);

    // assert: the case filed before keeps 15 working days
    const beforeStatus = await status(before);
    expect(beforeStatus.dueDate).toBe(before.dueDate);
    expect(before.dueDate).toBe(cal.addWorkingDays(new Date(beforeStatus.receivedAt), 15).dueDate);
    expect(before.dueDate > after.dueDate).toBe(true);

    // act: the case filed before is replied and reopened (重办) after the change
    for (const [body, as] of [
      [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
      [{ action: 'accept' }, TAX],
      [{ action: 'reply', text: '已增开周六窗口。' }, TAX],
    ] as const) {
      const res = await api.send('POST', `/cases/${beforeId}/actions`, body, { as });
      expect(res.status, res.text).toBe(200);
    }
    const reopened = await api.send('POST', '/cases/callback', { trackingNumber: before.trackingNumber, accessCode: before.accessCode, satisfied: false });

    // assert: its full 15 working days again, counted from the reopening
    expect(reopened.status, reopened.text).toBe(200);
    const detail = (await api.send('GET', `/cases/${beforeId}`, undefined, { as: 'supervisor' })).body as CaseDetail;
    expect(detail.case).toMatchObject({ state: 'REOPENED', deadlineDays: 15 });
    expect(detail.case.dueDate).toBe(cal.addWorkingDays(new Date(detail.events.at(-1)!.at), 15).dueDate);
  });
});
