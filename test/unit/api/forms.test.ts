import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as closeForm } from '../../../functions/api/evaluation/close-form';
import { handler as createForm } from '../../../functions/api/evaluation/create-form';
import { handler as getAdminForm } from '../../../functions/api/evaluation/get-admin-form';
import { handler as getFormVersion } from '../../../functions/api/evaluation/get-form-version';
import { handler as listAdminForms } from '../../../functions/api/evaluation/list-admin-forms';
import { handler as previewForm } from '../../../functions/api/evaluation/preview-form';
import { handler as publishForm } from '../../../functions/api/evaluation/publish-form';
import { handler as saveFormDraft } from '../../../functions/api/evaluation/save-form-draft';
import { ZFormDetail } from '../../../functions/domain/evaluation/form-admin';
import { ZFormVersion } from '../../../functions/domain/evaluation/form';
import { ZPublishedForm } from '../../../functions/domain/evaluation/published-form';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody } from '../../../functions/platform/error-body';
import type { OperationId } from '../../../functions/routes';
import { aForm, aFormContent, aFormVersion, aUnitWithId } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { formVersionItem, unitItem } from '../../fixtures/items';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, WRITE_COMMANDS, commandNames, fakeTables, type FakeTables } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;
const NOW = new Date('2026-03-01T09:00:00+08:00');
const FORM_ID = 'district-2026';
const changed = aFormContent({ title: { 'zh-CN': '2026 年度政务服务评议（修订）', en: '2026 public service appraisal (revised)' } });

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => vi.useRealTimers());

beforeEach(() => {
  ddb.reset();
  tables = fakeTables(ddb);
  // district-2026: version 1 published, its draft since changed, at revision 2
  storeDistrict(tables, aDistrict({ form: aForm({ draft: changed }) }));
});

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<{ statusCode?: number; body?: string }>;

async function call(handler: Handler, operationId: OperationId, options: Parameters<typeof httpEvent>[1] = {}) {
  const result = await handler(httpEvent(operationId, { claims: staffClaims('admin'), ...options }), lambdaContext());
  return { status: result.statusCode, json: JSON.parse(String(result.body)) as unknown };
}
const detailOf = (res: { json: unknown }) => ZFormDetail.parse(res.json);
const errorOf = (res: { json: unknown }) => ZErrorBody.parse(res.json);
const writesSent = () => commandNames(ddb).filter((name) => WRITE_COMMANDS.includes(name));
const params = { formId: FORM_ID };

describe('createForm handler', () => {
  it('creates a draft for a period with one conditional put and answers 201', async () => {
    // act
    const res = await call(createForm, 'createForm', { body: { formId: 'windows-2026', periodId: '2026-annual', content: aFormContent() } });

    // assert
    expect(res.status).toBe(201);
    expect(detailOf(res)).toEqual({
      form: {
        formId: 'windows-2026',
        periodId: '2026-annual',
        status: 'draft',
        draft: aFormContent(),
        rev: 1,
        latestVersion: 0,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
      versions: [],
      hasUnpublishedChanges: true,
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: UNIT_TABLE.catalog, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'FORM', sk: 'windows-2026' })).toMatchObject({ status: 'draft' });
  });

  it('answers 409 alreadyExists when the id is taken, keeping the stored form', async () => {
    // act
    const res = await call(createForm, 'createForm', { body: { formId: FORM_ID, periodId: '2026-annual', content: aFormContent() } });

    // assert
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'alreadyExists' });
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'FORM', sk: FORM_ID })).toMatchObject({ draft: changed, rev: 2 });
  });

  it('names an unknown period, and content that breaks the form rules, under their paths', async () => {
    // act
    const noPeriod = await call(createForm, 'createForm', {
      body: { formId: 'f-1', periodId: 'no-such-period', content: aFormContent() },
      headers: { 'accept-language': 'en' },
    });
    const badContent = await call(createForm, 'createForm', {
      body: { formId: 'f-2', periodId: '2026-annual', content: aFormContent({ unitIds: ['tax-bureau', 'ghost-unit'], defaultGroup: 'martians' }) },
      headers: { 'accept-language': 'en' },
    });

    // assert
    expect(noPeriod.status).toBe(400);
    expect(errorOf(noPeriod).fields).toEqual([{ path: 'periodId', message: 'There is no period "no-such-period".' }]);
    expect(errorOf(badContent).fields).toEqual([
      { path: 'content.unitIds.1', message: 'There is no unit "ghost-unit".' },
      { path: 'content.defaultGroup', message: 'There is no respondent group "martians".' },
    ]);
    expect(writesSent()).toEqual([]);
  });
});

