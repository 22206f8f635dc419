import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metric-names';

/**
 * The one structured logger (Powertools). Log ids, codes and counts — never request bodies, comments,
 * names, phone numbers or IP addresses.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
