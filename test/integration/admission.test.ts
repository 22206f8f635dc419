import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SALT_PARTITION } from '../../functions/store/evaluation/admission-store';
import { CATALOG_CACHE_MS } from '../../functions/store/evaluation/submission-context';
import { RATING_LEVELS } from '../../functions/domain/evaluation/rating-scale';
import type { FlaggedBatch } from '../../functions/domain/evaluation/review';
import { aFormContent, aGroupQuestion, aRatingQuestion } from '../fixtures/catalog';
import {
  createDistrict,
  createPeriodAndForm,
  excludedTotal,
  issueInvitations,
  startAdmissionStack,
  type AdmissionStack,
} from './admission-stack';

/**
 * The issue's must-shows for admission, against DynamoDB Local through the local HTTP API: one ballot per
 * token at one write, a burst from one client flagged and released, weighted groups counted only through
 * invitations, receipts that reveal nothing, retries after the close, and service-record links.
 */

const UNITS = ['tax-office', 'permit-hall'];
const DAY_MS = 24 * 3_600_000;
const ANSWERS = [...RATING_LEVELS, 'dontKnow'];

/** A rating of one unit on a one-question form. */
const rating = (formId: string, unitId: string, overall: string, extra: Record<string, unknown> = {}) => ({
  formId,
  version: 1,
  units: { [unitId]: { overall } },
  submissionId: randomUUID(),
  ...extra,
});

