import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type StreamViewType, type TableDefinition, type TableKey } from '../../functions/store/tables';

const STREAM_VIEW_TYPES: Record<StreamViewType, dynamodb.StreamViewType> = { NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE };

/** A created table together with the definition it came from, ready for `ApiFunction.bindTable`. */
export interface BoundTable {
  readonly key: TableKey;
  readonly definition: TableDefinition;
  readonly table: dynamodb.TableV2;
}

export interface TablesProps {
  /** Refuse `DeleteTable` (also from CloudFormation) — on for prod, where the tables hold the ratings. */
  readonly deletionProtection: boolean;
}

/**
 * Every DynamoDB table of functions/store/tables.ts: on-demand (traffic comes in bursts when a QR
 * campaign runs, and is near zero otherwise), point-in-time recovery on, encrypted with the AWS-managed
 * key, and RETAINed when the stack goes away, because ratings are the public record. A table whose
 * definition names a stream gets it (the responses table: new images, for the counting function).
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
        deletionProtection: props.deletionProtection,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(definition.stream ? { dynamoStream: STREAM_VIEW_TYPES[definition.stream] } : {}),
      });
      return [key, { key, definition, table }] as const;
    });
    this.byKey = Object.fromEntries(entries) as Record<TableKey, BoundTable>;
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
