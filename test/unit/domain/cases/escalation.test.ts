import { describe, expect, it } from 'vitest';
import type { Case } from '../../../../functions/domain/cases/case';
import {
  ESCALATION_LADDER,
  dueSteps,
  escalationSchedule,
  recipientRoles,
  stepInstant,
  sweepHorizon,
  workingDayFrom,
} from '../../../../functions/domain/cases/escalation';
import { planNotifications } from '../../../../functions/domain/notifications/notification';
import { workingCalendar } from '../../../../functions/domain/working-days';

/** The 2026 National Day break as the State Council published it: 1–7 October off, Sunday 20 September and Saturday 10 October worked. */
const calendar = workingCalendar({
  coveredYears: [2026],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
  adjustments: [],
});

const cst = (text: string) => new Date(`${text}+08:00`);

function aCase(fields: Partial<Case> = {}): Case {
  return {
    caseId: '3f1c6a52-5d7e-4b8a-9a41-0c2d5e6f7a80',
    trackingNumber: '20260915-ABCDEFGH',
    source: 'complaint',
    kind: 'complaint',
    unitId: 'tax-bureau',
    requestedUnitId: 'tax-bureau',
    description: '窗口办事排队太久',
    attachmentKeys: [],
    hasContact: false,
    callbackConsent: false,
    state: 'IN_PROGRESS',
    receivedAt: '2026-09-15T02:00:00.000Z',
    dueDate: '2026-10-15',
    dueAt: '2026-10-15T15:59:59.999Z',
    beyondCalendar: false,
    returnCount: 0,
    reopenCount: 0,
    callbackCount: 0,
    escalation: 'none',
    rev: 3,
    updatedAt: '2026-09-16T02:00:00.000Z',
    ...fields,
  };
}

describe('the escalation ladder', () => {
  it('is one table of four steps in order, the reminder before the deadline and the rest after it', () => {
    // assert
    expect(ESCALATION_LADDER.map((r) => r.step)).toEqual(['reminder', 'chase', 'supervision', 'publicNotice']);
    expect(ESCALATION_LADDER.map((r) => r.workingDaysFromDue)).toEqual([-1, 1, 5, 10]);
    expect(ESCALATION_LADDER.map((r) => r.toSupervisors)).toEqual([false, true, true, true]);
  });

  it('lays the steps on working days around an ordinary deadline, at 09:00 CST', () => {
    // act
    const schedule = escalationSchedule('2026-10-15', calendar);

    // assert: Thu 15 Oct; reminder Wed 14, chase Fri 16, supervision Thu 22, public notice Thu 29
    expect(schedule.map((s) => [s.step, s.on])).toEqual([
      ['reminder', '2026-10-14'],
      ['chase', '2026-10-16'],
      ['supervision', '2026-10-22'],
      ['publicNotice', '2026-10-29'],
    ]);
    expect(schedule[0]!.at).toBe('2026-10-14T09:00:00+08:00');
  });

  it('reminds before the golden week for a deadline just after it, and counts the 调休 Saturday as a working day', () => {
    // act
    const schedule = escalationSchedule('2026-10-08', calendar);

    // assert: 1–7 Oct off, so the last working day before Thu 8 Oct is Wed 30 Sep; Sat 10 Oct is worked
    expect(schedule.map((s) => s.on)).toEqual(['2026-09-30', '2026-10-09', '2026-10-14', '2026-10-21']);
  });

  it('steps back over a weekend for the reminder of a Monday deadline', () => {
    // assert
    expect(workingDayFrom('2026-10-19', -1, calendar)).toBe('2026-10-16');
    expect(workingDayFrom('2026-10-19', -2, calendar)).toBe('2026-10-15');
  });

  it('has no step due before the reminder time, and the reminder from 09:00 CST on its day', () => {
    // prepare
    const c = aCase();

    // act / assert
    expect(dueSteps(c, cst('2026-10-14T08:59:59'), calendar)).toEqual([]);
    expect(dueSteps(c, cst('2026-10-14T09:00:00'), calendar).map((s) => s.step)).toEqual(['reminder']);
  });

  it('takes only the steps past the one reached', () => {
    // prepare
    const reminded = aCase({ escalation: 'reminder' });

    // act / assert
    expect(dueSteps(reminded, cst('2026-10-15T12:00:00'), calendar)).toEqual([]);
    expect(dueSteps(reminded, cst('2026-10-16T09:30:00'), calendar).map((s) => s.step)).toEqual(['chase']);
    expect(dueSteps(aCase({ escalation: 'publicNotice' }), cst('2027-06-01T09:00:00'), calendar)).toEqual([]);
  });

  it('gives a case found 7 working days late every step it missed, in order', () => {
    // prepare: due Thu 15 Oct; Mon 26 Oct is 7 working days late
    const c = aCase();

    // act
    const steps = dueSteps(c, cst('2026-10-26T10:00:00'), calendar);

    // assert
    expect(steps.map((s) => s.step)).toEqual(['reminder', 'chase', 'supervision']);
  });

  it.each(['REPLIED', 'CLOSED', 'REJECTED'] as const)('leaves a %s case alone, however late', (state) => {
    // assert
    expect(dueSteps(aCase({ state }), cst('2026-12-31T12:00:00'), calendar)).toEqual([]);
  });

  it.each(['RECEIVED', 'ASSIGNED', 'RETURNED', 'IN_PROGRESS', 'EXTENSION_REQUESTED', 'REOPENED'] as const)('escalates a late %s case', (state) => {
    // assert
    expect(dueSteps(aCase({ state }), cst('2026-10-16T09:00:00'), calendar).map((s) => s.step)).toEqual(['reminder', 'chase']);
  });

  it('tells the unit alone of a reminder, and the supervising office too from the chase on', () => {
    // assert
    expect(recipientRoles('reminder', 'tax-bureau')).toEqual(['unitHandlers']);
    expect(recipientRoles('chase', 'tax-bureau')).toEqual(['unitHandlers', 'supervisors']);
    expect(recipientRoles('publicNotice', 'tax-bureau')).toEqual(['unitHandlers', 'supervisors']);
  });

  it('tells the supervising office of every step of a case it holds itself (received, returned)', () => {
    // assert
    expect(recipientRoles('reminder', null)).toEqual(['supervisors']);
    expect(recipientRoles('supervision', null)).toEqual(['supervisors']);
  });

  it('queries deadlines far enough ahead for the reminder of a deadline after a long break', () => {
    // prepare: the reminder of Thu 8 Oct falls on Wed 30 Sep, before the golden week
    const now = new Date(stepInstant(escalationSchedule('2026-10-08', calendar)[0]!.on));

    // act
    const horizon = sweepHorizon(now);

    // assert: the case's deadline is before the horizon, so the sweep's query finds it
    expect(now.toISOString()).toBe('2026-09-30T01:00:00.000Z');
    expect('2026-10-08T15:59:59.999Z' < horizon).toBe(true);
  });
});

