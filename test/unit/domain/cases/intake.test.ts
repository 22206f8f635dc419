import { describe, expect, it } from 'vitest';
import { CASE_DEADLINE_DAYS, ZAccessCode, ZCaseCredentials, ZTrackingNumber, type Case, type CaseEvent } from '../../../../functions/domain/cases/case';
import { accessCodeMatches, caseStatus, fileCase, newCode, trackingNumberOf } from '../../../../functions/domain/cases/intake';
import type { AccessProof, ContactRecord, IntakeDeps } from '../../../../functions/domain/cases/ports';
import { NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { aUnit, aUnitWithId } from '../../../fixtures/catalog';
import { RECEIVED_AT, aCalendar } from '../../../fixtures/cases';

/** Intake's ports over plain maps, with what was written kept for the assertions. */
function fakeIntake(now = RECEIVED_AT) {
  const written = { cases: [] as Case[], events: [] as CaseEvent[], proofs: new Map<string, AccessProof>(), contacts: [] as ContactRecord[] };
  let draws = 0;
  const deps: IntakeDeps = {
    async createCase(c, event, proof, contact) {
      written.cases.push(c);
      written.events.push(...[event].flat());
      written.proofs.set(c.trackingNumber, proof);
      if (contact) written.contacts.push(contact);
    },
    findTracking: async (n) => written.proofs.get(n),
    getCase: async (id) => written.cases.find((c) => c.caseId === id),
    listEvents: async (id) => written.events.filter((e) => e.caseId === id),
    saveTransition: async () => undefined,
    listUnitCases: async () => [],
    listCasesOfMonths: async () => [],
    getUnit: async (id) => [aUnit(), { ...aUnitWithId('old-window'), status: 'retired' as const }].find((u) => u.unitId === id),
    workingCalendar: async () => aCalendar(),
    deadlineDays: async () => ({ ...CASE_DEADLINE_DAYS }),
    now: () => now,
    newId: () => '0b6a3c1e-2d4f-4a5b-8c7d-9e0f1a2b3c4d',
    newCode: (length) => newCode(length, (max) => (draws++ * 7) % max),
  };
  return { deps, written };
}

describe('fileCase', () => {
  it('files a complaint as RECEIVED with its deadline in working days, and gives a tracking number and access code once', async () => {
    // prepare
    const { deps, written } = fakeIntake();

    // act
    const receipt = await fileCase(deps, { kind: 'complaint', unitId: 'tax-bureau', description: '周六不开窗口', contact: { phone: '13800000000' }, callbackConsent: true });

    // assert: 15 working days from Monday 1 June, 19 June off
    expect(receipt).toMatchObject({ dueDate: '2026-06-23', beyondCalendar: false });
    expect(ZTrackingNumber.safeParse(receipt.trackingNumber).success).toBe(true);
    expect(receipt.trackingNumber.startsWith('20260601-')).toBe(true);
    expect(ZAccessCode.safeParse(receipt.accessCode).success).toBe(true);
    expect(written.cases[0]).toMatchObject({ state: 'RECEIVED', unitId: null, requestedUnitId: 'tax-bureau', hasContact: true, callbackConsent: true, rev: 1, source: 'complaint' });
    expect(written.events).toEqual([expect.objectContaining({ seq: 1, action: 'file', from: null, to: 'RECEIVED', actor: { kind: 'citizen' } })]);
  });

  it('keeps the contact details and the access code out of the case: the contact goes apart, the code only as a salted hash', async () => {
    // prepare
    const { deps, written } = fakeIntake();

    // act
    const receipt = await fileCase(deps, { kind: 'request', description: '建议延长办公时间', contact: { name: '欧阳娜娜', email: 'nana@example.cn' } });

    // assert
    const stored = JSON.stringify(written.cases[0]);
    expect(stored).not.toContain('欧阳娜娜');
    expect(stored).not.toContain('nana@example.cn');
    expect(stored).not.toContain(receipt.accessCode);
    const proof = written.proofs.get(receipt.trackingNumber)!;
    expect(JSON.stringify(proof)).not.toContain(receipt.accessCode);
    expect(accessCodeMatches(receipt.accessCode, proof.salt, proof.hash)).toBe(true);
    expect(accessCodeMatches('2222222222', proof.salt, proof.hash)).toBe(false);
    expect(written.contacts).toEqual([{ contact: { name: '欧阳娜娜', email: 'nana@example.cn' }, expiresAt: RECEIVED_AT.getTime() / 1000 + 3 * 365 * 86_400 }]);
  });

  it('gives a consultation its 2 working days', async () => {
    // prepare: received Friday 18 June 2026 at 23:30 CST; 19 June is off in this calendar
    const { deps } = fakeIntake(new Date('2026-06-18T15:30:00Z'));

    // act
    const receipt = await fileCase(deps, { kind: 'consultation', description: '社保卡怎么补办？' });

    // assert: the 18th not counted, the 19th off, the weekend off: Monday 22nd and Tuesday 23rd
    expect(receipt.dueDate).toBe('2026-06-23');
  });

  it('names every failing field: contact without phone or email, a callback without contact, an unknown or retired unit', async () => {
    // prepare
    const { deps, written } = fakeIntake();

    // act
    const errors = await Promise.all([
      fileCase(deps, { kind: 'complaint', description: 'x', contact: { name: '张三' } }).catch((e: unknown) => e),
      fileCase(deps, { kind: 'complaint', description: 'x', callbackConsent: true, unitId: 'no-such-unit' }).catch((e: unknown) => e),
      fileCase(deps, { kind: 'complaint', description: 'x', unitId: 'old-window' }).catch((e: unknown) => e),
    ]);

    // assert
    expect(errors.map((e) => (e as ValidationError).fields.map((f) => f.path))).toEqual([['contact'], ['callbackConsent', 'unitId'], ['unitId']]);
    expect(written.cases).toEqual([]);
  });
});

describe('caseStatus', () => {
  it('answers a wrong access code exactly as an unknown tracking number', async () => {
    // prepare
    const { deps } = fakeIntake();
    const receipt = await fileCase(deps, { kind: 'complaint', description: '周六不开窗口' });

    // act
    const wrongCode = await caseStatus(deps, { trackingNumber: receipt.trackingNumber, accessCode: '2222222222' }).catch((e: unknown) => e);
    const unknown = await caseStatus(deps, { trackingNumber: '20260601-22222222', accessCode: receipt.accessCode }).catch((e: unknown) => e);

    // assert
    expect(wrongCode).toBeInstanceOf(NotFoundError);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((wrongCode as NotFoundError).entity).toBe((unknown as NotFoundError).entity);
  });

  it('shows the state, deadline and steps to the holder of both, without staff identities or internal notes', async () => {
    // prepare
    const { deps, written } = fakeIntake();
    const receipt = await fileCase(deps, { kind: 'complaint', description: '周六不开窗口' });
    const caseId = written.cases[0]!.caseId;
    written.events.push(
      { caseId, seq: 2, at: '2026-06-01T03:00:00.000Z', actor: { kind: 'staff', sub: 'sup-1' }, action: 'assign', from: 'RECEIVED', to: 'ASSIGNED', unitId: 'tax-bureau' },
      { caseId, seq: 3, at: '2026-06-01T04:00:00.000Z', actor: { kind: 'staff', sub: 'tax-1' }, action: 'return', from: 'ASSIGNED', to: 'RETURNED', note: '内部：不归我们管' },
      { caseId, seq: 4, at: '2026-06-01T05:00:00.000Z', actor: { kind: 'system' }, action: 'escalate', from: 'RETURNED', to: 'RETURNED', note: 'reminder' },
    );

    // act: typed as read off a phone, lower case and a stray space
    const status = await caseStatus(deps, ZCaseCredentials.parse({ trackingNumber: ` ${receipt.trackingNumber.toLowerCase()}`, accessCode: receipt.accessCode.toLowerCase() }));

    // assert
    expect(status).toMatchObject({ trackingNumber: receipt.trackingNumber, state: 'RECEIVED', dueDate: '2026-06-23' });
    expect(status.events.map((e) => e.action)).toEqual(['file', 'assign', 'return']);
    expect(JSON.stringify(status)).not.toMatch(/sup-1|tax-1|内部|actor/);
  });
});

describe('trackingNumberOf', () => {
  it('dates a tracking number by the CST day of receipt', () => {
    // act, assert: 20:00 UTC on 31 May is 04:00 on 1 June in China
    expect(trackingNumberOf(new Date('2026-05-31T20:00:00Z'), '7KQ2M9XA')).toBe('20260601-7KQ2M9XA');
  });

  it('draws codes only from the unambiguous alphabet', () => {
    // act
    const codes = Array.from({ length: 200 }, () => newCode(10));

    // assert
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(new Set(codes).size).toBe(200);
  });
});
