import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PeriodClosedError, ValidationError } from '../../../../functions/domain/errors';
import { ZReceiptCode, newReceiptCode } from '../../../../functions/domain/evaluation/ballot-ids';
import { clientKey } from '../../../../functions/domain/evaluation/client-key';
import {
  ZResponse,
  sameAnswers,
  submissionHashOf,
  submitResponse,
  type Response,
  type SubmissionInput,
} from '../../../../functions/domain/evaluation/response';
import {
  DURING_PERIOD,
  aForm,
  aFormContent,
  aFormVersion,
  aRatingQuestion,
  aSubmission,
  anAllUnitsContent,
} from '../../../fixtures/catalog';
import { A_CLIENT, aContext, fakeSubmitStore, rejectionOf } from './submission-fakes';

const SUBMISSION_ID = '6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b9c01';
const OTHER_SUBMISSION_ID = '9d2e4b7a-1c3f-4e5d-8a6b-0f1e2d3c4b5a';
const HOUR = 3_600_000;

/** A submission to aFormVersion() with the given id. */
const aSubmissionWithId = (overrides: Partial<SubmissionInput> = {}) => aSubmission({ submissionId: SUBMISSION_ID, ...overrides });

/** A stored response to aFormVersion(), for comparing answers. */
const aStored = (overrides: Partial<Response> = {}): Response => ({
  ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA',
  submissionHash: submissionHashOf(SUBMISSION_ID),
  receiptCode: '7KQ2-M9XD-4HRT',
  formId: 'district-2026',
  version: 1,
  periodId: '2026-annual',
  group: 'citizen',
  answers: { group: 'citizen' },
  units: { 'tax-bureau': { overall: 'satisfied' } },
  submittedAt: DURING_PERIOD.toISOString(),
  admission: { kind: 'open', day: '2026-06-15', clientKey: 'Q2xpZW50S2V5T2ZUZXN0' },
  ...overrides,
});

describe('submitResponse: storing a ballot', () => {
  it('stores one item per submission, under a reference that is not the submission id, and returns its receipt', async () => {
    const { deps, stored } = fakeSubmitStore();

    const receipt = await submitResponse(deps, aSubmissionWithId(), A_CLIENT);

    expect(receipt).toEqual({
      receiptCode: '7KQ2-M9XD-4HRT',
      formId: 'district-2026',
      version: 1,
      periodId: '2026-annual',
      ballotRef: `o.${submissionHashOf(SUBMISSION_ID).slice(0, 22)}`,
      submittedAt: DURING_PERIOD.toISOString(),
    });
    expect(stored.size).toBe(1);
    const [response] = [...stored.values()];
    expect(ZResponse.parse(response)).toEqual(response);
    expect(response).toMatchObject({
      ballotRef: `o.${submissionHashOf(SUBMISSION_ID).slice(0, 22)}`,
      submissionHash: createHash('sha256').update(SUBMISSION_ID).digest('base64url'),
      receiptCode: '7KQ2-M9XD-4HRT',
      formId: 'district-2026',
      version: 1,
      periodId: '2026-annual',
      group: 'citizen',
      answers: { group: 'citizen' },
      units: { 'tax-bureau': { overall: 'satisfied' } },
      submittedAt: DURING_PERIOD.toISOString(),
    });
  });

  it('stores one item for a response rating every unit of an all-units form', async () => {
    const version = aFormVersion({ content: anAllUnitsContent() });
    const { deps, stored } = fakeSubmitStore({ ctx: aContext({ version }) });
    const rating = { attitude: 'satisfied', efficiency: 'satisfied', integrity: 'verySatisfied', policy: 'dontKnow' };

    await submitResponse(deps, aSubmissionWithId({ units: { 'tax-bureau': { evaluation: rating }, 'service-centre': { evaluation: rating } } }), A_CLIENT);

    expect(stored.size).toBe(1);
    expect(Object.keys([...stored.values()][0]!.units).sort()).toEqual(['service-centre', 'tax-bureau']);
  });

  it('never stores the submission id, the address or the user agent', async () => {
    const { deps, stored } = fakeSubmitStore();

    await submitResponse(deps, aSubmissionWithId(), { address: '203.0.113.7', userAgent: 'Mozilla/5.0 TestAgent/1.0' });

    const item = JSON.stringify([...stored.values()]);
    expect(item).not.toContain(SUBMISSION_ID);
    expect(item).not.toContain('203.0.113');
    expect(item).not.toContain('TestAgent');
  });

  it('gives a submission without an id a new one, so it is stored and can never be retried', async () => {
    const { deps, stored } = fakeSubmitStore();

    await submitResponse(deps, { ...aSubmission(), submissionId: undefined }, A_CLIENT);

    expect([...stored.values()][0]!.submissionHash).toBe(submissionHashOf('00000000-0000-4000-8000-000000000001'));
  });

  it("counts a response to a form without a group question in the form's default group", async () => {
    const version = aFormVersion({ content: aFormContent({ questions: [aRatingQuestion()], defaultGroup: 'enterprise' }) });
    const { deps, stored } = fakeSubmitStore({ ctx: aContext({ version }) });

    await submitResponse(deps, aSubmissionWithId({ answers: {} }), A_CLIENT);

    expect([...stored.values()][0]!.group).toBe('enterprise');
  });

  it('takes the lowest rating like any other: low ratings are never filtered', async () => {
    const { deps, stored } = fakeSubmitStore();

    await submitResponse(deps, aSubmissionWithId({ units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }), A_CLIENT);

    expect([...stored.values()][0]!.units).toEqual({ 'tax-bureau': { overall: 'veryDissatisfied' } });
  });

  it('refuses answers that break the form rules, naming every failing field, storing nothing and making no salt', async () => {
    const { deps, stored, saltDays } = fakeSubmitStore();

    const error = await rejectionOf(submitResponse(deps, aSubmissionWithId({ answers: { group: 'tourist' }, units: { 'tax-bureau': { overall: 'great' } } }), A_CLIENT));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['answers.group', 'units.tax-bureau.overall']);
    expect(stored.size).toBe(0);
    expect(saltDays).toEqual([]);
  });
});