describe('saveFormDraft handler', () => {
  it('saves the draft on the current revision as the next one, leaving the published version alone', async () => {
    // prepare
    const draft = aFormContent({ unitIds: ['service-centre'] });

    // act
    const res = await call(saveFormDraft, 'saveFormDraft', { params, body: { content: draft, rev: 2 } });

    // assert
    expect(res.status).toBe(200);
    expect(detailOf(res)).toMatchObject({ form: { draft, rev: 3, status: 'published', latestVersion: 1 }, hasUnpublishedChanges: true });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': 2 } });
    expect(tables.get(UNIT_TABLE.catalog, formVersionItem(aFormVersion()))).toEqual(formVersionItem(aFormVersion()));
  });

  it('answers 409 staleRevision to a save made on an old revision, and writes nothing', async () => {
    // act
    const res = await call(saveFormDraft, 'saveFormDraft', {
      params,
      body: { content: aFormContent(), rev: 1 },
      headers: { 'accept-language': 'en' },
    });

    // assert
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'staleRevision' });
    expect(errorOf(res).message).toMatch(/Reload and make it again/);
    expect(writesSent()).toEqual([]);
  });

  it('answers 404 for an unknown form', async () => {
    // act
    const res = await call(saveFormDraft, 'saveFormDraft', { params: { formId: 'nope' }, body: { content: aFormContent(), rev: 1 } });

    // assert
    expect(res.status).toBe(404);
  });
});

describe('publishForm handler', () => {
  it('writes the new version and the form in one transaction, and answers with both versions', async () => {
    // act
    const res = await call(publishForm, 'publishForm', { params, body: { rev: 2 } });

    // assert
    expect(res.status).toBe(200);
    const detail = detailOf(res);
    expect(detail.form).toMatchObject({ status: 'published', latestVersion: 2, rev: 3 });
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.hasUnpublishedChanges).toBe(false);
    expect(writesSent()).toEqual(['TransactWriteCommand']);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems ?? [];
    expect(items.map((i) => [i.Put?.Item?.pk, i.Put?.Item?.sk, i.Put?.ConditionExpression])).toEqual([
      [`FORMVER#${FORM_ID}`, 'V#000002', 'attribute_not_exists(pk)'],
      ['FORM', FORM_ID, 'rev = :rev'],
    ]);
    const v2 = ZFormVersion.parse(tables.get(UNIT_TABLE.catalog, { pk: `FORMVER#${FORM_ID}`, sk: 'V#000002' }));
    expect(v2).toEqual({ formId: FORM_ID, periodId: '2026-annual', version: 2, content: changed, publishedAt: NOW.toISOString() });
    expect(tables.get(UNIT_TABLE.catalog, formVersionItem(aFormVersion()))).toEqual(formVersionItem(aFormVersion()));
  });

  it('answers 503 with Retry-After when a concurrent transaction cancels the publication, and nothing is published', async () => {
    // prepare
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
      }),
    );

    // act
    const res = await call(publishForm, 'publishForm', { params, body: { rev: 2 } });

    // assert
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe(ERROR.serviceUnavailable);
    expect(tables.get(UNIT_TABLE.catalog, { pk: `FORMVER#${FORM_ID}`, sk: 'V#000002' })).toBeUndefined();
  });

  it('answers 409 nothingToPublish when the draft is the latest version, and writes nothing', async () => {
    // prepare
    storeDistrict(tables, aDistrict());

    // act
    const res = await call(publishForm, 'publishForm', { params, body: { rev: 2 }, headers: { 'accept-language': 'en' } });

    // assert
    expect(res.status).toBe(409);
    expect(errorOf(res)).toEqual({
      code: ERROR.conflict,
      reason: 'nothingToPublish',
      message: 'The draft is the same as version 1; there is nothing to publish.',
    });
    expect(writesSent()).toEqual([]);
  });

  it('answers 409 staleRevision to a publish on an old revision', async () => {
    // act
    const res = await call(publishForm, 'publishForm', { params, body: { rev: 1 } });

    // assert
    expect(res.status).toBe(409);
    expect(errorOf(res).reason).toBe('staleRevision');
    expect(writesSent()).toEqual([]);
  });

  it('answers 400 naming a unit retired since it was put on the draft', async () => {
    // prepare
    tables.put(UNIT_TABLE.catalog, unitItem(aUnitWithId('retired-unit', { status: 'retired' })));
    storeDistrict(tables, aDistrict({ form: aForm({ draft: aFormContent({ unitIds: ['tax-bureau', 'retired-unit'] }) }) }));

    // act
    const res = await call(publishForm, 'publishForm', { params, body: { rev: 2 }, headers: { 'accept-language': 'en' } });

    // assert
    expect(res.status).toBe(400);
    expect(errorOf(res).fields).toEqual([
      { path: 'content.unitIds.1', message: 'Unit "retired-unit" is retired and cannot be put on a form.' },
    ]);
    expect(writesSent()).toEqual([]);
  });
});

