import { auditDisclosures } from '../routes/audit';
import { auditConsumerHandler } from './audit-chain';

/** Chains the disclosures table's changes (routes/audit.ts `auditDisclosures`). */
export const handler = auditConsumerHandler(auditDisclosures.stream.table, auditDisclosures.id);
