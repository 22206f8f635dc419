import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BadReviewCases } from '../../functions/domain/cases/bad-review';
import type { Case, CaseStatus } from '../../functions/domain/cases/case';
import type { KpiReport } from '../../functions/domain/cases/kpis';
import { cstDate } from '../../functions/domain/working-days';
import { anAllUnitsContent } from '../fixtures/catalog';
import { createDistrict, createPeriodAndForm, startAdmissionStack, type AdmissionStack } from './admission-stack';

/**
 * A bad review becomes a case, over the local HTTP API on DynamoDB Local: the respondent of a ballot that
 * rated units 不满意 or 非常不满意 leaves contact details with the ballot's receipt code, and each unit rated
 * badly gets exactly one case (source badReview) however often that is sent; a good ballot opens none, a
 * wrong receipt code answers as an unknown ballot, the contact details sit in the contacts table only, and
 * the citizen's callback closes the case and counts in 差评整改率.
 */

const PERIOD = 'p-bad-reviews';
const FORM = 'f-bad-reviews';
const UNITS = ['tax-office', 'permit-hall', 'water-bureau'];
const CONTACT = { name: '司马相如', phone: '13811112222', email: 'xiangru.sima@example.cn' };
const TAX = { unitHandlerOf: ['tax-office'] };

const all = (level: string) => ({ attitude: level, efficiency: level, integrity: level, policy: level });

