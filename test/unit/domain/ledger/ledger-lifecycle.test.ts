import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, NotPermittedError, ValidationError } from '../../../../functions/domain/errors';
import { LEDGER_STATES, LEDGER_TRANSITIONS, type LedgerCommand, type LedgerItemInput, type LedgerState, type LedgerTransitionAction } from '../../../../functions/domain/ledger/ledger';
import { applyLedgerAction, ledgerTargetOf, newLedgerItem, type LedgerActor } from '../../../../functions/domain/ledger/lifecycle';
import { OTHER_HANDLER, SUPERVISOR, SWEEPER, TAX_HANDLER, aCalendar } from '../../../fixtures/cases';
import { aLedgerItem } from '../../../fixtures/ledger';

const NOW = new Date('2026-06-03T02:00:00Z'); // Wednesday 10:00 CST

/** A command of each action, with valid details. */
const COMMANDS: Record<LedgerTransitionAction, LedgerCommand> = {
  ledger: { action: 'ledger', owner: '王建国', responsibleLeader: '副局长 李明', measures: '修订告知清单。', deadline: { workingDays: 10 } },
  start: { action: 'start' },
  progress: { action: 'progress', text: '已完成清单修订初稿。' },
  submitEvidence: { action: 'submitEvidence', note: '修订后的清单。', evidenceKeys: ['AbCdEfGhIjKlMnOpQrStUvWxYz012345'] },
  sendBack: { action: 'sendBack', reason: '清单未覆盖全部事项。' },
  accept: { action: 'accept' },
  close: { action: 'close', note: '予以销号。' },
  markDisclosure: { action: 'markDisclosure', disclose: true },
  publish: { action: 'publish' },
  escalate: { action: 'escalate', step: 'reminder' },
};

/** Someone each action's rule lets act on an item of tax-bureau. */
const PERMITTED: Record<LedgerTransitionAction, LedgerActor> = {
  ledger: TAX_HANDLER as LedgerActor,
  start: TAX_HANDLER as LedgerActor,
  progress: TAX_HANDLER as LedgerActor,
  submitEvidence: TAX_HANDLER as LedgerActor,
  sendBack: SUPERVISOR as LedgerActor,
  accept: SUPERVISOR as LedgerActor,
  close: SUPERVISOR as LedgerActor,
  markDisclosure: SUPERVISOR as LedgerActor,
  publish: SUPERVISOR as LedgerActor,
  escalate: SWEEPER as LedgerActor,
};

/** An item in `state`; a closed one marked for publication, so `publish` depends on the state alone. */
const itemIn = (state: LedgerState) => aLedgerItem(state, { rev: 4, ...(state === 'CLOSED' ? { disclose: true } : {}) });

const ACTIONS = Object.keys(LEDGER_TRANSITIONS) as LedgerTransitionAction[];
const LEGAL = LEDGER_STATES.flatMap((state) => ACTIONS.filter((a) => ledgerTargetOf(a, state)).map((a) => [state, a] as const));
const ILLEGAL = LEDGER_STATES.flatMap((state) => ACTIONS.filter((a) => !ledgerTargetOf(a, state)).map((a) => [state, a] as const));

