import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { jobs } from '../../functions/routes';
import { sweepCasesJob } from '../../functions/routes/notifications';
import { TABLES } from '../../functions/store/tables';
import { mailSettings } from '../../infra/constructs/mail';
import { ScheduledJob } from '../../infra/constructs/scheduled-job';
import { Tables } from '../../infra/constructs/tables';
import { cdkJsonContext, cleanUp, logicalId, roleStatements, scratchDir } from './synth';

/**
 * The escalation sweeper's AWS side: its job bound to the outbox and the cases, and SES SendEmail granted on
 * the deployment's sender identity only — or not at all when the deployment has no sender. Built on a stack
 * of the tables and this one job (functions not bundled), as the full stack builds it.
 */

afterAll(cleanUp);

type Json = ReturnType<Template['toJSON']>;

function sweeperStack(context: Record<string, unknown> = {}) {
  const app = new App({ outdir: scratchDir('cdk.out'), context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new Stack(app, 'Sweeper', { env: { account: '111122223333', region: 'cn-northwest-1' } });
  const tables = new Tables(stack, 'Tables', { deletionProtection: false });
  const job = new ScheduledJob(stack, 'SweepCasesJob', { job: sweepCasesJob, tables, logRetention: logs.RetentionDays.TWO_WEEKS, logRemovalPolicy: RemovalPolicy.DESTROY });
  return { app, stack, tables, job, template: Template.fromStack(stack) };
}

/** Every statement of a role's policies (inline in the role: infra/constructs/api-function.ts). */
function statementsOf(template: Template, roleId: string): { Action: string | string[]; Resource: unknown }[] {
  return roleStatements(template, roleId) as { Action: string | string[]; Resource: unknown }[];
}

const sesStatements = (template: Template, roleId: string) =>
  statementsOf(template, roleId).filter((s) => [s.Action].flat().some((action) => action.startsWith('ses:')));

describe('the escalation sweeper on AWS', () => {
  it('is a scheduled job of the route table, every 30 minutes, bound to the cases, the catalog and the outbox', () => {
    // assert
    expect(jobs).toContain(sweepCasesJob);
    expect(sweepCasesJob.everyMinutes).toEqual({ aws: 30, local: 1 });
    expect(sweepCasesJob.tables).toEqual({ cases: 'readWrite', catalog: 'read', notifications: 'readWrite' });
  });

  it('gives the outbox table its pending and by-month indexes, whole items projected', () => {
    // prepare
    const { template, tables } = sweeperStack();

    // act
    const table = template.toJSON().Resources[logicalId(tables.get('notifications').table)] as Json;

    // assert
    expect(table.Properties.GlobalSecondaryIndexes.map((i: Json) => [i.IndexName, i.KeySchema.map((k: Json) => k.AttributeName), i.Projection.ProjectionType])).toEqual(
      TABLES.notifications.indexes.map((i) => [i.name, [i.partitionKey, i.sortKey], 'ALL']),
    );
  });

  it('may touch only the tables it declares: the catalog read-only, the cases and the outbox (with their indexes) read and write', () => {
    // prepare
    const { template, job, tables } = sweeperStack();
    const keyOf = new Map((['catalog', 'cases', 'notifications', 'responses', 'tallies', 'reviews', 'contacts'] as const).filter((k) => k in TABLES).map((k) => [logicalId(tables.get(k).table), k]));

    // act: each DynamoDB action, by the table its resource names (the table, or `<table>/index/*`)
    const byTable: Record<string, Set<string>> = {};
    for (const statement of statementsOf(template, logicalId(job.handler.role))) {
      const actions = [statement.Action].flat().filter((a) => a.startsWith('dynamodb:'));
      for (const resource of [statement.Resource].flat()) {
        const tableId = /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(JSON.stringify(resource))?.[1];
        if (actions.length === 0 || !tableId) continue;
        for (const action of actions) (byTable[keyOf.get(tableId) ?? tableId] ??= new Set()).add(action);
      }
    }

    // assert
    expect(Object.keys(byTable).sort()).toEqual(['cases', 'catalog', 'notifications']);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    expect([...byTable.catalog!].filter((a) => writes.includes(a))).toEqual([]);
    for (const key of ['cases', 'notifications']) expect([...byTable[key]!]).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
  });

  it('may send email as the configured sender only: ses:SendEmail on that identity, and the address in MAIL_FROM', () => {
    // prepare
    const { template, job } = sweeperStack({ mailFrom: 'pingyi@notify.example.gov.cn' });

    // act
    const ses = sesStatements(template, logicalId(job.handler.role));

    // assert
    expect(ses).toHaveLength(1);
    expect(ses[0]!.Action).toBe('ses:SendEmail');
    expect(ses[0]!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:cn-northwest-1:111122223333:identity/notify.example.gov.cn']],
    });
    const fn = template.toJSON().Resources[logicalId(job.handler.function)] as Json;
    expect(fn.Properties.Environment.Variables.MAIL_FROM).toBe('pingyi@notify.example.gov.cn');
  });

  it('sends from an address identity when the context names one', () => {
    // prepare
    const { template, job } = sweeperStack({ mailFrom: 'duty@zfb.example.gov.cn', mailIdentity: 'duty@zfb.example.gov.cn' });

    // assert
    expect(JSON.stringify(sesStatements(template, logicalId(job.handler.role))[0]!.Resource)).toContain(':identity/duty@zfb.example.gov.cn');
  });

  it('grants no SES action and sets no sender without mailFrom: the messages stay in the outbox', () => {
    // prepare
    const { template, job } = sweeperStack();

    // assert
    expect(sesStatements(template, logicalId(job.handler.role))).toEqual([]);
    const fn = template.toJSON().Resources[logicalId(job.handler.function)] as Json;
    expect(fn.Properties.Environment.Variables.MAIL_FROM).toBeUndefined();
  });

  it('refuses a sender that is not an address, or an identity that does not cover it, at synth time', () => {
    // assert
    expect(() => sweeperStack({ mailFrom: 'pingyi' })).toThrow(/mailFrom must be an email address/);
    expect(() => sweeperStack({ mailFrom: 'a@notify.example.gov.cn', mailIdentity: 'other.example.cn' })).toThrow(/does not cover the sender/);
    expect(() => sweeperStack({ mailIdentity: 'example.gov.cn' })).toThrow(/needs the sender address/);
    const app = new App({ context: { mailFrom: 'a@b.example.cn' } });
    expect(mailSettings(app)).toEqual({ from: 'a@b.example.cn', identity: 'b.example.cn' });
  });

  it('leaves no unacknowledged cdk-nag finding with mail configured', () => {
    // prepare
    const { app } = sweeperStack({ mailFrom: 'pingyi@notify.example.gov.cn' });

    // act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // assert
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))).toEqual([]);
  });
});
