import { afterAll, describe, expect, it } from 'vitest';
import { streamConsumers, type StreamConsumer as StreamConsumerDefinition } from '../../functions/routes';
import { BUCKETS } from '../../functions/store/buckets';
import { BALLOT_PREFIX } from '../../functions/store/evaluation/response-store';
import { TABLES, type TableAccess, type TableKey } from '../../functions/store/tables';
import { STREAM_CONSUMER_TIMEOUT } from '../../infra/constructs/stream-consumer';
import { type FilterPattern, matchesFilterPattern } from '../../infra/constructs/stream-mapping';
import { CHINA_CONTEXT } from './profiles';
import { cleanUp, type Json, logicalId, roleStatements, synth } from './synth';

afterAll(cleanUp);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

// What each declared access must turn into on the table itself (permissions.test.ts spells out the same).
const READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan'];
const WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const EXPECTED: Record<TableAccess, string[]> = {
  read: READ,
  append: ['dynamodb:PutItem'],
  write: WRITE,
  readWrite: [...new Set([...READ, ...WRITE])].sort(),
};
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** A ballot's or a salt's stream record, as Lambda hands it to a consumer (DynamoDB JSON images). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', sk: string) {
  const keys = { pk: { S: 'P#2026#a' }, sk: { S: sk } };
  return {
    eventID: '1',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: keys, ...(eventName === 'REMOVE' ? {} : { NewImage: { ...keys, formId: { S: 'f' } } }), SequenceNumber: '1', StreamViewType: 'NEW_IMAGE' },
  };
}