describe('admission over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('admission');
    await createDistrict(api, UNITS);
  });

  afterAll(async () => {
    await api?.stop();
  });

  describe('one ballot per token', () => {
    it('stores exactly one of 20 parallel submissions with one token; the 19 others get 409 with the time of the first; a forged token gets 403; nothing else is written', async () => {
      // prepare: an invitation period, and one invitation for tax-office
      await createPeriodAndForm(api, { periodId: 'p-invite', formId: 'f-invite', admission: { mode: 'invitation' }, unitIds: UNITS });
      const { tokens } = await issueInvitations(api, 'p-invite', { formId: 'f-invite', unitId: 'tax-office', count: 2 });
      const token = tokens[0]!;
      const mac = token.split('.').at(-1)!;
      const forged = `${token.slice(0, -mac.length)}${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
      const before = { catalog: await api.scan('catalog'), responses: await api.scan('responses'), tallies: await api.scan('tallies'), reviews: await api.scan('reviews') };

      // act
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api.send('POST', '/responses', rating('f-invite', 'tax-office', ANSWERS[i % ANSWERS.length]!, { token }))),
      );
      const forgery = await api.send('POST', '/responses', rating('f-invite', 'tax-office', 'satisfied', { token: forged }));

      // assert: one stored, 19 conflicts naming when the token was used
      const stored = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status !== 201);
      expect(stored).toHaveLength(1);
      expect(refused.map((a) => [a.status, a.body.code, a.body.reason])).toEqual(Array(19).fill([409, 'CONFLICT', 'tokenUsed']));
      for (const a of refused) expect(a.body.usedAt).toBe(stored[0]!.body.submittedAt);
      expect(forgery.status).toBe(403);
      expect(forgery.body).toMatchObject({ code: 'ADMISSION_REFUSED', reason: 'invalidToken' });

      // assert: exactly one ballot item more, no salt made, nothing else changed
      const after = { catalog: await api.scan('catalog'), responses: await api.scan('responses'), tallies: await api.scan('tallies'), reviews: await api.scan('reviews') };
      const added = after.responses.filter((item) => !before.responses.some((old) => old.pk === item.pk && old.sk === item.sk));
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ periodId: 'p-invite', submittedAt: stored[0]!.body.submittedAt, receiptCode: stored[0]!.body.receiptCode, admission: { kind: 'invitation' } });
      expect(String(added[0]!.sk)).toMatch(/^B#i\./);
      expect(after.responses.filter((i) => i.pk === SALT_PARTITION)).toEqual(before.responses.filter((i) => i.pk === SALT_PARTITION));
      for (const salt of after.responses.filter((i) => i.pk === SALT_PARTITION)) expect(Object.keys(salt).sort()).toEqual(['day', 'pk', 'salt', 'sk']);
      expect(after.responses.filter((i) => i !== added[0])).toEqual(before.responses);
      expect(after.catalog).toEqual(before.catalog);
      expect(after.tallies).toEqual(before.tallies);
      expect(after.reviews).toEqual(before.reviews);
    });

    it('never keeps the token, the submission id or the address in the stored ballot', async () => {
      // prepare
      await createPeriodAndForm(api, { periodId: 'p-private', formId: 'f-private', admission: {}, unitIds: UNITS });
      const { tokens } = await issueInvitations(api, 'p-private', { formId: 'f-private', unitId: 'tax-office', count: 1 });
      const open = rating('f-private', 'permit-hall', 'satisfied');
      const invited = rating('f-private', 'tax-office', 'satisfied', { token: tokens[0] });

      // act
      const answers = [await api.send('POST', '/responses', open), await api.send('POST', '/responses', invited)];

      // assert
      expect(answers.map((a) => a.status)).toEqual([201, 201]);
      const items = JSON.stringify((await api.scan('responses')).filter((i) => i.periodId === 'p-private'));
      expect(items).not.toContain(open.submissionId);
      expect(items).not.toContain(invited.submissionId);
      expect(items).not.toContain(tokens[0]!.split('.').at(-1));
      expect(items).not.toContain('127.0.0.1');
      expect(items).not.toContain('node');
    });
  });

  describe('a burst from one client on an open form', () => {
    it('counts the first ones within the limit, stores and flags the rest until a supervisor releases them, then counts them at the next tally', async () => {
      // prepare: an open period flagging a client's 6th ballot for a unit in a day
      await createPeriodAndForm(api, {
        periodId: 'p-burst',
        formId: 'f-burst',
        admission: { mode: 'open', openLimits: { perClientPerUnitPerDay: 5, burstWindowMinutes: 10, burstPerUnit: 100_000, identicalPerUnit: 100_000 } },
        unitIds: UNITS,
      });
      const levels = RATING_LEVELS;
      // A client's limit is per CST day: keep the burst within one.
      const toMidnight = DAY_MS - ((Date.now() + 8 * 3_600_000) % DAY_MS);
      if (toMidnight < 15_000) await new Promise((resolve) => setTimeout(resolve, toMidnight + 1_000));

      // act: 100 submissions from this one client (one address, one user agent), five at a time (what
      // is asserted is how many are counted and flagged, not which)
      const statuses: number[] = [];
      for (let i = 0; i < 100; i += 5) {
        const sent = Array.from({ length: 5 }, (_, j) =>
          api.send('POST', '/responses', rating('f-burst', 'tax-office', levels[(i + j) % levels.length]!), { headers: { 'user-agent': 'burst-script/1.0' } }),
        );
        statuses.push(...(await Promise.all(sent)).map((res) => res.status));
      }
      await api.runTally();
      const flaggedTally = await api.tallyOf('p-burst', 'tax-office');
      const flags = await api.send('GET', '/periods/p-burst/flags', undefined, { as: 'supervisor' });

      // assert: every one stored, 5 counted, 95 flagged and pending
      expect(statuses).toEqual(Array(100).fill(201));
      const ballots = (await api.scan('responses')).filter((i) => i.periodId === 'p-burst');
      expect(ballots).toHaveLength(100);
      expect(flaggedTally).toMatchObject({ ballots: 100, n: 5, dontKnow: 0, excluded: { flagged: 95 } });
      expect(flaggedTally!.ballots).toBe(flaggedTally!.n + flaggedTally!.dontKnow + excludedTotal(flaggedTally!));
      expect(flags.status).toBe(200);
      const batches = flags.body.batches as FlaggedBatch[];
      expect(batches.map((b) => [b.unitId, b.kind, b.ballots, b.pending, b.released])).toEqual([['tax-office', 'clientLimit', 95, 95, 0]]);

      // act: a supervisor releases the batch; the next tally
      const batch = batches[0]!;
      const review = await api.send(
        'POST',
        `/periods/p-burst/flags/${batch.batchId}/review`,
        { action: 'release', reason: '核实为政务大厅公用平板', upTo: batch.lastAt, rev: 0 },
        { as: 'supervisor' },
      );
      const untilRecount = await api.send('GET', '/periods/p-burst/flags', undefined, { as: 'supervisor' });
      await api.runTally();
      const releasedTally = await api.tallyOf('p-burst', 'tax-office');
      const afterRecount = await api.send('GET', '/periods/p-burst/flags', undefined, { as: 'supervisor' });

      // assert: the figures include them now, and stored = counted + excluded held before and after
      expect(review.status, review.text).toBe(200);
      expect(untilRecount.body.batches[0]).toMatchObject({ pending: 95, recountPending: true });
      expect(releasedTally).toMatchObject({ ballots: 100, n: 100, dontKnow: 0 });
      expect(excludedTotal(releasedTally!)).toBe(0);
      expect(releasedTally!.n - flaggedTally!.n).toBe(95);
      expect(afterRecount.body.batches[0]).toMatchObject({ batchId: batch.batchId, pending: 0, released: 95 });
      expect(afterRecount.body.batches[0]).not.toHaveProperty('recountPending');
    });
  });

  describe('weighted groups', () => {
    const weightedContent = () =>
      aFormContent({ unitIds: UNITS, questions: [aRatingQuestion({ allowDontKnow: true }), aGroupQuestion(['citizen', 'deputy'])] });
    const groupRating = (formId: string, group: string, overall: string, extra: Record<string, unknown> = {}) => ({
      ...rating(formId, 'tax-office', overall),
      answers: { group },
      ...extra,
    });

    it('leaves the composite unchanged by an open ballot claiming to be a deputy when the period excludes such claims; an invitation for deputies counts as one', async () => {
      // prepare: citizens and deputies weigh half each; three citizens rate 满意
      await createPeriodAndForm(api, {
        periodId: 'p-exclude',
        formId: 'f-exclude',
        admission: { unverifiedClaim: { action: 'exclude' } },
        unitIds: UNITS,
        content: weightedContent(),
        weights: { citizen: 0.5, deputy: 0.5 },
      });
      for (let i = 0; i < 3; i++) expect((await api.send('POST', '/responses', groupRating('f-exclude', 'citizen', 'satisfied'))).status).toBe(201);
      await api.runTally();
      const citizensOnly = await api.tallyOf('p-exclude', 'tax-office');

      // act: an open ballot claiming "deputy"; then a deputy's invitation
      const claim = await api.send('POST', '/responses', groupRating('f-exclude', 'deputy', 'veryDissatisfied'));
      await api.runTally();
      const withClaim = await api.tallyOf('p-exclude', 'tax-office');
      const { tokens } = await issueInvitations(api, 'p-exclude', { formId: 'f-exclude', unitId: 'tax-office', groupId: 'deputy', count: 1 });
      const invited = await api.send('POST', '/responses', groupRating('f-exclude', 'citizen', 'veryDissatisfied', { token: tokens[0] }));
      await api.runTally();
      const withDeputy = await api.tallyOf('p-exclude', 'tax-office');

      // assert
      expect(citizensOnly).toMatchObject({ n: 3, compositeScore: 80 });
      expect(claim.status).toBe(201);
      expect(withClaim).toMatchObject({ ballots: 4, n: 3, compositeScore: citizensOnly!.compositeScore, excluded: { unverifiedGroup: 1 } });
      expect(withClaim!.groupScores).not.toHaveProperty('deputy');
      expect(invited.status).toBe(201);
      expect(withDeputy).toMatchObject({ ballots: 5, n: 4, groupScores: { citizen: { n: 3, score: 80 }, deputy: { n: 1, score: 0 } }, compositeScore: 40 });
      expect(withDeputy!.ballots).toBe(withDeputy!.n + withDeputy!.dontKnow + excludedTotal(withDeputy!));
    });

    it('counts an open ballot claiming to be a deputy as a citizen when the period says so', async () => {
      // prepare
      await createPeriodAndForm(api, {
        periodId: 'p-countas',
        formId: 'f-countas',
        admission: { unverifiedClaim: { action: 'countAs', groupId: 'citizen' } },
        unitIds: UNITS,
        content: weightedContent(),
        weights: { citizen: 0.5, deputy: 0.5 },
      });
      for (let i = 0; i < 3; i++) expect((await api.send('POST', '/responses', groupRating('f-countas', 'citizen', 'satisfied'))).status).toBe(201);

      // act
      const claim = await api.send('POST', '/responses', groupRating('f-countas', 'deputy', 'veryDissatisfied'));
      await api.runTally();
      const tally = await api.tallyOf('p-countas', 'tax-office');

      // assert: four citizens (80 × 3 + 0) / 4 = 60, no deputy score, nothing excluded
      expect(claim.status).toBe(201);
      expect(tally).toMatchObject({ ballots: 4, n: 4, groupScores: { citizen: { n: 4, score: 60 } }, compositeScore: 60 });
      expect(tally!.groupScores).not.toHaveProperty('deputy');
      expect(excludedTotal(tally!)).toBe(0);
    });
  });

  describe('a receipt reveals nothing', () => {
    const probeForms = async (periodId: string, formId: string, mode: 'open' | 'invitation') =>
      createPeriodAndForm(api, { periodId, formId, admission: { mode }, unitIds: UNITS });

    it('answers the same to every answer combination sent with the receipt code as submission id or token, storing nothing', async () => {
      // prepare: a stored open ballot and its receipt
      await probeForms('p-probe', 'f-probe', 'open');
      const ballot = await api.send('POST', '/responses', rating('f-probe', 'permit-hall', 'dissatisfied'));
      expect(ballot.status).toBe(201);
      const code: string = ballot.body.receiptCode;
      const before = await api.scan('responses');

      // act: every answer the form takes, with the code as submission id, as token, and as both
      const probes = { asSubmissionId: [] as string[], asToken: [] as string[], asBoth: [] as string[] };
      for (const overall of ANSWERS) {
        const send = async (extra: Record<string, unknown>) => {
          const res = await api.send('POST', '/responses', { ...rating('f-probe', 'permit-hall', overall), ...extra });
          return `${res.status} ${res.text}`;
        };
        probes.asSubmissionId.push(await send({ submissionId: code }));
        probes.asToken.push(await send({ token: code }));
        probes.asBoth.push(await send({ submissionId: code, token: code }));
      }

      // assert: one answer per kind of probe, whatever the answers; nothing stored
      for (const answers of Object.values(probes)) {
        expect(answers).toHaveLength(ANSWERS.length);
        expect(new Set(answers).size).toBe(1);
      }
      expect(probes.asSubmissionId[0]).toMatch(/^400 /);
      expect(probes.asToken[0]).toMatch(/^403 .*invalidToken/);
      expect(await api.scan('responses')).toEqual(before);
    });

    it('answers a token holder without the client’s secret the same 409 whatever the answers', async () => {
      // prepare: an invitation's stored ballot
      await probeForms('p-probe-token', 'f-probe-token', 'invitation');
      const { tokens } = await issueInvitations(api, 'p-probe-token', { formId: 'f-probe-token', unitId: 'tax-office', count: 1 });
      const first = await api.send('POST', '/responses', rating('f-probe-token', 'tax-office', 'veryDissatisfied', { token: tokens[0] }));
      expect(first.status).toBe(201);
      const before = await api.scan('responses');

      // act: the token with every answer, each under a new submission id
      const probes: string[] = [];
      for (const overall of ANSWERS) {
        const res = await api.send('POST', '/responses', rating('f-probe-token', 'tax-office', overall, { token: tokens[0] }));
        probes.push(`${res.status} ${res.text}`);
      }

      // assert
      expect(new Set(probes).size).toBe(1);
      expect(JSON.parse(probes[0]!.slice(4))).toMatchObject({ code: 'CONFLICT', reason: 'tokenUsed', usedAt: first.body.submittedAt });
      expect(await api.scan('responses')).toEqual(before);
    });
  });

  describe('service records (一事一评)', () => {
    it('gives another system the same link for the same record, refuses staff tokens, and the link rates once', async () => {
      // prepare
      await createPeriodAndForm(api, { periodId: 'p-records', formId: 'f-records', admission: { mode: 'serviceRecord' }, unitIds: UNITS });
      const record = { formId: 'f-records', unitId: 'tax-office', recordNumber: 'SW-2026-000123' };

      // act
      const first = await api.send('POST', '/service-records', record, { as: { machineScope: 'service-records' } });
      const again = await api.send('POST', '/service-records', record, { as: { machineScope: 'service-records' } });
      const staff = await api.send('POST', '/service-records', record, { as: 'admin' });
      const otherScope = await api.send('POST', '/service-records', record, { as: { machineScope: 'something-else' } });
      const anonymous = await api.send('POST', '/service-records', record);
      const rated = await api.send('POST', '/responses', rating('f-records', 'tax-office', 'satisfied', { token: first.body?.token }));
      const ratedAgain = await api.send('POST', '/responses', rating('f-records', 'tax-office', 'dissatisfied', { token: first.body?.token }));
      const withoutToken = await api.send('POST', '/responses', rating('f-records', 'tax-office', 'satisfied'));

      // assert
      expect(first.status, first.text).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(first.text).not.toContain('000123');
      expect(first.body.path).toBe(`rate.html?form=f-records&unit=tax-office#t=${first.body.token}`);
      expect(staff.status).toBe(403);
      expect(otherScope.status).toBe(403);
      expect(anonymous.status).toBe(401);
      expect(rated.status).toBe(201);
      expect(ratedAgain.status).toBe(409);
      expect(ratedAgain.body).toMatchObject({ reason: 'tokenUsed', usedAt: rated.body.submittedAt });
      expect(withoutToken.status).toBe(403);
      expect(withoutToken.body).toMatchObject({ code: 'ADMISSION_REFUSED', reason: 'tokenRequired' });
    });
  });

  // Last: these move the test process's clock (the functions run in it) past the period's close and the form cache.
  describe('retries after the close', () => {
    it('gives a retry after the period closed its first receipt, and a new submission 409 PERIOD_CLOSED', async () => {
      // prepare: a period closing in an hour, a stored open ballot and a stored invitation ballot
      await createPeriodAndForm(api, { periodId: 'p-closing', formId: 'f-closing', admission: {}, unitIds: UNITS, closesInMs: 3_600_000 });
      const { tokens } = await issueInvitations(api, 'p-closing', { formId: 'f-closing', unitId: 'tax-office', count: 1 });
      const open = rating('f-closing', 'permit-hall', 'satisfied');
      const invited = rating('f-closing', 'tax-office', 'satisfied', { token: tokens[0] });
      const firsts = [await api.send('POST', '/responses', open), await api.send('POST', '/responses', invited)];
      expect(firsts.map((f) => f.status)).toEqual([201, 201]);
      const before = (await api.scan('responses')).filter((i) => i.pk !== SALT_PARTITION);

      // act: two hours later
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 2 * 3_600_000);
        const retries = [await api.send('POST', '/responses', open), await api.send('POST', '/responses', invited)];
        const fresh = await api.send('POST', '/responses', rating('f-closing', 'permit-hall', 'satisfied'));

        // assert
        expect(retries.map((r) => r.status)).toEqual([201, 201]);
        expect(retries.map((r) => r.body)).toEqual(firsts.map((f) => f.body));
        expect(fresh.status).toBe(409);
        expect(fresh.body).toMatchObject({ code: 'PERIOD_CLOSED', reason: 'ended' });
        expect((await api.scan('responses')).filter((i) => i.pk !== SALT_PARTITION)).toEqual(before);
      } finally {
        vi.useRealTimers();
      }
    });

    it('gives a retry after the form was closed its first receipt, and a new submission 409 formClosed', async () => {
      // prepare: a stored ballot, then the admin closes the form
      await createPeriodAndForm(api, { periodId: 'p-formclose', formId: 'f-formclose', admission: {}, unitIds: UNITS });
      const open = rating('f-formclose', 'permit-hall', 'basicallySatisfied');
      const first = await api.send('POST', '/responses', open);
      expect(first.status).toBe(201);
      const form = await api.send('GET', '/admin/forms/f-formclose', undefined, { as: 'admin' });
      const closed = await api.send('POST', '/admin/forms/f-formclose/close', { rev: form.body.form.rev }, { as: 'admin' });
      expect(closed.status, closed.text).toBe(200);
      const before = (await api.scan('responses')).filter((i) => i.pk !== SALT_PARTITION);

      // act: once the warm submit function has read the closed form again (its cache keeps a form 30 s):
      // the process's clock (the functions run in it) moved past that, rather than waited out
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + CATALOG_CACHE_MS + 1_000);
        const retry = await api.send('POST', '/responses', open);
        const fresh = await api.send('POST', '/responses', rating('f-formclose', 'permit-hall', 'basicallySatisfied'));

        // assert
        expect(retry.status).toBe(201);
        expect(retry.body).toEqual(first.body);
        expect(fresh.status).toBe(409);
        expect(fresh.body).toMatchObject({ code: 'CONFLICT', reason: 'formClosed' });
        expect((await api.scan('responses')).filter((i) => i.pk !== SALT_PARTITION)).toEqual(before);
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
