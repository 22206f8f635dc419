import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { jobs, routes, type OperationId, type ScheduledJob } from '../../functions/routes';
import { SECRETS, type SecretKey } from '../../functions/store/secrets';
import { TABLES, type TableAccess, type TableKey } from '../../functions/store/tables';
import { type ApiFunction, InlinePolicyRole } from '../../infra/constructs/api-function';
import { cleanUp, logicalId, roleStatements, synth } from './synth';

// What each declared access must turn into, spelled out so a change in the grants shows up here.
const READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const EXPECTED: Record<TableAccess, string[]> = {
  read: READ,
  append: ['dynamodb:PutItem'],
  write: WRITE,
  readWrite: [...new Set([...READ, ...WRITE])].sort(),
};

// Where a grant is held to partitions (dynamodb:LeadingKeys), only the actions that name their partitions:
// a Scan carries no leading key, and ForAllValues holds for a request without one.
const PARTITIONED: Record<TableAccess, string[]> = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  write: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  readWrite: [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ],
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const { stack, template } = synth('dev');
afterAll(cleanUp);

const tableKeyByLogicalId = new Map<string, TableKey>(
  (Object.keys(TABLES) as TableKey[]).map((key) => [logicalId(stack.tables.get(key).table), key]),
);

/** Every statement of a function's role: its inline policy (InlinePolicyRole), and any policy attached to it. */
function statementsOf(fn: ApiFunction): Statement[] {
  return roleStatements(template, logicalId(fn.role)) as Statement[];
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The DynamoDB actions a function may perform, by table; fails on a DynamoDB grant to anything else. */
/** The logical id of the table a grant's resource names: the table's ARN, or its indexes' (`<arn>/index/*`). */
function tableIdOf(resource: unknown): string | undefined {
  const arn = resource as { 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (arn['Fn::GetAtt']) return arn['Fn::GetAtt'][0];
  const [separator, parts] = arn['Fn::Join'] ?? [];
  if (separator === '' && parts?.length === 2 && parts[1] === '/index/*') return tableIdOf(parts[0]);
  return undefined;
}

function dynamoActionsOf(fn: ApiFunction): Partial<Record<TableKey, string[]>> {
  const byTable: Partial<Record<TableKey, Set<string>>> = {};
  for (const statement of statementsOf(fn)) {
    const actions = asArray(statement.Action).filter((action) => action.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    expect(statement.Effect).toBe('Allow');
    for (const resource of asArray(statement.Resource)) {
      const tableId = tableIdOf(resource);
      const key = tableId === undefined ? undefined : tableKeyByLogicalId.get(tableId);
      if (key === undefined) throw new Error(`DynamoDB grant on something that is not a table: ${JSON.stringify(resource)}`);
      const set = (byTable[key] ??= new Set());
      for (const action of actions) set.add(action);
    }
  }
  return Object.fromEntries(Object.entries(byTable).map(([key, set]) => [key, [...set].sort()]));
}

function expectedFor(
  tables: Partial<Record<TableKey, TableAccess>>,
  partitions: ScheduledJob['partitions'] = {},
): Partial<Record<TableKey, string[]>> {
  return Object.fromEntries(
    Object.entries(tables).map(([key, access]) => [key, [...(key in partitions ? PARTITIONED : EXPECTED)[access]].sort()]),
  );
}

/** The DynamoDB statements of a function on one table. */
function tableStatements(fn: ApiFunction, key: TableKey): Statement[] {
  const table = { 'Fn::GetAtt': [logicalId(stack.tables.get(key).table), 'Arn'] };
  return statementsOf(fn).filter(
    (statement) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')) &&
      asArray(statement.Resource).some((resource) => JSON.stringify(resource) === JSON.stringify(table)),
  );
}

const apiFunction = (operationId: OperationId) => stack.api.functions[operationId];

describe('table permissions', () => {
  it.each(routes.map((route) => [route.operationId, route] as const))(
    'route %s may do exactly what routes.ts declares, on exactly its tables',
    (operationId, route) => {
      expect(dynamoActionsOf(apiFunction(operationId))).toEqual(expectedFor(route.tables));
    },
  );

  it.each(jobs.map((job) => [job.id, job] as const))('job %s may do exactly what routes.ts declares', (id, job) => {
    const scheduled = stack.jobs[id];
    expect(scheduled).toBeDefined();
    expect(dynamoActionsOf(scheduled!.handler)).toEqual(expectedFor(job.tables, 'partitions' in job ? job.partitions : {}));
  });

  it.each(jobs.flatMap((job) => Object.entries('partitions' in job ? job.partitions : {}).map(([table, pks]) => [job.id, table, pks] as const)))(
    'holds job %s to its declared partitions of %s (dynamodb:LeadingKeys)',
    (id, table, partitions) => {
      const statements = tableStatements(stack.jobs[id]!.handler, table as TableKey);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...(partitions as readonly string[])] } });
        // What carries no leading key would escape the condition.
        expect(asArray(statement.Action)).not.toContain('dynamodb:Scan');
        expect(asArray(statement.Action)).not.toContain('dynamodb:DescribeTable');
      }
    },
  );

  it("lets the daySalts job touch only the salts' partition of the responses table, never a ballot", () => {
    const statements = tableStatements(stack.jobs.daySalts!.handler, 'responses');
    expect(statements).toEqual([
      expect.objectContaining({ Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SALT'] } } }),
    ]);
    expect(Object.keys(dynamoActionsOf(stack.jobs.daySalts!.handler))).toEqual(['responses']);
  });

  it('lets submitResponse put a rating but not read ratings back, nor touch the tallies', () => {
    const actions = dynamoActionsOf(apiFunction('submitResponse'));
    expect(actions.responses).toContain('dynamodb:PutItem');
    expect(actions.responses).not.toContain('dynamodb:GetItem');
    expect(actions.responses).not.toContain('dynamodb:Query');
    expect(actions.tallies).toBeUndefined();
    expect(actions.catalog).not.toContain('dynamodb:PutItem');
  });

  it('keeps listTallies and downloadTallies read-only', () => {
    for (const operationId of ['listTallies', 'downloadTallies'] as const) {
      const granted = Object.values(dynamoActionsOf(apiFunction(operationId))).flat();
      expect(granted).toContain('dynamodb:Query');
      for (const action of WRITE.filter((a) => a !== 'dynamodb:DescribeTable')) expect(granted).not.toContain(action);
    }
  });

  it('lets the tally job write tallies but never ratings or the catalog', () => {
    const actions = dynamoActionsOf(stack.jobs.tally!.handler);
    expect(actions.tallies).toContain('dynamodb:PutItem');
    expect(actions.responses).not.toContain('dynamodb:PutItem');
    expect(actions.catalog).not.toContain('dynamodb:PutItem');
  });

  it('gives the OpenAPI document no DynamoDB access at all, and the deep health check only reads the catalog', () => {
    expect(dynamoActionsOf(apiFunction('openApi'))).toEqual({});
    const health = dynamoActionsOf(apiFunction('health'));
    expect(Object.keys(health)).toEqual(['catalog']);
    expect(health.catalog).not.toContain('dynamodb:PutItem');
    expect(health.catalog).not.toContain('dynamodb:UpdateItem');
  });
});

