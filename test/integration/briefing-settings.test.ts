import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BRIEFING_SETTINGS, ZBriefing, windowOf } from '../../functions/domain/briefings/briefing';
import { ZBriefingSettingsView } from '../../functions/domain/briefings/settings';
import { ZErrorBody } from '../../functions/platform/error-body';
import { briefingItem, briefingSettingsStore, briefingStore } from '../../functions/store/briefings/briefing-store';
import { aGoldenBriefing } from '../fixtures/briefings';
import { startAdmissionStack, type AdmissionStack } from './admission-stack';
import { freshTables, type TestTables } from './helpers';

/**
 * The admin's briefing settings on DynamoDB Local: the store (the settings item on its revision, the
 * counters raised on the `last` read, all in one transaction) and the admin routes through the local HTTP
 * API — the next drafted briefing takes the office and thresholds saved, the next published one the number
 * raised, and a number published is never offered again.
 */

const SAVED_AT = '2026-11-29T02:00:00.000Z';
const OFFICE = '平邑区评议工作领导小组办公室';
const settingsAt = (rev: number) => ({ office: OFFICE, thresholds: { compositeScore: 85, satisfactionRate: 0.92 }, rev, updatedAt: SAVED_AT });

/** A draft of a September week, at rev 1, as the job would have stored it. */
function aDraftOf(day: string) {
  const w = windowOf('weekly', day);
  return aGoldenBriefing({ briefingId: w.briefingId, from: w.from, to: w.to, state: 'draft', number: undefined, publishedAt: undefined, publishedBy: undefined, rev: 1 });
}

describe('briefingSettingsStore', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await freshTables();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('saves the settings and raises a counter together, and neither when a publication took a number after the read', async () => {
    // prepare: the counters read before any publication; then the first weekly briefing is published
    const store = briefingSettingsStore(t.db, t.tables.briefings);
    const read = await store.lastNumbers();
    const draft = aDraftOf('2026-09-07');
    await t.db.send(new PutCommand({ TableName: t.tables.briefings, Item: briefingItem(draft) }));
    const published = await briefingStore(t.db, t.tables.briefings).publish({ ...draft, state: 'published', rev: 2 }, 1);

    // act: a raise to No. 36 on the counter read before the publication, then on the counter as it is now
    const stale = await store.saveBriefingSettings(settingsAt(1), 0, [{ kind: 'weekly', from: read.weekly, to: 35 }]).catch((error: unknown) => error);
    const afterStale = await store.getStoredBriefingSettings();
    await store.saveBriefingSettings(settingsAt(1), 0, [{ kind: 'weekly', from: 1, to: 35 }]);

    // assert
    expect([read, published]).toEqual([{ weekly: 0, monthly: 0 }, 1]);
    expect(stale).toMatchObject({ reason: 'staleRevision' });
    expect(afterStale).toBeUndefined();
    expect(await store.lastNumbers()).toEqual({ weekly: 35, monthly: 0 });
    expect(await store.getStoredBriefingSettings()).toEqual(settingsAt(1));
    expect(await briefingStore(t.db, t.tables.briefings).briefingSettings()).toEqual({ office: OFFICE, thresholds: settingsAt(1).thresholds });
  });

  it('never gives one number twice when a raise and a publication meet: either the raise fails, or the publication takes the raised number', async () => {
    // prepare: the monthly counter at 0, a draft of a month
    const store = briefingSettingsStore(t.db, t.tables.briefings);
    const month = windowOf('monthly', '2026-09-01');
    const draft = aGoldenBriefing({ briefingId: month.briefingId, kind: 'monthly', from: month.from, to: month.to, state: 'draft', number: undefined, publishedAt: undefined, publishedBy: undefined, rev: 1 });
    await t.db.send(new PutCommand({ TableName: t.tables.briefings, Item: briefingItem(draft) }));

    // act
    const [raise, publication] = await Promise.allSettled([
      store.saveBriefingSettings(settingsAt(2), 1, [{ kind: 'monthly', from: 0, to: 8 }]),
      briefingStore(t.db, t.tables.briefings).publish({ ...draft, state: 'published', rev: 2 }, 1),
    ]);

    // assert
    expect(publication.status).toBe('fulfilled');
    const number = (publication as PromiseFulfilledResult<number>).value;
    if (raise.status === 'fulfilled') expect(number).toBe(9);
    else expect([number, (raise.reason as { reason: string }).reason]).toEqual([1, 'staleRevision']);
    expect((await store.lastNumbers()).monthly).toBe(number);
  });
});

