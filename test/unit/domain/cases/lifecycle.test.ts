import { describe, expect, it } from 'vitest';
import { CASE_STATES, type Case, type CaseCommand, type CaseState } from '../../../../functions/domain/cases/case';
import { TRANSITIONS, applyAction, targetOf, type CaseActor, type TransitionAction } from '../../../../functions/domain/cases/lifecycle';
import { ConflictError, NotFoundError, NotPermittedError } from '../../../../functions/domain/errors';
import { CITIZEN, OTHER_HANDLER, SUPERVISOR, SWEEPER, TAX_HANDLER, aCalendar, aCase } from '../../../fixtures/cases';

const NOW = new Date('2026-06-03T02:00:00Z');

/** A command of each action, with valid details. */
const COMMANDS: Record<TransitionAction, CaseCommand> = {
  assign: { action: 'assign', unitId: 'tax-bureau' },
  reject: { action: 'reject', reason: '不属于本平台受理范围' },
  return: { action: 'return', reason: '应由区市场监管局办理' },
  accept: { action: 'accept' },
  requestExtension: { action: 'requestExtension', days: 5, reason: '需要现场核查' },
  approveExtension: { action: 'approveExtension' },
  denyExtension: { action: 'denyExtension', reason: '期限内可以办完' },
  reply: { action: 'reply', text: '已增设周六窗口。' },
  callback: { action: 'callback', satisfied: true },
  close: { action: 'close' },
  escalate: { action: 'escalate', step: 'reminder' },
};

/** Someone each action's rule lets act on a case of tax-bureau. */
const PERMITTED: Record<TransitionAction, CaseActor> = {
  assign: SUPERVISOR,
  reject: SUPERVISOR,
  return: TAX_HANDLER,
  accept: TAX_HANDLER,
  requestExtension: TAX_HANDLER,
  approveExtension: SUPERVISOR,
  denyExtension: SUPERVISOR,
  reply: TAX_HANDLER,
  callback: CITIZEN,
  close: SUPERVISOR,
  escalate: SWEEPER,
};

/** A case in `state` as the workflow leaves it there (a unit where it has one, an extension where one is asked). */
function caseIn(state: CaseState): Case {
  const withUnit = !['RECEIVED', 'RETURNED', 'REJECTED'].includes(state);
  return aCase({
    state,
    rev: 4,
    unitId: withUnit ? 'tax-bureau' : null,
    ...(state === 'EXTENSION_REQUESTED' ? { extension: { days: 5, reason: '需要现场核查', requestedAt: NOW.toISOString() } } : {}),
    ...(state === 'REPLIED' ? { reply: { text: '已处理', at: '2026-06-02T02:00:00Z' } } : {}),
  });
}

const ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];
const LEGAL = CASE_STATES.flatMap((state) => ACTIONS.filter((a) => targetOf(COMMANDS[a], state)).map((a) => [state, a] as const));
const ILLEGAL = CASE_STATES.flatMap((state) => ACTIONS.filter((a) => !targetOf(COMMANDS[a], state)).map((a) => [state, a] as const));

