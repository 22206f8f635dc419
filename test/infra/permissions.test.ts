import { afterAll, describe, expect, it } from 'vitest';
import { jobs, routes, type OperationId } from '../../functions/routes';
import { TABLES, type TableAccess, type TableKey } from '../../functions/store/tables';
import type { ApiFunction } from '../../infra/constructs/api-function';
import { cleanUp, logicalId, synth } from './synth';

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

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const { stack, template } = synth('dev');
afterAll(cleanUp);

const tableKeyByLogicalId = new Map<string, TableKey>(
  (Object.keys(TABLES) as TableKey[]).map((key) => [logicalId(stack.tables.get(key).table), key]),
);

/** Every Allow statement of the policies attached to a function's role. */
function statementsOf(fn: ApiFunction): Statement[] {
  const roleId = logicalId(fn.role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The DynamoDB actions a function may perform, by table; fails on a DynamoDB grant to anything else. */
function dynamoActionsOf(fn: ApiFunction): Partial<Record<TableKey, string[]>> {
  const byTable: Partial<Record<TableKey, Set<string>>> = {};
  for (const statement of statementsOf(fn)) {
    const actions = asArray(statement.Action).filter((action) => action.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    expect(statement.Effect).toBe('Allow');
    for (const resource of asArray(statement.Resource)) {
      const tableId = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
      const key = tableId === undefined ? undefined : tableKeyByLogicalId.get(tableId);
      if (key === undefined) throw new Error(`DynamoDB grant on something that is not a table: ${JSON.stringify(resource)}`);
      const set = (byTable[key] ??= new Set());
      for (const action of actions) set.add(action);
    }
  }
  return Object.fromEntries(Object.entries(byTable).map(([key, set]) => [key, [...set].sort()]));
}

function expectedFor(tables: Partial<Record<TableKey, TableAccess>>): Partial<Record<TableKey, string[]>> {
  return Object.fromEntries(Object.entries(tables).map(([key, access]) => [key, [...EXPECTED[access]].sort()]));
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
    expect(dynamoActionsOf(scheduled!.handler)).toEqual(expectedFor(job.tables));
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

describe('function roles', () => {
  const functions = [...Object.values(stack.api.functions), ...Object.values(stack.jobs).map((job) => job.handler)];

  it('attach no managed policy, so AWSLambdaBasicExecutionRole is not granted', () => {
    for (const fn of functions) {
      const role = template.toJSON().Resources[logicalId(fn.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    }
  });

  it('let a function write logs only to its own log group', () => {
    for (const fn of functions) {
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
