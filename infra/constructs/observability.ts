import { Aws, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, OPERATION_DIMENSION, SERVICE_NAME, type MetricName } from '../../functions/platform/metric-names';
import { jobs, routes, streamConsumers, type OperationId } from '../../functions/routes';
import { pascalCase, routeContext, type HttpApi } from './http-api';
import type { ScheduledJob } from './scheduled-job';
import type { StreamConsumer } from './stream-consumer';
import type { Tables } from './tables';

/** The CDK context key holding the alarm recipients: `-c alarmEmails=a@x.cn,b@y.cn`. */
export const ALARM_EMAILS_CONTEXT = 'alarmEmails';

/**
 * The alarm recipients from the `alarmEmails` context: a comma-separated string (the CLI's `-c`) or a list
 * (cdk.json). None gives an empty list; anything that is not an e-mail address fails the synth.
 */
export function alarmEmailsFrom(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items) throw new Error(`context ${ALARM_EMAILS_CONTEXT} must be a comma-separated string or a list of e-mail addresses`);
  const emails = items.map((item) => (typeof item === 'string' ? item.trim() : item)).filter((item) => item !== '');
  for (const email of emails) {
    if (typeof email !== 'string' || !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email)) {
      throw new Error(`context ${ALARM_EMAILS_CONTEXT}: ${JSON.stringify(email)} is not an e-mail address`);
    }
  }
  return [...new Set(emails as string[])];
}

/** The 5xx share of API requests (per cent, over five minutes) that raises the API alarm. */
export const API_5XX_PERCENT = 5;
/** The period of the function, API and queue alarms. */
const ALARM_PERIOD = Duration.minutes(5);
/**
 * The age of the oldest stream record a consumer reads that raises its iterator age alarm: a consumer that
 * keeps up reads records within seconds (its batching window); ten minutes behind is a backlog or a
 * batch being retried, and the counts lag the ballots.
 */
export const STREAM_ITERATOR_AGE_ALARM = Duration.minutes(10);
/**
 * The most metrics one alarm's math may use (CloudWatch's limit): a group alarm covers at most this many
 * functions.
 */
export const ALARM_METRICS_LIMIT = 10;

/** Which log group a query reads: the functions' one group, or the API's access log. */
type QueryScope = 'functions' | 'accessLogs';

/**
 * The Logs Insights queries an operator needs, written once: the stack saves each as a query definition
 * (CloudWatch console → Logs Insights → Queries, folder `<stack>`), and the README's Operate section
 * shows the same text (a test compares them). Every function logs to one group (`functionLogs`); a query
about some functions only says so in its filter (`operationId`, or `sub`, which only lines of signed-in
callers carry). Function log lines are Powertools JSON: `function_name`, `message`,
 * `operationId`, `status`, `code`, `latencyMs`, `sub` (staff routes), `function_request_id` (the `requestId`
 * a 5xx answer shows), `apiRequestId` (the access log's `requestId`), `xray_trace_id`.
 */
