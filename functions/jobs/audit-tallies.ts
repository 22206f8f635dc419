import { auditTallies } from '../routes/audit';
import { auditConsumerHandler } from './audit-chain';

/** Chains the tallies table's changes (routes/audit.ts `auditTallies`). */
export const handler = auditConsumerHandler(auditTallies.stream.table, auditTallies.id);
