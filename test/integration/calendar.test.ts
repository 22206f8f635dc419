import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAdjustment, ZCalendarView, ZYearSchedule, type CalendarView } from '../../functions/domain/calendar/calendar';
import { ZErrorBody } from '../../functions/platform/error-body';
import { createDocumentClient } from '../../functions/store/client';
import { calendarStore, loadWorkingCalendar } from '../../functions/store/calendar/calendar-store';
import type { LocalStack } from '../../infra/local/stack';
import { a2027Schedule, anAdjustment } from '../fixtures/calendar';
import { dynamoEndpoint, freshTables, startTestStack, type TestStack, type TestTables } from './helpers';

/**
 * The working-day calendar on DynamoDB Local: the store (one partition of the catalog table, revisions
 * checked by the conditional writes themselves) and the admin routes through the local HTTP API, and a
 * deadline that walks into 2027 before and after an admin enters 2027's schedule.
 */

/** Thursday 24 December 2026, 10:00 CST: 15 working days walk into January 2027. */
const CHRISTMAS_EVE = new Date('2026-12-24T10:00:00+08:00');
const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

describe('calendarStore and loadWorkingCalendar', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await freshTables();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('counts on the package alone while the partition is empty, flagging 2027', async () => {
    // act
    const calendar = await loadWorkingCalendar(t.db, t.tables.catalog);

    // assert
    expect(calendar.addWorkingDays(CHRISTMAS_EVE, 15)).toEqual({ dueDate: '2027-01-14', dueAt: '2027-01-14T15:59:59.999Z', beyondCalendar: true });
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('reads entered years and adjustments back in one partition, and refuses writes at a stale revision', async () => {
    // prepare
    const store = calendarStore(t.db, t.tables.catalog);
    const year = ZYearSchedule.parse({ year: 2027, ...a2027Schedule(), rev: 1, updatedAt: '2026-11-29T02:00:00.000Z' });

    // act
    await store.createYear(year);
    await store.createAdjustment(anAdjustment());
    const [stale, staleDelete] = await Promise.allSettled([
      store.replaceAdjustment({ ...anAdjustment(), rev: 3 }, 2),
      store.deleteAdjustment('2026-10-09', 2),
    ]);

    // assert
    expect(stale).toMatchObject({ status: 'rejected', reason: { reason: 'staleRevision' } });
    expect(staleDelete).toMatchObject({ status: 'rejected', reason: { reason: 'staleRevision' } });
    await expect(store.createYear(year)).rejects.toMatchObject({ reason: 'alreadyExists' });
    expect(await store.listCalendar()).toEqual({ adjustments: [anAdjustment()], years: [year] });
  });

  it("counts 2027 on the entered schedule, and the district's day off, once stored", async () => {
    // act
    const calendar = await loadWorkingCalendar(t.db, t.tables.catalog);

    // assert: 1–3 January 2027 off, so due Friday 15 January, covered
    expect(calendar.addWorkingDays(CHRISTMAS_EVE, 15)).toEqual({ dueDate: '2027-01-15', dueAt: '2027-01-15T15:59:59.999Z', beyondCalendar: false });
    expect(calendar.isWorkingDay('2026-10-09')).toBe(false);
  });
});

describe('the calendar admin routes (local API)', () => {
  let test: TestStack | undefined;
  let stack: LocalStack;
  let admin: string;

  beforeAll(async () => {
    test = await startTestStack('calendar');
    ({ stack } = test);
    admin = `Bearer ${await stack.token('admin')}`;
  });
  afterAll(async () => {
    await test?.stop();
  });

  const send = (method: string, path: string, body?: unknown, { lang = 'en', authorization = admin } = {}) =>
    fetch(`${stack.url}${path}`, {
      method,
      headers: { authorization, 'accept-language': lang, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const view = async (): Promise<CalendarView> => ZCalendarView.parse(await (await send('GET', '/admin/calendar')).json());

  it("shows the package's years, 2026 the last, and nothing entered", async () => {
    // act
    const calendar = await view();

    // assert
    expect(calendar.coveredYears.at(-1)).toEqual({ year: 2026, source: 'package' });
    expect(calendar.coveredYears.every((y) => y.source === 'package')).toBe(true);
    expect(calendar.adjustments).toEqual([]);
    expect(calendar.years).toEqual([]);
  });

  it('refuses a bad year schedule naming every bad field, in English and Chinese, and stores nothing', async () => {
    // prepare
    const bad = a2027Schedule({
      holidays: [
        { date: '2027-01-01', name: text('元旦', "New Year's Day") },
        { date: '2026-12-31', name: text('元旦', "New Year's Day") },
        { date: '2027-02-30', name: text('春节', 'Spring Festival') },
      ],
      workdays: [
        { date: '2027-01-01', name: text('元旦', "New Year's Day") },
        { date: '2027-01-30', name: text('', 'Spring Festival') },
      ],
    });

    // act
    const en = await send('PUT', '/admin/calendar/years/2027', bad);
    const zh = await send('PUT', '/admin/calendar/years/2027', bad, { lang: 'zh-CN' });

    // assert
    expect(en.status).toBe(400);
    const enBody = ZErrorBody.parse(await en.json());
    // the schema's issues first (a date that does not exist, an empty name); the rule's once the shape is right
    expect(enBody.fields?.map((f) => f.path).sort()).toEqual(['holidays.2.date', 'workdays.1.name.zh-CN']);
    const zhBody = ZErrorBody.parse(await zh.json());
    expect(zhBody.fields?.find((f) => f.path === 'holidays.2.date')?.message).toBe('日期应为 YYYY-MM-DD 格式的有效日期。');
    const ruleBroken = await send('PUT', '/admin/calendar/years/2027', { ...bad, holidays: bad.holidays.slice(0, 2), workdays: bad.workdays.slice(0, 1) }, { lang: 'zh-CN' });
    expect(ruleBroken.status).toBe(400);
    expect(ZErrorBody.parse(await ruleBroken.json()).fields).toEqual([
      { path: 'holidays.1.date', message: '日期 2026-12-31 不在 2027 年内。' },
      { path: 'workdays.0.date', message: '日期 2027-01-01 不能既是放假日又是调休上班日。' },
    ]);
    expect((await view()).years).toEqual([]);
  });

  it("enters 2027's schedule: the year becomes covered and a deadline into it is counted on its holidays", async () => {
    // act
    const res = await send('PUT', '/admin/calendar/years/2027', a2027Schedule());

    // assert
    expect(res.status).toBe(200);
    expect(ZYearSchedule.parse(await res.json())).toMatchObject({ year: 2027, rev: 1 });
    expect((await view()).coveredYears.at(-1)).toEqual({ year: 2027, source: 'admin' });
    const db = createDocumentClient(await dynamoEndpoint());
    try {
      const calendar = await loadWorkingCalendar(db, stack.tables.catalog);
      expect(calendar.addWorkingDays(CHRISTMAS_EVE, 15)).toMatchObject({ dueDate: '2027-01-15', beyondCalendar: false });
    } finally {
      db.destroy();
    }
  });

  it('answers 409 to a second new entry of the year and to a stale revision, 404 to a revision of a year never entered', async () => {
    // act
    const again = await send('PUT', '/admin/calendar/years/2027', a2027Schedule());
    const stale = await send('PUT', '/admin/calendar/years/2027', { ...a2027Schedule(), rev: 7 });
    const never = await send('PUT', '/admin/calendar/years/2028', { holidays: [{ date: '2028-01-01', name: text('元旦', "New Year's Day") }], workdays: [], rev: 1 });

    // assert
    expect([again.status, stale.status, never.status]).toEqual([409, 409, 404]);
    expect(ZErrorBody.parse(await stale.json()).reason).toBe('staleRevision');
  });

  it('sets, changes and deletes a local adjustment under its revision', async () => {
    // act / assert: new
    const created = await send('PUT', '/admin/calendar/adjustments/2026-10-09', { kind: 'dayOff', name: text('区防汛调休', 'Flood-relief day off') });
    expect(created.status).toBe(200);
    expect(ZAdjustment.parse(await created.json())).toMatchObject({ date: '2026-10-09', kind: 'dayOff', rev: 1 });

    // changed at rev 1; rev 1 again is stale
    expect((await send('PUT', '/admin/calendar/adjustments/2026-10-09', { kind: 'workday', name: text('补班', 'Make-up day'), rev: 1 })).status).toBe(200);
    const stale = await send('PUT', '/admin/calendar/adjustments/2026-10-09', { kind: 'dayOff', name: text('补班', 'Make-up day'), rev: 1 });
    expect(stale.status).toBe(409);
    expect((await view()).adjustments).toMatchObject([{ date: '2026-10-09', kind: 'workday', rev: 2 }]);

    // deleted at rev 2 only
    expect((await send('DELETE', '/admin/calendar/adjustments/2026-10-09?rev=1')).status).toBe(409);
    expect((await send('DELETE', '/admin/calendar/adjustments/2026-10-09?rev=2')).status).toBe(204);
    expect((await send('DELETE', '/admin/calendar/adjustments/2026-10-09?rev=2')).status).toBe(404);
    expect((await view()).adjustments).toEqual([]);
  });

  it('names a malformed date, kind and revision', async () => {
    // act
    const put = await send('PUT', '/admin/calendar/adjustments/2026-13-01', { kind: 'holiday', name: text('x', 'x') });
    const del = await send('DELETE', '/admin/calendar/adjustments/2026-10-09?rev=zero');

    // assert
    expect(put.status).toBe(400);
    expect(ZErrorBody.parse(await put.json()).fields?.map((f) => f.path).sort()).toEqual(['date', 'kind']);
    expect(del.status).toBe(400);
    expect(ZErrorBody.parse(await del.json()).fields?.map((f) => f.path)).toEqual(['rev']);
  });

  it('lets only admins read or change the calendar', async () => {
    // prepare
    const supervisor = `Bearer ${await stack.token('supervisor')}`;

    // act
    const read = await send('GET', '/admin/calendar', undefined, { authorization: supervisor });
    const write = await send('PUT', '/admin/calendar/adjustments/2026-10-09', { kind: 'dayOff', name: text('x', 'x') }, { authorization: supervisor });
    const anonymous = await fetch(`${stack.url}/admin/calendar`);

    // assert
    expect([read.status, write.status, anonymous.status]).toEqual([403, 403, 401]);
    expect((await view()).adjustments).toEqual([]);
  });
});
