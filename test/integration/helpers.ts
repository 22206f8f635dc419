import { randomUUID } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import type { Form, Period, Unit } from '../../functions/domain/catalog';
import { createDocumentClient } from '../../functions/store/client';
import type { TableKey } from '../../functions/store/tables';
import { createTables, deleteTables, localDynamoClient, localFunctionEnv, tableNames } from '../../infra/local/dynamodb';

/**
 * What every integration test file shares: fresh tables of its own in the run's DynamoDB Local, the
 * function environment pointing at them (so the real deps factories of functions/store/deps.ts work),
 * and builders for catalog entities.
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

const DAY_MS = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function aUnit(unitId: string, zh = `测试单位${unitId}`, en = `Test unit ${unitId}`): Unit {
  return { unitId, kind: 'bureau', name: { 'zh-CN': zh, en } };
}

/** A period open from 30 days ago to 30 days ahead. */
export function anOpenPeriod(overrides: Partial<Period> = {}): Period {
  const now = Date.now();
  return {
    periodId: 'open-period',
    name: { 'zh-CN': '测试评议期', en: 'Test period' },
    opensAt: iso(now - 30 * DAY_MS),
    closesAt: iso(now + 30 * DAY_MS),
    groupWeights: { citizen: 0.5, enterprise: 0.3, deputy: 0.1, appointedSupervisor: 0.1 },
    minSample: 5,
    ...overrides,
  };
}

/** A period that ended yesterday. */
export function anEndedPeriod(overrides: Partial<Period> = {}): Period {
  const now = Date.now();
  return anOpenPeriod({ periodId: 'ended-period', opensAt: iso(now - 60 * DAY_MS), closesAt: iso(now - DAY_MS), ...overrides });
}

/** A five-level form with 不了解, every respondent group, for `period` and `unitIds`. */
export function aForm(period: Period, unitIds: string[], overrides: Partial<Form> = {}): Form {
  return {
    formId: `${period.periodId}-form`,
    periodId: period.periodId,
    title: { 'zh-CN': '测试评议表', en: 'Test form' },
    scale: 'five',
    allowDontKnow: true,
    groups: ['citizen', 'enterprise', 'deputy', 'appointedSupervisor'],
    unitIds,
    commentMaxLength: 200,
    ...overrides,
  };
}
