import type { StreamFilter } from '../../functions/routes';
import { TABLES, type StreamTableKey } from '../../functions/store/tables';

/**
 * What a stream consumer's event source mapping (stream-consumer.ts) and the local stream reader
 * (infra/local/streams.ts) must agree on beyond the declaration in routes.ts: the filter pattern and the
 * function's time limit. Kept apart from the CDK code so that the local runtime does not load aws-cdk-lib.
 */

/** How long one batch may take: far more than counting a hundred ballots needs, far less than a stuck shard should wait. */
export const STREAM_CONSUMER_TIMEOUT_SECONDS = 60;

/** A Lambda event filter pattern, in the subset used here: lists of exact values and `{ prefix }` rules. */
export type FilterPattern = { readonly [field: string]: FilterPattern | readonly FilterRule[] };
export type FilterRule = string | number | boolean | null | { readonly prefix: string };

/**
 * A stream consumer's filter (functions/routes/route.ts `StreamFilter`) as a Lambda event filter pattern,
 * for a filter on a table's stream records: the change (`eventName`) and, where the filter names
 * one, the prefix of the sort key in the record's `Keys` (DynamoDB JSON, so `{ "S": [{ "prefix": … }] }`).
 */
export function streamFilterPattern(table: StreamTableKey, filter: StreamFilter): FilterPattern {
  if (filter.eventNames.length === 0) throw new Error(`a stream filter on ${table} that lets no change through`);
  return {
    eventName: [...filter.eventNames],
    ...(filter.sortKeyBeginsWith === undefined
      ? {}
      : { dynamodb: { Keys: { [TABLES[table].sortKey]: { S: [{ prefix: filter.sortKeyBeginsWith }] } } } }),
  };
}

/**
 * Whether an event (a stream record as Lambda hands it over) matches a filter pattern, as Lambda's event
 * filtering decides it: every field of the pattern must be present, a list matches when any of its rules
 * does, an object descends into the event's field of that name. A rule this subset does not know throws
 * rather than guessing.
 */
export function matchesFilterPattern(pattern: FilterPattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const fields = event as Record<string, unknown>;
  return Object.entries(pattern).every(([name, expected]) => {
    const actual = fields[name];
    if (!Array.isArray(expected)) return matchesFilterPattern(expected as FilterPattern, actual);
    return (expected as readonly FilterRule[]).some((rule) => matchesRule(rule, actual));
  });
}

function matchesRule(rule: FilterRule, actual: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return actual === rule;
  if (Object.keys(rule).length === 1 && typeof rule.prefix === 'string') {
    return typeof actual === 'string' && actual.startsWith(rule.prefix);
  }
  throw new Error(`filter rule ${JSON.stringify(rule)} is not supported by the local stream reader`);
}
