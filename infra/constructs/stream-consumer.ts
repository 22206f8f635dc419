import { Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumer as ConsumerDefinition } from '../../functions/routes';
import { ApiFunction, type FunctionLogs, functionLogsOf } from './api-function';
import { STREAM_CONSUMER_TIMEOUT_SECONDS, streamFilterPattern } from './stream-mapping';
import type { Buckets } from './buckets';
import type { Tables } from './tables';

export type StreamConsumerProps = {
  readonly consumer: ConsumerDefinition;
  readonly tables: Tables;
  /** The buckets a consumer may name (`consumer.buckets`). */
  readonly buckets?: Buckets;
} & FunctionLogs;

/** How long one batch may take (stream-mapping.ts; the local stream reader gives it the same). */
export const STREAM_CONSUMER_TIMEOUT = Duration.seconds(STREAM_CONSUMER_TIMEOUT_SECONDS);

/**
 * One stream consumer of routes.ts: its function (bound to exactly the tables it declares) and the event
 * source mapping that feeds it its table's stream, from the oldest record kept (TRIM_HORIZON), filtered
 * in the mapping so that records the consumer does not want never invoke it. A batch the function fails
 * is split in two on a thrown error; with `batchItemFailures` only the first failed record and those
 * after it are handed over again. After the declared retries (or once a record is older than its
 * declared age) the batch's description — shard and sequence numbers, not the records — goes to an
 * encrypted queue, which the observability construct alarms on; the records themselves stay readable in
 * the stream for the rest of their 24 hours.
 */
export class StreamConsumer extends Construct {
  readonly handler: ApiFunction;
  readonly eventSource: DynamoEventSource;
  /** Where batches that could not be handled are described (the mapping's on-failure destination). */
  readonly onFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const { consumer } = props;
    const { stream } = consumer;
    const source = props.tables.get(stream.table);
    if (!source.table.tableStreamArn) throw new Error(`${this.node.path}: the ${stream.table} table has no stream (store/tables.ts)`);

    this.handler = new ApiFunction(this, 'Handler', {
      entry: consumer.entry,
      description: `${consumer.id}, reads the ${stream.table} stream: ${consumer.summary}`,
      timeout: consumer.runtime?.timeoutSeconds ? Duration.seconds(consumer.runtime.timeoutSeconds) : STREAM_CONSUMER_TIMEOUT,
      ...(consumer.runtime?.memoryMb ? { memorySize: consumer.runtime.memoryMb } : {}),
      ...functionLogsOf(props),
    });
    this.handler.bindTables(props.tables, consumer.tables);
    if (consumer.buckets) {
      if (!props.buckets) throw new Error(`${this.node.path}: ${consumer.id} names buckets, and none were given`);
      this.handler.bindBuckets(props.buckets, consumer.buckets);
    }

    this.onFailureQueue = new sqs.Queue(this, 'OnFailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the stream consumer; nothing consumes it to fail again.',
    });

    // DynamoEventSource grants the stream read (ListStreams, DescribeStream, GetShardIterator, GetRecords on
    // this table's stream only) and sending to the queue.
    this.eventSource = new DynamoEventSource(source.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: stream.batchSize,
      maxBatchingWindow: Duration.seconds(stream.maxBatchingWindowSeconds),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: stream.retryAttempts,
      maxRecordAge: Duration.seconds(stream.maxRecordAgeSeconds),
      ...(stream.parallelizationFactor === undefined ? {} : { parallelizationFactor: stream.parallelizationFactor }),
      filters: [lambda.FilterCriteria.filter(streamFilterPattern(stream.table, stream.filter))],
      onFailure: new SqsDlq(this.onFailureQueue),
    });
    this.handler.function.addEventSource(this.eventSource);
  }
}
