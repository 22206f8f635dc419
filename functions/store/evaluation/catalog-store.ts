import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZForm, ZFormVersion, type Form, type FormVersion } from '../../domain/evaluation/form';
import { ZPeriod, type Period } from '../../domain/evaluation/period';
import { ZRespondentGroup, type RespondentGroup } from '../../domain/evaluation/respondent-group';
import { conflictOf, fromItem, itemsOf } from '../items';

/**
 * The evaluation context's part of the catalog table (store/tables.ts): what admins define. Small and
 * read-mostly, so one partition per entity type, and one per form for its versions:
 *
 * | entity        | pk                  | sk              |
 * |---------------|---------------------|-----------------|
 * | group         | `GROUP`             | `<groupId>`     |
 * | period        | `PERIOD`            | `<periodId>`    |
 * | form          | `FORM`              | `<formId>`      |
 * | form version  | `FORMVER#<formId>`  | `V#<000001>`    |
 *
 * Listing a type is one Query; reading one is a GetItem; a published version is written once, together
 * with the form that points at it, and never changed.
 */
const PK = { group: 'GROUP', period: 'PERIOD', form: 'FORM' } as const;
const versionKey = (formId: string, version: number) => ({ pk: `FORMVER#${formId}`, sk: `V#${String(version).padStart(6, '0')}` });

/** Reads and writes respondent groups, periods, forms and form versions. */
export function catalogStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  const formKey = (formId: string) => ({ pk: PK.form, sk: formId });
  return {
    listGroups: (): Promise<RespondentGroup[]> => items.query(PK.group, ZRespondentGroup),
    createGroup: (g: RespondentGroup) => items.create({ pk: PK.group, sk: g.groupId }, ZRespondentGroup.parse(g), g.groupId),
    replaceGroup: (g: RespondentGroup, expectedRev: number) =>
      items.replace({ pk: PK.group, sk: g.groupId }, ZRespondentGroup.parse(g), expectedRev),

    getPeriod: (periodId: string): Promise<Period | undefined> => items.get({ pk: PK.period, sk: periodId }, ZPeriod),
    listPeriods: (): Promise<Period[]> => items.query(PK.period, ZPeriod),
    createPeriod: (p: Period) => items.create({ pk: PK.period, sk: p.periodId }, ZPeriod.parse(p), p.periodId),
    replacePeriod: (p: Period, expectedRev: number) => items.replace({ pk: PK.period, sk: p.periodId }, ZPeriod.parse(p), expectedRev),

    getForm: (formId: string): Promise<Form | undefined> => items.get(formKey(formId), ZForm),
    listForms: (): Promise<Form[]> => items.query(PK.form, ZForm),
    /** Forms made for a period (a district has a handful per period). */
    async listFormsOfPeriod(periodId: string): Promise<Form[]> {
      return (await items.query(PK.form, ZForm)).filter((f) => f.periodId === periodId);
    },
    createForm: (f: Form) => items.create(formKey(f.formId), ZForm.parse(f), f.formId),
    replaceForm: (f: Form, expectedRev: number) => items.replace(formKey(f.formId), ZForm.parse(f), expectedRev),

    getFormVersion: (formId: string, version: number): Promise<FormVersion | undefined> =>
      items.get(versionKey(formId, version), ZFormVersion),
    listFormVersions: (formId: string): Promise<FormVersion[]> => items.query(`FORMVER#${formId}`, ZFormVersion),

    /** A form and one of its versions in one round trip; either is undefined when absent. */
    async getFormAndVersion(formId: string, version: number): Promise<{ form?: Form; version?: FormVersion }> {
      const found = await items.batchGet([formKey(formId), versionKey(formId, version)]);
      return {
        form: fromItem(ZForm, found.find((i) => i.pk === PK.form)),
        version: fromItem(ZFormVersion, found.find((i) => i.pk !== PK.form)),
      };
    },

    /**
     * Writes a new version and the form pointing at it in one transaction: the version must be new and
     * the form still at the revision the publisher read, or nothing is written.
     */
    async publishVersion(version: FormVersion, form: Form, expectedRev: number): Promise<void> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...ZFormVersion.parse(version), ...versionKey(version.formId, version.version) },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { ...ZForm.parse(form), ...formKey(form.formId) },
                  ConditionExpression: 'rev = :rev',
                  ExpressionAttributeValues: { ':rev': expectedRev },
                },
              },
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', {});
      }
    },
  };
}

export type CatalogStore = ReturnType<typeof catalogStore>;