describe.each([
  ['aws', {}],
  ['china', CHINA_CONTEXT],
] as const)('stream consumers (%s profile)', (_profile, context) => {
  const { stack, template } = synth('dev', {}, context);
  const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const props = (construct: Parameters<typeof logicalId>[0]) => resources()[logicalId(construct)]!.Properties;
  const mappings = () => Object.values(resources()).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
  const mappingOf = (id: string) => {
    const fn = { Ref: logicalId(stack.streamConsumers[id]!.handler.function) };
    const found = mappings().filter((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(fn));
    expect(found).toHaveLength(1);
    return found[0]!.Properties;
  };
  /** Every statement of a consumer's role: its inline policy, and any policy attached to it. */
  const statementsOf = (id: string): Statement[] => roleStatements(template, logicalId(stack.streamConsumers[id]!.handler.role)) as Statement[];
  const tableArn = (key: TableKey) => ({ 'Fn::GetAtt': [logicalId(stack.tables.get(key).table), 'Arn'] });
  const streamArn = (key: TableKey) => ({ 'Fn::GetAtt': [logicalId(stack.tables.get(key).table), 'StreamArn'] });
  const consumers = streamConsumers.map((consumer) => [consumer.id, consumer] as const);

  it('gives a stream of new images to the tables store/tables.ts names, and to no other', () => {
    for (const [key, definition] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      const specification = props(stack.tables.get(key).table).StreamSpecification;
      if ('stream' in definition) expect(specification, key).toEqual({ StreamViewType: definition.stream });
      else expect(specification, key).toBeUndefined();
    }
    expect(TABLES.responses).toMatchObject({ stream: 'NEW_IMAGE' });
  });

  it('makes one event source mapping per stream consumer of routes.ts', () => {
    expect(mappings()).toHaveLength(streamConsumers.length);
  });

  it.each(consumers)('feeds %s its table\'s stream from the oldest record, in declared batches, with partial batch answers', (id, consumer) => {
    const { stream } = consumer;
    expect(mappingOf(id)).toMatchObject({
      EventSourceArn: streamArn(stream.table),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: stream.batchSize,
      MaximumBatchingWindowInSeconds: stream.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: stream.retryAttempts,
      MaximumRecordAgeInSeconds: stream.maxRecordAgeSeconds,
    });
    const parallelization = mappingOf(id).ParallelizationFactor as number | undefined;
    expect(parallelization ?? 1).toBe('parallelizationFactor' in stream ? stream.parallelizationFactor : 1);
  });

  it('counts the responses stream with the declared limits: 100 records, 5 s, 10 retries, a day', () => {
    expect(mappingOf('countResponses')).toMatchObject({
      EventSourceArn: streamArn('responses'),
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
    });
  });

  it('lets only new ballots invoke the counting function: no salt, no change or removal', () => {
    const filters = (mappingOf('countResponses').FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0]!.Pattern) as FilterPattern;
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: BALLOT_PREFIX }] } } } });
    // The deployed pattern, read back from the template, matched as the local stream reader matches it.
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', `${BALLOT_PREFIX}o.abc`))).toBe(true);
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', '2026-11-29'))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', 'SALT'))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('MODIFY', `${BALLOT_PREFIX}o.abc`))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('REMOVE', `${BALLOT_PREFIX}o.abc`))).toBe(false);
  });

  it.each(consumers)('describes a batch %s gave up on in its own encrypted, TLS-only queue, kept 14 days', (id) => {
    const queue = stack.streamConsumers[id]!.onFailureQueue;
    const queueArn = { 'Fn::GetAtt': [logicalId(queue), 'Arn'] };
    expect(mappingOf(id).DestinationConfig).toEqual({ OnFailure: { Destination: queueArn } });
    expect(props(queue)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(logicalId(queue)),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The function's role may send to it (the mapping sends with the function's permissions).
    expect(statementsOf(id)).toContainEqual(expect.objectContaining({ Effect: 'Allow', Resource: queueArn }));
  });

  it.each(consumers)('lets %s read its table\'s stream and do on tables exactly what routes.ts declares', (id, consumer) => {
    const statements = statementsOf(id).filter((s) => asArray(s.Action).some((action) => action.startsWith('dynamodb:')));
    const onStream = statements.filter((s) => asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(streamArn(consumer.stream.table))));
    expect([...new Set(onStream.flatMap((s) => asArray(s.Action)))].sort()).toEqual(STREAM_READ);
    for (const statement of onStream) expect(asArray(statement.Resource)).toEqual([streamArn(consumer.stream.table)]);

    const byTable: Partial<Record<TableKey, string[]>> = {};
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const actions = statements
        .filter((s) => asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(tableArn(key))))
        .flatMap((s) => asArray(s.Action));
      if (actions.length > 0) byTable[key] = [...new Set(actions)].sort();
    }
    const declared = consumer.tables as Partial<Record<TableKey, TableAccess>>;
    expect(byTable).toEqual(Object.fromEntries(Object.entries(declared).map(([key, access]) => [key, EXPECTED[access]])));
    // Nothing else: every DynamoDB statement is on a declared table or on the stream.
    const allowed = [streamArn(consumer.stream.table), ...Object.keys(declared).map((key) => tableArn(key as TableKey))].map((r) => JSON.stringify(r));
    for (const statement of statements) for (const resource of asArray(statement.Resource)) expect(allowed).toContain(JSON.stringify(resource));
  });

  it('never lets the counting function read or write a stored ballot: it sees ballots in the stream only', () => {
    const onResponses = statementsOf('countResponses').filter((s) =>
      asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(tableArn('responses'))),
    );
    expect(onResponses).toEqual([]);
  });

  it.each(consumers)('hands %s the names of exactly its declared tables', (id, consumer) => {
    const variables = props(stack.streamConsumers[id]!.handler.function).Environment.Variables as Record<string, unknown>;
    for (const [key, definition] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      if (key in consumer.tables) expect(variables[definition.envVar]).toEqual({ Ref: logicalId(stack.tables.get(key).table) });
      else expect(variables).not.toHaveProperty(definition.envVar);
    }
  });

  it.each(consumers)('runs %s like every function, with a minute per batch unless its runtime says otherwise', (id, consumer) => {
    const fn = props(stack.streamConsumers[id]!.handler.function);
    const runtime = (consumer as StreamConsumerDefinition).runtime;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: runtime?.timeoutSeconds ?? STREAM_CONSUMER_TIMEOUT.toSeconds(),
      MemorySize: runtime?.memoryMb ?? 512,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(fn.Description).toContain(consumer.id);
  });

  it('gives the export function the most Lambda allows, and its bucket as declared', () => {
    const fn = props(stack.streamConsumers.runResponseExports!.handler.function);
    expect(fn).toMatchObject({ Timeout: 900, MemorySize: 1769 });
    expect(fn.Environment.Variables[BUCKETS.exports.envVar]).toEqual({ Ref: logicalId(stack.buckets.get('exports').bucket) });
  });
});