describe('closeForm handler', () => {
  it('closes the form, after which it can neither be published nor saved', async () => {
    // act
    const closed = await call(closeForm, 'closeForm', { params, body: { rev: 2 } });
    const publish = await call(publishForm, 'publishForm', { params, body: { rev: 3 } });
    const save = await call(saveFormDraft, 'saveFormDraft', { params, body: { content: aFormContent(), rev: 3 } });

    // assert
    expect(closed.status).toBe(200);
    expect(detailOf(closed).form).toMatchObject({ status: 'closed', rev: 3 });
    expect(publish.status).toBe(409);
    expect(errorOf(publish)).toMatchObject({ reason: 'formClosed' });
    expect(errorOf(save)).toMatchObject({ reason: 'formClosed' });
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'FORM', sk: FORM_ID })).toMatchObject({ status: 'closed', rev: 3 });
  });
});

describe('reading forms as an admin', () => {
  it('lists every form and gets one with its versions', async () => {
    // act
    const listed = await call(listAdminForms, 'listAdminForms');
    const one = await call(getAdminForm, 'getAdminForm', { params });

    // assert
    expect((listed.json as { forms: unknown[] }).forms).toEqual([one.json]);
    expect(detailOf(one)).toMatchObject({ versions: [{ version: 1 }], hasUnpublishedChanges: true });
  });

  it('previews the draft exactly as citizens will see it, marked as a preview', async () => {
    // act
    const res = await call(previewForm, 'previewForm', { params });

    // assert
    expect(res.status).toBe(200);
    const preview = ZPublishedForm.parse(res.json);
    expect(preview).toMatchObject({ version: 0, preview: true, content: changed, period: { periodId: '2026-annual', state: 'open' } });
    expect(preview.units.map((u) => u.unitId)).toEqual(['tax-bureau', 'service-centre']);
  });

  it('gets a published version as it was published, and 404 for one that does not exist', async () => {
    // act
    const v1 = await call(getFormVersion, 'getFormVersion', { params: { formId: FORM_ID, version: '1' } });
    const v9 = await call(getFormVersion, 'getFormVersion', { params: { formId: FORM_ID, version: '9' } });

    // assert
    expect(v1.json).toEqual(aFormVersion());
    expect(v9.status).toBe(404);
  });
});
