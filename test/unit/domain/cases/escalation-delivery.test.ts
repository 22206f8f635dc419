import { describe, expect, it } from 'vitest';
import { NOTIFICATION_MAX_ATTEMPTS, type Notification } from '../../../../functions/domain/notifications/notification';
import { deliverNotifications, type DeliveryDeps, type MailReceipt } from '../../../../functions/domain/notifications/sweep';

/** Sending the outbox with plain in-memory ports: what is claimed, sent, released and given up. */

const aMessage = (fields: Partial<Notification> = {}): Notification => ({
  caseId: '3f1c6a52-5d7e-4b8a-9a41-0c2d5e6f7a80',
  trackingNumber: '20261008-ABCDEFGH',
  unitId: 'tax-bureau',
  dueDate: '2026-10-15',
  step: 'chase',
  role: 'unitHandlers',
  to: 'handler@tax.example.cn',
  subject: { 'zh-CN': '【催办】', en: '[Chase]' },
  body: { 'zh-CN': '请立即办理。', en: 'Handle it now.' },
  status: 'pending',
  createdAt: '2026-10-16T01:00:00.000Z',
  attempts: 0,
  ...fields,
});

function fakeOutbox(messages: Notification[], send: DeliveryDeps['send'], heldByOthers: string[] = []) {
  const log: string[] = [];
  const deps: DeliveryDeps = {
    pendingNotifications: async () => messages,
    claim: async (n) => {
      log.push(`claim ${n.to}`);
      return !heldByOthers.includes(n.to!);
    },
    markSent: async (n, _token, receipt) => void log.push(`sent ${n.to} ${receipt.via}`),
    release: async (n, _token, error, failed) => void log.push(`release ${n.to} ${error}${failed ? ' failed' : ''}`),
    send,
    newId: () => 'token',
    now: () => new Date('2026-10-16T01:30:00.000Z'),
  };
  return { deps, log };
}

const refuse = async (): Promise<MailReceipt> => {
  throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
};

describe('deliverNotifications', () => {
  it('claims, sends, then marks each message sent', async () => {
    // prepare
    const { deps, log } = fakeOutbox([aMessage(), aMessage({ to: 'office@zfb.example.cn', role: 'supervisors' })], async () => ({ via: 'ses', messageId: 'id' }));

    // act
    const report = await deliverNotifications(deps);

    // assert
    expect(report).toEqual({ sent: 2, unsent: 0, failed: 0, heldElsewhere: 0 });
    expect(log).toEqual(['claim handler@tax.example.cn', 'sent handler@tax.example.cn ses', 'claim office@zfb.example.cn', 'sent office@zfb.example.cn ses']);
  });

  it('releases a refused message for another attempt, never marking it sent', async () => {
    // prepare
    const { deps, log } = fakeOutbox([aMessage({ attempts: 2 })], refuse);

    // act
    const report = await deliverNotifications(deps);

    // assert
    expect(report).toEqual({ sent: 0, unsent: 1, failed: 0, heldElsewhere: 0 });
    expect(log).toEqual(['claim handler@tax.example.cn', 'release handler@tax.example.cn MessageRejected']);
  });

  it('gives a message up as failed on its last attempt', async () => {
    // prepare
    const { deps, log } = fakeOutbox([aMessage({ attempts: NOTIFICATION_MAX_ATTEMPTS - 1 })], refuse);

    // act
    const report = await deliverNotifications(deps);

    // assert
    expect(report).toEqual({ sent: 0, unsent: 0, failed: 1, heldElsewhere: 0 });
    expect(log).toEqual(['claim handler@tax.example.cn', 'release handler@tax.example.cn MessageRejected failed']);
  });

  it('leaves a message another sender holds alone', async () => {
    // prepare
    let sends = 0;
    const { deps } = fakeOutbox([aMessage()], async () => ({ via: 'ses', messageId: String(++sends) }), ['handler@tax.example.cn']);

    // act
    const report = await deliverNotifications(deps);

    // assert
    expect(report.heldElsewhere).toBe(1);
    expect(sends).toBe(0);
  });
});
