import { describe, expect, it } from 'vitest';
import { AdmissionRefusedError, ConflictError, PeriodClosedError } from '../../../../functions/domain/errors';
import { derivedRecordKey, signToken } from '../../../../functions/domain/evaluation/ballot-token';
import { submitResponse, type SubmissionInput } from '../../../../functions/domain/evaluation/response';
import { RATING_LEVELS } from '../../../../functions/domain/evaluation/rating-scale';
import { DURING_PERIOD, STANDARD_GROUP_IDS, aFormVersion, aSubmission, anAllUnitsContent } from '../../../fixtures/catalog';
import {
  A_CLIENT,
  KEY_1,
  KEY_2,
  aContext,
  aPeriodWith,
  aRing,
  aToken,
  fakeSubmitStore,
  invitationClaims,
  rejectionOf,
  serviceRecordClaims,
} from './submission-fakes';

/**
 * submitResponse with ballot tokens: invitations and service records (一事一评) under each admission
 * policy. What a token's second use answers, and that it answers the same whatever is sent.
 */

const FIRST_ID = '6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b9c01';
const SECOND_ID = '9d2e4b7a-1c3f-4e5d-8a6b-0f1e2d3c4b5a';
const HOUR = 3_600_000;

const withToken = (token: string, overrides: Partial<SubmissionInput> = {}) => aSubmission({ submissionId: FIRST_ID, token, ...overrides });

/** Every answer the one-unit form takes for tax-bureau: each level, 不了解, with each group. */
const EVERY_ANSWER: Partial<SubmissionInput>[] = [...RATING_LEVELS, 'dontKnow'].flatMap((overall) =>
  STANDARD_GROUP_IDS.map((group) => ({ answers: { group }, units: { 'tax-bureau': { overall } } })),
);

