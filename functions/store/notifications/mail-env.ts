/**
 * The env var that hands a function the deployment's sender address (infra/constructs/mail.ts sets it,
 * store/notifications/mailer.ts reads it). No import here, so CDK reads it without loading the SES client.
 */
export const MAIL_FROM_ENV = 'MAIL_FROM';
