import { ZChainReport, ZVerifyQuery } from '../domain/audit/verify';
import { AUDIT_SOURCES, type AuditedTable } from '../store/audit/audit-sources';
import { ADMINS, type Route, type StreamConsumer } from './route';

/**
 * The audit context: the tamper-evident chain (domain/audit/). One stream consumer per chained table
 * (store/audit/audit-sources.ts) appends its changes to the one chain — a function of its own per table,
 * so that each reads one stream only and a table's backlog or poison record holds up no other's; they meet
 * only at the chain's head, by condition. An admin re-derives the chain (`npm run audit -- verify` does
 * the same without a time limit).
 */

/** The stream consumer that chains one table's changes. */
function auditConsumer<const T extends AuditedTable>(table: T, id: `audit${Capitalize<T>}`) {
  const source = AUDIT_SOURCES[table];
  return {
    id,
    entry: `jobs/audit-${table}.ts`,
    summary: `Appends each chained change of the ${table} table (sort key ${source.sortKeyBeginsWith}…) to the tamper-evident audit chain, once however often the stream delivers it.`,
    stream: {
      table,
      filter: { eventNames: source.eventNames, sortKeyBeginsWith: source.sortKeyBeginsWith },
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 10,
      // The stream keeps a record 24 h: a backlog is chained late rather than skipped, up to that.
      maxRecordAgeSeconds: 24 * 60 * 60,
    },
    // Puts only: a record, the head, a source's marker (store/audit/audit-store.ts); never an update or a delete.
    tables: { audit: 'append' },
  } as const satisfies StreamConsumer;
}

export const auditCases = auditConsumer('cases', 'auditCases');
export const auditTallies = auditConsumer('tallies', 'auditTallies');
export const auditDisclosures = auditConsumer('disclosures', 'auditDisclosures');
export const auditBriefings = auditConsumer('briefings', 'auditBriefings');

export const verifyAuditChain = {
  operationId: 'verifyAuditChain',
  method: 'POST',
  path: '/admin/audit/verify',
  entry: 'api/audit/verify-audit-chain.ts',
  access: ADMINS,
  tables: { audit: 'read', cases: 'read', tallies: 'read', disclosures: 'read', briefings: 'read' },
  summary:
    'Re-derives the tamper-evident audit chain from record 1 (or after `after`): each record\'s hash, its link to the one before, ' +
    'no seq missing, and each chained item (case and ledger events, tally snapshots, disclosure events, briefings) read back against its digest; ' +
    'names the first broken link. `incomplete` when API Gateway\'s time ran out first: call again with `after` = `verifiedThrough`, or run ' +
    '`npm run audit -- verify`, which has no time limit.',
  query: ZVerifyQuery,
  runtime: { timeoutSeconds: 28, memoryMb: 1024 },
  responses: [
    { status: 200, description: 'What the verification found: intact, incomplete, or the first broken link.', schema: ZChainReport },
    { status: 400, description: 'Invalid input; every failing field is named.' },
  ],
} as const satisfies Route;