describe('applyAction', () => {
  it('has the transitions of domain.md and no others', () => {
    // assert
    expect(LEGAL.map(([s, a]) => `${s} ${a} → ${targetOf(COMMANDS[a], s)}`).filter((t) => !t.includes('escalate'))).toEqual([
      'RECEIVED assign → ASSIGNED',
      'RECEIVED reject → REJECTED',
      'ASSIGNED return → RETURNED',
      'ASSIGNED accept → IN_PROGRESS',
      'RETURNED assign → ASSIGNED',
      'IN_PROGRESS requestExtension → EXTENSION_REQUESTED',
      'IN_PROGRESS reply → REPLIED',
      'EXTENSION_REQUESTED approveExtension → IN_PROGRESS',
      'EXTENSION_REQUESTED denyExtension → IN_PROGRESS',
      'REPLIED callback → CLOSED',
      'REPLIED close → CLOSED',
      'REOPENED accept → IN_PROGRESS',
    ]);
    expect(targetOf({ action: 'callback', satisfied: false }, 'REPLIED')).toBe('REOPENED');
  });

  it.each(LEGAL)('from %s takes %s: the next revision and one event saying who, when, from and to', (state, action) => {
    // prepare
    const c = caseIn(state);
    const actor = PERMITTED[action];

    // act
    const { case: next, event } = applyAction(c, COMMANDS[action], actor, NOW, aCalendar());

    // assert
    expect(next.state).toBe(targetOf(COMMANDS[action], state));
    expect(next.rev).toBe(c.rev + 1);
    expect(next.updatedAt).toBe(NOW.toISOString());
    expect(event).toMatchObject({ caseId: c.caseId, seq: c.rev + 1, at: NOW.toISOString(), action, from: state, to: next.state });
    expect(event.actor).toEqual(actor.kind === 'staff' ? { kind: 'staff', sub: actor.sub } : { kind: actor.kind });
  });

  it.each(ILLEGAL)('refuses %s → %s as an illegal transition (409), naming the state and the action', (state, action) => {
    // prepare: a case of tax-bureau in every state, so only the state decides
    const c = { ...caseIn(state), unitId: 'tax-bureau' };

    // act
    const act = () => applyAction(c, COMMANDS[action], PERMITTED[action], NOW, aCalendar());

    // assert
    expect(act).toThrow(ConflictError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({ reason: 'illegalTransition', params: { from: state, action } });
    }
  });

  it('answers a unit handler acting on another unit’s case as if there were no such case', () => {
    // act
    const act = () => applyAction(caseIn('ASSIGNED'), COMMANDS.accept, OTHER_HANDLER, NOW, aCalendar());

    // assert
    expect(act).toThrow(NotFoundError);
  });

  it.each([
    ['a unit handler approving their own extension', 'EXTENSION_REQUESTED', 'approveExtension', TAX_HANDLER],
    ['a unit handler closing a case', 'REPLIED', 'close', TAX_HANDLER],
    ['a supervisor replying for the unit', 'IN_PROGRESS', 'reply', SUPERVISOR],
    ['a supervisor accepting for the unit', 'ASSIGNED', 'accept', SUPERVISOR],
    ['the citizen assigning', 'RECEIVED', 'assign', CITIZEN],
    ['a staff member escalating by hand', 'IN_PROGRESS', 'escalate', SUPERVISOR],
  ] as const)('refuses %s, naming the action', (_name, state, action, actor) => {
    // act
    const act = () => applyAction(caseIn(state), COMMANDS[action], actor, NOW, aCalendar());

    // assert
    expect(act).toThrow(NotPermittedError);
  });

  it('moves the deadline by the extension’s working days when approved before the old deadline', () => {
    // prepare: due Tuesday 23 June; 5 working days more
    const c = { ...caseIn('EXTENSION_REQUESTED'), dueDate: '2026-06-23', dueAt: '2026-06-23T15:59:59.999Z', escalation: 'reminder' as const };

    // act
    const { case: next, event } = applyAction(c, COMMANDS.approveExtension, SUPERVISOR, new Date('2026-06-23T15:00:00Z'), aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'IN_PROGRESS', dueDate: '2026-06-30', dueAt: '2026-06-30T15:59:59.999Z', beyondCalendar: false, escalation: 'none' });
    expect(next.extension?.decision).toBe('approved');
    expect(event.note).toBe('2026-06-23 → 2026-06-30');
  });

  it('refuses to approve an extension once the old deadline has passed (409)', () => {
    // prepare
    const c = { ...caseIn('EXTENSION_REQUESTED'), dueDate: '2026-06-23', dueAt: '2026-06-23T15:59:59.999Z' };

    // act
    const act = () => applyAction(c, COMMANDS.approveExtension, SUPERVISOR, new Date('2026-06-23T16:00:00Z'), aCalendar());

    // assert
    expect(act).toThrow(expect.objectContaining({ reason: 'deadlinePassed', params: { dueDate: '2026-06-23' } }));
  });

  it('keeps the deadline when an extension is denied, with the reason', () => {
    // act
    const { case: next, event } = applyAction(caseIn('EXTENSION_REQUESTED'), COMMANDS.denyExtension, SUPERVISOR, NOW, aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'IN_PROGRESS', dueDate: caseIn('EXTENSION_REQUESTED').dueDate, extension: { decision: 'denied', decisionReason: '期限内可以办完' } });
    expect(event.note).toBe('期限内可以办完');
  });

  it('closes a case on a satisfied callback, on time when the reply came by the deadline', () => {
    // act
    const { case: next } = applyAction(caseIn('REPLIED'), { action: 'callback', satisfied: true, comment: '满意' }, CITIZEN, NOW, aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'CLOSED', closedAt: NOW.toISOString(), closedOnTime: true, callbackCount: 1, callback: { satisfied: true, comment: '满意' } });
  });

  it('closes late when the reply came after the deadline', () => {
    // prepare
    const c = { ...caseIn('REPLIED'), reply: { text: '已处理', at: '2026-06-24T01:00:00Z' } };

    // act
    const { case: next } = applyAction(c, COMMANDS.close, SUPERVISOR, new Date('2026-06-25T01:00:00Z'), aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'CLOSED', closedOnTime: false, callbackCount: 0 });
  });

  it('reopens a case on an unsatisfied callback (重办) with the full time again, counted from the reopening', () => {
    // prepare: reopened on Wednesday 3 June, a complaint has 15 working days; 19 June is off
    const c = { ...caseIn('REPLIED'), escalation: 'chase' as const };

    // act
    const { case: next, event } = applyAction(c, { action: 'callback', satisfied: false, comment: '窗口还是不开' }, CITIZEN, NOW, aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'REOPENED', reopenCount: 1, callbackCount: 1, dueDate: '2026-06-25', escalation: 'none' });
    expect(event).toMatchObject({ action: 'callback', from: 'REPLIED', to: 'REOPENED', note: '窗口还是不开', actor: { kind: 'citizen' } });
  });

  it('hands a returned case back to the office: the unit no longer has it', () => {
    // act
    const { case: next } = applyAction(caseIn('ASSIGNED'), COMMANDS.return, TAX_HANDLER, NOW, aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'RETURNED', unitId: null, returnReason: '应由区市场监管局办理', returnCount: 1 });
  });

  it('records the unit and the first assignment when assigning', () => {
    // act
    const { case: next, event } = applyAction(caseIn('RECEIVED'), COMMANDS.assign, SUPERVISOR, NOW, aCalendar());

    // assert
    expect(next).toMatchObject({ state: 'ASSIGNED', unitId: 'tax-bureau', assignedAt: NOW.toISOString() });
    expect(event.unitId).toBe('tax-bureau');
  });
});

describe('the refusal of an action to a role', () => {
  it('names the action in each language', () => {
    // act
    let refused: NotPermittedError | undefined;
    try {
      applyAction(aCase({ state: 'EXTENSION_REQUESTED', unitId: 'tax-bureau', extension: { days: 2, reason: 'x', requestedAt: NOW.toISOString() } }), { action: 'approveExtension' }, TAX_HANDLER, NOW, aCalendar());
    } catch (error) {
      refused = error as NotPermittedError;
    }

    // assert
    expect(refused?.reasonText).toEqual({ 'zh-CN': '您的角色不能对此件执行“批准延期”。', en: 'Your role may not take the action "Approve the extension" on this case.' });
  });
});
