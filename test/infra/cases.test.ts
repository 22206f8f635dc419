import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { routes, type Route } from '../../functions/routes';
import { TABLES } from '../../functions/store/tables';
import { ApiFunction } from '../../infra/constructs/api-function';
import { Tables } from '../../infra/constructs/tables';
import { cleanUp, logicalId, roleStatements, scratchDir } from './synth';

/**
 * The personal data of cases (contact details) on AWS: their own table, encrypted with a customer-managed
 * key that rotates, deleted by TTL, and readable or writable only by the functions whose routes declare the
 * contacts table — the public intake may only put. Built on a stack of the tables and the case routes' functions
 * alone, granted by the same constructs as the real stack.
 */
afterAll(cleanUp);

const caseRoutes = (routes as readonly Route[]).filter((r) => r.entry.startsWith('api/cases/'));

function caseStack() {
  const app = new App({ outdir: scratchDir('cdk.out'), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Cases');
  const tables = new Tables(stack, 'Tables', { deletionProtection: false });
  const functions = Object.fromEntries(
    caseRoutes.map((route) => {
      const fn = new ApiFunction(stack, route.operationId, { entry: route.entry, description: route.summary, logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY });
      fn.bindTables(tables, route.tables);
      return [route.operationId, fn] as const;
    }),
  );
  return { stack, tables, functions, template: Template.fromStack(stack) };
}

const { tables, functions, template } = caseStack();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
const contactsId = logicalId(tables.get('contacts').table);
const keyId = logicalId(tables.get('contacts').encryptionKey!);

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
const asArray = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

/** The statements of a function's role (its inline policy, and any policy attached to it). */
function statementsOf(fn: ApiFunction): Statement[] {
  return roleStatements(template, logicalId(fn.role)) as Statement[];
}

/** The actions a function may take on a resource (by its logical id). */
const actionsOn = (fn: ApiFunction, id: string) =>
  [...new Set(statementsOf(fn).filter((s) => JSON.stringify(s.Resource).includes(`"${id}"`)).flatMap((s) => asArray(s.Action)))].sort();

describe('the contacts table', () => {
  it('is encrypted with a customer-managed key of its own, which rotates and is kept with the table', () => {
    // assert
    const table = resources[contactsId]!;
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas[0].SSESpecification).toEqual({ KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  it('deletes contact details by TTL on `expiresAt`', () => {
    // assert
    expect(resources[contactsId]!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLES.contacts.timeToLiveAttribute, Enabled: true });
  });

  it('leaves every other table on the AWS-managed key', () => {
    // assert
    for (const key of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
      if (key === 'contacts') continue;
      expect(resources[logicalId(tables.get(key).table)]!.Properties.Replicas[0].SSESpecification).toBeUndefined();
    }
  });

  it('is granted, with its key, only to the functions whose routes declare it', () => {
    // act
    const onTable = Object.entries(functions).filter(([, fn]) => actionsOn(fn, contactsId).length > 0).map(([id]) => id).sort();
    const onKey = Object.entries(functions).filter(([, fn]) => actionsOn(fn, keyId).length > 0).map(([id]) => id).sort();

    // assert
    const declared = caseRoutes.filter((r) => 'contacts' in r.tables).map((r) => r.operationId).sort();
    expect(declared).toEqual(expect.arrayContaining(['actOnCase', 'caseCallback', 'fileCase', 'getCase']));
    expect(declared).not.toContain('caseStatus');
    expect(onTable).toEqual(declared);
    expect(onKey).toEqual(declared);
  });

  it('lets the public intake only put, into the cases and contacts tables, and only read the catalog', () => {
    // assert
    expect(actionsOn(functions.fileCase!, contactsId)).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(functions.fileCase!, logicalId(tables.get('cases').table))).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(functions.fileCase!, keyId)).not.toContain('kms:CreateGrant');
    expect(actionsOn(functions.fileCase!, logicalId(tables.get('catalog').table))).not.toContain('dynamodb:PutItem');
  });

  it('lets the case detail only read contact details, and the citizen status and lists not touch them', () => {
    // assert
    expect(actionsOn(functions.getCase!, contactsId)).not.toContain('dynamodb:PutItem');
    expect(actionsOn(functions.getCase!, contactsId)).toContain('dynamodb:GetItem');
    expect(actionsOn(functions.getCase!, keyId)).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    for (const operationId of ['caseStatus', 'listCases', 'caseKpis']) {
      expect(actionsOn(functions[operationId]!, contactsId)).toEqual([]);
      expect(actionsOn(functions[operationId]!, keyId)).toEqual([]);
    }
  });
});

describe('the cases table', () => {
  it('has the unit, month and open-case indexes of store/tables.ts', () => {
    // assert
    const table = resources[logicalId(tables.get('cases').table)]!;
    expect(table.Properties.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(TABLES.cases.indexes.map((i) => i.name));
  });
});
