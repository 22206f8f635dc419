import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/platform/metric-names';
import { TIME_BUDGET } from '../../functions/platform/time-budget';
import type { BucketAccess, BucketKey } from '../../functions/store/buckets';
import type { SecretKey } from '../../functions/store/secrets';
import type { TableAccess, TableKey } from '../../functions/store/tables';
import type { BoundBucket, Buckets } from './buckets';
import type { BoundSecret, Secrets } from './secrets';
import type { BoundTable, Tables } from './tables';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The release, from package.json; /health and /openapi.json report it (functions/platform/version.ts). */
const VERSION = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The Lambda runtime every Pingyi function runs on: the newest Node.js aws-cdk-lib offers. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * The bundled SDK and middy are ESM-first but some of their dependencies still call `require`;
 * an ESM bundle has no `require`, so the banner recreates it.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The item actions each access means where a grant is held to some partitions (`dynamodb:LeadingKeys`).
 * Only actions that name the partitions they touch: a Scan (or DescribeTable, or a stream read) carries no
 * leading keys, and `ForAllValues` holds for a request without the key, so granting one would open the
 * whole table.
 */
const PARTITIONED_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  append: ['dynamodb:PutItem'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/**
 * What Powertools reads on every function (functions/platform/{logger,metrics,tracer}.ts): the service and
 * the metrics namespace (metrics are written only where it is set), tracing switched on beside X-Ray active
 * tracing, and traces without answers or error messages, which may repeat what a citizen wrote.
 */
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_TRACE_ENABLED: 'true',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
} as const;

export interface ApiFunctionProps {
  /** The handler module relative to functions/, as routes.ts names it (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** @default TIME_BUDGET.apiFunctionSeconds (functions/platform/time-budget.ts) */
  readonly timeout?: Duration;
  /** @default 512 MB: more memory means more CPU, which shortens the cold start of a bundle with the SDK in it */
  readonly memorySize?: number;
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Extra environment; table names and secret ARNs are added by `bindTable` and `bindSecret`, never here. */
  readonly environment?: Record<string, string>;
}

/**
 * One Pingyi Lambda function with every default in one place: Node.js 24 on arm64 (Graviton: about a fifth
 * cheaper per GB-second than x86), an ESM bundle made by the local esbuild with the AWS SDK inside it
 * (importing a minified bundled SDK is faster than loading the runtime's copy from node_modules), JSON
 * logs in a log group with a retention, X-Ray active tracing, and Powertools settings.
 *
 * Tables and secrets are attached only through `bindTable`/`bindTables` and `bindSecret`/`bindSecrets`, which
 * grant exactly the declared access and set the env var together, so a function can never know a table or
 * secret it may not touch, nor touch one it was not told about.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Its own role rather than AWSLambdaBasicExecutionRole: that managed policy may create and write
    // any log group in the account; this one may only write to the function's own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(repoRoot, 'functions', props.entry),
      handler: 'handler',
      description: props.description.slice(0, 256),
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(TIME_BUDGET.apiFunctionSeconds),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      // A scheduled job that somehow re-triggers itself must be stopped, not billed.
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...POWERTOOLS_ENVIRONMENT,
        PINGYI_VERSION: VERSION,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: false,
        bundleAwsSDK: true,
        banner: ESM_REQUIRE_BANNER,
        forceDockerBundling: false,
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray active tracing: Lambda adds xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray offers ' +
        'on no resource narrower than `*`; the role holds no other wildcard.',
    });
  }

  /**
   * Lets this function use one table exactly as declared — read → grantReadData, append → PutItem only,
   * write → grantWriteData, readWrite → grantReadWriteData — and hands it the table's name in the table's
   * env var. With `partitions`, the grant holds only for items whose partition key is one of them (IAM
   * `ForAllValues:StringEquals dynamodb:LeadingKeys`), and leaves out what cannot be held to partitions.
   */
  bindTable(bound: BoundTable, access: TableAccess, partitions?: readonly string[]): void {
    if (partitions !== undefined) {
      if (partitions.length === 0) throw new Error(`${this.node.path}: a grant on ${bound.key} held to no partition at all`);
      iam.Grant.addToPrincipal({
        grantee: this.function,
        actions: [...PARTITIONED_ACTIONS[access]],
        resourceArns: [bound.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...partitions] } },
      });
    } else {
      const grant = {
        read: () => bound.table.grantReadData(this.function),
        append: () => bound.table.grant(this.function, 'dynamodb:PutItem'),
        write: () => bound.table.grantWriteData(this.function),
        readWrite: () => bound.table.grantReadWriteData(this.function),
      } satisfies Record<TableAccess, () => unknown>;
      grant[access]();
    }
    this.function.addEnvironment(bound.definition.envVar, bound.table.tableName);
  }

  /** `bindTable` for each entry of a route's or job's `tables`, held to its `partitions` where it names some. */
  bindTables(
    tables: Tables,
    access: Partial<Record<TableKey, TableAccess>>,
    partitions: Partial<Record<TableKey, readonly string[]>> = {},
  ): void {
    for (const key of Object.keys(partitions) as TableKey[]) {
      if (!(key in access)) throw new Error(`${this.node.path}: partitions of ${key}, a table it is not bound to`);
    }
    for (const [key, mode] of Object.entries(access) as [TableKey, TableAccess][]) {
      this.bindTable(tables.get(key), mode, partitions[key]);
    }
  }

  /**
   * Lets this function read one secret — GetSecretValue only, on that secret only — and hands it the
   * secret's ARN in the secret's env var.
   */
  bindSecret(bound: BoundSecret): void {
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [bound.secret.secretArn],
    });
    this.function.addEnvironment(bound.definition.envVar, bound.secret.secretArn);
  }

  /** `bindSecret` for each secret a route names. */
  bindSecrets(secrets: Secrets, keys: readonly SecretKey[] = []): void {
    for (const key of keys) this.bindSecret(secrets.get(key));
  }

  /**
   * Lets this function use one bucket exactly as declared — `export`: PutObject and AbortMultipartUpload
   * (a streamed multipart upload, aborted on failure) and GetObject, which the presigned links it hands out
   * are signed with; never List or Delete — on that bucket's objects only, and hands it the bucket's name in
   * the bucket's env var.
   */
  bindBucket(bound: BoundBucket, access: BucketAccess): void {
    const actions: Record<BucketAccess, string[]> = { export: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'] };
    iam.Grant.addToPrincipal({ grantee: this.function, actions: actions[access], resourceArns: [bound.bucket.arnForObjects('*')] });
    this.function.addEnvironment(bound.definition.envVar, bound.bucket.bucketName);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bound.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        `The ${bound.key} bucket's objects are named by a random id per file, so no narrower resource exists; the grant ` +
        'is for writing new objects and reading them through presigned links only (no List, no Delete), on this bucket only.',
    });
  }

  /** `bindBucket` for each bucket a route names. */
  bindBuckets(buckets: Buckets, access: Partial<Record<BucketKey, BucketAccess>> = {}): void {
    for (const [key, mode] of Object.entries(access) as [BucketKey, BucketAccess][]) this.bindBucket(buckets.get(key), mode);
  }
}