describe('applyLedgerAction', () => {
  it('has the transitions of domain.md and no others', () => {
    // assert
    expect(LEGAL.filter(([, a]) => a !== 'escalate' && a !== 'markDisclosure').map(([s, a]) => `${s} ${a} → ${ledgerTargetOf(a, s)}`)).toEqual([
      'IDENTIFIED ledger → LEDGERED',
      'LEDGERED start → IN_PROGRESS',
      'IN_PROGRESS progress → IN_PROGRESS',
      'IN_PROGRESS submitEvidence → EVIDENCE_SUBMITTED',
      'EVIDENCE_SUBMITTED sendBack → IN_PROGRESS',
      'EVIDENCE_SUBMITTED accept → ACCEPTED',
      'ACCEPTED close → CLOSED',
      'CLOSED publish → PUBLISHED',
    ]);
    expect(LEGAL.filter(([, a]) => a === 'markDisclosure').map(([s]) => s)).toEqual(['IDENTIFIED', 'LEDGERED', 'IN_PROGRESS', 'EVIDENCE_SUBMITTED', 'ACCEPTED', 'CLOSED']);
    expect(LEGAL.filter(([, a]) => a === 'escalate').map(([s]) => s)).toEqual(['LEDGERED', 'IN_PROGRESS']);
  });

  it.each(LEGAL)('from %s takes %s: the next revision and one event saying who, when, from and to', (state, action) => {
    // prepare
    const item = itemIn(state);
    const actor = PERMITTED[action];

    // act
    const { item: next, event } = applyLedgerAction(item, COMMANDS[action], actor, NOW, aCalendar());

    // assert
    expect(next.state).toBe(ledgerTargetOf(action, state));
    expect(next.rev).toBe(item.rev + 1);
    expect(next.updatedAt).toBe(NOW.toISOString());
    expect(event).toMatchObject({ caseId: item.caseId, record: 'ledger', seq: item.rev + 1, at: NOW.toISOString(), action, from: state, to: next.state });
    expect(event.actor).toEqual(actor.kind === 'staff' ? { kind: 'staff', sub: actor.sub } : { kind: 'system' });
  });

  it.each(ILLEGAL)('refuses %s → %s as an illegal transition (409), naming the state and the action', (state, action) => {
    // act
    const act = () => applyLedgerAction(itemIn(state), COMMANDS[action], PERMITTED[action], NOW, aCalendar());

    // assert
    expect(act).toThrow(ConflictError);
    expect(() => act()).toThrow(expect.objectContaining({ reason: 'illegalTransition', params: { from: state, action } }));
  });

  it('answers a unit handler acting on another unit’s item as if there were no such item', () => {
    // act
    const act = () => applyLedgerAction(itemIn('LEDGERED'), COMMANDS.start, OTHER_HANDLER as LedgerActor, NOW, aCalendar());

    // assert
    expect(act).toThrow(NotFoundError);
  });

  it.each([
    ['a unit handler accepting their own evidence', 'EVIDENCE_SUBMITTED', 'accept', TAX_HANDLER],
    ['a unit handler closing (销号) their own item', 'ACCEPTED', 'close', TAX_HANDLER],
    ['a unit handler sending back', 'EVIDENCE_SUBMITTED', 'sendBack', TAX_HANDLER],
    ['a unit handler publishing', 'CLOSED', 'publish', TAX_HANDLER],
    ['a unit handler marking for publication', 'CLOSED', 'markDisclosure', TAX_HANDLER],
    ['a supervisor submitting evidence for the unit', 'IN_PROGRESS', 'submitEvidence', SUPERVISOR],
    ['a supervisor reporting progress for the unit', 'IN_PROGRESS', 'progress', SUPERVISOR],
    ['a staff member escalating', 'IN_PROGRESS', 'escalate', SUPERVISOR],
  ] as const)('refuses %s with 403', (_, state, action, actor) => {
    // act
    const act = () => applyLedgerAction(itemIn(state), COMMANDS[action], actor as LedgerActor, NOW, aCalendar());

    // assert
    expect(act).toThrow(NotPermittedError);
  });

  it('puts an item on the ledger with its deadline counted in working days, and starts the ladder afresh', () => {
    // act: 10 working days from Wednesday 3 June (that day not counted)
    const { item } = applyLedgerAction(itemIn('IDENTIFIED'), COMMANDS.ledger, PERMITTED.ledger, NOW, aCalendar());

    // assert
    expect(item).toMatchObject({ owner: '王建国', responsibleLeader: '副局长 李明', measures: '修订告知清单。', deadline: { workingDays: 10 }, dueDate: '2026-06-17', ledgeredAt: NOW.toISOString(), escalation: 'none' });
  });

  it('keeps a deadline given as a date, and refuses one before today', () => {
    // act
    const { item } = applyLedgerAction(itemIn('IDENTIFIED'), { ...COMMANDS.ledger, deadline: { date: '2026-06-30' } } as LedgerCommand, PERMITTED.ledger, NOW, aCalendar());
    const past = () => applyLedgerAction(itemIn('IDENTIFIED'), { ...COMMANDS.ledger, deadline: { date: '2026-06-02' } } as LedgerCommand, PERMITTED.ledger, NOW, aCalendar());

    // assert
    expect(item).toMatchObject({ dueDate: '2026-06-30', dueAt: '2026-06-30T15:59:59.999Z', beyondCalendar: false });
    expect(past).toThrow(ValidationError);
  });

  it('records the evidence, a sending back with its reason, and whether the accepted evidence came in time', () => {
    // act
    const submitted = applyLedgerAction(itemIn('IN_PROGRESS'), COMMANDS.submitEvidence, PERMITTED.submitEvidence, NOW, aCalendar());
    const sentBack = applyLedgerAction(submitted.item, COMMANDS.sendBack, SUPERVISOR as LedgerActor, NOW, aCalendar());
    const again = applyLedgerAction(sentBack.item, COMMANDS.submitEvidence, PERMITTED.submitEvidence, NOW, aCalendar());
    const accepted = applyLedgerAction(again.item, COMMANDS.accept, SUPERVISOR as LedgerActor, NOW, aCalendar());
    const closed = applyLedgerAction(accepted.item, COMMANDS.close, SUPERVISOR as LedgerActor, NOW, aCalendar());

    // assert
    expect(submitted.event.evidenceKeys).toEqual(['AbCdEfGhIjKlMnOpQrStUvWxYz012345']);
    expect(sentBack.item).toMatchObject({ state: 'IN_PROGRESS', sendBackCount: 1, review: { decision: 'sentBack', reason: '清单未覆盖全部事项。' } });
    expect(sentBack.event.note).toBe('清单未覆盖全部事项。');
    expect(accepted.item.review?.decision).toBe('accepted');
    expect(closed.item).toMatchObject({ state: 'CLOSED', closedAt: NOW.toISOString(), closedOnTime: true });
  });

  it('publishes only an item a supervisor marked for publication', () => {
    // prepare
    const unmarked = aLedgerItem('CLOSED', { disclose: false });

    // act
    const refused = () => applyLedgerAction(unmarked, COMMANDS.publish, SUPERVISOR as LedgerActor, NOW, aCalendar());
    const marked = applyLedgerAction(unmarked, COMMANDS.markDisclosure, SUPERVISOR as LedgerActor, NOW, aCalendar());
    const published = applyLedgerAction(marked.item, COMMANDS.publish, SUPERVISOR as LedgerActor, NOW, aCalendar());

    // assert
    expect(refused).toThrow(ValidationError);
    expect(published.item).toMatchObject({ state: 'PUBLISHED', disclose: true, publishedAt: NOW.toISOString() });
  });
});