export const OPERATOR_QUERIES = [
  {
    id: 'ServerFaults',
    name: '5xx by operation and request id',
    scope: 'functions',
    query: new logs.QueryString({
      fields: ['@timestamp', 'operationId', 'status', 'code', 'error.name', 'error.message', 'function_request_id', 'apiRequestId'],
      filterStatements: ['message = "request failed"'],
      sort: '@timestamp desc',
      limit: 200,
    }),
  },
  {
    id: 'GatewayFaults',
    name: '5xx no function answered (timeouts, crashes)',
    scope: 'accessLogs',
    query: new logs.QueryString({
      fields: ['@timestamp', 'routeKey', 'status', 'integrationError', 'latencyMs', 'requestId'],
      // The access log writes every value as text, and "-" where there is none.
      filterStatements: ['status like /^5/ and integrationError != "-"'],
      sort: '@timestamp desc',
      limit: 200,
    }),
  },
  {
    id: 'SlowestRequests',
    name: 'Slowest requests',
    scope: 'functions',
    query: new logs.QueryString({
      fields: ['@timestamp', 'operationId', 'status', 'latencyMs', 'cold_start', 'function_request_id', 'apiRequestId'],
      filterStatements: ['message = "request answered"'],
      sort: 'latencyMs desc',
      limit: 50,
    }),
  },
  {
    id: 'DependencyFaults',
    name: 'Dependency faults over time',
    scope: 'functions',
    query: new logs.QueryString({
      filterStatements: ['message = "request failed" and status = 503'],
      statsStatements: ['count(*) as faults by bin(5m) as period, operationId, error.name'],
      sort: 'period desc',
    }),
  },
  {
    id: 'StaffActions',
    name: 'Who read or changed what (staff)',
    scope: 'functions',
    query: new logs.QueryString({
      fields: ['@timestamp', 'sub', 'operationId', 'status', 'code', 'function_request_id', 'apiRequestId'],
      filterStatements: ['message = "request answered" and ispresent(sub)'],
      sort: '@timestamp desc',
      limit: 1000,
    }),
  },
  {
    id: 'RefusedImports',
    name: 'Refused unit imports',
    scope: 'functions',
    query: new logs.QueryString({
      fields: ['@timestamp', 'sub', 'status', 'code', 'fields', 'function_request_id'],
      filterStatements: ['message = "request answered" and operationId = "importUnits" and status >= 400'],
      sort: '@timestamp desc',
      limit: 200,
    }),
  },
] as const satisfies readonly { id: string; name: string; scope: QueryScope; query: logs.QueryString }[];

export interface ObservabilityProps {
  readonly api: HttpApi;
  /** The scheduled jobs of routes.ts, by job id. */
  readonly jobs: Readonly<Record<string, ScheduledJob>>;
  /** The stream consumers of routes.ts, by consumer id. */
  readonly streamConsumers: Readonly<Record<string, StreamConsumer>>;
  readonly tables: Tables;
  /** The one log group of all functions of routes.ts, which the saved queries read. */
  readonly functionLogs: logs.ILogGroup;
  /**
   * Who the alarm topic e-mails. @default the `alarmEmails` context; none gives a topic without subscribers
   * (subscribe later, or re-deploy with the context)
   */
  readonly alarmEmails?: readonly string[];
  /** Further functions of the stack whose errors and throttles raise alarms (the `Other` group), by a PascalCase name. */
  readonly otherFunctions?: Readonly<Record<string, lambda.IFunction>>;
  /** What happens to the topic's key when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/** Options of an iterator age alarm. */
export interface StreamIteratorAgeAlarmOptions {
  /** The age of the oldest record read that raises the alarm. @default 1 minute */
  readonly maxAge?: Duration;
  /** Consecutive one-minute periods over the age. @default 3 */
  readonly evaluationPeriods?: number;
}

/**
 * Alarms, a dashboard and saved log queries for the whole stack. Every alarm notifies one SNS topic
 * (encrypted with its own key, TLS only) whose e-mail subscribers come from the `alarmEmails` context:
 * errors and throttles of every function, summed over groups of at most ten functions of one bounded
 * context (`<Context>Errors<n>`, `<Context>Throttles<n>`: which functions each covers is in its
 * description); the API's 5xx share; each job's dead-letter queue holding a message, and each job not
 * running for two of its periods; each stream consumer's on-failure queue holding a message and its iterator age passing STREAM_ITERATOR_AGE_ALARM; and a recount that disagrees
 * with the running counts (`RecountMismatches`, which the nightly recount writes). The
 * dashboard shows requests, errors and latency per operation, the submit path's outcomes, DynamoDB
 * throttles and latency, the jobs, the stream consumers and their queues. Metric names come from functions/platform/metric-names.ts.
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** Every alarm, by construct id. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;
  /** Each operator query's saved definition, by query id. */
  readonly queries: Record<(typeof OPERATOR_QUERIES)[number]['id'], logs.QueryDefinition>;
  /** The functions each errors and throttles alarm covers, by alarm id (`<Group>Errors<n>`, `<Group>Throttles<n>`). */
  readonly functionAlarms: Record<string, { readonly functions: readonly string[] }> = {};
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefix = stack.stackName;
    const alarmEmails = props.alarmEmails ?? alarmEmailsFrom(this.node.tryGetContext(ALARM_EMAILS_CONTEXT));

