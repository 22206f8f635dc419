import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { routes, type Route } from '../../functions/routes';
import { ApiFunction } from '../../infra/constructs/api-function';
import { Tables } from '../../infra/constructs/tables';
import { cleanUp, logicalId, scratchDir } from './synth';

/**
 * The Open311 functions and the bad-review follow-up on AWS: public, so each may only put into the cases and
 * contacts tables where it files (never read, update or delete a case or a contact), and the Open311 reads
 * never touch contact details nor their key. Built on a stack of the tables and these functions alone,
 * granted by the same constructs as the real stack.
 */
afterAll(cleanUp);

const publicFilers = (routes as readonly Route[]).filter((r) => r.entry.startsWith('api/open311/') || r.operationId === 'fileBadReview');

const app = new App({ outdir: scratchDir('cdk.out'), context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Open311');
const tables = new Tables(stack, 'Tables', { deletionProtection: false });
const functions = Object.fromEntries(
  publicFilers.map((route) => {
    const fn = new ApiFunction(stack, route.operationId, { entry: route.entry, description: route.summary, logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY });
    fn.bindTables(tables, route.tables);
    return [route.operationId, fn] as const;
  }),
);
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;

/** The actions a function may take on a resource (by its logical id). */
function actionsOn(fn: ApiFunction, id: string): string[] {
  const roleId = logicalId(fn.role);
  type Statement = { Action: string | string[]; Resource: unknown };
  // The role's policies, whether attached (AWS::IAM::Policy) or inline on the role.
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  const inline = ((resources[roleId]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const statements = [...attached, ...inline];
  return [...new Set(statements.filter((s) => JSON.stringify(s.Resource).includes(`"${id}"`)).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

const casesId = logicalId(tables.get('cases').table);
const contactsId = logicalId(tables.get('contacts').table);
const keyId = logicalId(tables.get('contacts').encryptionKey!);

describe('the public Open311 and bad-review functions', () => {
  it('may only put cases and contact details where they file', () => {
    // assert
    for (const operationId of ['open311CreateRequest', 'fileBadReview']) {
      expect(actionsOn(functions[operationId]!, casesId), operationId).toEqual(['dynamodb:PutItem']);
      expect(actionsOn(functions[operationId]!, contactsId), operationId).toEqual(['dynamodb:PutItem']);
      expect(actionsOn(functions[operationId]!, keyId), operationId).not.toContain('kms:CreateGrant');
    }
  });

  it('lets the Open311 reads neither change a case nor touch contact details or their key', () => {
    // assert
    for (const operationId of ['open311Services', 'open311ListRequests', 'open311GetRequest']) {
      expect(actionsOn(functions[operationId]!, casesId).filter((a) => /Put|Update|Delete|Write/.test(a)), operationId).toEqual([]);
      expect(actionsOn(functions[operationId]!, contactsId), operationId).toEqual([]);
      expect(actionsOn(functions[operationId]!, keyId), operationId).toEqual([]);
    }
  });
});