describe('newLedgerItem', () => {
  const INPUT: LedgerItemInput = { source: 'selfInspection', level: 'unit', category: 'duty', problem: '跨部门事项推诿。', unitId: 'tax-bureau' };

  it('enters an item IDENTIFIED with one identify event', () => {
    // act
    const { item, events } = newLedgerItem(INPUT, SUPERVISOR as never, 'a1b2c3d4-0000-4000-8000-000000000001', NOW, aCalendar());

    // assert
    expect(item).toMatchObject({ state: 'IDENTIFIED', rev: 1, disclose: false, identifiedAt: NOW.toISOString(), escalation: 'none' });
    expect(events.map((e) => [e.seq, e.action, e.from, e.to])).toEqual([[1, 'identify', null, 'IDENTIFIED']]);
  });

  it('puts an item with owner, leader, measures and deadline on the ledger at once', () => {
    // act
    const { item, events } = newLedgerItem(
      { ...INPUT, owner: '王建国', responsibleLeader: '李明', measures: '建立首办责任制。', deadline: { date: '2026-07-31' } },
      TAX_HANDLER as never,
      'a1b2c3d4-0000-4000-8000-000000000002',
      NOW,
      aCalendar(),
    );

    // assert
    expect(item).toMatchObject({ state: 'LEDGERED', rev: 2, dueDate: '2026-07-31' });
    expect(events.map((e) => [e.seq, e.action, e.from, e.to, e.actor.sub])).toEqual([
      [1, 'identify', null, 'IDENTIFIED', 'tax-1'],
      [2, 'ledger', 'IDENTIFIED', 'LEDGERED', 'tax-1'],
    ]);
  });

  it("lets a unit handler enter only their own units' self-inspection findings", () => {
    // act
    const otherUnit = () => newLedgerItem({ ...INPUT, unitId: 'service-centre' }, TAX_HANDLER as never, 'a1b2c3d4-0000-4000-8000-000000000003', NOW, aCalendar());
    const finding = () => newLedgerItem({ ...INPUT, source: 'supervisionFinding' }, TAX_HANDLER as never, 'a1b2c3d4-0000-4000-8000-000000000004', NOW, aCalendar());

    // assert
    expect(otherUnit).toThrow(ValidationError);
    expect(finding).toThrow(NotPermittedError);
  });
});
