import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb';

/**
 * One DynamoDB Local (in memory) for the whole integration run; each test file makes its own uniquely
 * named tables in it (helpers.ts). Its endpoint reaches the test files through `inject('dynamoEndpoint')`.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The SDK's notice that its 2027 releases need Node 22 would otherwise repeat in every test worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  dynamo = await startDynamoDbLocal({ inMemory: true });
  console.log(`integration: DynamoDB Local ready at ${dynamo.endpoint} in ${dynamo.startupMs} ms`);
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}
