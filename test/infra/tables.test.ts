import { afterAll, describe, expect, it } from 'vitest';
import { TABLES, type TableDefinition, type TableKey } from '../../functions/store/tables';
import { cleanUp, logicalId, synth } from './synth';

afterAll(cleanUp);

const tableKeys = Object.keys(TABLES) as TableKey[];

function tableResource(stage: string, key: TableKey) {
  const { stack, template } = synth(stage);
  const resource = template.toJSON().Resources[logicalId(stack.tables.get(key).table)];
  expect(resource.Type).toBe('AWS::DynamoDB::GlobalTable');
  return resource as {
    DeletionPolicy: string;
    UpdateReplacePolicy: string;
    Properties: { Replicas: Record<string, unknown>[] } & Record<string, unknown>;
  };
}

describe('tables', () => {
  it('creates exactly the tables of store/tables.ts', () => {
    synth('dev').template.resourceCountIs('AWS::DynamoDB::GlobalTable', tableKeys.length);
  });

  it('has the reviews table for appeals, batch reviews and their events', () => {
    expect(tableKeys).toContain('reviews');
    expect(tableResource('dev', 'reviews').Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it.each(tableKeys)('%s has the declared string keys and is billed on demand', (key) => {
    const { Properties } = tableResource('dev', key);
    expect(Properties.KeySchema).toEqual([
      { AttributeName: TABLES[key].partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLES[key].sortKey, KeyType: 'RANGE' },
    ]);
    // the keys, and the keys of its indexes (store/tables.ts), each once
    const definition: TableDefinition = TABLES[key];
    const names = [...new Set([definition.partitionKey, definition.sortKey, ...(definition.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])])];
    expect(Properties.AttributeDefinitions).toEqual(expect.arrayContaining(names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))));
    expect(Properties.AttributeDefinitions).toHaveLength(names.length);
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each(tableKeys)('%s has point-in-time recovery and KMS encryption (the AWS-managed key, or its own: test/infra/cases.test.ts)', (key) => {
    const { Properties } = tableResource('dev', key);
    expect(Properties.Replicas).toHaveLength(1);
    expect(Properties.Replicas[0]!.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it.each(tableKeys)('%s is retained when the stack or the resource goes away, on every stage', (key) => {
    for (const stage of ['dev', 'prod']) {
      const resource = tableResource(stage, key);
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it.each(tableKeys)('%s has deletion protection on prod only', (key) => {
    expect(tableResource('prod', key).Properties.Replicas[0]!.DeletionProtectionEnabled).toBe(true);
    expect(tableResource('dev', key).Properties.Replicas[0]!.DeletionProtectionEnabled).toBe(false);
  });
});
