import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZUnit, type Unit } from '../../domain/units/unit';
import { conflictOf, fromItem, itemsOf } from '../items';

/**
 * Units live in the catalog table (store/tables.ts), one partition for all of them — a district has
 * hundreds, a province a few thousand, and they are read together:
 *
 * | entity | pk     | sk         |
 * |--------|--------|------------|
 * | unit   | `UNIT` | `<unitId>` |
 */
const UNIT = 'UNIT';
const key = (unitId: string) => ({ pk: UNIT, sk: unitId });

/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_MAX_ITEMS = 100;

/** Reads and writes units. */
export function unitStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    getUnit: (unitId: string): Promise<Unit | undefined> => items.get(key(unitId), ZUnit),
    listUnits: (): Promise<Unit[]> => items.query(UNIT, ZUnit),

    /** The units with these ids that exist, in no particular order. */
    async getUnits(unitIds: string[]): Promise<Unit[]> {
      const found = await items.batchGet([...new Set(unitIds)].map(key));
      return found.map((item) => fromItem(ZUnit, item) as Unit);
    },

    createUnit: (unit: Unit) => items.create(key(unit.unitId), ZUnit.parse(unit), unit.unitId),
    replaceUnit: (unit: Unit, expectedRev: number) => items.replace(key(unit.unitId), ZUnit.parse(unit), expectedRev),

    /**
     * Creates and replaces units, each under its condition (new, or still at its read revision), in
     * transactions of up to 100 items: an import of up to 100 changed units is all or nothing. A larger one
     * is written batch by batch; a batch that loses a race writes nothing and the import can be retried,
     * since it only sets values.
     */
    async writeUnits({ create, replace }: { create: Unit[]; replace: { unit: Unit; expectedRev: number }[] }): Promise<void> {
      const writes = [
        ...create.map((unit) => ({
          Put: { TableName: table, Item: { ...ZUnit.parse(unit), ...key(unit.unitId) }, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
        ...replace.map(({ unit, expectedRev }) => ({
          Put: {
            TableName: table,
            Item: { ...ZUnit.parse(unit), ...key(unit.unitId) },
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': expectedRev },
          },
        })),
      ];
      for (let start = 0; start < writes.length; start += TRANSACTION_MAX_ITEMS) {
        try {
          await db.send(new TransactWriteCommand({ TransactItems: writes.slice(start, start + TRANSACTION_MAX_ITEMS) }));
        } catch (error) {
          conflictOf(error, 'staleRevision', {});
        }
      }
    },
  };
}

export type UnitStore = ReturnType<typeof unitStore>;