describe('submitResponse: what it does not know', () => {
  it('does not know a form that was never published, nor a form that does not exist', async () => {
    const contexts = [aContext({ form: aForm({ status: 'draft', latestVersion: 0 }) }), aContext({ form: undefined })];

    const errors = await Promise.all(contexts.map((ctx) => rejectionOf(submitResponse(fakeSubmitStore({ ctx }).deps, aSubmissionWithId(), A_CLIENT))));

    for (const error of errors) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ entity: 'form', id: 'district-2026' });
    }
  });

  it('does not know a version that does not exist, or that belongs to another form', async () => {
    const contexts = [aContext({ version: undefined }), aContext({ version: aFormVersion({ formId: 'another-form', version: 7 }) })];

    const errors = await Promise.all(contexts.map((ctx) => rejectionOf(submitResponse(fakeSubmitStore({ ctx }).deps, aSubmissionWithId({ version: 7 }), A_CLIENT))));

    for (const error of errors) expect(error).toMatchObject({ entity: 'formVersion', id: 'district-2026@7' });
  });

  it('does not know a form whose period is missing', async () => {
    const { deps } = fakeSubmitStore({ ctx: aContext({ period: undefined }) });

    const error = await rejectionOf(submitResponse(deps, aSubmissionWithId(), A_CLIENT));

    expect(error).toMatchObject({ entity: 'period', id: '2026-annual' });
  });
});

describe('submitResponse: the period and the form', () => {
  it('refuses a response before the period opens and from the moment it closes, saying which, storing nothing', async () => {
    const before = fakeSubmitStore({ now: new Date('2025-12-31T23:59:59+08:00') });
    const atClose = fakeSubmitStore({ now: new Date('2027-01-01T00:00:00+08:00') });

    const early = await rejectionOf(submitResponse(before.deps, aSubmissionWithId(), A_CLIENT));
    const late = await rejectionOf(submitResponse(atClose.deps, aSubmissionWithId(), A_CLIENT));

    expect(early).toBeInstanceOf(PeriodClosedError);
    expect(early).toMatchObject({ periodId: '2026-annual', state: 'notYetOpen' });
    expect(late).toBeInstanceOf(PeriodClosedError);
    expect(late).toMatchObject({ periodId: '2026-annual', state: 'ended' });
    expect(before.stored.size + atClose.stored.size).toBe(0);
  });

  it('takes a response at the very moment the period opens', async () => {
    const atOpen = new Date('2026-01-01T00:00:00+08:00');
    const { deps } = fakeSubmitStore({ now: atOpen });

    const receipt = await submitResponse(deps, aSubmissionWithId(), A_CLIENT);

    expect(receipt.submittedAt).toBe(atOpen.toISOString());
  });

  it('refuses a response to a closed form as a conflict', async () => {
    const { deps, stored } = fakeSubmitStore({ ctx: aContext({ form: aForm({ status: 'closed' }) }) });

    const error = await rejectionOf(submitResponse(deps, aSubmissionWithId(), A_CLIENT));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'formClosed', params: { formId: 'district-2026' } });
    expect(stored.size).toBe(0);
  });
});