    // ---- the topic --------------------------------------------------------------------------------------
    // CloudWatch may only publish to an encrypted topic whose key lets it encrypt: the AWS-managed SNS key
    // does not, so the topic has its own.
    this.key = new kms.Key(this, 'AlarmTopicKey', {
      description: `${this.prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${this.prefix} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    for (const email of alarmEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    // ---- alarms -----------------------------------------------------------------------------------------
    // Errors and throttles of every function, by groups of at most ALARM_METRICS_LIMIT functions of one
    // bounded context (an alarm per function would be two resources per route, and a stack has 500 at most).
    const groups: [string, [string, lambda.IFunction][]][] = [];
    const group = (name: string, fn: [string, lambda.IFunction]) => {
      const found = groups.find(([groupName]) => groupName === name);
      if (found) found[1].push(fn);
      else groups.push([name, [fn]]);
    };
    for (const route of routes) group(routeContext(route.entry), [route.operationId, props.api.functions[route.operationId as OperationId].function]);
    for (const job of jobs) group('Jobs', [`${job.id} job`, this.job(props, job.id).handler.function]);
    for (const consumer of streamConsumers) group('Consumers', [`${consumer.id} consumer`, this.consumer(props, consumer.id).handler.function]);
    for (const [name, fn] of Object.entries(props.otherFunctions ?? {})) group('Other', [name, fn]);
    for (const [name, members] of groups) {
      for (let start = 0; start < members.length; start += ALARM_METRICS_LIMIT) {
        const part = members.slice(start, start + ALARM_METRICS_LIMIT);
        const n = start / ALARM_METRICS_LIMIT + 1;
        const names = part.map(([functionName]) => functionName);
        this.alarm(`${name}Errors${n}`, {
          metric: sumOfFunctions(`${name} errors`, part.map(([, fn]) => fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }))),
          threshold: 1,
          description: `${name}: a function failed (a crash, a timeout or an init failure; the API's own 5xx answers are not these). Covers ${names.join(', ')}.`,
        });
        this.alarm(`${name}Throttles${n}`, {
          metric: sumOfFunctions(`${name} throttles`, part.map(([, fn]) => fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }))),
          threshold: 1,
          description: `${name}: Lambda refused invocations (account or function concurrency exhausted). Covers ${names.join(', ')}.`,
        });
        this.functionAlarms[`${name}Errors${n}`] = { functions: names };
        this.functionAlarms[`${name}Throttles${n}`] = { functions: names };
      }
    }

    const api = props.api.api;
    this.alarm('Api5xxRate', {
      metric: new cloudwatch.MathExpression({
        label: 'API 5xx share (%)',
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: api.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
          requests: api.metricCount({ period: ALARM_PERIOD, statistic: 'Sum' }),
        },
        period: ALARM_PERIOD,
      }),
      threshold: API_5XX_PERCENT,
      description: `API: ${API_5XX_PERCENT}% or more of the requests of five minutes answered 5xx. See README "Operate" for the queries.`,
    });

    for (const job of jobs) {
      const scheduled = this.job(props, job.id);
      const name = `${pascalCase(job.id)}Job`;
      this.alarm(`${name}DeadLetters`, {
        metric: scheduled.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        description: `${job.id} job: a run failed after its retries and waits in the dead-letter queue.`,
      });
      const period = Duration.minutes(job.everyMinutes.aws);
      this.alarm(`${name}NotRunning`, {
        metric: scheduled.handler.function.metricInvocations({ period, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        // No data is no invocation.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description: `${job.id} job: not invoked for two of its ${job.everyMinutes.aws}-minute periods (schedule disabled or failing to deliver).`,
      });
    }

    for (const consumer of streamConsumers) {
      const reader = this.consumer(props, consumer.id);
      const name = `${pascalCase(consumer.id)}Consumer`;
      this.alarm(`${name}DeadLetters`, {
        metric: reader.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        description:
          `${consumer.id}: a batch of the ${consumer.stream.table} stream failed after its retries and is described in the ` +
          'on-failure queue (shard and sequence numbers); its records stay in the stream for 24 h. See README "Operate".',
      });
      this.alarmOnStreamIteratorAge(name, reader.handler.function, { maxAge: STREAM_ITERATOR_AGE_ALARM });
    }

    this.alarm('RecountMismatches', {
      metric: serviceMetric(METRIC.recountMismatches, { period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
      description: 'Tally: a recount disagreed with the running counts of the responses stream.',
    });

    // ---- dashboard and queries ------------------------------------------------------------------------------
    this.dashboard = this.buildDashboard(props);
    this.queries = this.buildQueries(props);
  }

  /**
   * An alarm on the iterator age of a function reading a stream (the counting function of the tally at
   * scale): records waiting longer than `maxAge` mean the counts fall behind the responses.
   */
  alarmOnStreamIteratorAge(id: string, fn: lambda.IFunction, options: StreamIteratorAgeAlarmOptions = {}): cloudwatch.Alarm {
    const maxAge = options.maxAge ?? Duration.minutes(1);
    return this.alarm(`${id}IteratorAge`, {
      metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: maxAge.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 3,
      description: `${id}: stream records waited more than ${maxAge.toHumanString()} before being read; counts fall behind.`,
    });
  }

  private consumer(props: ObservabilityProps, consumerId: string): StreamConsumer {
    const found = props.streamConsumers[consumerId];
    if (!found) throw new Error(`Observability: no StreamConsumer for consumer ${consumerId} of routes.ts`);
    return found;
  }

  private job(props: ObservabilityProps, jobId: string): ScheduledJob {
    const found = props.jobs[jobId];
    if (!found) throw new Error(`Observability: no ScheduledJob for job ${jobId} of routes.ts`);
    return found;
  }

  /** One alarm notifying the topic when it fires and when it recovers; missing data is not a breach unless said. */
  private alarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.prefix}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms[id] = alarm;
    return alarm;
  }

  private buildDashboard(props: ObservabilityProps): cloudwatch.Dashboard {
    const period = ALARM_PERIOD;
    const operations = routes.map((route) => route.operationId);
    const perOperation = (name: MetricName, statistic: string) =>
      operations.map((operation) => operationMetric(name, operation, { period, statistic, label: operation }));
    const submit = (name: MetricName, label: string) => operationMetric(name, 'submitResponse', { period, statistic: 'Sum', label });
    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...options });
    const api = props.api.api;

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.prefix.replace(/[^A-Za-z0-9_-]/g, '-'),
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${this.prefix}\nRequests, errors and latency per operation come from the functions (namespace \`${METRICS_NAMESPACE}\`); the saved Logs Insights queries are in the folder \`${this.prefix}\`.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Requests by operation', perOperation(METRIC.requests, 'Sum'), { stacked: true }),
      graph('5xx answers by operation', perOperation(METRIC.status5xx, 'Sum'), { stacked: true }),
    );
    dashboard.addWidgets(
      graph('4xx answers by operation', perOperation(METRIC.status4xx, 'Sum'), { stacked: true }),
      graph('Latency p99 by operation (ms)', perOperation(METRIC.latency, 'p99')),
    );
    dashboard.addWidgets(
      graph('API Gateway: requests and errors', [
        api.metricCount({ period, statistic: 'Sum', label: 'requests' }),
        api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
        api.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
      ], {
        right: [api.metricLatency({ period, statistic: 'p99', label: 'latency p99 (ms)' })],
      }),
      graph('Submissions: stored, duplicate, refused; dependency faults', [
        submit(METRIC.responsesStored, 'stored'),
        submit(METRIC.duplicateSubmissions, 'duplicate submission id'),
        submit(METRIC.validationRefusals, 'refused (400 with fields)'),
        submit(METRIC.dependencyFaults, 'dependency fault (503)'),
      ]),
      graph('Ballots refused: forged, expired or foreign tokens (403), tokens used again (409)', [
        submit(METRIC.ballotsRefused, 'refused (403 ADMISSION_REFUSED)'),
        submit(METRIC.tokensReused, 'token used again (409)'),
      ]),
    );

    const tables = props.tables.all();
    const latencyOperations = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'TransactWriteItems', 'BatchWriteItem'];
    dashboard.addWidgets(
      graph(
        'DynamoDB throttled requests',
        tables.flatMap(({ definition, table }) => [
          table.metric('ReadThrottleEvents', { period, statistic: 'Sum', label: `${definition.id} read` }),
          table.metric('WriteThrottleEvents', { period, statistic: 'Sum', label: `${definition.id} write` }),
        ]),
        { stacked: true },
      ),
      graph(
        'DynamoDB latency p99 (ms)',
        tables.flatMap(({ definition, table }) =>
          latencyOperations.map((operation) =>
            table.metricSuccessfulRequestLatency({ period, statistic: 'p99', dimensionsMap: { Operation: operation }, label: `${definition.id} ${operation}` }),
          ),
        ),
      ),
    );

    for (const job of jobs) {
      const scheduled = this.job(props, job.id);
      const fn = scheduled.handler.function;
      dashboard.addWidgets(
        graph(
          `Job ${job.id}: runs and dead letters`,
          [
            fn.metricInvocations({ period, statistic: 'Sum', label: 'invocations' }),
            fn.metricErrors({ period, statistic: 'Sum', label: 'errors' }),
            scheduled.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'dead letters' }),
          ],
          { right: [fn.metricDuration({ period, statistic: 'p99', label: 'duration p99 (ms)' })] },
        ),
        ...(job.id === 'tally'
          ? [
              graph('Tally: periods and responses per run', [
                operationMetric(METRIC.tallyPeriods, job.id, { period, statistic: 'Sum', label: 'periods recomputed' }),
                operationMetric(METRIC.tallyResponsesCounted, job.id, { period, statistic: 'Sum', label: 'responses counted' }),
                operationMetric(METRIC.tallyResponsesExcluded, job.id, { period, statistic: 'Sum', label: 'responses excluded' }),
                operationMetric(METRIC.tallyFlaggedPending, job.id, { period, statistic: 'Maximum', label: 'flagged ballots awaiting review' }),
                serviceMetric(METRIC.recountMismatches, { period, statistic: 'Sum', label: 'recount mismatches' }),
              ]),
            ]
          : []),
      );
    }
    for (const consumer of streamConsumers) {
      const reader = this.consumer(props, consumer.id);
      const fn = reader.handler.function;
      dashboard.addWidgets(
        graph(
          `Stream consumer ${consumer.id}: batches, errors, failed batches`,
          [
            fn.metricInvocations({ period, statistic: 'Sum', label: 'batches' }),
            fn.metricErrors({ period, statistic: 'Sum', label: 'errors' }),
            reader.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'failed batches' }),
          ],
          { right: [fn.metric('IteratorAge', { period, statistic: 'Maximum', label: 'iterator age max (ms)' })] },
        ),
      );
    }
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 6 }));
    return dashboard;
  }

  private buildQueries(props: ObservabilityProps): Record<(typeof OPERATOR_QUERIES)[number]['id'], logs.QueryDefinition> {
    const groups: Record<QueryScope, logs.ILogGroup> = { functions: props.functionLogs, accessLogs: props.api.accessLogs };
    const entries = OPERATOR_QUERIES.map(
      (query) =>
        [
          query.id,
          new logs.QueryDefinition(this, `Query${query.id}`, {
            queryDefinitionName: `${this.prefix}/${query.name}`,
            queryString: query.query,
            logGroups: [groups[query.scope]],
          }),
        ] as const,
    );
    return Object.fromEntries(entries) as Record<(typeof OPERATOR_QUERIES)[number]['id'], logs.QueryDefinition>;
  }
}

/**
 * One time series summing a metric of several functions (the value of each five minutes across all of
 * them), for a group alarm. A function without data points adds nothing.
 */
function sumOfFunctions(label: string, metrics: cloudwatch.IMetric[]): cloudwatch.MathExpression {
  if (metrics.length > ALARM_METRICS_LIMIT) throw new Error(`Observability: an alarm's math may use ${ALARM_METRICS_LIMIT} metrics, not ${metrics.length}`);
  const usingMetrics = Object.fromEntries(metrics.map((metric, i) => [`f${i + 1}`, metric]));
  return new cloudwatch.MathExpression({
    label,
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: ALARM_PERIOD,
  });
}

/** A Pingyi metric of one operation (a route's operationId or a job's id). */
export function operationMetric(name: MetricName, operation: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, [OPERATION_DIMENSION]: operation },
    ...options,
  });
}

/** A Pingyi metric written for the whole service (`service` dimension only), such as RecountMismatches. */
export function serviceMetric(name: MetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAME }, ...options });
}
