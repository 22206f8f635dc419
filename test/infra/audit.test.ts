import { afterAll, describe, expect, it } from 'vitest';
import { auditBriefings, auditCases, auditDisclosures, auditTallies, verifyAuditChain } from '../../functions/routes/audit';
import { AUDIT_SOURCES, AUDITED_TABLES } from '../../functions/store/audit/audit-sources';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { type FilterPattern, matchesFilterPattern } from '../../infra/constructs/stream-mapping';
import { cleanUp, type Json, logicalId, roleStatements, synth } from './synth';

afterAll(cleanUp);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const CONSUMERS = [auditCases, auditTallies, auditDisclosures, auditBriefings];

/** A change of an item as Lambda hands it to a mapping's filter (DynamoDB JSON). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', pk: string, sk: string) {
  const keys = { pk: { S: pk }, sk: { S: sk } };
  return { eventName, eventSource: 'aws:dynamodb', dynamodb: { Keys: keys, ...(eventName === 'REMOVE' ? {} : { NewImage: keys }), SequenceNumber: '1', StreamViewType: 'NEW_IMAGE' } };
}

/**
 * The audit chain in the stack: a consumer per chained table whose mapping lets through only the changes
 * store/audit/audit-sources.ts names, and which may only add items to the audit table (PutItem: no update,
 * no delete, no read), never touch a chained table's items; the verification may only read.
 */
describe('the audit chain in the stack', () => {
  const { stack, template } = synth('dev');
  const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const tableArn = (key: TableKey) => JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.tables.get(key).table), 'Arn'] });
  const streamArn = (key: TableKey) => JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.tables.get(key).table), 'StreamArn'] });
  const patternOf = (id: string): FilterPattern => {
    const fn = JSON.stringify({ Ref: logicalId(stack.streamConsumers[id]!.handler.function) });
    const [mapping] = Object.values(resources()).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName) === fn);
    const filters = (mapping!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters).toHaveLength(1);
    return JSON.parse(filters[0]!.Pattern) as FilterPattern;
  };
  /** The DynamoDB actions of a role, by the resource they are on. */
  const dynamoActions = (role: Parameters<typeof logicalId>[0]) => {
    const byResource: Record<string, string[]> = {};
    for (const statement of roleStatements(template, logicalId(role)) as Statement[]) {
      const actions = asArray(statement.Action).filter((a) => a.startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      for (const resource of asArray(statement.Resource)) byResource[JSON.stringify(resource)] = [...new Set([...(byResource[JSON.stringify(resource)] ?? []), ...actions])].sort();
    }
    return byResource;
  };

  it('chains case and ledger events, tally snapshots, disclosure events and briefings', () => {
    expect(CONSUMERS.map((c) => c.stream.table)).toEqual(AUDITED_TABLES);
    expect(AUDITED_TABLES).toEqual(['cases', 'tallies', 'disclosures', 'briefings']);
    for (const key of AUDITED_TABLES) expect(TABLES[key]).toMatchObject({ stream: 'NEW_IMAGE' });
    expect(TABLES.audit).not.toHaveProperty('stream');
  });

  it.each(CONSUMERS.map((c) => [c.id, c] as const))('lets %s add to the audit table only (PutItem) and read its own stream, nothing else', (id, consumer) => {
    // act
    const actions = dynamoActions(stack.streamConsumers[id]!.handler.role);

    // assert
    expect(actions).toEqual({
      [tableArn('audit')]: ['dynamodb:PutItem'],
      [streamArn(consumer.stream.table)]: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    });
  });

  it('lets the verification read the audit table and every chained table, and write nothing', () => {
    // act
    const actions = dynamoActions(stack.api.functions[verifyAuditChain.operationId].role);

    // assert
    const read = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan'];
    for (const key of ['audit', ...AUDITED_TABLES] as TableKey[]) expect(actions[tableArn(key)], key).toEqual(read);
    const written = Object.values(actions).flat().filter((a) => /Put|Update|Delete|Write/.test(a));
    expect(written).toEqual([]);
  });

  it('lets only new case and ledger events reach the chain: no case state, no tracking number, no change of an event', () => {
    // act
    const pattern = patternOf('auditCases');

    // assert
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: AUDIT_SOURCES.cases.sortKeyBeginsWith }] } } } });
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', 'CASE#1', 'EVENT#000001'))).toBe(true);
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', 'CASE#1', 'STATE'))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', 'TRACK#20260601-A', 'TRACK'))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('MODIFY', 'CASE#1', 'EVENT#000001'))).toBe(false);
    expect(matchesFilterPattern(pattern, streamRecord('REMOVE', 'CASE#1', 'EVENT#000001'))).toBe(false);
  });

  it('lets only tally snapshots (each version) reach the chain: never the hot counters, tallies or runs', () => {
    // act
    const pattern = patternOf('auditTallies');

    // assert
    expect(pattern).toEqual({ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [{ prefix: 'S#' }] } } } });
    expect(matchesFilterPattern(pattern, streamRecord('INSERT', 'P#2026', 'S#tax-bureau#2026-11-29'))).toBe(true);
    expect(matchesFilterPattern(pattern, streamRecord('MODIFY', 'P#2026', 'S#tax-bureau#2026-11-29'))).toBe(true);
    expect(matchesFilterPattern(pattern, streamRecord('REMOVE', 'P#2026', 'S#tax-bureau#2026-11-29'))).toBe(false);
    for (const [pk, sk] of [
      ['C#2026', 'U#tax-bureau'],
      ['C#2026', 'P'],
      ['C#2026', 'HOT'],
      ['M#2026#3', 'B#o.abc'],
      ['A#2026#tax-bureau', 'c.2026-11-29.k'],
      ['P#2026', 'U#tax-bureau'],
      ['P#2026', 'RUN'],
      ['P#2026', 'D#2026-11-29'],
      ['P#2026', 'F#batch'],
    ]) {
      expect(matchesFilterPattern(pattern, streamRecord('MODIFY', pk!, sk!)), sk).toBe(false);
    }
  });

  it('lets disclosure events and briefing versions reach the chain, not their state items or counters', () => {
    // act
    const disclosures = patternOf('auditDisclosures');
    const briefings = patternOf('auditBriefings');

    // assert
    expect(matchesFilterPattern(disclosures, streamRecord('INSERT', 'DISC#1', 'EVENT#000002'))).toBe(true);
    expect(matchesFilterPattern(disclosures, streamRecord('MODIFY', 'DISC#1', 'STATE'))).toBe(false);
    expect(matchesFilterPattern(briefings, streamRecord('MODIFY', 'K#weekly', 'W#2026-11-23'))).toBe(true);
    expect(matchesFilterPattern(briefings, streamRecord('MODIFY', 'K#weekly', 'COUNTER'))).toBe(false);
  });
});