describe('table env vars', () => {
  it.each(routes.map((route) => [route.operationId, route] as const))(
    'route %s gets the name of each bound table, and of no other',
    (operationId, route) => {
      const fn = apiFunction(operationId);
      const variables = template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables as Record<string, unknown>;
      for (const [key, definition] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
        if (key in route.tables) {
          expect(variables[definition.envVar]).toEqual({ Ref: logicalId(stack.tables.get(key).table) });
        } else {
          expect(variables).not.toHaveProperty(definition.envVar);
        }
      }
    },
  );
});

/** The Secrets Manager statements of a function's role. */
const secretStatements = (fn: ApiFunction) =>
  statementsOf(fn).filter((statement) => asArray(statement.Action).some((action) => action.startsWith('secretsmanager:')));

describe('secret permissions', () => {
  const secretRef = (key: SecretKey) => ({ Ref: logicalId(stack.secrets.get(key).secret) });

  it.each(routes.map((route) => [route.operationId, route] as const))(
    'route %s may read exactly the secrets routes.ts names for it, with GetSecretValue only, and knows their ARNs',
    (operationId, route) => {
      const fn = apiFunction(operationId);
      const named: readonly SecretKey[] = 'secrets' in route ? route.secrets : [];
      expect(secretStatements(fn)).toEqual(
        named.map((key) => ({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretRef(key) })),
      );
      const variables = template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables as Record<string, unknown>;
      for (const [key, definition] of Object.entries(SECRETS) as [SecretKey, (typeof SECRETS)[SecretKey]][]) {
        if (named.includes(key)) expect(variables[definition.envVar]).toEqual(secretRef(key));
        else expect(variables).not.toHaveProperty(definition.envVar);
      }
    },
  );

  it('gives the ballot keys to the functions that sign or check tokens, and to no other', () => {
    const readers = Object.entries(stack.api.functions)
      .filter(([, fn]) => secretStatements(fn).length > 0)
      .map(([operationId]) => operationId)
      .sort();
    expect(readers).toEqual(['createServiceRecordLink', 'getInvitationLinks', 'submitResponse']);
    for (const job of Object.values(stack.jobs)) expect(secretStatements(job.handler)).toEqual([]);
  });
});

