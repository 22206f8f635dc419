import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { ScheduledJob } from '../../functions/routes';
import { afterAll, describe, expect, it } from 'vitest';
import { jobs } from '../../functions/routes';
import { JOB_RETRY_ATTEMPTS, jobScheduleExpression } from '../../infra/constructs/scheduled-job';
import { cleanUp, type Json, logicalId, roleStatements, synth } from './synth';

const { stack, template } = synth('dev');
afterAll(cleanUp);

const resource = (id: string) => template.toJSON().Resources[id] as { Type: string; Properties: Json };

describe('scheduled jobs', () => {
  it('creates one schedule per job of routes.ts', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', jobs.length);
  });

  const rateJobs = (jobs as readonly ScheduledJob[]).filter((job) => !job.cron);
  const cronJobs = (jobs as readonly ScheduledJob[]).filter((job) => job.cron);

  it.each(rateJobs.map((job) => [job.id, job] as const))('runs %s at its rate', (id, job) => {
    const { Properties } = resource(logicalId(stack.jobs[id]!.schedule));
    // CDK writes the rate in the largest whole unit: `rate(5 minutes)`, `rate(1 hour)`.
    const minutes: number = job.everyMinutes.aws;
    const expected = ScheduleExpression.rate(Duration.minutes(minutes)).expressionString;
    expect(Properties.ScheduleExpression).toBe(expected);
    expect(expected).toMatch(minutes % 60 === 0 ? /^rate\(\d+ hours?\)$/ : /^rate\(\d+ minutes?\)$/);
    expect(Properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
  });

  it.each(cronJobs.map((job) => [job.id, job] as const))('runs %s at its cron, read in China Standard Time', (id, job) => {
    const { Properties } = resource(logicalId(stack.jobs[id]!.schedule));
    expect(Properties.ScheduleExpression).toBe(`cron(${job.cron!.minute} ${job.cron!.hour} ${job.cron!.day ?? (job.cron!.weekDay ? '?' : '*')} * ${job.cron!.weekDay ?? '?'} *)`);
    expect(Properties.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
  });

  it('recounts nightly at 03:00 CST (19:00 UTC), a quiet hour, once a day', () => {
    const recount = jobs.find((job) => job.id === 'recount') as ScheduledJob | undefined;
    expect(recount?.cron).toEqual({ minute: '0', hour: '3' });
    expect(recount?.everyMinutes.aws).toBe(24 * 60);
    const { Properties } = resource(logicalId(stack.jobs.recount!.schedule));
    expect([Properties.ScheduleExpression, Properties.ScheduleExpressionTimezone]).toEqual(['cron(0 3 * * ? *)', 'Asia/Shanghai']);
  });

  it('writes a cron with a day of the week as Scheduler wants it (a ? for the day of the month)', () => {
    const job: ScheduledJob = { id: 'weekly', entry: 'jobs/x.ts', summary: 'x', everyMinutes: { aws: 7 * 1440, local: 60 }, cron: { minute: '30', hour: '2', weekDay: 'MON' }, tables: {} };
    const expression = jobScheduleExpression(job);
    expect([expression.expressionString, expression.timeZone?.timezoneName]).toEqual(['cron(30 2 ? * MON *)', 'Asia/Shanghai']);
  });

  it.each(jobs.map((job) => [job.id, job] as const))('runs %s on its own function', (id) => {
    const scheduled = stack.jobs[id]!;
    const { Properties } = resource(logicalId(scheduled.schedule));
    expect(Properties.State).toBe('ENABLED');
    expect(Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [logicalId(scheduled.handler.function), 'Arn'] });
    expect(Properties.Target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalId(scheduled.schedulerRole), 'Arn'] });
  });

  it('forgets the day salts at least every hour, so a day\'s salt is gone within an hour of the day\'s end (CST)', () => {
    const daySalts = jobs.find((job) => job.id === 'daySalts');
    expect(daySalts?.everyMinutes.aws).toBeLessThanOrEqual(60);
    expect(resource(logicalId(stack.jobs.daySalts!.schedule)).Properties.State).toBe('ENABLED');
  });

  it.each(jobs.map((job) => [job.id, job] as const))('retries %s, then dead-letters it', (id, job) => {
    const scheduled = stack.jobs[id]!;
    const { Target } = resource(logicalId(scheduled.schedule)).Properties;
    expect(Target.RetryPolicy).toEqual({ MaximumRetryAttempts: JOB_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: job.everyMinutes.aws * 60 });
    expect(JOB_RETRY_ATTEMPTS).toBeGreaterThan(0);
    expect(Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalId(scheduled.deadLetterQueue), 'Arn'] } });
  });

  it.each(jobs.map((job) => [job.id, job] as const))('dead-letters a run of %s whose function fails', (id, job) => {
    // Scheduler invokes asynchronously: a failing function is retried by Lambda, not by the schedule.
    const scheduled = stack.jobs[id]!;
    const queueArn = { 'Fn::GetAtt': [logicalId(scheduled.deadLetterQueue), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(scheduled.handler.function) },
      MaximumRetryAttempts: JOB_RETRY_ATTEMPTS,
      // Lambda keeps an asynchronous event 6 h at most.
      MaximumEventAgeInSeconds: Math.min(6 * 3600, Math.max(60, job.everyMinutes.aws * 60)),
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    const handlerStatements = roleStatements(template, logicalId(scheduled.handler.role));
    expect(handlerStatements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Resource: queueArn }));
  });

  it.each(jobs.map((job) => job.id))('encrypts the dead-letter queue of %s and refuses non-TLS access', (id) => {
    const queueId = logicalId(stack.jobs[id]!.deadLetterQueue);
    expect(resource(queueId).Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(queueId),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it.each(jobs.map((job) => job.id))('lets the scheduler invoke only the %s function and send only to its queue', (id) => {
    const scheduled = stack.jobs[id]!;
    const roleId = logicalId(scheduled.schedulerRole);
    const functionArn = { 'Fn::GetAtt': [logicalId(scheduled.handler.function), 'Arn'] };
    const statements = roleStatements(template, roleId);
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }] },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(scheduled.deadLetterQueue), 'Arn'] } },
    ]);
    expect(resource(roleId).Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
  });
});
