import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/cases/case';
import { caseStore } from '../../functions/store/cases/case-store';
import { createDocumentClient } from '../../functions/store/client';
import { directoryStore } from '../../functions/store/notifications/directory-store';
import { outboxStore } from '../../functions/store/notifications/outbox-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { DEMO_DIRECTORY, DEMO_UNITS } from '../../infra/local/seed';
import { startTestStack, type TestStack } from './helpers';

/**
 * Under `npm start` the sweeper runs as a scheduled job with no mail service: what SES would send on AWS is
 * recorded in the outbox, marked delivered `via: outbox`, and read on the local outbox page — plain HTML,
 * no script, under the pages' Content-Security-Policy.
 */

let t: TestStack;
const unitId = DEMO_UNITS[0]!.unitId;

beforeAll(async () => {
  t = await startTestStack('outbox');
  // Of the demo seed, what the sweeper reads: the demo district's units and its notification directory. Its
  // ballots (counted in the background, loading the machine) and its cases are no part of this test.
  const db = createDocumentClient(t.stack.dynamoEndpoint);
  try {
    const units = unitStore(db, t.stack.tables.catalog);
    const directory = directoryStore(db, t.stack.tables.catalog);
    const updatedAt = new Date().toISOString();
    await Promise.all([...DEMO_UNITS.map((u) => units.createUnit(u)), ...DEMO_DIRECTORY.map((e) => directory.createDirectoryEntry({ ...e, rev: 1, updatedAt }))]);
  } finally {
    db.destroy();
  }
});
afterAll(() => t.stop());

/** A CST day `days` calendar days before today. */
const daysAgo = (days: number) => new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);

describe('the local outbox page', () => {
  it('shows the messages the scheduled sweeper recorded for a late case of the demo district', async () => {
    // prepare: a case of a demo unit, its deadline a month ago — past every step of the ladder
    const db = createDocumentClient(t.stack.dynamoEndpoint);
    const caseId = crypto.randomUUID();
    const dueDate = daysAgo(30);
    const c: Case = {
      caseId,
      trackingNumber: '20261001-QTBXW234',
      source: 'complaint',
      kind: 'request',
      unitId,
      requestedUnitId: unitId,
      description: '路灯不亮',
      attachmentKeys: [],
      hasContact: false,
      callbackConsent: false,
      state: 'ASSIGNED',
      receivedAt: new Date(Date.parse(`${dueDate}T09:00:00+08:00`) - 20 * 86_400_000).toISOString(),
      dueDate,
      dueAt: new Date(`${dueDate}T23:59:59.999+08:00`).toISOString(),
      beyondCalendar: false,
      returnCount: 0,
      reopenCount: 0,
      callbackCount: 0,
      escalation: 'none',
      rev: 1,
      updatedAt: new Date().toISOString(),
    };
    await caseStore(db, t.stack.tables.cases).createCase(c, { caseId, seq: 1, at: c.receivedAt, actor: { kind: 'citizen' }, action: 'file', from: null, to: 'ASSIGNED' }, { caseId, salt: 's', hash: 'h' });

    // act: the scheduled job, run now (twice: the second finds nothing to do), then the page
    await t.stack.runJob('sweepCases');
    await t.stack.runJob('sweepCases');
    const res = await fetch(`${t.stack.url}/local/outbox`);
    const html = await res.text();

    // assert
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toContain('<script');
    expect(html).toContain('【通报】受理编号 20261001-QTBXW234');
    expect(html).toContain(`${unitId}@handlers.example.org`);
    expect(html).toContain('duty@supervisors.example.org');
    expect(html).not.toContain('路灯不亮');
    const recorded = await outboxStore(db, t.stack.tables.notifications).caseNotifications(caseId);
    const sent = recorded.filter((n) => n.status === 'sent');
    expect(sent.map((n) => [n.step, n.via]).sort()).toEqual([
      ['publicNotice', 'outbox'],
      ['publicNotice', 'outbox'],
    ]);
    expect(recorded.filter((n) => n.status === 'superseded').length).toBe(1 + 2 + 2);
    db.destroy();
  });
});
