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
}

/** What a stream record carries: a new image only — a ballot is written once and never updated. */
export type StreamViewType = 'NEW_IMAGE';

export const TABLES = {
  /** What admins define: units (store/units/unit-store.ts), groups, periods, forms and form versions (store/evaluation/catalog-store.ts). */
  catalog: { id: 'Catalog', envVar: 'CATALOG_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Responses, one item per submission (store/evaluation/response-store.ts). Contact data never lives here. */
  responses: { id: 'Responses', envVar: 'RESPONSES_TABLE', partitionKey: 'pk', sortKey: 'sk', stream: 'NEW_IMAGE' },
  /** Tallies per period and unit, the flagged batches, and each period's last run (store/evaluation/tally-store.ts). */
  tallies: { id: 'Tallies', envVar: 'TALLIES_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Appeals, reviews of flagged batches and their append-only events (store/evaluation/review-store.ts). */
  reviews: { id: 'Reviews', envVar: 'REVIEWS_TABLE', partitionKey: 'pk', sortKey: 'sk' },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/** The tables that have a stream: the only ones a stream consumer may read. */
export type StreamTableKey = { [K in TableKey]: (typeof TABLES)[K] extends { stream: StreamViewType } ? K : never }[TableKey];

/**
 * How a function uses a table; CDK grants exactly this. `append` may only add items (PutItem): a function
 * that takes ratings from the public can never update or delete one.
 */
export type TableAccess = 'read' | 'append' | 'write' | 'readWrite';
