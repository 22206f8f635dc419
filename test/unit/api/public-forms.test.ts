import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as getForm } from '../../../functions/api/evaluation/get-form';
import { handler as listForms } from '../../../functions/api/evaluation/list-forms';
import { ZFormSummary, ZPublishedForm } from '../../../functions/domain/evaluation/published-form';
import { DURING_PERIOD, aForm, aFormContent } from '../../fixtures/catalog';
import { httpEvent, lambdaContext } from '../../fixtures/http';
import { formItem } from '../../fixtures/items';
import { storeDistrict } from './district';
import { UNIT_TABLE, fakeTables, type FakeTables } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(DURING_PERIOD);
});
afterAll(() => vi.useRealTimers());

beforeEach(() => {
  ddb.reset();
  tables = fakeTables(ddb);
  storeDistrict(tables);
  // a form never published, and a closed one
  tables.put(
    UNIT_TABLE.catalog,
    formItem(aForm({ formId: 'draft-only', status: 'draft', latestVersion: 0, rev: 1 })),
    formItem(aForm({ formId: 'closed-form', status: 'closed', latestVersion: 0, rev: 3 })),
  );
});

describe('getForm handler', () => {
  it("gives anyone a form's latest published version with the names of its units and groups", async () => {
    // act
    const res = await getForm(httpEvent('getForm', { params: { formId: 'district-2026' } }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    const form = ZPublishedForm.parse(JSON.parse(String(res.body)));
    expect(form).toMatchObject({ formId: 'district-2026', version: 1, preview: false, content: aFormContent() });
    expect(form.period).toMatchObject({ periodId: '2026-annual', state: 'open' });
    expect(form.units.map((u) => u.name['zh-CN'])).toEqual(['区税务局', '测试单位service-centre']);
    expect(form.groups.map((g) => g.groupId).sort()).toEqual(['appointed-supervisor', 'citizen', 'deputy', 'enterprise']);
  });

  it('answers 404 for a form that was never published', async () => {
    // act
    const res = await getForm(httpEvent('getForm', { params: { formId: 'draft-only' } }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(404);
  });
});

describe('listForms handler', () => {
  it('lists the published forms only, saying whether each takes responses now', async () => {
    // act
    const res = await listForms(httpEvent('listForms'), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    const forms = (JSON.parse(String(res.body)) as { forms: unknown[] }).forms.map((f) => ZFormSummary.parse(f));
    expect(forms.map((f) => [f.formId, f.version, f.state])).toEqual([['district-2026', 1, 'open']]);
  });
});
