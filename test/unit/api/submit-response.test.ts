import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as SubmitHandler } from '../../../functions/api/evaluation/submit-response';
import type { AdmissionPolicy } from '../../../functions/domain/evaluation/admission';
import { ZReceiptCode } from '../../../functions/domain/evaluation/ballot-ids';
import { invitationSerial, serviceRecordSerial } from '../../../functions/domain/evaluation/ballot-token';
import { clientKey } from '../../../functions/domain/evaluation/client-key';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody, type ErrorBody } from '../../../functions/platform/error-body';
import { SALT_PARTITION } from '../../../functions/store/evaluation/admission-store';
import {
  DURING_PERIOD,
  SUBMISSION_ID,
  TEST_CLIENT,
  aForm,
  aFormVersion,
  aPeriod,
  aResponse,
  aSubmission,
  anAllUnitsContent,
  anOpenAdmission,
} from '../../fixtures/catalog';
import { aToken, bindBallotKeys, foreignRing, testRing } from '../../fixtures/ballot-keys';
import { httpEvent, lambdaContext } from '../../fixtures/http';
import { responseItem } from '../../fixtures/items';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, WRITE_COMMANDS, commandNames, fakeTables, type FakeTables } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;
let handler: typeof SubmitHandler;

const OTHER_SUBMISSION_ID = '0b7d1c1e-2f3a-4b5c-8d6e-7f8091a2b3c4';
const DAY = '2026-06-15';

/** A cold start, bound to the test ring: a warm function keeps the catalog it has read. */
async function coldStart() {
  vi.resetModules();
  ({ handler } = await import('../../../functions/api/evaluation/submit-response'));
}

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());

beforeEach(async () => {
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  tables = fakeTables(ddb);
  bindBallotKeys();
  await coldStart();
});
afterEach(() => vi.unstubAllEnvs());

async function submit(body: unknown, headers: Record<string, string> = {}) {
  const result = await handler(httpEvent('submitResponse', { body, headers }), lambdaContext());
  return { ...result, json: JSON.parse(String(result.body)) as Record<string, unknown> };
}
const errorOf = (res: { json: unknown }): ErrorBody => ZErrorBody.parse(res.json);
/** The stored ballots (the responses table also keeps the day salts, under their own partition). */
const storedBallots = () => tables.items(UNIT_TABLE.responses).filter((item) => item.pk !== SALT_PARTITION);
const saltOf = (day: string) => tables.get(UNIT_TABLE.responses, { pk: SALT_PARTITION, sk: day })?.salt as string | undefined;
const receiptCodeOf = (res: { json: Record<string, unknown> }) => String(res.json.receiptCode);

/** The district with aPeriod() under an admission policy. */
const districtWith = (admission: Partial<AdmissionPolicy>) =>
  aDistrict({ period: aPeriod({ admission: { ...aPeriod().admission, ...admission } }) });

