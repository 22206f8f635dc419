import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { ZForm, ZPeriod, ZUnit, type Form, type Period, type Unit } from '../domain/catalog';
import { BATCH_RETRIES, UnprocessedError, backoff } from './retry';

/**
 * The catalog table: what admins define. Small and read-mostly, so one partition per entity type:
 *
 * | entity | pk       | sk         |
 * |--------|----------|------------|
 * | unit   | `UNIT`   | `<unitId>` |
 * | form   | `FORM`   | `<formId>` |
 * | period | `PERIOD` | `<periodId>` |
 *
 * Listing an entity type is one Query; reading one is a GetItem; a form and its period are one BatchGetItem.
 * Items hold the entity's fields beside the keys and are checked with the domain schema when read.
 */
const KIND = { unit: 'UNIT', form: 'FORM', period: 'PERIOD' } as const;
type Kind = keyof typeof KIND;
type Item = Record<string, unknown>;

const key = (kind: Kind, id: string) => ({ pk: KIND[kind], sk: id });

function fromItem<S extends z.ZodType>(schema: S, item: Item | undefined): z.output<S> | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...fields } = item;
  return schema.parse(fields);
}

/** Reads and writes units, forms and periods. */
export function catalogStore(db: DynamoDBDocumentClient, table: string) {
  async function get<S extends z.ZodType>(kind: Kind, id: string, schema: S): Promise<z.output<S> | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: key(kind, id) }));
    return fromItem(schema, Item);
  }

  async function list<S extends z.ZodType>(kind: Kind, schema: S): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': KIND[kind] },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) items.push(fromItem(schema, item) as z.output<S>);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** BatchGetItem with the retries of unprocessed keys the API asks for. */
  async function batchGet(keys: { pk: string; sk: string }[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Item[] | undefined = keys.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > BATCH_RETRIES) throw new UnprocessedError('BatchGetItem');
        if (attempt > 0) await backoff(attempt);
        const out: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  }

  return {
    getForm: (formId: string): Promise<Form | undefined> => get('form', formId, ZForm),
    getPeriod: (periodId: string): Promise<Period | undefined> => get('period', periodId, ZPeriod),
    listForms: (): Promise<Form[]> => list('form', ZForm),
    listPeriods: (): Promise<Period[]> => list('period', ZPeriod),

    /** Forms published for a period (a district usually has one per period). */
    async listFormsOfPeriod(periodId: string): Promise<Form[]> {
      return (await list('form', ZForm)).filter((f) => f.periodId === periodId);
    },

    /** The units with these ids that exist, in no particular order. */
    async getUnits(unitIds: string[]): Promise<Unit[]> {
      const items = await batchGet(unitIds.map((id) => key('unit', id)));
      return items.map((item) => fromItem(ZUnit, item) as Unit);
    },

    /** A form and a period in one round trip; either is undefined when absent. */
    async loadFormAndPeriod(formId: string, periodId: string): Promise<{ form?: Form; period?: Period }> {
      const items = await batchGet([key('form', formId), key('period', periodId)]);
      const form = items.find((i) => i.pk === KIND.form);
      const period = items.find((i) => i.pk === KIND.period);
      return { form: fromItem(ZForm, form), period: fromItem(ZPeriod, period) };
    },

    putUnit: (unit: Unit) => put('unit', unit.unitId, ZUnit.parse(unit)),
    putForm: (form: Form) => put('form', form.formId, ZForm.parse(form)),
    putPeriod: (period: Period) => put('period', period.periodId, ZPeriod.parse(period)),
  };

  async function put(kind: Kind, id: string, fields: object): Promise<void> {
    await db.send(new PutCommand({ TableName: table, Item: { ...fields, ...key(kind, id) } }));
  }
}

export type CatalogStore = ReturnType<typeof catalogStore>;