describe('function roles', () => {
  const functions = [
    ...Object.values(stack.api.functions),
    ...Object.values(stack.jobs).map((job) => job.handler),
    ...Object.values(stack.streamConsumers).map((consumer) => consumer.handler),
  ];

  it('hold their grants in the role itself (one inline policy), with no AWS::IAM::Policy beside it', () => {
    const attached = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.Roles as unknown[]);
    for (const fn of functions) {
      const role = template.toJSON().Resources[logicalId(fn.role)];
      expect(role.Properties.Policies.map((policy: { PolicyName: string }) => policy.PolicyName)).toEqual(['Grants']);
      expect(attached).not.toContainEqual({ Ref: logicalId(fn.role) });
    }
  });

  it('render an InlinePolicyRole with what is granted after it was made, and without a policy while nothing is', () => {
    // prepare
    const probe = new Stack(new App(), 'Probe');
    const empty = new InlinePolicyRole(probe, 'Empty', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const granted = new InlinePolicyRole(probe, 'Granted', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // act
    const result = granted.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:cn-north-1:1:q'] }));

    // assert
    const rendered = Template.fromStack(probe);
    expect(result.statementAdded).toBe(true);
    expect(rendered.toJSON().Resources[logicalId(empty)].Properties.Policies).toBeUndefined();
    expect(rendered.toJSON().Resources[logicalId(granted)].Properties.Policies).toEqual([
      { PolicyName: 'Grants', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:cn-north-1:1:q' }] } },
    ]);
    rendered.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('attach no managed policy, so AWSLambdaBasicExecutionRole is not granted', () => {
    for (const fn of functions) {
      const role = template.toJSON().Resources[logicalId(fn.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    }
  });

  it("let a function write logs only to the functions' one log group", () => {
    expect(logicalId(stack.functionLogs)).toMatch(/^FunctionLogs/);
    for (const fn of functions) {
      expect(fn.logGroup).toBe(stack.functionLogs);
      const logStatements = statementsOf(fn).filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(logStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] },
        },
      ]);
    }
  });

  it('grant no action on every resource ("*") but the two of X-Ray active tracing, which have no narrower resource', () => {
    for (const fn of functions) {
      const onEverything = statementsOf(fn).filter((statement) => asArray(statement.Resource).includes('*'));
      expect(onEverything).toEqual([{ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }]);
    }
  });
});
