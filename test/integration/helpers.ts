import { randomUUID } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/store/client';
import type { TableKey } from '../../functions/store/tables';
import { createTables, deleteTables, localDynamoClient, localFunctionEnv, tableNames } from '../../infra/local/dynamodb';

/**
 * What every integration test file shares: fresh tables of its own in the run's DynamoDB Local, the
 * function environment pointing at them (so the real deps factories of functions/store/deps.ts work).
 * Builders for catalog entities are in test/fixtures.
 */

export interface TestTables {
  endpoint: string;
  tables: Record<TableKey, string>;
  /** The document client the functions use, pointed at DynamoDB Local. */
  db: DynamoDBDocumentClient;
  /** Deletes the tables and closes the client. */
  drop(): Promise<void>;
}

/**
 * Creates uniquely named tables (from functions/store/tables.ts) for one test file and sets process.env
 * as the functions' Lambda configuration would: endpoint, region, throwaway credentials, table names.
 */
export async function freshTables(): Promise<TestTables> {
  const endpoint = inject('dynamoEndpoint');
  const tables = tableNames(`it-${randomUUID().slice(0, 8)}`);
  const admin = localDynamoClient(endpoint);
  await createTables(admin, tables);
  Object.assign(process.env, localFunctionEnv(endpoint, tables));
  const db = createDocumentClient(endpoint);
  return {
    endpoint,
    tables,
    db,
    async drop() {
      db.destroy();
      await deleteTables(admin, tables);
      admin.destroy();
    },
  };
}

/** How many items a partition holds (a COUNT query, so nothing is read into the test). */
export async function countItems(db: DynamoDBDocumentClient, table: string, pk: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}
