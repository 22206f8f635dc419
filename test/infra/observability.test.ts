import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/platform/metric-names';
import { jobs, routes, streamConsumers } from '../../functions/routes';
import { POWERTOOLS_ENVIRONMENT } from '../../infra/constructs/api-function';
import { pascalCase, routeContext } from '../../infra/constructs/http-api';
import {
  ALARM_METRICS_LIMIT,
  API_5XX_PERCENT,
  OPERATOR_QUERIES,
  STREAM_ITERATOR_AGE_ALARM,
  alarmEmailsFrom,
} from '../../infra/constructs/observability';
import { buildStack, cleanUp, type Json, logicalId, repoRoot, synth } from './synth';

afterAll(cleanUp);

const { stack, template } = synth('dev');
const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
const ofType = (type: string) => Object.entries(resources()).filter(([, r]) => r.Type === type);
const alarm = (id: string) => {
  const found = stack.observability.alarms[id];
  if (!found) throw new Error(`no alarm ${id}`);
  return resources()[logicalId(found)]!.Properties;
};
const topicRef = () => ({ Ref: logicalId(stack.observability.topic) });
const functionsOfStack = () => [
  ...routes.map((route) => [route.operationId, stack.api.functions[route.operationId]] as const),
  ...jobs.map((job) => [job.id, stack.jobs[job.id]!.handler] as const),
  ...streamConsumers.map((consumer) => [consumer.id, stack.streamConsumers[consumer.id]!.handler] as const),
];

describe('the alarm topic', () => {
  it('is encrypted with its own rotating key, which CloudWatch may use', () => {
    const { Properties } = resources()[logicalId(stack.observability.topic)]!;
    expect(Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.observability.key), 'Arn'] });
    const key = resources()[logicalId(stack.observability.key)]!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('refuses publishing without TLS and lets only CloudWatch alarms of this account publish', () => {
    const [policy] = ofType('AWS::SNS::TopicPolicy').filter(([, r]) => JSON.stringify(r.Properties.Topics) === JSON.stringify([topicRef()]));
    expect(policy).toBeDefined();
    const statements = policy![1].Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
    );
  });

  it('has no subscribers without the alarmEmails context', () => {
    expect(ofType('AWS::SNS::Subscription')).toEqual([]);
  });

  it('e-mails every address of the alarmEmails context', () => {
    const withEmails = synth('dev', {}, { alarmEmails: 'ops@example.cn, li.wei@example.cn' });
    const subscriptions = withEmails.template.findResources('AWS::SNS::Subscription');
    const topic = { Ref: logicalId(withEmails.stack.observability.topic) };
    expect(Object.values(subscriptions).map((s) => [s.Properties.Protocol, s.Properties.Endpoint, s.Properties.TopicArn])).toEqual([
      ['email', 'ops@example.cn', topic],
      ['email', 'li.wei@example.cn', topic],
    ]);
  });

  it('reads the context as the CLI gives it or as a list, and refuses what is not an address', () => {
    expect(alarmEmailsFrom(undefined)).toEqual([]);
    expect(alarmEmailsFrom('')).toEqual([]);
    expect(alarmEmailsFrom('a@x.cn,b@y.cn,a@x.cn')).toEqual(['a@x.cn', 'b@y.cn']);
    expect(alarmEmailsFrom(['a@x.cn'])).toEqual(['a@x.cn']);
    expect(() => alarmEmailsFrom('a@x.cn,not-an-address')).toThrow(/not-an-address/);
    expect(() => alarmEmailsFrom(42)).toThrow(/alarmEmails/);
  });
});

