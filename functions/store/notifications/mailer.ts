import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailReceipt, OutgoingMail } from '../../domain/notifications/sweep';
import { MAIL_FROM_ENV } from './mail-env';

/**
 * Where the escalation messages go. On AWS the sweeper's function is given a sender (`MAIL_FROM`, the
 * stage's verified SES address: infra/constructs/mail.ts) and sends each message with Amazon SES
 * (SESv2 SendEmail, text in UTF-8). Without one — `npm start`, or a deployment with no sender configured —
 * nothing leaves the machine: the outbox (the notifications table, and the local outbox page) is where the
 * messages are read, and each is marked as delivered `via: 'outbox'`, never as sent by email.
 */
export { MAIL_FROM_ENV };

/** How long one SES call may take: a connection, an answer, two attempts — seconds, within the job's timeout. */
const SES_TIMEOUTS = { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true } as const;

export type Mailer = (mail: OutgoingMail) => Promise<MailReceipt>;

/** Sends with SES from `from`; throws whatever SES throws, so the message stays in the outbox. */
export function sesMailer(client: SESv2Client, from: string): Mailer {
  return async (mail) => {
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.body, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    if (!out.MessageId) throw new Error('SES answered without a message id');
    return { via: 'ses', messageId: out.MessageId };
  };
}

/** Leaves every message in the outbox, where it is read (npm start). */
export const outboxOnlyMailer: Mailer = async () => ({ via: 'outbox' });

/** The mailer this function's configuration asks for: SES when it has a sender, the outbox alone otherwise. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer {
  const from = env[MAIL_FROM_ENV];
  if (from === undefined) return outboxOnlyMailer;
  if (!/^[^@\s]+@[^@\s]+$/.test(from)) throw new Error(`${MAIL_FROM_ENV} is not an email address`);
  return sesMailer(new SESv2Client({ maxAttempts: 2, requestHandler: SES_TIMEOUTS }), from);
}
