/**
 * The DynamoDB tables, defined once: CDK creates them from this, the local runtime creates them in
 * DynamoDB Local from this, and each store module reads its table's name from the env var named here.
 * The key design of each table is documented in the store module that owns it.
 */
export interface TableDefinition {
  /** CDK construct id. */
  readonly id: string;
  /** The env var that carries the table's name to a function bound to it. */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /**
   * The table's DynamoDB stream and what each record carries; functions read it as the stream consumers
   * of functions/routes.ts declare (`stream.table`). CDK and DynamoDB Local both enable it from here.
   */
  readonly stream?: StreamViewType;
  /**
   * Global secondary indexes, each keyed by two string attributes and projecting whole items. An item
   * without an index's attributes is not in it (a sparse index): what a job queries instead of a Scan.
   */
  readonly indexes?: readonly IndexDefinition[];
  /**
   * `customerManagedKey`: encrypted with a KMS key of this stack (rotated yearly) rather than the AWS-managed
   * one, so reading it needs a grant on the key as well: for tables of personal data.
   */
  readonly encryption?: 'customerManagedKey';
  /** The attribute (epoch seconds) after which DynamoDB's TTL deletes an item. */
  readonly timeToLiveAttribute?: string;
}

/** A global secondary index of a table (see `TableDefinition.indexes`). */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** What a stream record carries: a new image only — a ballot is written once and never updated. */
export type StreamViewType = 'NEW_IMAGE';

export const TABLES = {
  /** What admins define: units (store/units/unit-store.ts), groups, periods, forms and form versions (store/evaluation/catalog-store.ts). */
  catalog: { id: 'Catalog', envVar: 'CATALOG_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Responses, one item per submission (store/evaluation/response-store.ts). Contact data never lives here. */
  responses: { id: 'Responses', envVar: 'RESPONSES_TABLE', partitionKey: 'pk', sortKey: 'sk', stream: 'NEW_IMAGE' },
  /**
   * Tallies per period and unit, the flagged batches, and each period's last run (store/evaluation/tally-store.ts).
   * Its stream carries the daily snapshots to the audit chain; a filter keeps the counters out (routes/audit.ts).
   */
  tallies: { id: 'Tallies', envVar: 'TALLIES_TABLE', partitionKey: 'pk', sortKey: 'sk', stream: 'NEW_IMAGE' },
  /** Appeals, reviews of flagged batches and their append-only events (store/evaluation/review-store.ts). */
  reviews: { id: 'Reviews', envVar: 'REVIEWS_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /**
   * The notification outbox: one item per (case, deadline, escalation step, recipient), written in the
   * sweeper's transaction and sent from here (store/notifications/outbox-store.ts). Sparse indexes: the
   * messages still to send, and every message by month (the local outbox page).
   */
  notifications: {
    id: 'Notifications',
    envVar: 'NOTIFICATIONS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'pending', partitionKey: 'pendingPk', sortKey: 'pendingSk' },
      { name: 'byMonth', partitionKey: 'monthPk', sortKey: 'monthSk' },
    ],
  },
  /**
   * Cases (complaints, bad reviews, findings), their append-only events and tracking numbers
   * (store/cases/case-store.ts). Indexes: a unit's cases (unit scoping is a Query on the unit's partition),
   * cases by month of receipt (supervisors' lists, KPIs), and the open cases by deadline (the sweeper).
   * Contact data never lives here.
   */
  cases: {
    id: 'Cases',
    envVar: 'CASES_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'byUnit', partitionKey: 'unitPk', sortKey: 'listSk' },
      { name: 'byMonth', partitionKey: 'monthPk', sortKey: 'listSk' },
      { name: 'open', partitionKey: 'openPk', sortKey: 'openSk' },
    ],
    // Its events reach the audit chain (routes/audit.ts).
    stream: 'NEW_IMAGE',
  },
  /**
   * Citizens' contact details, one item per case, kept apart from the case (store/cases/case-store.ts):
   * encrypted with a customer-managed key, readable only by the functions that call back, deleted by TTL a
   * set time after the case ends.
   */
  contacts: { id: 'Contacts', envVar: 'CONTACTS_TABLE', partitionKey: 'pk', sortKey: 'sk', encryption: 'customerManagedKey', timeToLiveAttribute: 'expiresAt' },
  /**
   * Disclosures (公示): each with its redacted content, approval and publication, beside its append-only events
   * (store/disclosure/disclosure-store.ts); index `list`: every disclosure by time of proposal. Its stream carries
   * approvals and publications to the audit chain. Never holds an unredacted text.
   */
  disclosures: {
    id: 'Disclosures',
    envVar: 'DISCLOSURES_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    stream: 'NEW_IMAGE',
    indexes: [{ name: 'list', partitionKey: 'listPk', sortKey: 'listSk' }],
  },
  /**
   * Weekly briefings (简报) and monthly reports (月报告), one item per window, and the counters their numbers
   * are taken from (store/briefings/briefing-store.ts). Its stream carries each draft and publication, for
   * the audit chain.
   */
  briefings: { id: 'Briefings', envVar: 'BRIEFINGS_TABLE', partitionKey: 'pk', sortKey: 'sk', stream: 'NEW_IMAGE' },
  /**
   * The tamper-evident audit chain: its records, its head, and one marker per chained source item
   * (store/audit/audit-store.ts). The audit consumers only add to it (PutItem); nothing else writes it.
   */
  audit: { id: 'Audit', envVar: 'AUDIT_TABLE', partitionKey: 'pk', sortKey: 'sk' },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/** The tables that have a stream: the only ones a stream consumer may read. */
export type StreamTableKey = { [K in TableKey]: (typeof TABLES)[K] extends { stream: StreamViewType } ? K : never }[TableKey];

/**
 * How a function uses a table; CDK grants exactly this. `append` may only add items (PutItem): a function
 * that takes ratings from the public can never update or delete one.
 */
export type TableAccess = 'read' | 'append' | 'write' | 'readWrite';
