/**
 * DynamoDB kept returning unprocessed items after every retry: a dependency fault, not a bug. It carries
 * the SDK's own retryable marker, which platform/errors.ts answers with 503 and Retry-After.
 */
export class UnprocessedError extends Error {
  override readonly name = 'UnprocessedItemsError';
  readonly $retryable = { throttling: true };
  constructor(operation: string) {
    super(`${operation} left items unprocessed after retries`);
  }
}

/** Waits before retry `attempt` (1, 2, ...): exponential backoff with full jitter, 100 ms doubling, capped at 2 s. */
export const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2_000, 50 * 2 ** attempt)));

/** How many times a batch call is retried for unprocessed items before giving up. */
export const BATCH_RETRIES = 5;
