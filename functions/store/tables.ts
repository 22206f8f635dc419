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
}

export const TABLES = {
  /** What admins define: units (store/units/unit-store.ts), groups, periods, forms and form versions (store/evaluation/catalog-store.ts). */
  catalog: { id: 'Catalog', envVar: 'CATALOG_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Responses, one item per submission (store/evaluation/response-store.ts). Contact data never lives here. */
  responses: { id: 'Responses', envVar: 'RESPONSES_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Tallies per period and unit, the flagged batches, and each period's last run (store/evaluation/tally-store.ts). */
  tallies: { id: 'Tallies', envVar: 'TALLIES_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  /** Appeals, reviews of flagged batches and their append-only events (store/evaluation/review-store.ts). */
  reviews: { id: 'Reviews', envVar: 'REVIEWS_TABLE', partitionKey: 'pk', sortKey: 'sk' },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/**
 * How a function uses a table; CDK grants exactly this. `append` may only add items (PutItem): a function
 * that takes ratings from the public can never update or delete one.
 */
export type TableAccess = 'read' | 'append' | 'write' | 'readWrite';
