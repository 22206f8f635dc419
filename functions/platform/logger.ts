import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger (Powertools). Log ids, codes and counts — never request bodies, comments,
 * names, phone numbers or IP addresses.
 */
export const logger = new Logger({ serviceName: 'pingyi' });
