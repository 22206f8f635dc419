import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type StreamViewType, type TableDefinition, type TableKey } from '../../functions/store/tables';

const STREAM_VIEW_TYPES: Record<StreamViewType, dynamodb.StreamViewType> = { NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE };

/** A created table together with the definition it came from, ready for `ApiFunction.bindTable`. */
export interface BoundTable {
  readonly key: TableKey;
  readonly definition: TableDefinition;
  readonly table: dynamodb.TableV2;
  /** The table's own KMS key (a table of personal data), which a function needs granted beside the table. */
  readonly encryptionKey?: kms.IKey;
}

export interface TablesProps {
  /** Refuse `DeleteTable` (also from CloudFormation) — on for prod, where the tables hold the ratings. */
  readonly deletionProtection: boolean;
}

/**
 * Every DynamoDB table of functions/store/tables.ts: on-demand (traffic comes in bursts when a QR
 * campaign runs, and is near zero otherwise), point-in-time recovery on, encrypted with the AWS-managed
 * key, and RETAINed when the stack goes away, because ratings are the public record. A table whose
 * definition names a stream gets it (the responses table: new images, for the counting function), and one
 * that names indexes gets them (sparse, whole items projected). A table of personal data (the contacts
 * table) is encrypted with a customer-managed key of its own, rotated yearly, and one that names a TTL
 * attribute has DynamoDB's TTL on it.
 *
 * TableV2 (AWS::DynamoDB::GlobalTable) rather than Table: it is the construct AWS now recommends, and a
 * replica in a second region for disaster recovery can later be added in place, whereas moving a Table
 * to a global table means a retain-and-import migration of live data.
 */
export class Tables extends Construct {
  private readonly byKey: Record<TableKey, BoundTable>;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const entries = (Object.entries(TABLES) as [TableKey, TableDefinition][]).map(([key, definition]) => {
      const table = new dynamodb.TableV2(this, definition.id, {
        partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
        ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
        deletionProtection: props.deletionProtection,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(definition.stream ? { dynamoStream: STREAM_VIEW_TYPES[definition.stream] } : {}),
        ...(definition.indexes
          ? {
              globalSecondaryIndexes: definition.indexes.map((index) => ({
                indexName: index.name,
                partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
                sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
                projectionType: dynamodb.ProjectionType.ALL,
              })),
            }
          : {}),
      });
      const encryptionKey = definition.encryption === 'customerManagedKey' ? this.keyFor(definition) : undefined;
      if (encryptionKey) {
        // TableEncryptionV2.customerManagedKey needs a stack bound to a region (it maps keys per replica);
        // the stack is region-agnostic, so the replica's key is set on the resource: KMS, with this key.
        (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyOverride('Replicas.0.SSESpecification', { KMSMasterKeyId: encryptionKey.keyArn });
      }
      return [key, { key, definition, table, ...(encryptionKey ? { encryptionKey } : {}) }] as const;
    });
    this.byKey = Object.fromEntries(entries) as Record<TableKey, BoundTable>;
  }

  /**
   * The customer-managed key of a table of personal data (the contacts table): rotated yearly, RETAINed with
   * the table; only the functions granted the table may use it, so reading the data needs both grants.
   */
  private keyFor(definition: TableDefinition): kms.Key {
    return new kms.Key(this, `${definition.id}Key`, {
      description: `Encrypts the ${definition.id} table (personal data)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The table for a key of TABLES. */
  get(key: TableKey): BoundTable {
    return this.byKey[key];
  }

  /** Every table, in TABLES order. */
  all(): BoundTable[] {
    return Object.values(this.byKey);
  }
}
