import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES, type TableKey } from './tables';

/**
 * The DynamoDB document client, made once per cold start. `DYNAMODB_ENDPOINT` points it at DynamoDB
 * Local (npm start, tests); on AWS it is unset. Short timeouts let a stalled call fail as a dependency
 * fault (503) well within the function's timeout instead of hanging.
 */
export function createDocumentClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and waits on.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  });
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