describe('the briefing-settings admin routes (local API)', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('briefing-settings');
  });
  afterAll(async () => {
    await api?.stop();
  });

  const read = async () => {
    const res = await api.send('GET', '/admin/briefing-settings', undefined, { as: 'admin' });
    expect(res.status, res.text).toBe(200);
    return ZBriefingSettingsView.parse(res.body);
  };
  const save = (body: unknown, lang = 'zh-CN') => api.send('PUT', '/admin/briefing-settings', body, { as: 'admin', headers: { 'accept-language': lang } });
  const input = (rev: number, weekly: number) => ({ office: OFFICE, thresholds: { compositeScore: 85, satisfactionRate: 0.92 }, nextNumber: { weekly, monthly: 1 }, rev });

  it('shows the defaults at revision 0 and No. 1 of each kind next, to admins only', async () => {
    // act
    const settings = await read();
    const supervisorRead = await api.send('GET', '/admin/briefing-settings', undefined, { as: 'supervisor' });
    const supervisorWrite = await api.send('PUT', '/admin/briefing-settings', input(0, 36), { as: 'supervisor' });
    const anonymous = await api.send('GET', '/admin/briefing-settings');

    // assert
    expect(settings).toEqual({ ...DEFAULT_BRIEFING_SETTINGS, nextNumber: { weekly: 1, monthly: 1 }, defaults: DEFAULT_BRIEFING_SETTINGS, rev: 0 });
    expect([supervisorRead.status, supervisorWrite.status, anonymous.status]).toEqual([403, 403, 401]);
    expect((await read()).rev).toBe(0);
  });

  it('refuses an empty office, thresholds out of range and a number below 1, naming each field, and stores nothing', async () => {
    // prepare
    const bad = { office: ' ', thresholds: { compositeScore: 120, satisfactionRate: 90 }, nextNumber: { weekly: 0, monthly: 1 }, rev: 0 };

    // act
    const zh = await save(bad);
    const en = await save(bad, 'en');

    // assert
    expect([zh.status, en.status]).toEqual([400, 400]);
    const fields = ZErrorBody.parse(zh.body).fields ?? [];
    expect(fields.map((f) => f.path).sort()).toEqual(['nextNumber.weekly', 'office', 'thresholds.compositeScore', 'thresholds.satisfactionRate']);
    expect(fields.find((f) => f.path === 'thresholds.satisfactionRate')?.message).toBe('满意率门槛应为 0 至 1 之间的小数（0.9 即 90%）。');
    expect(ZErrorBody.parse(en.body).fields?.find((f) => f.path === 'office')?.message).toBe('Give the issuing office (1 to 100 characters).');
    expect((await read()).rev).toBe(0);
  });

  it('drafts the next briefing with the office and thresholds saved and publishes it as the number raised, then never offers that number again', async () => {
    // act: the district continues after its paper briefing No. 35
    const saved = await save(input(0, 36));
    const drafted = await api.send('POST', '/briefings/drafts', { kind: 'weekly' }, { as: 'supervisor' });
    const draft = ZBriefing.parse(drafted.body);
    const published = await api.send('POST', `/briefings/${draft.briefingId}/publish`, { rev: draft.rev }, { as: 'supervisor' });
    const lowered = await save(input(1, 36));

    // assert: the settings, the draft and the number
    expect(saved.status, saved.text).toBe(200);
    expect(ZBriefingSettingsView.parse(saved.body)).toMatchObject({ office: OFFICE, nextNumber: { weekly: 36, monthly: 1 }, rev: 1 });
    expect(drafted.status, drafted.text).toBe(201);
    expect(draft.office).toBe(OFFICE);
    expect(draft.figures.thresholds).toEqual({ compositeScore: 85, satisfactionRate: 0.92 });
    expect(published.status, published.text).toBe(200);
    expect(ZBriefing.parse(published.body)).toMatchObject({ state: 'published', number: 36, office: OFFICE });
    expect((await read()).nextNumber).toEqual({ weekly: 37, monthly: 1 });

    // assert: No. 36 is taken: a save offering it again is refused at its field, and nothing changes
    expect(lowered.status).toBe(400);
    const field = ZErrorBody.parse(lowered.body).fields?.find((f) => f.path === 'nextNumber.weekly');
    expect(field?.message).toBe('第36期已发布，期号不能重复：下一期至少为第37期。');
    expect((await read()).rev).toBe(1);
  });

  it('lets one of two saves at the same revision through and answers the other 409 staleRevision', async () => {
    // prepare
    const { rev } = await read();

    // act
    const answers = await Promise.all([save({ ...input(rev, 37), office: '甲办公室' }), save({ ...input(rev, 37), office: '乙办公室' })]);

    // assert
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const lost = answers.find((a) => a.status === 409)!;
    expect(ZErrorBody.parse(lost.body).reason).toBe('staleRevision');
    const won = ZBriefingSettingsView.parse(answers.find((a) => a.status === 200)!.body);
    expect(await read()).toMatchObject({ office: won.office, rev: rev + 1 });
  });

  it('saves the office alone after a briefing took the number read, and refuses that number when it is sent back', async () => {
    // prepare: the settings are read (monthly No. 1 next); then this month's report is published as No. 1
    const before = await read();
    const drafted = ZBriefing.parse((await api.send('POST', '/briefings/drafts', { kind: 'monthly' }, { as: 'supervisor' })).body);
    const published = await api.send('POST', `/briefings/${drafted.briefingId}/publish`, { rev: drafted.rev }, { as: 'supervisor' });
    expect(published.status, published.text).toBe(200);
    const body = { office: '平邑区评议办', thresholds: before.thresholds, rev: before.rev };

    // act
    const withNumbersRead = await save({ ...body, nextNumber: before.nextNumber });
    const officeAlone = await save(body);

    // assert
    expect(before.nextNumber.monthly).toBe(1);
    expect(withNumbersRead.status).toBe(400);
    expect(ZErrorBody.parse(withNumbersRead.body).fields?.map((f) => f.path)).toEqual(['nextNumber.monthly']);
    expect(officeAlone.status, officeAlone.text).toBe(200);
    expect(ZBriefingSettingsView.parse(officeAlone.body)).toMatchObject({ office: '平邑区评议办', nextNumber: { weekly: before.nextNumber.weekly, monthly: 2 }, rev: before.rev + 1 });
  });
});
