import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../../functions/domain/notifications/notification';
import { notificationItem } from '../../../functions/store/notifications/outbox-store';
import type { LambdaHandler } from '../../../infra/local/lambda';
import { lambdaContext } from '../../fixtures/http';

/**
 * The sweeper's handler against mocked AWS clients: a message SES does not take stays in the outbox,
 * unsent, and the run fails rather than report success; the next run sends it and marks it sent.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const FROM = 'pingyi@notify.example.gov.cn';

const pending: Notification = {
  caseId: '3f1c6a52-5d7e-4b8a-9a41-0c2d5e6f7a80',
  trackingNumber: '20261008-ABCDEFGH',
  unitId: 'tax-bureau',
  dueDate: '2026-10-15',
  step: 'chase',
  role: 'unitHandlers',
  to: 'handler@tax.example.cn',
  subject: { 'zh-CN': '【催办】受理编号 20261008-ABCDEFGH 已超过办理期限（2026-10-15）', en: '[Chase] Case 20261008-ABCDEFGH is past its deadline (2026-10-15)' },
  body: { 'zh-CN': '此件已逾期，请立即办理并答复。', en: 'This case is overdue.' },
  status: 'pending',
  createdAt: '2026-10-16T01:00:00.000Z',
  attempts: 0,
};

let handler: LambdaHandler;

beforeAll(async () => {
  vi.stubEnv('MAIL_FROM', FROM);
  vi.resetModules();
  ({ handler } = (await import('../../../functions/jobs/sweep-cases')) as unknown as { handler: LambdaHandler });
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  ddb.reset();
  ses.reset();
  // No open case is due; the calendar has no admin entries; the outbox holds one pending message.
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(QueryCommand, { IndexName: 'pending' }).resolves({ Items: [notificationItem(pending)] });
  ddb.on(UpdateCommand).resolves({});
});

const updates = () => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input as UpdateCommandInput);
const event = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };

describe('the sweep-cases job', () => {
  it('leaves a message SES refused unsent, and fails the run instead of reporting success', async () => {
    // prepare
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }));

    // act
    const run = handler(event, lambdaContext());

    // assert
    await expect(run).rejects.toThrow(/1 notification\(s\) could not be sent/);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const [claim, release, ...rest] = updates();
    expect(claim?.UpdateExpression).toBe('SET claim = :claim');
    expect(release?.UpdateExpression).toContain('lastError = :error');
    expect(release?.UpdateExpression).not.toContain('pendingPk, pendingSk');
    expect(release?.ExpressionAttributeValues?.[':error']).toBe('TooManyRequestsException');
    expect(rest).toEqual([]);
    expect(updates().some((u) => u.UpdateExpression?.includes('sentAt'))).toBe(false);
  });

  it('sends the pending message from the stage sender and marks it sent with SES message id', async () => {
    // prepare
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-ses-id' });

    // act
    const result = await handler(event, lambdaContext());

    // assert
    expect(result).toEqual({ escalated: 0, sent: 1 });
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['handler@tax.example.cn'] },
      Content: { Simple: { Subject: { Data: pending.subject['zh-CN'], Charset: 'UTF-8' }, Body: { Text: { Data: pending.body['zh-CN'], Charset: 'UTF-8' } } } },
    });
    const marked = updates().find((u) => u.UpdateExpression?.includes('sentAt'));
    expect(marked?.ExpressionAttributeValues).toMatchObject({ ':sent': 'sent', ':via': 'ses', ':id': '0100018c-ses-id' });
    expect(marked?.UpdateExpression).toContain('REMOVE pendingPk, pendingSk, claim');
  });

  it('does not send a message another sender holds', async () => {
    // prepare: the claim's condition fails
    ddb.on(UpdateCommand).rejects(Object.assign(new (await import('@aws-sdk/client-dynamodb')).ConditionalCheckFailedException({ message: 'held', $metadata: {} })));
    ses.on(SendEmailCommand).resolves({ MessageId: 'x' });

    // act
    const result = await handler(event, lambdaContext());

    // assert
    expect(result).toEqual({ escalated: 0, sent: 0 });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });
});
