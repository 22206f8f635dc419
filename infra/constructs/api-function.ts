import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, type CfnElement, DockerImage, Duration, Lazy, Names, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { buildSync } from 'esbuild';
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

/** What a function may do with a table's own KMS key: decrypt to read; encrypt as well to write. */
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

/**
 * A role whose grants live in the role itself (an inline policy, `Grants`), not in a separate
 * AWS::IAM::Policy as iam.Role puts them: one resource per role instead of two, which keeps a stack of a
 * function per route under CloudFormation's 500 resources. The policy document is rendered at synth, so
 * grants added after construction (bindTable, DynamoEventSource, destinations) land in it as well.
 */
export class InlinePolicyRole extends iam.Role {
  /** The inline policy every `addToPrincipalPolicy` (and so every grant) adds to. */
  readonly inlinePolicy: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: Omit<iam.RoleProps, 'inlinePolicies'>) {
    super(scope, id, props);
    this.inlinePolicy = new iam.PolicyDocument();
    // Rendered at synth, and left out while it holds no statement (CloudFormation refuses an empty policy).
    (this.node.defaultChild as iam.CfnRole).policies = Lazy.any({
      produce: () => (this.inlinePolicy.isEmpty ? undefined : [{ policyName: 'Grants', policyDocument: this.inlinePolicy }]),
    });
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.inlinePolicy.addStatements(statement);
    // The statements are part of the role itself: whatever needs them depends on the role.
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * How cdk-nag names an attribute of `element` in a policy of `scope`'s stack (the `<…>` of a finding's id):
 * `Logical.Attribute` in the element's own stack; in a nested stack (a route context's, http-api.ts) the
 * parameter CDK passes the value in as, `referenceto<unique id of the element><Attribute>`.
 */
export function nagReference(scope: IConstruct, element: CfnElement, attribute: string): string {
  const consumer = Stack.of(scope);
  if (Stack.of(element) === consumer) return `${consumer.getLogicalId(element)}.${attribute}`;
  return `reference-to-${Names.nodeUniqueId(element.node)}${attribute}`.replace(/[^A-Za-z0-9]/g, '');
}

/** The file Lambda loads (handler `index.handler`); every other file of a bundle is a chunk it imports. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * Bundles one handler into `outdir` with the local esbuild: `index.mjs` and the chunks it imports. The bundle
 * is split at dynamic imports, so what a function imports only on some path — Powertools Tracer and the X-Ray
 * SDK where tracing is on (functions/platform/xray.ts), the Secrets Manager client at the first ballot token,
 * the AWS SDK's credential providers that Lambda's environment credentials never reach — stays in files
 * that a cold start does not read. (NodejsFunction cannot split: it always passes `--outfile`.) Minified,
 * ESM, the SDK bundled in (importing a minified bundled SDK is faster than loading the runtime's copy from
 * node_modules), no source map.
 */
