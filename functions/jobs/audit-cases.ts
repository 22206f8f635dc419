import { auditCases } from '../routes/audit';
import { auditConsumerHandler } from './audit-chain';

/** Chains the cases table's changes (routes/audit.ts `auditCases`). */
export const handler = auditConsumerHandler(auditCases.stream.table, auditCases.id);