describe('submitResponse handler', () => {
  describe('an open ballot', () => {
    it('is stored with one conditional write keyed by its ballot, and answered 201 with a receipt code', async () => {
      // prepare
      storeDistrict(tables);

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(201);
      expect(res.json).toEqual({
        receiptCode: expect.any(String),
        formId: 'district-2026',
        version: 1,
        periodId: aResponse().periodId,
        ballotRef: aResponse().ballotRef,
        submittedAt: DURING_PERIOD.toISOString(),
      });
      expect(ZReceiptCode.safeParse(res.json.receiptCode).success).toBe(true);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: UNIT_TABLE.responses,
        Item: expect.objectContaining({ sk: `B#${aResponse().ballotRef}` }),
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      const admission = anOpenAdmission({ day: DAY, clientKey: clientKey(saltOf(DAY)!, TEST_CLIENT.address, TEST_CLIENT.userAgent) });
      expect(storedBallots()).toEqual([responseItem(aResponse({ receiptCode: receiptCodeOf(res), admission }))]);
    });

    it('makes the salt of the day with the first submission of the day, and only then', async () => {
      // prepare
      storeDistrict(tables);

      // act
      await submit(aSubmission());
      await submit(aSubmission({ submissionId: OTHER_SUBMISSION_ID }));

      // assert
      const puts = ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item as Record<string, unknown>);
      expect(puts.filter((item) => item.pk === SALT_PARTITION)).toEqual([expect.objectContaining({ sk: DAY, day: DAY })]);
      expect(saltOf(DAY)).toMatch(/^[A-Za-z0-9+/=]{32,}$/);
      expect(storedBallots()).toHaveLength(2);
    });

    it('stores no IP address, user agent, submission id or other client detail', async () => {
      // prepare
      storeDistrict(tables);

      // act
      await submit(aSubmission(), { 'user-agent': 'Mozilla/5.0 (iPhone)', 'x-forwarded-for': '198.51.100.7' });

      // assert
      const [item] = storedBallots();
      expect(JSON.stringify(tables.items(UNIT_TABLE.responses))).not.toMatch(/192\.0\.2\.1|198\.51\.100\.7|iPhone|vitest/);
      expect(JSON.stringify(item)).not.toContain(SUBMISSION_ID);
      expect(Object.keys(item!).sort()).toEqual(
        ['admission', 'answers', 'ballotRef', 'formId', 'group', 'periodId', 'pk', 'receiptCode', 'sk', 'submissionHash', 'submittedAt', 'units', 'version'].sort(),
      );
    });

    it("keys its client by the request's address and browser: the same client twice, another browser apart", async () => {
      // prepare
      storeDistrict(tables);
      const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

      // act
      await submit(aSubmission({ submissionId: ids[0] }), { 'user-agent': 'Browser A' });
      await submit(aSubmission({ submissionId: ids[1] }), { 'user-agent': 'Browser A' });
      await submit(aSubmission({ submissionId: ids[2] }), { 'user-agent': 'Browser B' });

      // assert
      const keys = storedBallots().map((item) => (item.admission as { clientKey: string }).clientKey);
      const expectedA = clientKey(saltOf(DAY)!, TEST_CLIENT.address, 'Browser A');
      const expectedB = clientKey(saltOf(DAY)!, TEST_CLIENT.address, 'Browser B');
      expect(keys.sort()).toEqual([expectedA, expectedA, expectedB].sort());
    });

    it("behind CloudFront, keys its client by the viewer's address from the header the deployment names", async () => {
      // prepare
      vi.stubEnv('CLIENT_ADDRESS_HEADER', 'CloudFront-Viewer-Address');
      storeDistrict(tables);

      // act
      await submit(aSubmission(), { 'cloudfront-viewer-address': '198.51.100.7:46532', 'user-agent': 'Browser A' });

      // assert
      const [item] = storedBallots();
      expect(item!.admission).toEqual(anOpenAdmission({ day: DAY, clientKey: clientKey(saltOf(DAY)!, '198.51.100.7', 'Browser A') }));
    });

    it('rating every unit of an all-units form is stored as one item', async () => {
      // prepare
      const content = anAllUnitsContent();
      storeDistrict(tables, aDistrict({ form: aForm({ draft: content }), versions: [aFormVersion({ content })] }));
      const units = {
        'tax-bureau': { evaluation: { attitude: 'verySatisfied', efficiency: 'satisfied', integrity: 'dontKnow', policy: 'dissatisfied' } },
        'service-centre': { evaluation: { attitude: 'dontKnow', efficiency: 'dontKnow', integrity: 'dontKnow', policy: 'dontKnow' } },
      };

      // act
      const res = await submit(aSubmission({ answers: { group: 'enterprise' }, units }));

      // assert
      expect(res.statusCode).toBe(201);
      expect(storedBallots()).toEqual([
        responseItem(
          aResponse({
            group: 'enterprise',
            answers: { group: 'enterprise' },
            units,
            receiptCode: receiptCodeOf(res),
            admission: anOpenAdmission({ clientKey: clientKey(saltOf(DAY)!, TEST_CLIENT.address, TEST_CLIENT.userAgent) }),
          }),
        ),
      ]);
    });

    it('reads the catalog and makes the salt once: the next submission to a warm function sends only its PutItem', async () => {
      // prepare
      storeDistrict(tables);
      await submit(aSubmission());
      ddb.resetHistory();

      // act
      const res = await submit(aSubmission({ submissionId: OTHER_SUBMISSION_ID }));

      // assert
      expect(res.statusCode).toBe(201);
      expect(commandNames(ddb)).toEqual(['PutCommand']);
      expect(storedBallots()).toHaveLength(2);
    });

    it('is refused with 403 tokenRequired in a period that takes invitations only, and nothing is stored', async () => {
      // prepare
      storeDistrict(tables, districtWith({ mode: 'invitation' }));

      // act
      const res = await submit(aSubmission(), { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(403);
      expect(errorOf(res)).toEqual({
        code: ERROR.admissionRefused,
        reason: 'tokenRequired',
        message: 'This evaluation takes ratings only through an invitation or service-record link.',
      });
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    });
  });

  describe('a retried submission (the same submission id)', () => {
    it('gets the receipt of its first try, and nothing new is stored', async () => {
      // prepare
      storeDistrict(tables);
      const first = await submit(aSubmission());
      vi.setSystemTime(DURING_PERIOD.getTime() + 60_000);

      // act
      const retry = await submit(aSubmission());

      // assert
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedBallots()).toHaveLength(1);
    });

    it('answers 409 submissionIdReused when it comes back with another unit, and keeps the first answers', async () => {
      // prepare
      storeDistrict(tables);
      const first = await submit(aSubmission());
      const stored = storedBallots();

      // act
      const res = await submit(aSubmission({ units: { 'service-centre': { overall: 'veryDissatisfied' } } }), { 'accept-language': 'en' });

      // assert
      expect(first.statusCode).toBe(201);
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'submissionIdReused' });
      expect(errorOf(res).message).toMatch(/already recorded with other answers/);
      expect(storedBallots()).toEqual(stored);
    });

    it('gets its first receipt after the period closed (where it used to get 409 PERIOD_CLOSED)', async () => {
      // prepare
      storeDistrict(tables, aDistrict({ period: aPeriod({ closesAt: '2026-06-15T12:00:00+08:00' }) }));
      const first = await submit(aSubmission());
      vi.setSystemTime(new Date('2026-06-15T13:00:00+08:00'));

      // act
      const retry = await submit(aSubmission());

      // assert
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedBallots()).toHaveLength(1);
    });

    it('gets its first receipt after the form closed', async () => {
      // prepare
      storeDistrict(tables);
      const first = await submit(aSubmission());
      storeDistrict(tables, aDistrict({ form: aForm({ status: 'closed' }) }));
      await coldStart();

      // act
      const retry = await submit(aSubmission());

      // assert
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedBallots()).toHaveLength(1);
    });
  });

  describe('a ballot with an invitation token', () => {
    it('is stored under its token with one PutItem (no salt, no read of the token), counted in the invitation’s group', async () => {
      // prepare
      storeDistrict(tables);
      const token = aToken({ groupId: 'deputy' });

      // act
      const res = await submit(aSubmission({ token }));

      // assert
      expect(res.statusCode).toBe(201);
      expect(commandNames(ddb).filter((name) => WRITE_COMMANDS.includes(name))).toEqual(['PutCommand']);
      const ballotRef = `i.${invitationSerial('batch1', 1)}`;
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        Item: expect.objectContaining({ sk: `B#${ballotRef}` }),
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      const [item] = storedBallots();
      expect(item).toMatchObject({ ballotRef, group: 'deputy', admission: { kind: 'invitation', batchId: 'batch1', groupId: 'deputy' } });
      // The receipt names the stored ballot, so that its holder can ask for a bad review's follow-up.
      expect(res.json).toMatchObject({ periodId: '2026-annual', ballotRef });
      expect(JSON.stringify(item)).not.toContain(token);
      expect(saltOf(DAY)).toBeUndefined();
    });

    it('used a second time answers 409 tokenUsed with the time of the first use, whatever the answers, and stores nothing', async () => {
      // prepare
      storeDistrict(tables);
      const token = aToken();
      await submit(aSubmission({ token }));
      const stored = storedBallots();
      vi.setSystemTime(DURING_PERIOD.getTime() + 3_600_000);

      // act
      const same = await submit(aSubmission({ token, submissionId: OTHER_SUBMISSION_ID }), { 'accept-language': 'en' });
      const other = await submit(
        aSubmission({ token, submissionId: '33333333-3333-4333-8333-333333333333', units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }),
        { 'accept-language': 'en' },
      );

      // assert
      for (const res of [same, other]) {
        expect(res.statusCode).toBe(409);
        expect(errorOf(res)).toEqual({
          code: ERROR.conflict,
          reason: 'tokenUsed',
          usedAt: DURING_PERIOD.toISOString(),
          message: 'This evaluation link was already used at 2026-06-15 10:00:00 (China Standard Time); each link rates once.',
        });
      }
      expect(storedBallots()).toEqual(stored);
    });

    it('retried by the same submission gets its first receipt', async () => {
      // prepare
      storeDistrict(tables);
      const token = aToken();
      const first = await submit(aSubmission({ token }));

      // act
      const retry = await submit(aSubmission({ token }));

      // assert
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedBallots()).toHaveLength(1);
    });

    it.each([
      ['forged (signed with a key the stage does not have)', () => aToken({}, foreignRing()), 'invalidToken'],
      ['tampered with (another unit, the same MAC)', () => aToken().replace('.tax-bureau.', '.service-centre.'), 'invalidToken'],
      ['malformed', () => 'i.k1.not-a-token', 'invalidToken'],
      ['expired', () => aToken({ expiresAt: new Date('2026-06-01T00:00:00+08:00') }), 'expiredToken'],
      ['for another period', () => aToken({ periodId: '2025-annual' }), 'otherPeriod'],
      ['for another unit', () => aToken({ unitId: 'service-centre' }), 'otherUnit'],
    ])('answers 403 ADMISSION_REFUSED to a token %s, and stores nothing', async (_, token, reason) => {
      // prepare
      storeDistrict(tables);

      // act
      const res = await submit(aSubmission({ token: token() }));

      // assert
      expect(res.statusCode).toBe(403);
      expect(errorOf(res)).toMatchObject({ code: ERROR.admissionRefused, reason });
      expect(tables.items(UNIT_TABLE.responses)).toEqual([]);
    });

    it('retried after its token expired gets its first receipt', async () => {
      // prepare
      storeDistrict(tables);
      const token = aToken({ expiresAt: new Date('2026-06-15T11:00:00+08:00') });
      const first = await submit(aSubmission({ token }));
      vi.setSystemTime(new Date('2026-06-15T12:00:00+08:00'));

      // act
      const retry = await submit(aSubmission({ token }));

      // assert
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedBallots()).toHaveLength(1);
    });

    it('is taken in a period that takes invitations only', async () => {
      // prepare
      storeDistrict(tables, districtWith({ mode: 'invitation' }));

      // act
      const res = await submit(aSubmission({ token: aToken() }));

      // assert
      expect(res.statusCode).toBe(201);
      expect(storedBallots()).toHaveLength(1);
    });

    it('after the period closed is refused for a new ballot (409 PERIOD_CLOSED), and its token stays unused', async () => {
      // prepare
      storeDistrict(tables, aDistrict({ period: aPeriod({ closesAt: '2026-06-15T09:00:00+08:00' }) }));

      // act
      const res = await submit(aSubmission({ token: aToken() }), { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toEqual({ code: ERROR.periodClosed, reason: 'ended', message: 'Evaluation period 2026-annual has ended.' });
      expect(storedBallots()).toEqual([]);
    });
  });

  describe('a ballot with a service-record token (一事一评)', () => {
    const recordToken = () =>
      aToken({ kind: 'serviceRecord', serial: serviceRecordSerial(testRing(), '2026-annual', 'tax-bureau', 'BJ-2026-000123') });

    it('is taken in a service-record period, stored under the record', async () => {
      // prepare
      storeDistrict(tables, districtWith({ mode: 'serviceRecord' }));

      // act
      const res = await submit(aSubmission({ token: recordToken() }));

      // assert
      expect(res.statusCode).toBe(201);
      const [item] = storedBallots();
      expect(item).toMatchObject({ ballotRef: expect.stringMatching(/^r\./), admission: { kind: 'serviceRecord' } });
    });

    it('is refused with 403 tokenRequired in a period that takes invitations only', async () => {
      // prepare
      storeDistrict(tables, districtWith({ mode: 'invitation' }));

      // act
      const res = await submit(aSubmission({ token: recordToken() }));

      // assert
      expect(res.statusCode).toBe(403);
      expect(errorOf(res)).toMatchObject({ code: ERROR.admissionRefused, reason: 'tokenRequired' });
      expect(storedBallots()).toEqual([]);
    });

    it('is the only way in under 一事一评 but for invitations of a group: an invitation for nobody in particular is refused', async () => {
      // prepare
      storeDistrict(tables, districtWith({ mode: 'serviceRecord' }));

      // act
      const plain = await submit(aSubmission({ token: aToken() }));
      const forDeputies = await submit(aSubmission({ token: aToken({ serial: invitationSerial('batch2', 1), groupId: 'deputy' }), submissionId: OTHER_SUBMISSION_ID }));

      // assert
      expect(plain.statusCode).toBe(403);
      expect(errorOf(plain)).toMatchObject({ code: ERROR.admissionRefused, reason: 'tokenRequired' });
      expect(forDeputies.statusCode).toBe(201);
      expect(storedBallots()).toEqual([expect.objectContaining({ group: 'deputy' })]);
    });
  });

  describe('refusals of the input and the period', () => {
    it('names every failing answer in Chinese by default and stores nothing', async () => {
      // prepare
      storeDistrict(tables);
      const body = aSubmission({ answers: { group: 'alien' }, units: { 'tax-bureau': { overall: 'great', mood: 'x' } } });

      // act
      const res = await submit(body);

      // assert
      expect(res.statusCode).toBe(400);
      const error = errorOf(res);
      expect(error.message).toBe('提交内容有误，请检查以下字段。');
      expect(error.fields).toEqual(
        expect.arrayContaining([
          { path: 'answers.group', message: '该选项不在本题的选项中。' },
          { path: 'units.tax-bureau.overall', message: '该评价等级不在本题的选项中。' },
          { path: 'units.tax-bureau.mood', message: '本评议表没有这道题。' },
        ]),
      );
      expect(error.fields).toHaveLength(3);
      expect(storedBallots()).toEqual([]);
    });

    it('names the same fields in English when the request asks for it', async () => {
      // prepare
      storeDistrict(tables);
      const body = aSubmission({ answers: { group: 'alien' }, units: { 'tax-bureau': { overall: 'great' } } });

      // act
      const res = await submit(body, { 'accept-language': 'en-US,en;q=0.9' });

      // assert
      expect(errorOf(res).fields).toEqual([
        { path: 'answers.group', message: 'This is not one of the options.' },
        { path: 'units.tax-bureau.overall', message: 'This rating is not an option of this question.' },
      ]);
    });

    it('names malformed fields, the token too, before reading anything', async () => {
      // act
      const res = await submit(
        { formId: 'District 2026', version: 0, units: {}, submissionId: 'not-a-uuid', token: 'x'.repeat(401) },
        { 'accept-language': 'en' },
      );

      // assert
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields?.map((f) => f.path).sort()).toEqual(['formId', 'submissionId', 'token', 'version']);
      expect(errorOf(res).fields?.find((f) => f.path === 'formId')?.message).toMatch(/^Use lowercase letters/);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('answers 404 for an unknown form or form version', async () => {
      // prepare
      storeDistrict(tables);

      // act
      const noForm = await submit(aSubmission({ formId: 'no-such-form' }), { 'accept-language': 'en' });
      const noVersion = await submit(aSubmission({ version: 7 }), { 'accept-language': 'en' });

      // assert
      expect(noForm.statusCode).toBe(404);
      expect(errorOf(noForm)).toEqual({ code: ERROR.notFound, message: 'No form with id no-such-form.' });
      expect(noVersion.statusCode).toBe(404);
      expect(errorOf(noVersion)).toEqual({ code: ERROR.notFound, message: 'No form version with id district-2026@7.' });
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    });

    it.each([
      ['ended', aPeriod({ closesAt: '2026-06-01T00:00:00+08:00' }), 'Evaluation period 2026-annual has ended.'],
      ['notYetOpen', aPeriod({ opensAt: '2026-07-01T00:00:00+08:00' }), 'Evaluation period 2026-annual has not opened yet.'],
    ])('answers 409 PERIOD_CLOSED (%s) to a new submission outside the period, and stores nothing', async (reason, period, message) => {
      // prepare
      storeDistrict(tables, aDistrict({ period }));

      // act
      const res = await submit(aSubmission(), { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toEqual({ code: ERROR.periodClosed, reason, message });
      expect(tables.items(UNIT_TABLE.responses)).toEqual([]);
    });

    it('answers 409 formClosed to a new submission to a closed form', async () => {
      // prepare
      storeDistrict(tables, aDistrict({ form: aForm({ status: 'closed' }) }));

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'formClosed' });
      expect(tables.items(UNIT_TABLE.responses)).toEqual([]);
    });
  });

  describe('faults', () => {
    it('answers 503 with Retry-After when DynamoDB throttles the write, and claims nothing was stored', async () => {
      // prepare
      storeDistrict(tables);
      ddb.on(PutCommand).rejects(
        new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds', $metadata: { httpStatusCode: 400 } }),
      );

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(503);
      expect(res.headers?.['retry-after']).toBe('5');
      expect(errorOf(res)).toMatchObject({ code: ERROR.serviceUnavailable, requestId: 'test-request-id' });
      expect(res.json).not.toHaveProperty('receiptCode');
      expect(tables.items(UNIT_TABLE.responses)).toEqual([]);
    });

    it('answers a generic 500 that leaks nothing of an unexpected fault', async () => {
      // prepare
      ddb.on(BatchGetCommand).rejects(new Error('AccessDeniedException: arn:aws:iam::123456789012:role/secret-role'));

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toMatch(/arn:|AccessDenied|secret-role/);
      expect(errorOf(res)).toMatchObject({ code: ERROR.internal, requestId: 'test-request-id' });
    });

    it('answers a generic 500 that names no file when the ballot keys cannot be read, and stores nothing', async () => {
      // prepare
      vi.stubEnv('BALLOT_KEYS_SECRET', 'file:/nonexistent/ballot-keys.json');
      await coldStart();
      storeDistrict(tables);

      // act
      const res = await submit(aSubmission({ token: aToken() }));

      // assert
      expect(res.statusCode).toBe(500);
      expect(errorOf(res)).toMatchObject({ code: ERROR.internal });
      expect(res.body).not.toMatch(/nonexistent|ENOENT|ballot-keys/);
      expect(tables.items(UNIT_TABLE.responses)).toEqual([]);
    });
  });
});
