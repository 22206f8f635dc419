import { Aws, type CfnResource, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIME_ZONE } from '../../functions/domain/time-zone';
import type { ScheduledJob as JobDefinition } from '../../functions/routes';
import { ApiFunction, type FunctionLogs, functionLogsOf, InlinePolicyRole } from './api-function';
import { bindMailSender, mailSettings } from './mail';
import type { Tables } from './tables';

export type ScheduledJobProps = {
  readonly job: JobDefinition;
  readonly tables: Tables;
} & FunctionLogs;

/**
 * How often a failed run is retried before it goes to the dead-letter queue: by EventBridge Scheduler when
 * it cannot deliver the invocation, and by Lambda when the function itself fails.
 */
export const JOB_RETRY_ATTEMPTS = 2;

/** The longest Lambda keeps an asynchronous invocation for its retries (EventInvokeConfig's limit, 6 h). */
const LAMBDA_MAX_EVENT_AGE = Duration.hours(6);

/**
 * A job's schedule: its `cron` read in China Standard Time (EventBridge Scheduler evaluates it in the
 * Asia/Shanghai zone, which has no daylight saving), or else `rate(everyMinutes.aws minutes)`.
 */
export function jobScheduleExpression(job: JobDefinition): scheduler.ScheduleExpression {
  if (!job.cron) return scheduler.ScheduleExpression.rate(Duration.minutes(job.everyMinutes.aws));
  const { minute, hour, day, weekDay } = job.cron;
  return scheduler.ScheduleExpression.cron({
    minute,
    hour,
    ...(day !== undefined ? { day } : {}),
    ...(weekDay !== undefined ? { weekDay } : {}),
    timeZone: TimeZone.of(TIME_ZONE),
  });
}

/** How the schedule reads in a description: `every 5 minutes`, `at cron(0 3 * * ? *) Asia/Shanghai`. */
const scheduleWords = (job: JobDefinition): string =>
  job.cron ? `at ${jobScheduleExpression(job).expressionString} ${TIME_ZONE}` : `every ${job.everyMinutes.aws} minutes`;

/**
 * One scheduled job of routes.ts: its function (bound to exactly the tables the job declares, held to the
 * partitions it declares) and an
 * EventBridge Scheduler schedule at `rate(everyMinutes.aws minutes)`, or at its `cron` in CST. Scheduler invokes the function
 * asynchronously, so a failure can happen in two places: delivering the invocation (Scheduler's retries
 * and dead-letter queue) and running it (Lambda's async retries and on-failure destination). Both end in
 * the same encrypted queue, so "tallies stopped updating" is a queue depth someone can alarm on rather
 * than silence.
 */
export class ScheduledJob extends Construct {
  readonly handler: ApiFunction;
  readonly schedule: scheduler.Schedule;
  readonly deadLetterQueue: sqs.Queue;
  /** The role EventBridge Scheduler assumes to invoke the handler and to dead-letter a failed event. */
  readonly schedulerRole: InlinePolicyRole;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const period = Duration.minutes(props.job.everyMinutes.aws);

    this.handler = new ApiFunction(this, 'Handler', {
      entry: props.job.entry,
      description: `${props.job.id} job, ${scheduleWords(props.job)}: ${props.job.summary}`,
      // Half the period (at least a minute): a stuck run ends well before the next one starts.
      timeout: Duration.seconds(Math.min(15 * 60, Math.max(60, period.toSeconds() / 2))),
      // A job reads and aggregates whole periods of ratings; more memory buys the CPU to do it quickly.
      memorySize: 1024,
      ...functionLogsOf(props),
    });
    this.handler.bindTables(props.tables, props.job.tables, props.job.partitions);
    // A job that sends mail may send as the deployment's sender, when it has one (infra/constructs/mail.ts).
    const mail = props.job.mail === 'send' ? mailSettings(this) : undefined;
    if (mail) bindMailSender(this.handler, mail);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler.function.configureAsyncInvoke({
      retryAttempts: JOB_RETRY_ATTEMPTS,
      // A retry older than one period is pointless: the next scheduled run does the same work. Lambda keeps
      // an event 6 h at most, which is what a daily job gets.
      maxEventAge: Duration.seconds(Math.min(LAMBDA_MAX_EVENT_AGE.toSeconds(), Math.max(60, period.toSeconds()))),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the job; nothing consumes it to fail again.',
    });

    this.schedulerRole = new InlinePolicyRole(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `EventBridge Scheduler invoking the ${props.job.id} job`,
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Runs the ${props.job.id} job ${scheduleWords(props.job)}.`,
      schedule: jobScheduleExpression(props.job),
      target: new LambdaInvoke(this.handler.function, {
        role: this.schedulerRole,
        retryAttempts: JOB_RETRY_ATTEMPTS,
        // A retry older than one period is pointless: the next scheduled run does the same work.
        maxEventAge: period,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    Validations.of(this.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.handler.function.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        "lambda:InvokeFunction on this job's one function; the `:*` suffix that Function.grantInvoke adds covers " +
        'its versions and aliases only, not any other function.',
    });
  }
}
