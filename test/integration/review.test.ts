import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appeal, ReviewEvent, UnitBallot } from '../../functions/domain/evaluation/review';
import { createDistrict, createPeriodAndForm, excludedTotal, startAdmissionStack, type AdmissionStack } from './admission-stack';

/**
 * Appeals (申诉复核) over the local HTTP API: a unit handler appeals a rating of their own unit, a
 * supervisor decides, the tally excludes an upheld one and shows it as excluded, both sides see the
 * decision, and every step is an event with who and when.
 */

const PERIOD = 'p-appeals';
const FORM = 'f-appeals';
const TAX = { unitHandlerOf: ['tax-office'] };

const rating = (unitId: string, overall: string) => ({ formId: FORM, version: 1, units: { [unitId]: { overall } }, submissionId: randomUUID() });

describe('appeals over the local API', () => {
  let api: AdmissionStack;
  /** The tax office's ballots: one 非常不满意 (the one appealed), one 满意. */
  let appealed: string;
  /** The permit hall's ballot. */
  let otherUnitsBallot: string;

  beforeAll(async () => {
    api = await startAdmissionStack('review');
    await createDistrict(api, ['tax-office', 'permit-hall']);
    await createPeriodAndForm(api, { periodId: PERIOD, formId: FORM, admission: {}, unitIds: ['tax-office', 'permit-hall'] });
    for (const [unitId, overall] of [
      ['tax-office', 'veryDissatisfied'],
      ['tax-office', 'satisfied'],
      ['permit-hall', 'dissatisfied'],
    ] as const) {
      expect((await api.send('POST', '/responses', rating(unitId, overall))).status).toBe(201);
    }
    const tax = await api.send('GET', `/periods/${PERIOD}/units/tax-office/ballots`, undefined, { as: TAX });
    const hall = await api.send('GET', `/periods/${PERIOD}/units/permit-hall/ballots`, undefined, { as: 'supervisor' });
    appealed = (tax.body.ballots as UnitBallot[]).find((b) => b.badReview)!.ballotRef;
    otherUnitsBallot = (hall.body.ballots as UnitBallot[])[0]!.ballotRef;
  });

  afterAll(async () => {
    await api?.stop();
  });

  it("shows a unit handler their own unit's ballots, and not another unit's", async () => {
    // act
    const own = await api.send('GET', `/periods/${PERIOD}/units/tax-office/ballots`, undefined, { as: TAX });
    const other = await api.send('GET', `/periods/${PERIOD}/units/permit-hall/ballots`, undefined, { as: TAX });

    // assert
    expect(own.status).toBe(200);
    expect((own.body.ballots as UnitBallot[]).map((b) => b.ratings.map((r) => r.rating)).sort()).toEqual([['satisfied'], ['veryDissatisfied']]);
    expect(other.status).toBe(400);
  });

  it('takes the appeal flow from filing to an upheld decision that the tally shows as excluded', async () => {
    // act: the tax office's handler appeals its bad review
    const filed = await api.send('POST', `/periods/${PERIOD}/appeals`, { unitId: 'tax-office', ballotRef: appealed, reason: '该时段窗口未开放，疑似误评' }, { as: TAX });
    const otherUnit = await api.send('POST', `/periods/${PERIOD}/appeals`, { unitId: 'permit-hall', ballotRef: otherUnitsBallot, reason: '代为申诉' }, { as: TAX });
    const twice = await api.send('POST', `/periods/${PERIOD}/appeals`, { unitId: 'tax-office', ballotRef: appealed, reason: '再次申诉' }, { as: TAX });

    // assert: filed once, for its own unit only
    expect(filed.status, filed.text).toBe(201);
    const appeal = filed.body as Appeal;
    expect(appeal).toMatchObject({ periodId: PERIOD, unitId: 'tax-office', ballotRef: appealed, status: 'open' });
    expect(otherUnit.status).toBe(400);
    expect(otherUnit.body).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'unitId' }] });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'CONFLICT', reason: 'alreadyAppealed' });

    // act: the tally before the decision; a supervisor upholds it; the next tally
    await api.runTally();
    const beforeDecision = await api.tallyOf(PERIOD, 'tax-office');
    const decided = await api.send('POST', `/periods/${PERIOD}/appeals/${appeal.appealId}/decision`, { outcome: 'upheld', reason: '经核实，评价时段该窗口未开放' }, { as: 'supervisor' });
    const decidedAgain = await api.send('POST', `/periods/${PERIOD}/appeals/${appeal.appealId}/decision`, { outcome: 'rejected', reason: '改判' }, { as: 'supervisor' });
    await api.runTally();
    const afterDecision = await api.tallyOf(PERIOD, 'tax-office');
    const hallTally = await api.tallyOf(PERIOD, 'permit-hall');

    // assert: an open appeal changes nothing; an upheld one excludes the ballot for its unit, in the open
    expect(beforeDecision).toMatchObject({ ballots: 2, n: 2 });
    expect(excludedTotal(beforeDecision!)).toBe(0);
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body).toMatchObject({ status: 'upheld', decision: { outcome: 'upheld', reason: '经核实，评价时段该窗口未开放' } });
    expect(decidedAgain.status).toBe(409);
    expect(decidedAgain.body).toMatchObject({ reason: 'alreadyDecided' });
    expect(afterDecision).toMatchObject({ ballots: 2, n: 1, excluded: { appealUpheld: 1 }, counts: { satisfied: 1 } });
    expect(afterDecision!.ballots).toBe(afterDecision!.n + afterDecision!.dontKnow + excludedTotal(afterDecision!));
    expect(hallTally).toMatchObject({ ballots: 1, n: 1 });

    // act: what each side sees afterwards
    const handlerBallots = await api.send('GET', `/periods/${PERIOD}/units/tax-office/ballots`, undefined, { as: TAX });
    const handlerAppeals = await api.send('GET', `/periods/${PERIOD}/appeals`, undefined, { as: TAX });
    const otherHandlerAppeals = await api.send('GET', `/periods/${PERIOD}/appeals`, undefined, { as: { unitHandlerOf: ['permit-hall'] } });
    const events = await api.send('GET', `/periods/${PERIOD}/review-events`, undefined, { as: 'supervisor' });

    // assert: the ballot stays visible, marked upheld; the handler sees the decision; the events say who and when
    const stillThere = (handlerBallots.body.ballots as UnitBallot[]).find((b) => b.ballotRef === appealed);
    expect(stillThere).toMatchObject({ badReview: true, appeal: { appealId: appeal.appealId, status: 'upheld' } });
    expect(handlerAppeals.body.appeals).toEqual([decided.body]);
    expect(otherHandlerAppeals.body.appeals).toEqual([]);
    const steps = events.body.events as ReviewEvent[];
    expect(steps.map((e) => [e.type, e.subjectId, e.unitId])).toEqual([
      ['appealFiled', appeal.appealId, 'tax-office'],
      ['appealUpheld', appeal.appealId, 'tax-office'],
    ]);
    expect(steps[0]!.by).toBe(appeal.filedBy);
    expect(steps[1]!.by).toBe(decided.body.decision.by);
    expect(steps[1]!.by).not.toBe(steps[0]!.by);
    expect(Date.parse(steps[0]!.at)).toBeLessThanOrEqual(Date.parse(steps[1]!.at));
    expect(steps[1]!.reason).toBe('经核实，评价时段该窗口未开放');
  });

  it('lets only unit handlers appeal and only supervisors decide', async () => {
    // prepare
    const body = { unitId: 'tax-office', ballotRef: appealed, reason: '越权申诉' };

    // act
    const bySupervisor = await api.send('POST', `/periods/${PERIOD}/appeals`, body, { as: 'supervisor' });
    const decisionByHandler = await api.send('POST', `/periods/${PERIOD}/appeals/whatever00000000/decision`, { outcome: 'upheld', reason: 'x' }, { as: TAX });
    const anonymous = await api.send('GET', `/periods/${PERIOD}/appeals`);

    // assert
    expect(bySupervisor.status).toBe(403);
    expect(decisionByHandler.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });
});
