import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { MAIL_FROM_ENV } from '../../functions/store/notifications/mail-env';
import type { ApiFunction } from './api-function';

/**
 * Email from Pingyi (the escalation ladder's messages) through Amazon SES, configured per deployment with
 * CDK context: `-c mailFrom=pingyi@notify.example.gov.cn` is the sender, and `-c mailIdentity=…` the SES
 * identity it is verified under (default: the address's domain). The identity itself is verified once by
 * the operator (a domain identity's DKIM records in DNS), outside the stack: a stack that created it would
 * fail on an account where it already exists, and deleting the stack would unverify the district's domain.
 * Without `mailFrom`, functions that would send mail leave their messages in the outbox (store/notifications/mailer.ts).
 */
export interface MailSettings {
  /** The sender address. */
  readonly from: string;
  /** The verified SES identity the sender belongs to: a domain or the address itself. */
  readonly identity: string;
}

const ADDRESS = /^[^@\s]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i;

/** The deployment's mail settings from context, checked at synth time; undefined when `mailFrom` is not given. */
export function mailSettings(scope: IConstruct): MailSettings | undefined {
  const text = (key: string): string | undefined => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
    return value.trim();
  };
  const from = text('mailFrom');
  const identity = text('mailIdentity');
  if (from === undefined) {
    if (identity !== undefined) throw new Error('mailIdentity needs the sender address it verifies: -c mailFrom=…');
    return undefined;
  }
  const domain = ADDRESS.exec(from)?.[1];
  if (!domain) throw new Error(`mailFrom must be an email address such as pingyi@notify.example.gov.cn, got "${from}"`);
  const chosen = identity ?? domain.toLowerCase();
  if (chosen.toLowerCase() !== from.toLowerCase() && !domain.toLowerCase().endsWith(chosen.toLowerCase())) {
    throw new Error(`mailIdentity ${chosen} does not cover the sender ${from}: give the address or its (parent) domain`);
  }
  return { from, identity: chosen };
}

/** The ARN of an SES identity in the stack's partition, region and account. */
export const sesIdentityArn = (scope: IConstruct, identity: string): string =>
  `arn:${Aws.PARTITION}:ses:${Stack.of(scope).region}:${Stack.of(scope).account}:identity/${identity}`;

/**
 * Lets a function send email as the deployment's sender: `ses:SendEmail` on that one SES identity, nothing
 * else (no other identity, no templates, no sending quotas to read), and hands it the sender address.
 */
export function bindMailSender(fn: ApiFunction, settings: MailSettings): void {
  iam.Grant.addToPrincipal({
    grantee: fn.function,
    actions: ['ses:SendEmail'],
    resourceArns: [sesIdentityArn(fn, settings.identity)],
  });
  fn.function.addEnvironment(MAIL_FROM_ENV, settings.from);
}