describe('submitResponse: retries', () => {
  it('answers a retry with the first receipt and stores nothing more, though a new code was drawn for it', async () => {
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    fake.setNow(new Date(DURING_PERIOD.getTime() + 60_000));

    const retry = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);

    expect(retry).toEqual(first);
    expect(retry.submittedAt).toBe(DURING_PERIOD.toISOString());
    expect(fake.stored.size).toBe(1);
  });

  it('answers a retry from another day, address or browser with the first receipt', async () => {
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    fake.setNow(new Date(DURING_PERIOD.getTime() + 24 * HOUR));

    const retry = await submitResponse(fake.deps, aSubmissionWithId(), { address: '198.51.100.1', userAgent: 'another browser' });

    expect(retry).toEqual(first);
    expect(fake.stored.size).toBe(1);
  });

  it('answers a retry after the period ended with the first receipt, writing nothing; a new submission then is refused', async () => {
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    fake.setNow(new Date('2027-01-05T09:00:00+08:00'));

    const retry = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    const fresh = await rejectionOf(submitResponse(fake.deps, aSubmissionWithId({ submissionId: OTHER_SUBMISSION_ID }), A_CLIENT));

    expect(retry).toEqual(first);
    expect(fresh).toBeInstanceOf(PeriodClosedError);
    expect(fresh).toMatchObject({ state: 'ended' });
    expect(fake.stored.size).toBe(1);
    // After the close, the ballot is only looked up (a put whose condition never holds), never stored.
    expect(fake.calls).toEqual({ putResponseOnce: 1, findResponse: 2 });
  });

  it('answers a retry after the form closed with the first receipt; a new submission then is refused', async () => {
    const fake = fakeSubmitStore();
    const first = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    fake.setContext(aContext({ form: aForm({ status: 'closed' }) }));

    const retry = await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    const fresh = await rejectionOf(submitResponse(fake.deps, aSubmissionWithId({ submissionId: OTHER_SUBMISSION_ID }), A_CLIENT));

    expect(retry).toEqual(first);
    expect(fresh).toMatchObject({ reason: 'formClosed' });
    expect(fake.stored.size).toBe(1);
    expect(fake.calls).toEqual({ putResponseOnce: 1, findResponse: 2 });
  });

  it('answers a retry after the period ended with other answers as ended, revealing nothing about the stored ones', async () => {
    const fake = fakeSubmitStore();
    await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    fake.setNow(new Date('2027-01-05T09:00:00+08:00'));

    const retry = await submitResponse(fake.deps, aSubmissionWithId({ units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }), A_CLIENT);

    // The submission id is the client's secret: whoever holds it gets the receipt whatever they send.
    expect(retry.receiptCode).toBe('7KQ2-M9XD-4HRT');
  });

  it('never stores a second ballot for one submission id, whichever unit the reuse rates', async () => {
    const content = aFormContent({ unitIds: ['tax-bureau', 'service-centre', 'land-office'] });
    const { deps, stored } = fakeSubmitStore({ ctx: aContext({ version: aFormVersion({ content }) }) });
    const inputs = ['tax-bureau', 'service-centre', 'land-office'].map((unitId) => aSubmissionWithId({ units: { [unitId]: { overall: 'satisfied' } } }));

    const outcomes: unknown[] = [];
    for (const input of inputs) outcomes.push(await submitResponse(deps, input, A_CLIENT).then(() => 'stored', (e: unknown) => e));

    expect(outcomes[0]).toBe('stored');
    for (const outcome of outcomes.slice(1)) {
      expect(outcome).toBeInstanceOf(ConflictError);
      expect(outcome).toMatchObject({ reason: 'submissionIdReused' });
    }
    expect(stored.size).toBe(1);
    expect(Object.keys([...stored.values()][0]!.units)).toEqual(['tax-bureau']);
  });

  it('refuses the same submission id with other answers for the same unit, keeping the first', async () => {
    const { deps, stored } = fakeSubmitStore();
    await submitResponse(deps, aSubmissionWithId({ units: { 'tax-bureau': { overall: 'satisfied' } } }), A_CLIENT);

    const error = await rejectionOf(submitResponse(deps, aSubmissionWithId({ units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }), A_CLIENT));

    expect(error).toMatchObject({ reason: 'submissionIdReused' });
    expect((error as ConflictError).params).toEqual({});
    expect([...stored.values()][0]!.units).toEqual({ 'tax-bureau': { overall: 'satisfied' } });
  });
});

