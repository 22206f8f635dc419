import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, CaseEvent } from '../../functions/domain/cases/case';
import { SUPERVISORS_ENTRY } from '../../functions/domain/notifications/directory';
import { planNotifications, type Notification } from '../../functions/domain/notifications/notification';
import { dueSteps } from '../../functions/domain/cases/escalation';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { outboxStore, putNotificationOnce } from '../../functions/store/notifications/outbox-store';
import { deliverNotifications, sweepEscalations, type OutgoingMail } from '../../functions/domain/notifications/sweep';
import { caseStore } from '../../functions/store/cases/case-store';
import { sweepDeps } from '../../functions/store/deps';
import { directoryStore } from '../../functions/store/notifications/directory-store';
import { freshTables, type TestTables } from './helpers';

/**
 * The escalation sweeper over simulated time, on DynamoDB Local with the real stores and the real working
 * calendar (chinese-days' 2026 schedule): a late case climbs the whole ladder, each message is sent exactly
 * once, whether the sweeper runs once, twice in a row, or twice at once at each instant.
 */

let t: TestTables;
const UNIT = 'tax-bureau';
const HANDLERS = ['handler@tax.example.cn', 'deputy@tax.example.cn'];
const OFFICE = ['duty@zfb.example.cn'];

beforeAll(async () => {
  t = await freshTables();
  const directory = directoryStore(t.db, t.tables.catalog);
  const updatedAt = '2026-09-01T00:00:00.000Z';
  await directory.createDirectoryEntry({ entryId: UNIT, addresses: HANDLERS, rev: 1, updatedAt });
  await directory.createDirectoryEntry({ entryId: SUPERVISORS_ENTRY, addresses: OFFICE, rev: 1, updatedAt });
});
afterAll(() => t.drop());

const cst = (text: string) => new Date(`${text}+08:00`);
let caseCount = 0;

/** Files a case straight into the store, in `state`, due at the end of `dueDate` (CST). */
async function aStoredCase(dueDate: string, fields: Partial<Case> = {}): Promise<Case> {
  caseCount++;
  const caseId = crypto.randomUUID();
  const c: Case = {
    caseId,
    trackingNumber: `20260915-ABCDEF${'GHJKMNPQRS'[caseCount]}${'23456789AB'[caseCount]}`,
    source: 'complaint',
    kind: 'complaint',
    unitId: UNIT,
    requestedUnitId: UNIT,
    description: '窗口办事排队太久',
    attachmentKeys: [],
    hasContact: false,
    callbackConsent: false,
    state: 'IN_PROGRESS',
    receivedAt: '2026-09-15T02:00:00.000Z',
    dueDate,
    dueAt: new Date(`${dueDate}T23:59:59.999+08:00`).toISOString(),
    beyondCalendar: false,
    returnCount: 0,
    reopenCount: 0,
    callbackCount: 0,
    escalation: 'none',
    rev: 1,
    updatedAt: '2026-09-15T02:00:00.000Z',
    ...fields,
  };
  const filed: CaseEvent = { caseId, seq: 1, at: c.receivedAt, actor: { kind: 'citizen' }, action: 'file', from: null, to: c.state };
  await caseStore(t.db, t.tables.cases).createCase(c, filed, { caseId, salt: 'salt', hash: 'hash' });
  return c;
}

/** The sweeper's real dependencies with a simulated clock and a mail service that records what it is given. */
function sweeper(clock: { now: Date }, outbox: OutgoingMail[], fail?: () => boolean) {
  const deps = {
    ...sweepDeps(t.db, async (mail) => {
      // A little latency, so that two sweepers at once really overlap.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail?.()) throw Object.assign(new Error('Throttling: Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
      outbox.push(mail);
      return { via: 'ses', messageId: `m-${outbox.length}` };
    }),
    now: () => clock.now,
  };
  return Object.assign(
    async () => {
      const sweep = await sweepEscalations(deps);
      const delivery = await deliverNotifications(deps);
      return { sweep, delivery };
    },
    { sweepOnly: () => sweepEscalations(deps), deliverOnly: () => deliverNotifications(deps), calendar: () => deps.loadWorkingCalendar() },
  );
}

const stepOf = (mail: OutgoingMail) => /^【(.+?)】/.exec(mail.subject)?.[1];
const sentTo = (mails: OutgoingMail[], trackingNumber: string) =>
  mails.filter((m) => m.subject.includes(trackingNumber)).map((m) => `${stepOf(m)} ${m.to}`).sort();