describe('bad review → case over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('bad-review');
    await createDistrict(api, UNITS);
    await createPeriodAndForm(api, { periodId: PERIOD, formId: FORM, admission: {}, unitIds: UNITS, content: anAllUnitsContent({ unitIds: UNITS }) });
  });

  afterAll(async () => {
    await api?.stop();
  });

  /** Rates every unit; returns the ballot's reference (read from the table) and its receipt code. */
  async function rate(units: Record<string, Record<string, unknown>>): Promise<{ ballotRef: string; receiptCode: string }> {
    const res = await api.send('POST', '/responses', { formId: FORM, version: 1, answers: { group: 'citizen' }, units, submissionId: randomUUID() });
    expect(res.status, res.text).toBe(201);
    const receiptCode = res.body.receiptCode as string;
    const item = (await api.scan('responses')).find((i) => i.receiptCode === receiptCode);
    expect(item).toBeDefined();
    return { ballotRef: item!.ballotRef as string, receiptCode };
  }

  const followUp = (ballot: { ballotRef: string; receiptCode: string }, extra: Record<string, unknown> = {}) =>
    api.send('POST', '/cases/bad-reviews', { periodId: PERIOD, ...ballot, contact: CONTACT, callbackConsent: true, ...extra });

  const badReviewCases = async () => (await api.scan('cases')).filter((i) => i.sk === 'STATE' && i.source === 'badReview') as unknown as Case[];

  it('opens exactly one case per unit rated badly, and none for a unit rated well, however often it is sent', async () => {
    // prepare: tax office 非常不满意 on attitude, permit hall 不满意 on efficiency, water bureau 满意
    const ballot = await rate({
      'tax-office': { evaluation: { ...all('satisfied'), attitude: 'veryDissatisfied' } },
      'permit-hall': { evaluation: { ...all('basicallySatisfied'), efficiency: 'dissatisfied' } },
      'water-bureau': { evaluation: all('verySatisfied') },
    });
    const before = (await badReviewCases()).length;

    // act
    const first = await followUp(ballot, { remark: '窗口人员态度生硬' });
    const second = await followUp(ballot);
    const [third, fourth] = await Promise.all([followUp(ballot), followUp(ballot)]);

    // assert
    expect(first.status, first.text).toBe(201);
    const opened = (first.body as BadReviewCases).cases;
    expect(opened.map((c) => c.unitId).sort()).toEqual(['permit-hall', 'tax-office']);
    expect(opened.every((c) => c.opened && /^[2-9A-HJKMNP-Z]{10}$/.test(c.accessCode))).toBe(true);
    for (const again of [second, third, fourth]) {
      expect(again.status, again.text).toBe(200);
      expect((again.body as BadReviewCases).cases.sort((a, b) => a.unitId.localeCompare(b.unitId))).toEqual([
        { unitId: 'permit-hall', opened: false },
        { unitId: 'tax-office', opened: false },
      ]);
    }
    const numbers = opened.map((c) => (c.opened ? c.trackingNumber : ''));
    const stored = (await badReviewCases()).filter((c) => numbers.includes(c.trackingNumber));
    expect((await badReviewCases()).length - before).toBe(2);
    expect(stored).toHaveLength(2);
    const tax = stored.find((c) => c.requestedUnitId === 'tax-office')!;
    expect(tax).toMatchObject({ source: 'badReview', kind: 'complaint', state: 'ASSIGNED', unitId: 'tax-office', hasContact: true, callbackConsent: true });
    expect(tax.description).toContain('服务态度：非常不满意');
    expect(tax.description).toContain('窗口人员态度生硬');
    expect(tax.dueDate > cstDate(new Date(tax.receivedAt))).toBe(true);
    // Its unit is certain: the case goes to it at once, by the system, and is in the unit's own list.
    const detail = await api.send('GET', `/cases/${tax.caseId}`, undefined, { as: 'supervisor' });
    const events = (detail.body.events as { action: string; actor: { kind: string }; to: string }[]).map((e) => [e.action, e.actor.kind, e.to]);
    expect(events).toEqual([
      ['file', 'citizen', 'RECEIVED'],
      ['assign', 'system', 'ASSIGNED'],
    ]);
  });

  it('keeps the contact details in the contacts table only: not in the case, its events, nor the ballot', async () => {
    // prepare
    const ballot = await rate({
      'tax-office': { evaluation: all('dissatisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('satisfied') },
    });

    // act
    const res = await followUp(ballot);

    // assert
    expect(res.status, res.text).toBe(201);
    const [opened] = (res.body as BadReviewCases).cases;
    const caseItem = (await badReviewCases()).find((c) => opened?.opened && c.trackingNumber === opened.trackingNumber)!;
    const contacts = (await api.scan('contacts')).filter((i) => i.pk === `CASE#${caseItem.caseId}`);
    expect(contacts).toEqual([expect.objectContaining({ ...CONTACT, sk: 'CONTACT', expiresAt: expect.any(Number) })]);
    const elsewhere = JSON.stringify([await api.scan('cases'), await api.scan('responses'), await api.scan('catalog')]);
    for (const value of Object.values(CONTACT)) expect(elsewhere).not.toContain(value);
  });

  it('opens no case for a ballot without a bad rating, and says why (400 naming ballotRef)', async () => {
    // prepare
    const ballot = await rate({
      'tax-office': { evaluation: all('basicallySatisfied') },
      'permit-hall': { evaluation: { ...all('verySatisfied'), integrity: 'dontKnow' } },
      'water-bureau': { evaluation: all('satisfied') },
    });
    const before = (await badReviewCases()).length;

    // act
    const zh = await followUp(ballot);
    const en = await api.send('POST', '/cases/bad-reviews', { periodId: PERIOD, ...ballot, contact: CONTACT, callbackConsent: true }, { headers: { 'accept-language': 'en' } });

    // assert
    expect(zh.status, zh.text).toBe(400);
    expect(zh.body.fields).toEqual([{ path: 'ballotRef', message: expect.stringContaining('不满意') }]);
    expect(en.body.fields).toEqual([{ path: 'ballotRef', message: expect.stringContaining('dissatisfied') }]);
    expect((await badReviewCases()).length).toBe(before);
  });

  it('answers a wrong receipt code exactly as an unknown ballot (404), opening nothing', async () => {
    // prepare
    const ballot = await rate({
      'tax-office': { evaluation: all('veryDissatisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('satisfied') },
    });
    const wrongCode = ballot.receiptCode.startsWith('0') ? `1${ballot.receiptCode.slice(1)}` : `0${ballot.receiptCode.slice(1)}`;
    const before = (await badReviewCases()).length;

    // act
    const wrong = await followUp({ ballotRef: ballot.ballotRef, receiptCode: wrongCode });
    const unknown = await followUp({ ballotRef: 'o.NoSuchBallot0000000000', receiptCode: ballot.receiptCode });

    // assert
    expect(wrong.status, wrong.text).toBe(404);
    expect(unknown.status, unknown.text).toBe(404);
    expect(wrong.body.code).toBe(unknown.body.code);
    expect(wrong.text.replace(wrongCode, 'C')).toBe(unknown.text.replace(ballot.receiptCode, 'C'));
    expect((await badReviewCases()).length).toBe(before);
  });

  it('refuses a follow-up without consent or without a phone or email, naming each field', async () => {
    // prepare
    const ballot = await rate({
      'tax-office': { evaluation: all('veryDissatisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('satisfied') },
    });

    // act
    const noConsent = await followUp(ballot, { callbackConsent: false });
    const nameOnly = await followUp(ballot, { contact: { name: '司马相如' } });

    // assert
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.fields.map((f: { path: string }) => f.path)).toEqual(['callbackConsent']);
    expect(nameOnly.status).toBe(400);
    expect(nameOnly.body.fields.map((f: { path: string }) => f.path)).toEqual(['contact']);
  });

  // It retires water-bureau: the tests after it rate that unit only well.
  it('leaves out a unit retired since the rating, and refuses when only such units were rated badly, writing nothing', async () => {
    // prepare
    const mixed = await rate({
      'tax-office': { evaluation: all('dissatisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('veryDissatisfied') },
    });
    const retiredOnly = await rate({
      'tax-office': { evaluation: all('satisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('veryDissatisfied') },
    });
    const unit = ((await api.send('GET', '/admin/units', undefined, { as: 'admin' })).body.units as { unitId: string; rev: number }[]).find((u) => u.unitId === 'water-bureau')!;
    const retired = await api.send('POST', '/admin/units/water-bureau/status', { status: 'retired', rev: unit.rev }, { as: 'admin' });
    expect(retired.status, retired.text).toBe(200);
    const before = (await badReviewCases()).length;

    // act
    const some = await followUp(mixed);
    const none = await followUp(retiredOnly);

    // assert
    expect(some.status, some.text).toBe(201);
    expect((some.body as BadReviewCases).cases.map((c) => c.unitId)).toEqual(['tax-office']);
    expect(none.status).toBe(400);
    expect(none.body.fields).toEqual([{ path: 'ballotRef', message: expect.stringContaining('撤销') }]);
    expect((await badReviewCases()).length).toBe(before + 1);
  });

  it("records the citizen's callback when it closes the case, and counts it in 差评整改率", async () => {
    // prepare
    const ballot = await rate({
      'tax-office': { evaluation: all('veryDissatisfied') },
      'permit-hall': { evaluation: all('satisfied') },
      'water-bureau': { evaluation: all('satisfied') },
    });
    const opened = (await followUp(ballot)).body as BadReviewCases;
    const receipt = opened.cases[0]!;
    if (!receipt.opened) throw new Error('the case was not opened');
    const caseId = (await badReviewCases()).find((c) => c.trackingNumber === receipt.trackingNumber)!.caseId;
    const today = cstDate(new Date());
    const kpis = async () =>
      ((await api.send('GET', `/cases/kpis?from=${today}&to=${today}`, undefined, { as: 'supervisor' })).body as KpiReport).kpis.find((k) => k.key === 'badReviewRectificationRate')!;
    const before = await kpis();

    // act
    for (const [body, as] of [
      [{ action: 'accept' }, TAX],
      [{ action: 'reply', text: '已对窗口人员批评教育并调整岗位。' }, TAX],
    ] as const) {
      const res = await api.send('POST', `/cases/${caseId}/actions`, body, { as });
      expect(res.status, res.text).toBe(200);
    }
    const callback = await api.send('POST', '/cases/callback', { trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode, satisfied: true });
    const after = await kpis();

    // assert
    expect(callback.status, callback.text).toBe(200);
    expect(callback.body as CaseStatus).toMatchObject({ state: 'CLOSED', callback: { satisfied: true } });
    const stored = (await badReviewCases()).find((c) => c.caseId === caseId)!;
    expect(stored).toMatchObject({ state: 'CLOSED', callbackCount: 1, callback: { satisfied: true } });
    expect(after.numerator).toBe(before.numerator + 1);
    expect(after.denominator).toBe(before.denominator);
  });
});