describe('submitResponse: open ballots', () => {
  it('carries the CST day and the salted client key, never the address', async () => {
    // 23:30 UTC on 14 June is 07:30 on 15 June in Beijing.
    const at = new Date('2026-06-14T23:30:00Z');
    const fake = fakeSubmitStore({ now: at });

    await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);

    const salt = await fake.deps.daySalt('2026-06-15');
    expect([...fake.stored.values()][0]!.admission).toEqual({ kind: 'open', day: '2026-06-15', clientKey: clientKey(salt, A_CLIENT.address, A_CLIENT.userAgent) });
    expect(fake.saltDays[0]).toBe('2026-06-15');
  });

  it('gives one client one key a day, and a new key the next day', async () => {
    const fake = fakeSubmitStore();
    await submitResponse(fake.deps, aSubmissionWithId(), A_CLIENT);
    await submitResponse(fake.deps, aSubmissionWithId({ submissionId: OTHER_SUBMISSION_ID }), A_CLIENT);
    fake.setNow(new Date(DURING_PERIOD.getTime() + 24 * HOUR));
    await submitResponse(fake.deps, aSubmissionWithId({ submissionId: '1a2b3c4d-0000-4000-8000-000000000003' }), A_CLIENT);

    const keys = [...fake.stored.values()].map((r) => (r.admission.kind === 'open' ? `${r.admission.day} ${r.admission.clientKey}` : r.admission.kind));

    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[2]!.startsWith('2026-06-16 ')).toBe(true);
  });

  it('gives a phone that rotates its IPv6 interface id one key, and another /64 another key', async () => {
    const fake = fakeSubmitStore();
    const ua = A_CLIENT.userAgent;
    const addresses = ['2409:8a00:1234:5678:aaaa:bbbb:cccc:dddd', '2409:8a00:1234:5678:1:2:3:4', '2409:8a00:1234:9999::1'];
    let n = 0;
    for (const address of addresses) await submitResponse(fake.deps, aSubmissionWithId({ submissionId: `1a2b3c4d-0000-4000-8000-00000000000${++n}` }), { address, userAgent: ua });

    const keys = [...fake.stored.values()].map((r) => (r.admission.kind === 'open' ? r.admission.clientKey : ''));

    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('stores the group an open ballot claims as claimed: the tally applies the period’s rule', async () => {
    const { deps, stored } = fakeSubmitStore();

    await submitResponse(deps, aSubmissionWithId({ answers: { group: 'deputy' } }), A_CLIENT);

    expect([...stored.values()][0]).toMatchObject({ group: 'deputy', admission: { kind: 'open' } });
  });

  it('does not read the ballot keys for an open ballot', async () => {
    const { deps } = fakeSubmitStore();
    deps.ballotKeys = () => Promise.reject(new Error('the keys were read'));

    const receipt = await submitResponse(deps, aSubmissionWithId(), A_CLIENT);

    expect(receipt.receiptCode).toBe('7KQ2-M9XD-4HRT');
  });
});

describe('receipt codes', () => {
  it('are 12 random Crockford base-32 characters in groups of four, different every time', () => {
    const codes = Array.from({ length: 2_000 }, newReceiptCode);

    for (const code of codes) expect(ZReceiptCode.safeParse(code).success).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.join('')).not.toMatch(/[ILOU]/);
  });

  it('are drawn fresh for a submission, never derived from it: the same submission elsewhere gets another code', async () => {
    const here = fakeSubmitStore({ receiptCodes: ['AAAA-BBBB-CCCC'] });
    const there = fakeSubmitStore({ receiptCodes: ['DDDD-EEEE-FFFF'] });

    const receipts = [await submitResponse(here.deps, aSubmissionWithId(), A_CLIENT), await submitResponse(there.deps, aSubmissionWithId(), A_CLIENT)];

    expect(receipts.map((r) => r.receiptCode)).toEqual(['AAAA-BBBB-CCCC', 'DDDD-EEEE-FFFF']);
  });
});

describe('sameAnswers', () => {
  it('ignores the time, the receipt, the admission and the order of keys', () => {
    const first = aStored({ answers: { group: 'citizen', channel: 'window' } });
    const retry = aStored({
      answers: { channel: 'window', group: 'citizen' },
      submittedAt: '2026-06-15T02:05:00.000Z',
      receiptCode: 'C3PV-8WNB-Q2ZF',
      admission: { kind: 'open', day: '2026-06-16', clientKey: 'QW5vdGhlckNsaWVudEtleQ' },
    });

    expect(sameAnswers(first, retry)).toBe(true);
  });

  it('tells apart responses that rate another unit, the same unit otherwise, or count in another group', () => {
    const first = aStored();
    const others = [
      aStored({ units: { 'service-centre': { overall: 'satisfied' } } }),
      aStored({ units: { 'tax-bureau': { overall: 'dissatisfied' } } }),
      aStored({ group: 'deputy' }),
      aStored({ version: 2 }),
    ];

    expect(others.map((other) => sameAnswers(first, other))).toEqual([false, false, false, false]);
  });
});
