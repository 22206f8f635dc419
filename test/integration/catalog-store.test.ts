import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/domain/errors';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { aForm, aFormContent, aFormVersion, aGroup, aPeriod, aUnitWithId } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/** The catalog table's stores on DynamoDB Local: every write conditional, publication one transaction. */
describe('catalog and unit stores on DynamoDB Local', () => {
  let t: TestTables;
  let catalog: ReturnType<typeof catalogStore>;
  let units: ReturnType<typeof unitStore>;

  beforeAll(async () => {
    t = await freshTables();
    catalog = catalogStore(t.db, t.tables.catalog);
    units = unitStore(t.db, t.tables.catalog);
  });
  afterAll(() => t.drop());

  const conflict = (reason: string) => expect.objectContaining({ reason }) as unknown as ConflictError;
  /** What a promise rejects with (undefined when it resolves), awaited at once so no rejection goes unhandled. */
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  describe('units', () => {
    it('creates a unit once: a second create with the id is a conflict and changes nothing', async () => {
      // prepare
      const unit = aUnitWithId('create-once');
      await units.createUnit(unit);

      // act
      const again = units.createUnit({ ...unit, name: { 'zh-CN': '别的', en: 'Other' } });

      // assert
      await expect(again).rejects.toBeInstanceOf(ConflictError);
      await expect(again).rejects.toEqual(conflict('alreadyExists'));
      expect(await units.getUnit('create-once')).toEqual(unit);
    });

    it('replaces a unit only at the revision read', async () => {
      // prepare
      const unit = aUnitWithId('replace-me', { rev: 1 });
      await units.createUnit(unit);
      await units.replaceUnit({ ...unit, kind: 'town', rev: 2 }, 1);

      // act
      const stale = units.replaceUnit({ ...unit, kind: 'subdistrict', rev: 2 }, 1);

      // assert
      await expect(stale).rejects.toEqual(conflict('staleRevision'));
      expect(await units.getUnit('replace-me')).toMatchObject({ kind: 'town', rev: 2 });
    });

    it('writes an import all or nothing: one stale unit and no unit of the batch is written', async () => {
      // prepare
      const kept = aUnitWithId('import-kept', { rev: 3 });
      await units.createUnit(kept);

      // act
      const failed = units.writeUnits({
        create: [aUnitWithId('import-new-1'), aUnitWithId('import-new-2')],
        replace: [{ unit: { ...kept, kind: 'town', rev: 3 }, expectedRev: 2 }],
      });

      // assert
      await expect(failed).rejects.toEqual(conflict('staleRevision'));
      expect(await units.getUnits(['import-new-1', 'import-new-2', 'import-kept'])).toEqual([kept]);
    });

    it('writes creates and replacements together, and reads them back in one batch', async () => {
      // prepare
      const existing = aUnitWithId('import-existing');
      await units.createUnit(existing);

      // act
      await units.writeUnits({
        create: [aUnitWithId('import-a'), aUnitWithId('import-b', { parentId: 'import-a' })],
        replace: [{ unit: { ...existing, kind: 'town', rev: 2 }, expectedRev: 1 }],
      });

      // assert
      const read = await units.getUnits(['import-a', 'import-b', 'import-existing', 'import-a', 'missing']);
      expect(read.map((u) => [u.unitId, u.rev]).sort()).toEqual([
        ['import-a', 1],
        ['import-b', 1],
        ['import-existing', 2],
      ]);
      expect((await units.listUnits()).map((u) => u.unitId)).toEqual(expect.arrayContaining(['import-a', 'import-b']));
    });
  });

  describe('groups and periods', () => {
    it('creates each once and replaces each only at the revision read', async () => {
      // prepare
      await catalog.createGroup(aGroup('citizen'));
      await catalog.createPeriod(aPeriod());

      // act
      const groupAgain = await failure(catalog.createGroup(aGroup('citizen')));
      const periodAgain = await failure(catalog.createPeriod(aPeriod()));
      await catalog.replacePeriod(aPeriod({ minSample: 10, rev: 2 }), 1);
      const stalePeriod = await failure(catalog.replacePeriod(aPeriod({ minSample: 20, rev: 2 }), 1));
      const staleGroup = await failure(catalog.replaceGroup(aGroup('citizen', { rev: 3 }), 2));

      // assert
      expect(groupAgain).toEqual(conflict('alreadyExists'));
      expect(periodAgain).toEqual(conflict('alreadyExists'));
      expect(stalePeriod).toEqual(conflict('staleRevision'));
      expect(staleGroup).toEqual(conflict('staleRevision'));
      expect(await catalog.getPeriod('2026-annual')).toMatchObject({ minSample: 10, rev: 2 });
      expect(await catalog.listGroups()).toEqual([aGroup('citizen')]);
    });
  });

  describe('forms and versions', () => {
    const draft = aForm({ formId: 'publish-me', status: 'draft', latestVersion: 0, rev: 1 });
    const v1 = aFormVersion({ formId: 'publish-me', version: 1 });

    it('publishes a version and the form pointing at it in one transaction', async () => {
      // prepare
      await catalog.createForm(draft);

      // act
      await catalog.publishVersion(v1, { ...draft, status: 'published', latestVersion: 1, rev: 2 }, 1);

      // assert
      expect(await catalog.getFormAndVersion('publish-me', 1)).toEqual({
        form: { ...draft, status: 'published', latestVersion: 1, rev: 2 },
        version: v1,
      });
      expect(await catalog.listFormVersions('publish-me')).toEqual([v1]);
    });

    it('writes neither the version nor the form when the form moved on since it was read', async () => {
      // prepare: the form is at revision 2 now
      const v2 = aFormVersion({ formId: 'publish-me', version: 2, content: aFormContent({ unitIds: ['tax-bureau'] }) });

      // act
      const stale = catalog.publishVersion(v2, { ...draft, status: 'published', latestVersion: 2, rev: 3 }, 1);

      // assert
      await expect(stale).rejects.toEqual(conflict('staleRevision'));
      expect(await catalog.getFormVersion('publish-me', 2)).toBeUndefined();
      expect(await catalog.getForm('publish-me')).toMatchObject({ latestVersion: 1, rev: 2 });
    });

    it('never overwrites a published version, and then leaves the form alone too', async () => {
      // act
      const again = catalog.publishVersion(
        { ...v1, content: aFormContent({ unitIds: ['service-centre'] }) },
        { ...draft, status: 'published', latestVersion: 1, rev: 3 },
        2,
      );

      // assert
      await expect(again).rejects.toEqual(conflict('staleRevision'));
      expect(await catalog.getFormVersion('publish-me', 1)).toEqual(v1);
      expect(await catalog.getForm('publish-me')).toMatchObject({ rev: 2 });
    });

    it('lists the forms of a period, and reads a missing form or version as undefined', async () => {
      // prepare
      await catalog.createForm(aForm({ formId: 'other-period-form', periodId: 'another-period' }));

      // act
      const ofPeriod = await catalog.listFormsOfPeriod('another-period');
      const missing = await catalog.getFormAndVersion('no-such-form', 1);

      // assert
      expect(ofPeriod.map((f) => f.formId)).toEqual(['other-period-form']);
      expect(missing).toEqual({ form: undefined, version: undefined });
    });
  });
});
