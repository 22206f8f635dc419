import { describe, expect, it } from 'vitest';
import { ledgerProgress } from '../../../../functions/domain/ledger/progress';
import { ledgerRef, sweepLedgerEscalations, type LedgerSweepDeps } from '../../../../functions/domain/ledger/escalation';
import type { Notification } from '../../../../functions/domain/notifications/notification';
import type { LedgerEvent, LedgerItem } from '../../../../functions/domain/ledger/ledger';
import { aCalendar } from '../../../fixtures/cases';
import { aLedgerItem } from '../../../fixtures/ledger';

describe('ledgerProgress', () => {
  it('counts by state, overdue, and 整改完成率 as closed-or-published over every item past IDENTIFIED', () => {
    // prepare: due 2026-06-30; "now" a day after
    const now = new Date('2026-07-01T02:00:00Z');
    const items = [
      aLedgerItem('IDENTIFIED'),
      aLedgerItem('LEDGERED'),
      aLedgerItem('IN_PROGRESS'),
      aLedgerItem('IN_PROGRESS', { dueAt: '2026-07-31T15:59:59.999Z', dueDate: '2026-07-31' }),
      aLedgerItem('EVIDENCE_SUBMITTED'),
      aLedgerItem('ACCEPTED'),
      aLedgerItem('CLOSED'),
      aLedgerItem('PUBLISHED'),
    ];

    // act
    const progress = ledgerProgress(items, now);

    // assert
    expect(progress).toEqual({
      byState: { IDENTIFIED: 1, LEDGERED: 1, IN_PROGRESS: 2, EVIDENCE_SUBMITTED: 1, ACCEPTED: 1, CLOSED: 1, PUBLISHED: 1 },
      total: 8,
      // the ledgered and the first in-progress item are past 30 June; evidence submitted waits for the office
      overdue: 2,
      completed: 2,
      ledgered: 7,
      completionRate: 2 / 7,
    });
  });

  it('has no rate when nothing is on the ledger yet', () => {
    // act
    const progress = ledgerProgress([aLedgerItem('IDENTIFIED')], new Date('2026-06-03T02:00:00Z'));

    // assert
    expect(progress).toMatchObject({ ledgered: 0, completed: 0, completionRate: null, overdue: 0 });
  });
});

describe('sweepLedgerEscalations', () => {
  function deps(items: LedgerItem[], now: Date) {
    const written: { next: LedgerItem; events: LedgerEvent[]; notifications: Notification[]; expectedRev: number }[] = [];
    const d: LedgerSweepDeps = {
      openLedgerItemsDueBefore: async () => items,
      loadWorkingCalendar: async () => aCalendar(),
      recipientsOf: async (unitId) => ({ unitHandlers: unitId === 'tax-bureau' ? ['tax@example.cn'] : [], supervisors: ['office@example.cn'] }),
      escalateLedgerItem: async (next, events, notifications, expectedRev) => {
        written.push({ next, events, notifications, expectedRev });
        return true;
      },
      now: () => now,
    };
    return { d, written };
  }

  it('moves an owed item up the ladder, one escalate event per step missed, on the revision read', async () => {
    // prepare: due Tuesday 30 June; Tuesday 7 July 10:00 CST is 5 working days late (supervision due)
    const { d, written } = deps([aLedgerItem('IN_PROGRESS', { rev: 3 })], new Date('2026-07-07T02:00:00Z'));

    // act
    const report = await sweepLedgerEscalations(d);

    // assert
    expect(report).toMatchObject({ examined: 1, escalated: 1, steps: { reminder: 1, chase: 1, supervision: 1 } });
    expect(written[0]!.expectedRev).toBe(3);
    expect(written[0]!.next).toMatchObject({ escalation: 'supervision', rev: 6, state: 'IN_PROGRESS' });
    expect(written[0]!.events.map((e) => [e.seq, e.action, e.note])).toEqual([
      [4, 'escalate', 'reminder'],
      [5, 'escalate', 'chase'],
      [6, 'escalate', 'supervision'],
    ]);
    // only the highest step is sent, to the unit and the office, naming the item by its reference, never its people
    expect(written[0]!.notifications.filter((n) => n.status === 'pending').map((n) => [n.step, n.to])).toEqual([
      ['supervision', 'tax@example.cn'],
      ['supervision', 'office@example.cn'],
    ]);
    expect(written[0]!.notifications.filter((n) => n.status === 'superseded').map((n) => n.step)).toEqual(['reminder', 'chase', 'chase']);
    const sent = written[0]!.notifications.find((n) => n.status === 'pending')!;
    expect(sent.subject['zh-CN']).toBe(`【督办】整改事项 ${ledgerRef(aLedgerItem())} 逾期 5 个工作日`);
    expect(sent.body['zh-CN']).not.toContain('王建国');
  });

  it('leaves an item whose evidence waits for the office, and one not yet late', async () => {
    // prepare
    const { d, written } = deps([aLedgerItem('EVIDENCE_SUBMITTED'), aLedgerItem('IN_PROGRESS', { dueDate: '2026-07-31', dueAt: '2026-07-31T15:59:59.999Z' })], new Date('2026-07-07T02:00:00Z'));

    // act
    const report = await sweepLedgerEscalations(d);

    // assert
    expect(report).toMatchObject({ examined: 2, escalated: 0 });
    expect(written).toEqual([]);
  });
});