describe('submitResponse with a token', () => {
  it('stores an invitation ballot under its serial, used up by that one write, without asking for a salt', async () => {
    const fake = fakeSubmitStore();

    const receipt = await submitResponse(fake.deps, withToken(aToken()), A_CLIENT);

    expect(receipt.receiptCode).toBe('7KQ2-M9XD-4HRT');
    expect([...fake.stored.values()]).toEqual([
      expect.objectContaining({ ballotRef: 'i.batch0001-1', group: 'citizen', admission: { kind: 'invitation', batchId: 'batch0001' } }),
    ]);
    expect(fake.writes()).toBe(1);
    expect(fake.saltDays).toEqual([]);
  });

  it('never stores the token', async () => {
    const token = aToken();
    const fake = fakeSubmitStore();

    await submitResponse(fake.deps, withToken(token), A_CLIENT);

    const item = JSON.stringify([...fake.stored.values()]);
    expect(item).not.toContain(token.split('.').at(-1));
    expect(item).not.toContain('i.k1.');
  });

  it("counts the ballot in the group the invitation was issued for, whatever group it answers", async () => {
    const fake = fakeSubmitStore();

    await submitResponse(fake.deps, withToken(aToken(invitationClaims({ groupId: 'deputy' })), { answers: { group: 'citizen' } }), A_CLIENT);

    expect([...fake.stored.values()][0]).toMatchObject({ group: 'deputy', admission: { kind: 'invitation', batchId: 'batch0001', groupId: 'deputy' } });
  });

  it('takes an invitation without a unit on an all-units form, rating every unit', async () => {
    const version = aFormVersion({ content: anAllUnitsContent() });
    const fake = fakeSubmitStore({ ctx: aContext({ version }) });
    const { unitId: _unit, ...claims } = invitationClaims();
    const rating = { attitude: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied', policy: 'satisfied' };

    await submitResponse(fake.deps, withToken(aToken(claims), { units: { 'tax-bureau': { evaluation: rating }, 'service-centre': { evaluation: rating } } }), A_CLIENT);

    expect(Object.keys([...fake.stored.values()][0]!.units).sort()).toEqual(['service-centre', 'tax-bureau']);
  });

  it('refuses a token for one unit rating another unit, or more than its unit', async () => {
    const oneUnit = fakeSubmitStore();
    const allUnits = fakeSubmitStore({ ctx: aContext({ version: aFormVersion({ content: anAllUnitsContent() }) }) });
    const rating = { attitude: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied', policy: 'satisfied' };

    const errors = [
      await rejectionOf(submitResponse(oneUnit.deps, withToken(aToken(), { units: { 'service-centre': { overall: 'satisfied' } } }), A_CLIENT)),
      await rejectionOf(submitResponse(allUnits.deps, withToken(aToken(), { units: { 'tax-bureau': { evaluation: rating }, 'service-centre': { evaluation: rating } } }), A_CLIENT)),
    ];

    for (const error of errors) {
      expect(error).toBeInstanceOf(AdmissionRefusedError);
      expect(error).toMatchObject({ reason: 'otherUnit' });
    }
    expect(oneUnit.stored.size + allUnits.stored.size).toBe(0);
  });

  it('refuses forged, relabelled, foreign and malformed tokens as invalid, writing nothing', async () => {
    const token = aToken();
    const mac = token.split('.').at(-1)!;
    const tokens = [
      `${token.slice(0, -mac.length)}${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`,
      token.replace('.k1.', '.k2.'),
      signToken(aRing({ current: 'k1', k1: KEY_2 }), invitationClaims()),
      token.replace('.tax-bureau.', '.service-centre.'),
      'not-a-token',
      '7KQ2-M9XD-4HRT',
    ];

    const errors = [];
    const fake = fakeSubmitStore();
    for (const t of tokens) errors.push(await rejectionOf(submitResponse(fake.deps, withToken(t), A_CLIENT)));

    for (const error of errors) {
      expect(error).toBeInstanceOf(AdmissionRefusedError);
      expect(error).toMatchObject({ reason: 'invalidToken' });
    }
    expect(fake.writes()).toBe(0);
  });

  it('refuses a token whose key was retired, and takes one of an older key still in the ring', async () => {
    const oldToken = signToken(aRing({ current: 'k1', k1: KEY_1 }), invitationClaims());
    const rotated = fakeSubmitStore({ ring: aRing({ current: 'k2', k1: KEY_1, k2: KEY_2 }) });
    const retired = fakeSubmitStore({ ring: aRing({ current: 'k2', k2: KEY_2, record: derivedRecordKey(KEY_1) }) });

    await submitResponse(rotated.deps, withToken(oldToken), A_CLIENT);
    const error = await rejectionOf(submitResponse(retired.deps, withToken(oldToken), A_CLIENT));

    expect(rotated.stored.size).toBe(1);
    expect(error).toMatchObject({ reason: 'invalidToken' });
  });

  it('refuses an expired token, and a token of another period', async () => {
    const fake = fakeSubmitStore();
    const expired = aToken(invitationClaims({ expiresAt: new Date(DURING_PERIOD.getTime() - 60_000) }));
    const otherPeriod = aToken(invitationClaims({ periodId: '2025-annual' }));

    const errors = [await rejectionOf(submitResponse(fake.deps, withToken(expired), A_CLIENT)), await rejectionOf(submitResponse(fake.deps, withToken(otherPeriod), A_CLIENT))];

    expect(errors.map((e) => (e as AdmissionRefusedError).reason)).toEqual(['expiredToken', 'otherPeriod']);
    expect(fake.stored.size).toBe(0);
  });

  it('takes a token up to the minute it expires, and not at it', async () => {
    const expiresAt = new Date(DURING_PERIOD.getTime() + 60_000);
    const before = fakeSubmitStore({ now: new Date(expiresAt.getTime() - 1) });
    const at = fakeSubmitStore({ now: expiresAt });

    await submitResponse(before.deps, withToken(aToken(invitationClaims({ expiresAt }))), A_CLIENT);
    const error = await rejectionOf(submitResponse(at.deps, withToken(aToken(invitationClaims({ expiresAt }))), A_CLIENT));

    expect(before.stored.size).toBe(1);
    expect(error).toMatchObject({ reason: 'expiredToken' });
  });
});

describe('submitResponse under each admission policy', () => {
  it('refuses a ballot without a token in an invitation or service-record period', async () => {
    const periods = [aPeriodWith({ mode: 'invitation' }), aPeriodWith({ mode: 'serviceRecord' })];

    const errors = await Promise.all(periods.map((period) => rejectionOf(submitResponse(fakeSubmitStore({ ctx: aContext({ period }) }).deps, aSubmission(), A_CLIENT))));

    for (const error of errors) {
      expect(error).toBeInstanceOf(AdmissionRefusedError);
      expect(error).toMatchObject({ reason: 'tokenRequired' });
    }
  });

  it('refuses a service-record token in an invitation period', async () => {
    const fake = fakeSubmitStore({ ctx: aContext({ period: aPeriodWith({ mode: 'invitation' }) }) });

    const error = await rejectionOf(submitResponse(fake.deps, withToken(aToken(serviceRecordClaims())), A_CLIENT));

    expect(error).toMatchObject({ reason: 'tokenRequired' });
    expect(fake.stored.size).toBe(0);
  });

  it('takes invitations in an invitation period', async () => {
    const fake = fakeSubmitStore({ ctx: aContext({ period: aPeriodWith({ mode: 'invitation' }) }) });

    await submitResponse(fake.deps, withToken(aToken()), A_CLIENT);

    expect([...fake.stored.keys()]).toEqual(['2026-annual i.batch0001-1']);
  });

  it('takes service records, and invitations issued for a group, in a service-record period, but no plain invitation', async () => {
    const fake = fakeSubmitStore({ ctx: aContext({ period: aPeriodWith({ mode: 'serviceRecord' }) }) });

    await submitResponse(fake.deps, withToken(aToken(serviceRecordClaims())), A_CLIENT);
    await submitResponse(fake.deps, withToken(aToken(invitationClaims({ groupId: 'deputy', serial: 'batch0002-1' })), { submissionId: SECOND_ID }), A_CLIENT);
    const plain = await rejectionOf(submitResponse(fake.deps, withToken(aToken(invitationClaims({ serial: 'batch0003-1' })), { submissionId: '1a2b3c4d-0000-4000-8000-000000000003' }), A_CLIENT));

    expect([...fake.stored.values()].map((r) => r.admission)).toEqual([{ kind: 'serviceRecord' }, { kind: 'invitation', batchId: 'batch0002', groupId: 'deputy' }]);
    expect(plain).toMatchObject({ reason: 'tokenRequired' });
  });

  it('takes tokens in an open period as well', async () => {
    const fake = fakeSubmitStore();

    await submitResponse(fake.deps, withToken(aToken(serviceRecordClaims())), A_CLIENT);

    expect([...fake.stored.values()][0]!.ballotRef).toBe('r.cmVjb3JkLWRpZ2VzdA');
  });
});

describe('submitResponse: a used token', () => {
  it('answers another submission with 409 tokenUsed and the time of the first use, whatever it answers, storing nothing', async () => {
    const fake = fakeSubmitStore();
    const token = aToken();
    const first = await submitResponse(fake.deps, withToken(token), A_CLIENT);
    fake.setNow(new Date(DURING_PERIOD.getTime() + HOUR));

    const errors = [];
    for (const [i, answers] of EVERY_ANSWER.entries()) {
      const submissionId = `1a2b3c4d-0000-4000-8000-${String(i).padStart(12, '0')}`;
      errors.push(await rejectionOf(submitResponse(fake.deps, withToken(token, { ...answers, submissionId }), A_CLIENT)));
    }

    expect(errors).toHaveLength(24);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConflictError);
      expect({ reason: (error as ConflictError).reason, params: (error as ConflictError).params }).toEqual({
        reason: 'tokenUsed',
        params: { usedAt: first.submittedAt },
      });
    }
    expect(fake.stored.size).toBe(1);
  });

  it('answers a submission without an id, using a used token, the same', async () => {
    const fake = fakeSubmitStore();
    const token = aToken();
    const first = await submitResponse(fake.deps, withToken(token), A_CLIENT);

    const error = await rejectionOf(submitResponse(fake.deps, { ...withToken(token), submissionId: undefined }, A_CLIENT));

    expect(error).toMatchObject({ reason: 'tokenUsed', params: { usedAt: first.submittedAt } });
  });

  it('stores one ballot of twenty sent at once with one token; the others get tokenUsed', async () => {
    const fake = fakeSubmitStore({ receiptCodes: Array.from({ length: 20 }, (_, i) => `AAAA-BBBB-${String(i).padStart(4, '0')}`) });
    const token = aToken();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => submitResponse(fake.deps, withToken(token, { submissionId: `1a2b3c4d-0000-4000-8000-${String(i).padStart(12, '0')}` }), A_CLIENT)),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.map((o) => (o.reason as ConflictError).reason)).toEqual(Array(19).fill('tokenUsed'));
    expect(fake.stored.size).toBe(1);
  });

  it('answers a retry with the same submission id with the first receipt', async () => {
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, withToken(aToken()), A_CLIENT);
    fake.setNow(new Date(DURING_PERIOD.getTime() + HOUR));

    const retry = await submitResponse(fake.deps, withToken(aToken()), A_CLIENT);

    expect(retry).toEqual(first);
    expect(fake.stored.size).toBe(1);
  });

  it('refuses the same submission id with the token and other answers as submissionIdReused', async () => {
    const fake = fakeSubmitStore();
    await submitResponse(fake.deps, withToken(aToken()), A_CLIENT);

    const error = await rejectionOf(submitResponse(fake.deps, withToken(aToken(), { units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }), A_CLIENT));

    expect(error).toMatchObject({ reason: 'submissionIdReused' });
  });

  it('answers a retry after the token expired with the first receipt; another submission then is refused as expired, whatever it answers', async () => {
    const expiresAt = new Date(DURING_PERIOD.getTime() + HOUR);
    const token = aToken(invitationClaims({ expiresAt }));
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, withToken(token), A_CLIENT);
    fake.setNow(new Date(expiresAt.getTime() + HOUR));

    const retry = await submitResponse(fake.deps, withToken(token), A_CLIENT);
    const others = [];
    for (const answers of EVERY_ANSWER.slice(0, 6)) others.push(await rejectionOf(submitResponse(fake.deps, withToken(token, { ...answers, submissionId: SECOND_ID }), A_CLIENT)));

    expect(retry).toEqual(first);
    for (const error of others) expect(error).toMatchObject({ reason: 'expiredToken' });
    expect(fake.stored.size).toBe(1);
  });

  it('answers a retry after the period ended with the first receipt; another holder of the token gets PERIOD_CLOSED', async () => {
    const token = aToken();
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, withToken(token), A_CLIENT);
    fake.setNow(new Date('2027-01-03T10:00:00+08:00'));

    const retry = await submitResponse(fake.deps, withToken(token), A_CLIENT);
    const other = await rejectionOf(submitResponse(fake.deps, withToken(token, { submissionId: SECOND_ID }), A_CLIENT));

    expect(retry).toEqual(first);
    expect(other).toBeInstanceOf(PeriodClosedError);
    expect(fake.stored.size).toBe(1);
  });

  it('uses each invitation of a batch once: another serial of the same batch is another ballot', async () => {
    const fake = fakeSubmitStore();

    await submitResponse(fake.deps, withToken(aToken(invitationClaims({ serial: 'batch0001-1' }))), A_CLIENT);
    await submitResponse(fake.deps, withToken(aToken(invitationClaims({ serial: 'batch0001-2' })), { submissionId: SECOND_ID }), A_CLIENT);

    expect([...fake.stored.values()].map((r) => r.ballotRef)).toEqual(['i.batch0001-1', 'i.batch0001-2']);
  });
});