describe('alarms', () => {
  it('notify the topic when they fire and when they recover', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBe(Object.keys(stack.observability.alarms).length);
    for (const [, { Properties }] of alarms) {
      expect(Properties.AlarmActions).toEqual([topicRef()]);
      expect(Properties.OKActions).toEqual([topicRef()]);
    }
  });

  /** The errors or throttles alarms over groups of functions: alarm id → the functions' logical ids its math sums. */
  const groupAlarms = (metricName: 'Errors' | 'Throttles') =>
    Object.keys(stack.observability.functionAlarms)
      .filter((id) => new RegExp(`^[A-Z][A-Za-z0-9]*${metricName}\\d+$`).test(id))
      .map((id) => {
        const metrics = alarm(id).Metrics as Json[];
        const summed = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat as Json);
        for (const stat of summed) {
          expect(stat, id).toMatchObject({ Metric: { Namespace: 'AWS/Lambda', MetricName: metricName }, Stat: 'Sum', Period: 300 });
          expect(stat.Metric.Dimensions, id).toHaveLength(1);
        }
        const [expression, ...others] = metrics.filter((m) => m.Expression);
        expect(others, id).toEqual([]);
        // The alarm watches the sum of every metric it reads, and no single one of them.
        expect(expression!.Expression, id).toBe(`SUM([${metrics.filter((m) => m.MetricStat).map((m) => m.Id).join(', ')}])`);
        expect(metrics.filter((m) => m.MetricStat).every((m) => m.ReturnData === false), id).toBe(true);
        return [id, summed.map((stat) => (stat.Metric.Dimensions[0] as Json).Value.Ref as string)] as const;
      });
  /** Every Lambda function of the template but CDK's own (the pages upload's handler), by logical id. */
  const lambdaFunctions = () =>
    ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => !id.startsWith('CustomCDKBucketDeployment'));

  it.each(['Errors', 'Throttles'] as const)('watch the %s of every function of the stack, each in exactly one alarm', (metricName) => {
    const covered = groupAlarms(metricName).flatMap(([, functions]) => functions);
    // Every function in the template, so that a function added later cannot be left out.
    expect(lambdaFunctions().length).toBeGreaterThanOrEqual(functionsOfStack().length);
    expect([...covered].sort()).toEqual(lambdaFunctions().sort());
    for (const [name, fn] of functionsOfStack()) expect(covered, name).toContain(logicalId(fn.function));
  });

  it.each(['Errors', 'Throttles'] as const)('sum the %s of at most ten functions of one bounded context per alarm, firing on one', (metricName) => {
    expect(ALARM_METRICS_LIMIT).toBe(10);
    const contextOf = new Map<string, string>([
      ...routes.map((route) => [logicalId(stack.api.functions[route.operationId].function), routeContext(route.entry)] as const),
      ...jobs.map((job) => [logicalId(stack.jobs[job.id]!.handler.function), 'Jobs'] as const),
      ...streamConsumers.map((consumer) => [logicalId(stack.streamConsumers[consumer.id]!.handler.function), 'Consumers'] as const),
    ]);
    for (const [id, functions] of groupAlarms(metricName)) {
      expect(functions.length, id).toBeGreaterThan(0);
      expect(functions.length, id).toBeLessThanOrEqual(ALARM_METRICS_LIMIT);
      const contexts = new Set(functions.map((fn) => contextOf.get(fn) ?? 'Other'));
      expect([...contexts], id).toEqual([id.replace(new RegExp(`${metricName}\\d+$`), '')]);
      expect(alarm(id), id).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      // The description names every function the alarm covers.
      for (const name of stack.observability.functionAlarms[id]!.functions) expect(alarm(id).AlarmDescription, id).toContain(name);
      expect(stack.observability.functionAlarms[id]!.functions, id).toHaveLength(functions.length);
    }
  });

  it('group route functions by the folder of their entry', () => {
    expect(routeContext('api/evaluation/submit-response.ts')).toBe('Evaluation');
    expect(routeContext('api/open311/services.ts')).toBe('Open311');
    expect(routeContext('api/health.ts')).toBe('Api');
    expect(stack.observability.functionAlarms.EvaluationErrors1!.functions).toContain('listForms');
  });

  it(`fire on ${API_5XX_PERCENT}% or more 5xx answers of the API in five minutes`, () => {
    const props = alarm('Api5xxRate');
    expect(props.Threshold).toBe(API_5XX_PERCENT);
    expect(props.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    const metrics = props.Metrics as Json[];
    expect(metrics.filter((m) => m.Expression).map((m) => [m.Expression, m.ReturnData ?? true])).toEqual([
      ['IF(requests > 0, 100 * errors / requests, 0)', true],
    ]);
    const byId = Object.fromEntries(metrics.map((m) => [m.Id, m]));
    const apiId = { Ref: logicalId(stack.api.api) };
    expect(byId.errors.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [{ Name: 'ApiId', Value: apiId }] }, Stat: 'Sum', Period: 300 });
    expect(byId.requests.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiId', Value: apiId }] }, Stat: 'Sum' });
  });

  it.each(jobs.map((job) => [job.id, job] as const))('fire when the %s job dead-letters a run', (id) => {
    const props = alarm(`${pascalCase(id)}JobDeadLetters`);
    expect(props).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.jobs[id]!.deadLetterQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(jobs.map((job) => [job.id, job] as const))('fire when the %s job is not invoked for two of its periods', (id, job) => {
    const props = alarm(`${pascalCase(id)}JobNotRunning`);
    expect(props).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.jobs[id]!.handler.function) } }],
      Statistic: 'Sum',
      Period: job.everyMinutes.aws * 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // No data points at all is exactly a job that does not run.
      TreatMissingData: 'breaching',
    });
  });

  it('fire on a recount mismatch, written with the service dimension only, and stay quiet while nothing writes it', () => {
    expect(alarm('RecountMismatches')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.recountMismatches,
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(streamConsumers.map((consumer) => consumer.id))('fire when the %s stream consumer falls ten minutes behind its stream', (id) => {
    expect(STREAM_ITERATOR_AGE_ALARM.toMinutes()).toBe(10);
    expect(alarm(`${pascalCase(id)}ConsumerIteratorAge`)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.streamConsumers[id]!.handler.function) } }],
      Statistic: 'Maximum',
      Threshold: STREAM_ITERATOR_AGE_ALARM.toMilliseconds(),
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(streamConsumers.map((consumer) => consumer.id))('fire when the %s stream consumer gives a batch up to its on-failure queue', (id) => {
    expect(alarm(`${pascalCase(id)}ConsumerDeadLetters`)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.streamConsumers[id]!.onFailureQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('has an iterator age alarm for every function reading a stream, and for no other', () => {
    const ageAlarms = Object.keys(stack.observability.alarms).filter((id) => id.endsWith('IteratorAge'));
    expect(ageAlarms.sort()).toEqual(streamConsumers.map((consumer) => `${pascalCase(consumer.id)}ConsumerIteratorAge`).sort());
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(streamConsumers.length);
  });

  it('offers an iterator age alarm for any function reading a stream', () => {
    // prepare: a fresh stack, with the tally's function standing in for the counting function
    const { stack: probe } = buildStack('dev');

    // act
    const created = probe.observability.alarmOnStreamIteratorAge('Counting', probe.jobs.tally!.handler.function, { maxAge: Duration.minutes(2) });

    // assert
    const props = Template.fromStack(probe).toJSON().Resources[logicalId(created)].Properties as Json;
    expect(props).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(probe.jobs.tally!.handler.function) } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 120_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      AlarmActions: [{ Ref: logicalId(probe.observability.topic) }],
    });
  });
});