describe('the escalation sweeper', () => {
  it('walks a late case up the whole ladder, sending each message exactly once, run twice in a row and twice at once', async () => {
    // prepare: due Thu 15 Oct 2026
    const c = await aStoredCase('2026-10-15');
    const clock = { now: new Date() };
    const mails: OutgoingMail[] = [];
    const run = sweeper(clock, mails);
    const expected: string[] = [];
    const walk: [string, string[]][] = [
      ['2026-10-13T09:00:00', []],
      ['2026-10-14T08:59:00', []],
      ['2026-10-14T09:00:00', HANDLERS.map((a) => `提醒 ${a}`)],
      ['2026-10-15T23:00:00', []],
      ['2026-10-16T09:30:00', [...HANDLERS, ...OFFICE].map((a) => `催办 ${a}`)],
      ['2026-10-21T17:00:00', []],
      ['2026-10-22T09:00:00', [...HANDLERS, ...OFFICE].map((a) => `督办 ${a}`)],
      ['2026-10-29T09:30:00', [...HANDLERS, ...OFFICE].map((a) => `通报 ${a}`)],
      ['2026-12-31T09:30:00', []],
    ];

    for (const [instant, newly] of walk) {
      // act: at each instant, twice at once, then once more, then two senders at once
      clock.now = cst(instant);
      await Promise.all([run(), run()]);
      await run();
      await Promise.all([run.deliverOnly(), run.deliverOnly()]);

      // assert
      expected.push(...newly);
      expect(sentTo(mails, c.trackingNumber), instant).toEqual([...expected].sort());
    }

    const stored = await caseStore(t.db, t.tables.cases).getCase(c.caseId);
    expect(stored?.escalation).toBe('publicNotice');
    expect(stored?.state).toBe('IN_PROGRESS');
    const events = await caseStore(t.db, t.tables.cases).listEvents(c.caseId);
    expect(events.filter((e) => e.action === 'escalate').map((e) => [e.note, e.actor.kind, e.from, e.to])).toEqual([
      ['reminder', 'system', 'IN_PROGRESS', 'IN_PROGRESS'],
      ['chase', 'system', 'IN_PROGRESS', 'IN_PROGRESS'],
      ['supervision', 'system', 'IN_PROGRESS', 'IN_PROGRESS'],
      ['publicNotice', 'system', 'IN_PROGRESS', 'IN_PROGRESS'],
    ]);
    const recorded = await outboxStore(t.db, t.tables.notifications).caseNotifications(c.caseId);
    expect(recorded).toHaveLength(2 + 3 + 3 + 3);
    expect(recorded.every((n) => n.status === 'sent' && n.via === 'ses' && n.attempts === 1 && n.claim === undefined)).toBe(true);
  });

  it('sends each message once when two senders work the outbox at once', async () => {
    // prepare: the reminder is recorded, not sent yet
    const c = await aStoredCase('2026-10-20');
    const mails: OutgoingMail[] = [];
    const run = sweeper({ now: cst('2026-10-19T09:00:00') }, mails);
    await run.sweepOnly();

    // act
    const reports = await Promise.all([run.deliverOnly(), run.deliverOnly(), run.deliverOnly()]);

    // assert
    expect(sentTo(mails, c.trackingNumber)).toEqual(HANDLERS.map((a) => `提醒 ${a}`).sort());
    expect(reports.reduce((sum, r) => sum + r.heldElsewhere, 0)).toBeGreaterThan(0);
  });

  it('records every step a case missed when it is first found 7 working days late, and sends only the highest', async () => {
    // prepare: due Thu 15 Oct; Mon 26 Oct is 7 working days late, past supervision (Thu 22 Oct)
    const c = await aStoredCase('2026-10-15');
    const mails: OutgoingMail[] = [];
    const run = sweeper({ now: cst('2026-10-26T10:00:00') }, mails);

    // act
    await Promise.all([run(), run()]);
    await run();

    // assert
    expect(sentTo(mails, c.trackingNumber)).toEqual([...HANDLERS, ...OFFICE].map((a) => `督办 ${a}`).sort());
    expect(mails.find((m) => m.subject.includes(c.trackingNumber))?.body).toContain('“提醒”、“催办”');
    const recorded = await outboxStore(t.db, t.tables.notifications).caseNotifications(c.caseId);
    const byStatus = (status: Notification['status']) => recorded.filter((n) => n.status === status).map((n) => n.step);
    expect(byStatus('superseded').sort()).toEqual(['chase', 'chase', 'chase', 'reminder', 'reminder']);
    expect(byStatus('sent')).toEqual(['supervision', 'supervision', 'supervision']);
    const events = await caseStore(t.db, t.tables.cases).listEvents(c.caseId);
    expect(events.filter((e) => e.action === 'escalate').map((e) => e.note)).toEqual(['reminder', 'chase', 'supervision']);
  });

  it('starts the ladder again after a new deadline, and its messages are new ones', async () => {
    // prepare: a case that reached the reminder, then got a new deadline (escalation back to none)
    const c = await aStoredCase('2026-10-15');
    const clock = { now: cst('2026-10-14T09:00:00') };
    const mails: OutgoingMail[] = [];
    const run = sweeper(clock, mails);
    await run();
    const cases = caseStore(t.db, t.tables.cases);
    const reminded = (await cases.getCase(c.caseId))!;
    const extended: Case = { ...reminded, dueDate: '2026-11-05', dueAt: '2026-11-05T15:59:59.999Z', escalation: 'none', rev: reminded.rev + 1 };
    await cases.saveTransition(extended, { caseId: c.caseId, seq: extended.rev, at: clock.now.toISOString(), actor: { kind: 'system' }, action: 'approveExtension', from: 'IN_PROGRESS', to: 'IN_PROGRESS' }, { rev: reminded.rev });

    // act: the old deadline's chase day passes quietly; the new deadline's reminder comes
    clock.now = cst('2026-10-16T09:30:00');
    await run();
    clock.now = cst('2026-11-04T09:30:00');
    await Promise.all([run(), run()]);

    // assert
    expect(sentTo(mails, c.trackingNumber)).toEqual([...HANDLERS, ...HANDLERS].map((a) => `提醒 ${a}`).sort());
    const recorded = await outboxStore(t.db, t.tables.notifications).caseNotifications(c.caseId);
    expect(recorded.map((n) => `${n.dueDate} ${n.step}`)).toEqual([
      '2026-10-15 reminder',
      '2026-10-15 reminder',
      '2026-11-05 reminder',
      '2026-11-05 reminder',
    ]);
  });

  it('moves a case on when one of its messages was recorded already for the same deadline, writing it no second time', async () => {
    // prepare: the reminder to the first handler exists already (a case that climbs again to the same deadline)
    const c = await aStoredCase('2026-10-27');
    const clock = { now: cst('2026-10-26T09:00:00') };
    const mails: OutgoingMail[] = [];
    const run = sweeper(clock, mails);
    const [first] = planNotifications(c, dueSteps(c, clock.now, await run.calendar()), { unitHandlers: HANDLERS, supervisors: OFFICE }, clock.now);
    await t.db.send(new PutCommand(putNotificationOnce(t.tables.notifications, { ...first!, status: 'sent', via: 'ses', attempts: 1 }).Put));

    // act
    const { sweep } = await run();

    // assert
    expect(sweep.escalated).toBe(1);
    expect((await caseStore(t.db, t.tables.cases).getCase(c.caseId))?.escalation).toBe('reminder');
    expect(sentTo(mails, c.trackingNumber)).toEqual([`提醒 ${HANDLERS[1]}`]);
    expect((await outboxStore(t.db, t.tables.notifications).caseNotifications(c.caseId)).map((n) => `${n.to} ${n.status}`).sort()).toEqual(
      HANDLERS.map((a) => `${a} sent`).sort(),
    );
  });

  it('never escalates a replied, closed or rejected case', async () => {
    // prepare
    const replied = await aStoredCase('2026-10-15', { state: 'REPLIED', reply: { text: '已整改', at: '2026-10-10T02:00:00.000Z' } });
    const closed = await aStoredCase('2026-10-15', { state: 'CLOSED', closedAt: '2026-10-12T02:00:00.000Z' });
    const mails: OutgoingMail[] = [];

    // act
    await sweeper({ now: cst('2026-11-30T10:00:00') }, mails)();

    // assert
    expect(sentTo(mails, replied.trackingNumber)).toEqual([]);
    expect(sentTo(mails, closed.trackingNumber)).toEqual([]);
    expect((await caseStore(t.db, t.tables.cases).getCase(replied.caseId))?.escalation).toBe('none');
  });

  it('keeps a message the mail service refused, unsent, and sends it on the next run', async () => {
    // prepare: the mail service refuses everything for the first run
    const c = await aStoredCase('2026-11-20');
    const clock = { now: cst('2026-11-19T09:00:00') };
    const mails: OutgoingMail[] = [];
    let refusing = true;
    const run = sweeper(clock, mails, () => refusing);

    // act
    const first = await run();

    // assert: nothing sent, nothing marked sent, the run says so
    expect(first.delivery.sent).toBe(0);
    expect(first.delivery.unsent).toBeGreaterThanOrEqual(HANDLERS.length);
    const outbox = outboxStore(t.db, t.tables.notifications);
    const afterFault = await outbox.caseNotifications(c.caseId);
    expect(afterFault.map((n) => [n.status, n.attempts, n.lastError, n.sentAt])).toEqual(HANDLERS.map(() => ['pending', 1, 'TooManyRequestsException', undefined]));

    // act: the service is back
    refusing = false;
    clock.now = cst('2026-11-19T09:30:00');
    const second = await run();
    await run();

    // assert
    expect(second.delivery.unsent).toBe(0);
    expect(sentTo(mails, c.trackingNumber)).toEqual(HANDLERS.map((a) => `提醒 ${a}`).sort());
    expect((await outbox.caseNotifications(c.caseId)).map((n) => [n.status, n.attempts])).toEqual(HANDLERS.map(() => ['sent', 2]));
  });
});