describe('planNotifications', () => {
  const recipients = { unitHandlers: ['Handler@tax.example.cn', 'second@tax.example.cn'], supervisors: ['office@zfb.example.cn', 'handler@tax.example.cn'] };

  it('sends the highest of the steps taken at once, records the lower ones as superseded, and writes to each address once per step', () => {
    // prepare
    const c = aCase();
    const steps = dueSteps(c, cst('2026-10-26T10:00:00'), calendar);

    // act
    const planned = planNotifications(c, steps, recipients, cst('2026-10-26T10:00:00'));

    // assert
    const summary = planned.map((n) => `${n.step}:${n.role}:${n.to}:${n.status}`);
    expect(summary).toEqual([
      'reminder:unitHandlers:handler@tax.example.cn:superseded',
      'reminder:unitHandlers:second@tax.example.cn:superseded',
      'chase:unitHandlers:handler@tax.example.cn:superseded',
      'chase:unitHandlers:second@tax.example.cn:superseded',
      'chase:supervisors:office@zfb.example.cn:superseded',
      'supervision:unitHandlers:handler@tax.example.cn:pending',
      'supervision:unitHandlers:second@tax.example.cn:pending',
      'supervision:supervisors:office@zfb.example.cn:pending',
    ]);
  });

  it('names the steps it replaces in the one message sent, in Chinese and English', () => {
    // prepare
    const c = aCase();
    const steps = dueSteps(c, cst('2026-10-26T10:00:00'), calendar);

    // act
    const sent = planNotifications(c, steps, recipients, cst('2026-10-26T10:00:00')).find((n) => n.status === 'pending')!;

    // assert
    expect(sent.subject['zh-CN']).toBe('【督办】受理编号 20260915-ABCDEFGH 逾期 5 个工作日');
    expect(sent.body['zh-CN']).toContain('“提醒”、“催办”');
    expect(sent.body.en).toContain('reminder, chase');
    expect(sent.body['zh-CN']).not.toContain('窗口办事排队太久');
  });

  it('records a step without any address as noAddress, so the gap shows', () => {
    // prepare
    const c = aCase();
    const steps = dueSteps(c, cst('2026-10-16T10:00:00'), calendar);

    // act
    const planned = planNotifications(c, steps, { unitHandlers: [], supervisors: ['office@zfb.example.cn'] }, cst('2026-10-16T10:00:00'));

    // assert
    expect(planned.map((n) => `${n.step}:${n.role}:${n.to ?? '-'}:${n.status}`)).toEqual([
      'reminder:unitHandlers:-:noAddress',
      'chase:unitHandlers:-:noAddress',
      'chase:supervisors:office@zfb.example.cn:pending',
    ]);
  });
});