describe('functions', () => {
  it.each(functionsOfStack().map(([name, fn]) => [name, fn] as const))('%s traces with X-Ray and has the Powertools environment', (_, fn) => {
    const { Properties } = resources()[logicalId(fn.function)]!;
    expect(Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const variables = Properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject(POWERTOOLS_ENVIRONMENT);
    // Nothing that would log whole events or turn metrics and traces off.
    for (const name of ['POWERTOOLS_LOGGER_LOG_EVENT', 'POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED']) expect(variables).not.toHaveProperty(name);
  });

  it('name the namespace and the service that metric-names.ts gives the alarms and the dashboard', () => {
    expect(POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(POWERTOOLS_ENVIRONMENT.POWERTOOLS_SERVICE_NAME).toBe(SERVICE_NAME);
    expect(POWERTOOLS_ENVIRONMENT.POWERTOOLS_TRACER_CAPTURE_RESPONSE).toBe('false');
    expect(POWERTOOLS_ENVIRONMENT.POWERTOOLS_TRACER_CAPTURE_ERROR).toBe('false');
  });
});

describe('the dashboard', () => {
  const body = () => JSON.stringify(resources()[logicalId(stack.observability.dashboard)]!.Properties.DashboardBody);

  it('shows requests, 4xx, 5xx and latency of every operation', () => {
    for (const name of [METRIC.requests, METRIC.status4xx, METRIC.status5xx, METRIC.latency]) {
      for (const route of routes) expect(body(), `${name} ${route.operationId}`).toContain(`\\"${name}\\",\\"operation\\",\\"${route.operationId}\\"`);
    }
  });

  it("shows the submit path's stored, duplicate and refused counts, and the ballots refused for their token", () => {
    for (const name of [METRIC.responsesStored, METRIC.duplicateSubmissions, METRIC.validationRefusals, METRIC.dependencyFaults, METRIC.ballotsRefused, METRIC.tokensReused]) {
      expect(body()).toContain(`\\"${name}\\",\\"operation\\",\\"submitResponse\\"`);
    }
  });

  it('shows DynamoDB throttles and latency of every table, the jobs and their queues', () => {
    for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents', 'SuccessfulRequestLatency', 'ApproximateNumberOfMessagesVisible']) {
      expect(body()).toContain(metric);
    }
    for (const { table } of stack.tables.all()) expect(body()).toContain(logicalId(table));
    for (const name of [METRIC.tallyPeriods, METRIC.tallyResponsesCounted, METRIC.tallyResponsesExcluded, METRIC.tallyFlaggedPending]) expect(body()).toContain(name);
  });
});

describe('the dashboard: stream consumers', () => {
  const body = () => JSON.stringify(resources()[logicalId(stack.observability.dashboard)]!.Properties.DashboardBody);

  it.each(streamConsumers.map((consumer) => consumer.id))('shows the batches, errors, failed batches and iterator age of %s', (id) => {
    const consumer = stack.streamConsumers[id]!;
    expect(body()).toContain(`Stream consumer ${id}`);
    expect(body()).toContain('IteratorAge');
    expect(body()).toContain(logicalId(consumer.handler.function));
    expect(body()).toContain(logicalId(consumer.onFailureQueue));
  });
});

describe('saved Logs Insights queries', () => {
  const definitions = () => ofType('AWS::Logs::QueryDefinition').map(([, r]) => r.Properties);

  it("saves each operator query under the stack name, on the functions' one log group or the access log", () => {
    const byName = Object.fromEntries(definitions().map((d) => [d.Name, d]));
    for (const query of OPERATOR_QUERIES) {
      const definition = byName[`Pingyi-dev/${query.name}`]!;
      expect(definition.QueryString).toBe(query.query.toString());
      const group = { functions: stack.functionLogs, accessLogs: stack.api.accessLogs }[query.scope];
      expect(definition.LogGroupNames, query.name).toEqual([{ Ref: logicalId(group) }]);
    }
    expect(definitions().map((d) => d.Name).sort()).toEqual(OPERATOR_QUERIES.map((query) => `Pingyi-dev/${query.name}`).sort());
  });

  it('every function of the stack logs to the one log group the queries read', () => {
    for (const [name, fn] of functionsOfStack()) {
      expect(resources()[logicalId(fn.function)]!.Properties.LoggingConfig, name).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalId(stack.functionLogs) },
      });
    }
  });

  it('scopes the staff and import queries by their filters, now that all functions share a group', () => {
    const byId = Object.fromEntries(OPERATOR_QUERIES.map((query) => [query.id, query.query.toString()]));
    expect(byId.StaffActions).toContain('ispresent(sub)');
    expect(byId.RefusedImports).toContain('operationId = "importUnits"');
  });

  it("are the README's Operate queries, word for word, between Deploy and Develop", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const operate = readme.indexOf('\n## Operate\n');
    expect(operate).toBeGreaterThan(readme.indexOf('\n## Deploy to AWS\n'));
    expect(readme.indexOf('\n## Develop\n')).toBeGreaterThan(operate);
    const section = readme.slice(operate, readme.indexOf('\n## Develop\n'));
    for (const query of OPERATOR_QUERIES) expect(section, query.name).toContain(`\`\`\`\n${query.query.toString()}\n\`\`\``);
  });
});
