import { auditBriefings } from '../routes/audit';
import { auditConsumerHandler } from './audit-chain';

/** Chains the briefings table's changes (routes/audit.ts `auditBriefings`). */
export const handler = auditConsumerHandler(auditBriefings.stream.table, auditBriefings.id);
