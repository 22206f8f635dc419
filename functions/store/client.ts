import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TIME_BUDGET } from '../platform/time-budget';
import { traced } from '../platform/tracer';
import { TABLES, type TableKey } from './tables';

/**
 * The DynamoDB document client, made once per cold start. `DYNAMODB_ENDPOINT` points it at DynamoDB
 * Local (npm start, tests); on AWS it is unset. Each attempt has an enforced deadline and a call has few
 * attempts (platform/time-budget.ts), so a stalled call fails as a dependency fault (503) well within the
 * function's timeout instead of hanging. On Lambda each call is an X-Ray subsegment (platform/tracer.ts).
 */
export function createDocumentClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBDocumentClient {
  const { connectMs, attemptMs, maxAttempts } = TIME_BUDGET.dynamo;
  const client = traced(new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts,
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and waits on.
    requestHandler: { connectionTimeout: connectMs, requestTimeout: attemptMs, throwOnRequestTimeout: true },
  }));
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** The name of a table this function is bound to; fails at cold start if the binding is missing. */
export function tableName(key: TableKey, env: NodeJS.ProcessEnv = process.env): string {
  const { envVar } = TABLES[key];
  const name = env[envVar];
  if (!name) throw new Error(`${envVar} is not set: this function is not bound to the ${key} table`);
  return name;
}

/**
 * A check that DynamoDB answers a read of one of this function's tables within `deadlineMs`: one GetItem of
 * a key no item has (0.5 read units), abandoned at the deadline rather than retried; the check throws when
 * DynamoDB did not answer. The table's binding is read now, so a missing one fails at cold start. For
 * `GET /health?deep=true`.
 */
export function tableProbe(
  db: DynamoDBDocumentClient,
  key: TableKey,
  deadlineMs: number = TIME_BUDGET.dynamo.probeMs,
): () => Promise<void> {
  const TableName = tableName(key);
  const { partitionKey, sortKey } = TABLES[key];
  const Key = { [partitionKey]: '#health', [sortKey]: '#health' };
  return async () => {
    await db.send(new GetCommand({ TableName, Key }), { abortSignal: AbortSignal.timeout(deadlineMs) });
  };
}