function bundleHandler(entry: string, outdir: string): void {
  buildSync({
    absWorkingDir: repoRoot,
    entryPoints: { [path.parse(BUNDLE_ENTRY_FILE).name]: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: NODE_RUNTIME.name.replace(/^nodejs(\d+).*$/, 'node$1'),
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: false,
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
  });
}

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

/**
 * Where a function logs: in a stack, the one log group all its functions share (`logGroup`: one resource
 * instead of one per function; Powertools lines carry `function_name` and ours `operationId`); a function
 * built alone (a test, a benchmark) may have a group of its own instead.
 */
export type FunctionLogs =
  | { readonly logGroup: logs.ILogGroup }
  | { readonly logRetention: logs.RetentionDays; readonly logRemovalPolicy: RemovalPolicy };

/** Only the log settings of `props`, to hand on to an ApiFunction. */
export function functionLogsOf(props: FunctionLogs): FunctionLogs {
  return 'logGroup' in props ? { logGroup: props.logGroup } : { logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy };
}

export type ApiFunctionProps = ApiFunctionSettings & FunctionLogs;

export interface ApiFunctionSettings {
  /** The handler module relative to functions/, as routes.ts names it (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** @default TIME_BUDGET.apiFunctionSeconds (functions/platform/time-budget.ts) */
  readonly timeout?: Duration;
  /** @default 512 MB: more memory means more CPU, which shortens the cold start of a bundle with the SDK in it */
  readonly memorySize?: number;
  /** Extra environment; table names and secret ARNs are added by `bindTable` and `bindSecret`, never here. */
  readonly environment?: Record<string, string>;
}

/**
 * One Pingyi Lambda function with every default in one place: Node.js 24 on arm64 (Graviton: about a fifth
 * cheaper per GB-second than x86), an ESM bundle split at dynamic imports (`bundleHandler`), JSON
 * logs in the stack's shared log group, grants in its role's inline policy, X-Ray active tracing, and Powertools settings.
 *
 * Tables and secrets are attached only through `bindTable`/`bindTables` and `bindSecret`/`bindSecrets`, which
 * grant exactly the declared access and set the env var together, so a function can never know a table or
 * secret it may not touch, nor touch one it was not told about.
 */
export class ApiFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: InlinePolicyRole;
  /** The log group it writes to: in a stack, the one shared by all its functions (FunctionLogs). */
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    this.logGroup =
      'logGroup' in props ? props.logGroup : new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    // Its own role rather than AWSLambdaBasicExecutionRole: that managed policy may create and write
    // any log group in the account; this one may only write to the functions' log group.
    this.role = new InlinePolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    const entry = path.join('functions', props.entry);
    this.function = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(repoRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: {
            tryBundle: (outputDir) => {
              bundleHandler(path.join(repoRoot, entry), outputDir);
              return true;
            },
          },
          // Never run (esbuild bundles locally), but part of the asset's cache key, which must differ per
          // entry: two functions with equal bundling options would share one bundle.
          image: DockerImage.fromRegistry('esbuild-local'),
          command: ['esbuild', entry],
        },
      }),
      handler: 'index.handler',
      description: props.description.slice(0, 256),
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(TIME_BUDGET.apiFunctionSeconds),
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
      // A table of personal data has a key of its own (infra/constructs/tables.ts): its data is read and
      // written only with a grant on that key as well.
      bound.encryptionKey?.grant(this.function, ...(access === 'read' ? KEY_READ_ACTIONS : KEY_WRITE_ACTIONS));
      // CDK grants any access to a table with indexes on `<table>/index/*` as well (a Put only ever uses the table).
      if (bound.definition.indexes) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${nagReference(this, bound.table.node.defaultChild as CfnElement, 'Arn')}>/index/*]`,
          reason: `The ${bound.key} table's own indexes (store/tables.ts): CDK grants them as \`<table>/index/*\`, which names no other table.`,
        });
      }
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
   * are signed with; `upload`: PutObject, which the upload URLs it hands out are signed with; `read`: GetObject
   * (HeadObject, a ranged read, download links); `attach`: GetObject and PutObjectTagging; never List or Delete — on that bucket's objects only, and
   * hands it the bucket's name in the bucket's env var. `publish`: PutObject and DeleteObject under a site prefix only (the public files),
   * and CreateInvalidation on the distribution that serves it, whose id it gets in the prefix's `distributionEnvVar`.
   */
  bindBucket(bound: BoundBucket, access: BucketAccess): void {
    const actions: Record<BucketAccess, string[]> = {
      export: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
      upload: ['s3:PutObject'],
      read: ['s3:GetObject'],
      attach: ['s3:GetObject', 's3:PutObjectTagging'],
      publish: ['s3:PutObject', 's3:DeleteObject'],
    };
    // A prefix of the site's bucket (the public files) is granted as that prefix only.
    const objects = `${bound.definition.site?.prefix ?? ''}*`;
    iam.Grant.addToPrincipal({ grantee: this.function, actions: actions[access], resourceArns: [bound.bucket.arnForObjects(objects)] });
    this.function.addEnvironment(bound.definition.envVar, bound.bucket.bucketName);
    if (access === 'publish' && bound.definition.site) {
      // What it deletes must leave CloudFront's cache too: CreateInvalidation on that one distribution.
      if (!bound.distribution) throw new Error(`${bound.key}: a site prefix is published only with the distribution that serves it`);
      bound.distribution.grantCreateInvalidation(this.function);
      this.function.addEnvironment(bound.definition.site.distributionEnvVar, bound.distribution.distributionId);
    }
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${nagReference(this, bound.bucket.node.defaultChild as CfnElement, 'Arn')}>/${objects}]`,
      reason:
        access === 'publish'
          ? `The ${bound.key} files are named by publication id under the site bucket's ${bound.definition.site?.prefix ?? ''} prefix, so no narrower ` +
            'resource exists; the grant writes and deletes (a withdrawn disclosure) public files under that prefix only, never the pages, no List.'
          : `The ${bound.key} bucket's objects are named by a random id per file, so no narrower resource exists; the grant ` +
            'is for writing new objects and reading them through presigned links only (no List, no Delete), on this bucket only.',
    });
  }

  /** `bindBucket` for each bucket a route names. */
  bindBuckets(buckets: Buckets, access: Partial<Record<BucketKey, BucketAccess>> = {}): void {
    for (const [key, mode] of Object.entries(access) as [BucketKey, BucketAccess][]) this.bindBucket(buckets.get(key), mode);
  }
}
