import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/**
 * The little of the Lambda runtime the local stack imitates: load a function's module from functions/
 * (the same file CDK bundles), give it a context like Lambda's, and call its `handler` with a time limit.
 */

/** A function's handler as the local runtime calls it. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Absolute path of functions/, where route and job entries are relative to. */
export const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

/**
 * Imports `functions/<entry>` and returns its `handler`. Functions read their env (table names, the
 * DynamoDB endpoint) at import, so the caller sets process.env first, as Lambda sets it before a cold start.
 */
export async function loadHandler(entry: string, instance?: string): Promise<LambdaHandler> {
  // Another `instance` is another cold start: the module is evaluated again, with the env of now.
  const url = pathToFileURL(`${FUNCTIONS_DIR}${entry}`).href + (instance ? `?instance=${encodeURIComponent(instance)}` : '');
  const mod = (await import(url)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new Error(`functions/${entry} does not export a handler function`);
  return mod.handler as LambdaHandler;
}

/** A Lambda context for one invocation; Powertools' logger reads the request id and function name from it. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('the local runtime supports async handlers only');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** The invocation ran past its time limit (Lambda's "Task timed out"). */
export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
}

/** Calls a handler with a fresh context; rejects with InvocationTimeoutError after `timeoutMs`. */
export async function invoke(
  handler: LambdaHandler,
  event: unknown,
  functionName: string,
  timeoutMs: number,
): Promise<unknown> {
  const context = lambdaContext(functionName, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InvocationTimeoutError(`${functionName} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
