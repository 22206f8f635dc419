import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, CaseDetail, CaseReceipt, CaseState, CaseStatus } from '../../functions/domain/cases/case';
import { TRANSITIONS, type TransitionAction } from '../../functions/domain/cases/lifecycle';
import type { KpiReport } from '../../functions/domain/cases/kpis';
import { createDistrict, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';

/**
 * The case workflow over the local HTTP API on DynamoDB Local: a citizen files, the office assigns, the unit
 * returns, accepts, asks for more time, replies; the citizen reads the reply with number and code and answers
 * the callback; every illegal transition answers 409 and writes nothing; two people acting at once cannot
 * both win; a unit handler never sees another unit's case; contact details never sit in the case.
 */

const TAX: Caller = { unitHandlerOf: ['tax-office'] };
const HALL: Caller = { unitHandlerOf: ['permit-hall'] };
const CONTACT = { name: '欧阳娜娜', phone: '13912345678', email: 'nana.ouyang@example.cn' };

describe('cases over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('cases');
    await createDistrict(api, ['tax-office', 'permit-hall']);
  });

  afterAll(async () => {
    await api?.stop();
  });

  async function file(body: Record<string, unknown> = {}): Promise<CaseReceipt & { caseId: string }> {
    const res = await api.send('POST', '/cases', { kind: 'complaint', unitId: 'tax-office', description: '办税大厅周六不开窗口，排队两小时。', contact: CONTACT, callbackConsent: true, ...body });
    expect(res.status, res.text).toBe(201);
    const receipt = res.body as CaseReceipt;
    const list = await api.send('GET', '/cases?state=RECEIVED', undefined, { as: 'supervisor' });
    const found = (list.body.cases as Case[]).find((c) => c.trackingNumber === receipt.trackingNumber);
    expect(found).toBeDefined();
    return { ...receipt, caseId: found!.caseId };
  }

  const act = (caseId: string, body: Record<string, unknown>, as: Caller) => api.send('POST', `/cases/${caseId}/actions`, body, { as });
  const status = (r: CaseReceipt) => api.send('POST', '/cases/status', { trackingNumber: r.trackingNumber, accessCode: r.accessCode });
  const callback = (r: CaseReceipt, satisfied: boolean, comment?: string) =>
    api.send('POST', '/cases/callback', { trackingNumber: r.trackingNumber, accessCode: r.accessCode, satisfied, ...(comment ? { comment } : {}) });
  const detail = async (caseId: string, as: Caller = 'supervisor') => {
    const res = await api.send('GET', `/cases/${caseId}`, undefined, { as });
    expect(res.status, res.text).toBe(200);
    return res.body as CaseDetail;
  };
  async function ok(res: { status: number; text: string }) {
    expect(res.status, res.text).toBe(200);
  }

  /** A case walked into `state` through the API. */
  async function caseIn(state: CaseState) {
    const r = await file();
    const steps: Record<CaseState, [Record<string, unknown>, Caller | 'citizen'][]> = {
      RECEIVED: [],
      REJECTED: [[{ action: 'reject', reason: '不属于受理范围' }, 'supervisor']],
      ASSIGNED: [[{ action: 'assign', unitId: 'tax-office' }, 'supervisor']],
      RETURNED: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'return', reason: '应由市场监管局办理' }, TAX],
      ],
      IN_PROGRESS: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'accept' }, TAX],
      ],
      EXTENSION_REQUESTED: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'accept' }, TAX],
        [{ action: 'requestExtension', days: 3, reason: '需现场核查' }, TAX],
      ],
      REPLIED: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'accept' }, TAX],
        [{ action: 'reply', text: '已增开周六窗口。' }, TAX],
      ],
      REOPENED: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'accept' }, TAX],
        [{ action: 'reply', text: '已增开周六窗口。' }, TAX],
        [{ action: 'callback', satisfied: false }, 'citizen'],
      ],
      CLOSED: [
        [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
        [{ action: 'accept' }, TAX],
        [{ action: 'reply', text: '已增开周六窗口。' }, TAX],
        [{ action: 'callback', satisfied: true }, 'citizen'],
      ],
    };
    for (const [body, as] of steps[state]) {
      if (as === 'citizen') await ok(await callback(r, body.satisfied as boolean));
      else await ok(await act(r.caseId, body, as));
    }
    return r;
  }

  it('files a complaint without an account and shows its progress to whoever holds the number and the code', async () => {
    // act
    const r = await file();
    const seen = await status(r);
    const wrongCode = await api.send('POST', '/cases/status', { trackingNumber: r.trackingNumber, accessCode: r.accessCode === '2222222222' ? '3333333333' : '2222222222' });
    const unknown = await api.send('POST', '/cases/status', { trackingNumber: '20260101-22222222', accessCode: r.accessCode });

    // assert
    expect(r.trackingNumber).toMatch(/^\d{8}-[2-9A-HJKMNP-Z]{8}$/);
    expect(r.accessCode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body).toMatchObject({ trackingNumber: r.trackingNumber, state: 'RECEIVED', dueDate: r.dueDate, events: [{ action: 'file', to: 'RECEIVED' }] });
    expect(wrongCode.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongCode.body.code).toBe(unknown.body.code);
    expect(wrongCode.text.replace(r.trackingNumber, 'N')).toBe(unknown.text.replace('20260101-22222222', 'N'));
  });

  it('takes a case through its whole life cycle, each step an event, the reply read with number and code, 重办 on an unsatisfied callback', async () => {
    // prepare
    const r = await file();

    // act: assign, returned (wrong unit), assigned again, accepted, extension asked and approved, replied
    await ok(await act(r.caseId, { action: 'assign', unitId: 'permit-hall' }, 'supervisor'));
    await ok(await act(r.caseId, { action: 'return', reason: '本件属于税务事项' }, HALL));
    await ok(await act(r.caseId, { action: 'assign', unitId: 'tax-office' }, 'supervisor'));
    await ok(await act(r.caseId, { action: 'accept' }, TAX));
    await ok(await act(r.caseId, { action: 'requestExtension', days: 5, reason: '需要协调人员排班' }, TAX));
    const approved = await act(r.caseId, { action: 'approveExtension' }, 'supervisor');
    await ok(approved);
    await ok(await act(r.caseId, { action: 'reply', text: '自下周起周六上午开放两个窗口。' }, TAX));
    const replied = await status(r);
    const unsatisfied = await callback(r, false, '只开上午不够');
    await ok(await act(r.caseId, { action: 'accept' }, TAX));
    await ok(await act(r.caseId, { action: 'reply', text: '周六全天开放。' }, TAX));
    const satisfied = await callback(r, true);
    const history = await detail(r.caseId);

    // assert
    expect((approved.body as Case).dueDate > r.dueDate).toBe(true);
    expect(replied.body).toMatchObject({ state: 'REPLIED', reply: { text: '自下周起周六上午开放两个窗口。' } });
    expect(unsatisfied.status, unsatisfied.text).toBe(200);
    expect(unsatisfied.body).toMatchObject({ state: 'REOPENED' });
    expect(satisfied.body).toMatchObject({ state: 'CLOSED', callback: { satisfied: true } });
    expect(history.case).toMatchObject({ state: 'CLOSED', unitId: 'tax-office', returnCount: 1, reopenCount: 1, callbackCount: 2, closedOnTime: true, rev: 12 });
    expect(history.events.map((e) => [e.seq, e.action, e.from, e.to])).toEqual([
      [1, 'file', null, 'RECEIVED'],
      [2, 'assign', 'RECEIVED', 'ASSIGNED'],
      [3, 'return', 'ASSIGNED', 'RETURNED'],
      [4, 'assign', 'RETURNED', 'ASSIGNED'],
      [5, 'accept', 'ASSIGNED', 'IN_PROGRESS'],
      [6, 'requestExtension', 'IN_PROGRESS', 'EXTENSION_REQUESTED'],
      [7, 'approveExtension', 'EXTENSION_REQUESTED', 'IN_PROGRESS'],
      [8, 'reply', 'IN_PROGRESS', 'REPLIED'],
      [9, 'callback', 'REPLIED', 'REOPENED'],
      [10, 'accept', 'REOPENED', 'IN_PROGRESS'],
      [11, 'reply', 'IN_PROGRESS', 'REPLIED'],
      [12, 'callback', 'REPLIED', 'CLOSED'],
    ]);
    expect(history.events[2]!.actor).toMatchObject({ kind: 'staff' });
    expect(history.events[8]!.actor).toEqual({ kind: 'citizen' });
    // The contact details: to the supervisor who calls back, and set to expire 180 days after closing.
    expect(history.contact).toEqual(CONTACT);
    const contactItem = (await api.scan('contacts')).find((i) => i.pk === `CASE#${r.caseId}`)!;
    expect(contactItem.expiresAt).toBe(Math.floor(Date.parse(history.case.updatedAt) / 1000) + 180 * 86_400);
  });

  it('rejects a case out of scope with a reason the citizen reads', async () => {
    // prepare
    const r = await file();

    // act
    await ok(await act(r.caseId, { action: 'reject', reason: '属于司法程序，请向法院咨询' }, 'supervisor'));
    const seen = await status(r);

    // assert
    expect(seen.body).toMatchObject({ state: 'REJECTED', rejectionReason: '属于司法程序，请向法院咨询' });
  });

  it('answers every illegal transition with 409 and writes nothing', async () => {
    // prepare: a case in every state, and a body for every staff action
    const states: CaseState[] = ['RECEIVED', 'ASSIGNED', 'RETURNED', 'IN_PROGRESS', 'EXTENSION_REQUESTED', 'REPLIED', 'REOPENED', 'CLOSED', 'REJECTED'];
    const cases = Object.fromEntries(await Promise.all(states.map(async (s) => [s, await caseIn(s)] as const)));
    const bodies: Record<Exclude<TransitionAction, 'escalate'>, Record<string, unknown>> = {
      assign: { action: 'assign', unitId: 'permit-hall' },
      reject: { action: 'reject', reason: '不予受理' },
      return: { action: 'return', reason: '退回' },
      accept: { action: 'accept' },
      requestExtension: { action: 'requestExtension', days: 2, reason: '延期' },
      approveExtension: { action: 'approveExtension' },
      denyExtension: { action: 'denyExtension', reason: '不批准' },
      reply: { action: 'reply', text: '答复' },
      callback: { action: 'callback', satisfied: true },
      close: { action: 'close' },
    };
    const before = [await api.scan('cases'), await api.scan('contacts')];

    // act
    const answers: string[] = [];
    for (const state of states) {
      const r = cases[state]!;
      const stateCase = (await detail(r.caseId)).case;
      for (const [action, body] of Object.entries(bodies) as [Exclude<TransitionAction, 'escalate'>, Record<string, unknown>][]) {
        if ((TRANSITIONS[action].from as Partial<Record<CaseState, CaseState>>)[state]) continue;
        const unitAction = (TRANSITIONS[action].who as readonly string[]).includes('unitHandler');
        const res = await act(r.caseId, body, unitAction ? TAX : 'supervisor');
        // A unit handler does not even see a case the office holds: 404, which writes nothing either.
        const expected = unitAction && stateCase.unitId === null ? 404 : 409;
        answers.push(`${state} ${action} ${res.status === expected ? 'ok' : `${res.status} ${res.text}`}`);
        if (expected === 409) expect(res.body).toMatchObject({ code: 'CONFLICT', reason: 'illegalTransition' });
      }
      if (state !== 'REPLIED') {
        const res = await callback(r, false);
        answers.push(`${state} citizen callback ${res.status === 409 ? 'ok' : `${res.status} ${res.text}`}`);
      }
    }
    const after = [await api.scan('cases'), await api.scan('contacts')];

    // assert
    expect(answers.filter((a) => !a.endsWith(' ok'))).toEqual([]);
    expect(answers.length).toBeGreaterThan(60);
    expect(after).toEqual(before);
  });

  it.each([
    ['two accepts', 'ASSIGNED', { action: 'accept' }, 'accept'],
    ['two replies', 'IN_PROGRESS', { action: 'reply', text: '同时答复' }, 'reply'],
  ] as const)('lets exactly one of %s at once win; the other gets 409 and writes nothing', async (_name, state, body, action) => {
    // prepare
    const r = await caseIn(state);
    const { rev } = (await detail(r.caseId)).case;

    // act
    const answers = await Promise.all([act(r.caseId, { ...body, rev }, TAX), act(r.caseId, { ...body, rev }, TAX)]);
    const after = await detail(r.caseId);

    // assert
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(after.events.filter((e) => e.action === action)).toHaveLength(1);
    expect(after.case.rev).toBe(rev + 1);
  });

  it("never shows a unit handler another unit's case, nor lets them act on it: 404, as for no case at all", async () => {
    // prepare
    const r = await caseIn('ASSIGNED');
    const noCase = '00000000-0000-4000-8000-000000000000';

    // act
    const read = await api.send('GET', `/cases/${r.caseId}`, undefined, { as: HALL });
    const readNothing = await api.send('GET', `/cases/${noCase}`, undefined, { as: HALL });
    const acted = await act(r.caseId, { action: 'accept' }, HALL);
    const inbox = await api.send('GET', '/cases', undefined, { as: HALL });
    const othersInbox = await api.send('GET', '/cases?unitId=tax-office', undefined, { as: HALL });
    const ownInbox = await api.send('GET', '/cases', undefined, { as: TAX });
    const unchanged = await detail(r.caseId);

    // assert
    expect(read.status).toBe(404);
    expect(acted.status).toBe(404);
    expect(read.text.replace(r.caseId, 'X')).toBe(readNothing.text.replace(noCase, 'X'));
    expect(acted.text).not.toContain('tax-office');
    expect((inbox.body.cases as Case[]).map((c) => c.caseId)).not.toContain(r.caseId);
    expect(othersInbox.status).toBe(400);
    expect((ownInbox.body.cases as Case[]).map((c) => c.caseId)).toContain(r.caseId);
    expect((ownInbox.body.cases as Case[]).every((c) => c.unitId === 'tax-office')).toBe(true);
    expect(unchanged.case.state).toBe('ASSIGNED');
  });

  it("refuses a unit handler's approval of their own extension with 403 in the request's language, writing nothing", async () => {
    // prepare
    const r = await caseIn('EXTENSION_REQUESTED');
    const before = await detail(r.caseId);

    // act
    const zh = await act(r.caseId, { action: 'approveExtension' }, TAX);
    const en = await api.send('POST', `/cases/${r.caseId}/actions`, { action: 'approveExtension' }, { as: TAX, headers: { 'accept-language': 'en' } });
    const after = await detail(r.caseId);

    // assert
    expect(zh.status).toBe(403);
    expect(zh.body).toMatchObject({ code: 'FORBIDDEN', message: '您的角色不能对此件执行“批准延期”。' });
    expect(en.status).toBe(403);
    expect(en.body.message).toBe('Your role may not take the action "Approve the extension" on this case.');
    expect(after).toEqual(before);
  });

  it('keeps contact details out of the cases table, the lists and a unit handler’s view', async () => {
    // prepare
    const r = await caseIn('ASSIGNED');

    // act
    const casesTable = JSON.stringify(await api.scan('cases'));
    const contacts = await api.scan('contacts');
    const handlerView = await detail(r.caseId, TAX);
    const list = await api.send('GET', '/cases', undefined, { as: 'supervisor' });
    const citizenView = await status(r);

    // assert
    for (const value of Object.values(CONTACT)) {
      expect(casesTable).not.toContain(value);
      expect(list.text).not.toContain(value);
      expect(citizenView.text).not.toContain(value);
      expect(JSON.stringify(handlerView)).not.toContain(value);
    }
    expect(handlerView.contact).toBeUndefined();
    expect(contacts.find((i) => i.pk === `CASE#${r.caseId}`)).toMatchObject({ phone: CONTACT.phone, expiresAt: expect.any(Number) });
  });

  it('counts the KPIs of a range with numerators and denominators', async () => {
    // prepare: the cases filed by the tests above (closed, reopened, returned among them), all received today
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

    // act
    const all = await api.send('GET', `/cases/kpis?from=${today}&to=${today}`, undefined, { as: 'supervisor' });
    const tax = await api.send('GET', `/cases/kpis?from=${today}&to=${today}&unitId=tax-office`, undefined, { as: 'supervisor' });
    const asHandler = await api.send('GET', `/cases/kpis?from=${today}&to=${today}`, undefined, { as: TAX });

    // assert
    expect(all.status, all.text).toBe(200);
    const report = all.body as KpiReport;
    const closure = report.kpis.find((k) => k.key === 'closureRate')!;
    const listed = await api.send('GET', `/cases?from=${today}&to=${today}`, undefined, { as: 'supervisor' });
    const cases = listed.body.cases as Case[];
    expect(report.cases).toBe(cases.length);
    expect(closure).toEqual({
      key: 'closureRate',
      numerator: cases.filter((c) => c.state === 'CLOSED').length,
      denominator: cases.filter((c) => c.state !== 'REJECTED').length,
      rate: cases.filter((c) => c.state === 'CLOSED').length / cases.filter((c) => c.state !== 'REJECTED').length,
    });
    expect(closure.numerator).toBeGreaterThan(0);
    expect(report.kpis.find((k) => k.key === 'reopenRate')!.numerator).toBeGreaterThanOrEqual(1);
    expect(report.kpis.find((k) => k.key === 'returnRate')!.numerator).toBeGreaterThanOrEqual(2);
    expect((tax.body as KpiReport).cases).toBe(cases.filter((c) => c.unitId === 'tax-office').length);
    expect(asHandler.status).toBe(403);

    // act: the same as CSV and XLSX
    const csv = await api.send('GET', `/cases/kpis.csv?from=${today}&to=${today}`, undefined, { as: 'supervisor' });
    const xlsx = await api.send('GET', `/cases/kpis.xlsx?from=${today}&to=${today}`, undefined, { as: 'supervisor' });

    // assert
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`办结率,${closure.numerator},${closure.denominator},${(closure.rate! * 100).toFixed(2)}%`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.text.slice(0, 2)).toBe('PK');
  });

  it('shows the citizen only the status fields: no unit, staff or contact', async () => {
    // prepare
    const r = await caseIn('REPLIED');

    // act
    const seen = (await status(r)).body as CaseStatus;

    // assert
    expect(Object.keys(seen).sort()).toEqual(['beyondCalendar', 'dueDate', 'events', 'kind', 'receivedAt', 'reply', 'state', 'trackingNumber']);
    expect(JSON.stringify(seen.events)).not.toContain('sub');
  });
});
