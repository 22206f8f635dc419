import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../../functions/domain/evaluation/period';
import type { RespondentGroup } from '../../functions/domain/evaluation/respondent-group';
import type { Unit } from '../../functions/domain/units/unit';
import { UNIT_KIND_LABELS } from '../../functions/domain/units/unit';
import { IMPORT_TEMPLATE_HEADER } from '../../functions/domain/units/unit-import';
import { listGroups, listPeriods } from '../../functions/routes/evaluation';
import type { Route } from '../../functions/routes/route';
import { importUnits, listUnits, updateUnit } from '../../functions/routes/units';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath, type Success } from '../../web/src/app/api';
import { adminPeriods } from '../../web/src/messages/admin-periods';
import { adminUnits } from '../../web/src/messages/admin-units';
import { staffCommon } from '../../web/src/messages/staff';
import { DESKTOP, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The admin's units page and periods page in a real browser on a phone-sized screen, against the local
 * stack with the demo seed: bulk import (good and bad files), editing, retiring and reinstating, a stale
 * edit, respondent groups, and periods entered in China Standard Time with weights that must sum to 1.
 * Every state visited is axe-clean and fits the phone's width; what the pages say was written is checked
 * through the API.
 */

requireChromium();

const U = adminUnits['zh-CN'];
const P = adminPeriods['zh-CN'];
const C = staffCommon['zh-CN'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.runIf(hasChromium)('admin units and periods pages', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    adminToken = await stack.token('admin');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** Calls a route as the admin; returns the status and the JSON answer. */
  async function api<R extends Route>(route: R, opts: { params?: Record<string, string>; body?: unknown } = {}) {
    const res = await fetch(stack.url + apiPath(route, opts.params), {
      method: route.method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        'Accept-Language': 'zh-CN',
        ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  }

  /** A route's success answer; fails the test on any other status. */
  async function ok<R extends Route>(route: R, opts: { params?: Record<string, string>; body?: unknown } = {}): Promise<Success<R>> {
    const { status, json } = await api(route, opts);
    expect(status, JSON.stringify(json)).toBeLessThan(300);
    return json as Success<R>;
  }

  const units = async (): Promise<Unit[]> => (await ok(listUnits)).units;
  const unit = async (unitId: string) => (await units()).find((u) => u.unitId === unitId);

  /** A staff page opened with a token in its fragment, as `npm start` prints the links. */
  async function open(name: 'admin-units' | 'admin-periods', token = adminToken): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/${name}.html#token=${token}`);
    return page;
  }

  async function openUnits(): Promise<Page> {
    const page = await open('admin-units');
    await page.locator('tr[data-unit-id="tax-bureau"]').waitFor();
    return page;
  }

  async function openPeriods(): Promise<Page> {
    const page = await open('admin-periods');
    await page.locator('tr[data-group-id="citizen"]').waitFor();
    return page;
  }

  /** Axe-clean, no sideways scrolling at 390 px (the tables scroll inside their regions), and a screenshot. */
  async function checkState(page: Page, what: string): Promise<void> {
    await screenshot(page, `admin-${what}`);
    await expectAxeClean(page, what);
    await expectFitsWidth(page);
  }

  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  it('refuses a supervisor on both pages with the 403 notice', async () => {
    const supervisor = await stack.token('supervisor');
    for (const name of ['admin-units', 'admin-periods'] as const) {
      const page = await open(name, supervisor);
      await expect.poll(() => page.locator('main .notice-error').textContent()).toBe(C.err403);
      expect(await page.locator('table').count()).toBe(0);
      await checkState(page, `${name}-403`);
      await page.close();
    }
  });

  it('lists the units and offers the import template as UTF-8 CSV with a BOM', async () => {
    const page = await openUnits();
    expect(await page.locator('tr[data-unit-id]').count()).toBe((await units()).length);
    await checkState(page, 'units-list');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-template')]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r\n/);
    expect(lines[0]).toBe(IMPORT_TEMPLATE_HEADER.join(','));
    expect(lines).toHaveLength(2);
    expect(download.suggestedFilename()).toBe(U.templateFile);

    // The template as downloaded is a valid import: the check says its one row would be created.
    await page.setInputFiles('#import-file', { name: 'template.csv', mimeType: 'text/csv', buffer: bytes });
    await page.click('#import-check');
    await page.locator('#import-preview tbody tr[data-action="create"]').waitFor();
    expect(await page.locator('#import-preview tbody tr').count()).toBe(1);
    await page.close();
  });

  it('imports ten units from an XLSX file after showing what each row does', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('单位');
    sheet.addRow([...IMPORT_TEMPLATE_HEADER]);
    for (let i = 1; i <= 10; i++) {
      sheet.addRow([`imported-${i}`, `导入单位${i}`, `Imported unit ${i}`, i % 2 ? UNIT_KIND_LABELS.bureau['zh-CN'] : 'town', i === 10 ? 'service-centre' : '']);
    }
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const page = await openUnits();

    await page.setInputFiles('#import-file', { name: 'units.xlsx', mimeType: XLSX_TYPE, buffer });
    await page.click('#import-check');
    await page.locator('#import-preview').waitFor();

    expect(await page.locator('#import-preview tbody tr').count()).toBe(10);
    expect(await page.locator('#import-preview tbody tr[data-action="create"]').count()).toBe(10);
    expect(await page.locator('#import-preview li[data-count="create"] .count').textContent()).toBe('10');
    expect(await page.locator('#import-verdict').textContent()).toBe(U.planValid);
    expect(await page.locator('#import-submit').isEnabled()).toBe(true);
    await expect.poll(() => focusedId(page)).toBe('import-preview-heading');
    expect(await unit('imported-1')).toBeUndefined(); // a check writes nothing
    await checkState(page, 'units-import-preview');

    await page.click('#import-submit');
    await page.locator('#import-result').waitFor();
    expect(await page.locator('#import-result').textContent()).toBe(U.imported({ create: 10, update: 0, unchanged: 0 }));
    await expect.poll(() => focusedId(page)).toBe('import-result');
    await expect.poll(() => page.locator('tr[data-unit-id^="imported-"]').count()).toBe(10);
    await checkState(page, 'units-imported');

    const stored = (await units()).filter((u) => u.unitId.startsWith('imported-'));
    expect(stored).toHaveLength(10);
    expect(stored.find((u) => u.unitId === 'imported-10')).toMatchObject({ kind: 'town', parentId: 'service-centre', status: 'active' });
    expect(stored.find((u) => u.unitId === 'imported-1')).toMatchObject({ kind: 'bureau', name: { 'zh-CN': '导入单位1', en: 'Imported unit 1' } });
    await page.close();
  });

  it('names every bad row of an import and cannot import it', async () => {
    const csv = [
      IMPORT_TEMPLATE_HEADER.join(','),
      'Bad ID!,坏编号,Bad id,局,', // row 2: an id that is not one
      'planet-office,星球办,Planet office,星球,', // row 3: no such kind
      'dup-unit,重复一,Duplicate one,局,', // row 4
      'dup-unit,重复二,Duplicate two,局,', // row 5: the id of row 4 again
      'no-name,,No name,镇,', // row 6: no Chinese name
      'fine-unit,正常单位,Fine unit,镇,', // row 7: fine, but must not be written either
    ].join('\r\n');
    const page = await openUnits();

    await page.setInputFiles('#import-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}\r\n`, 'utf8') });
    await page.click('#import-check');
    await page.locator('#import-preview').waitFor();

    const rows = page.locator('#import-preview tbody tr');
    expect(await rows.count()).toBe(6);
    const actions = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-row'), tr.getAttribute('data-action')]));
    expect(actions).toEqual([
      ['2', 'invalid'],
      ['3', 'invalid'],
      ['4', 'create'],
      ['5', 'invalid'],
      ['6', 'invalid'],
      ['7', 'create'],
    ]);
    const issue = (row: number, column: string) => page.locator(`#import-preview tr[data-row="${row}"] li[data-column="${column}"]`);
    expect(await issue(2, 'unitId').textContent()).toContain('编号');
    expect(await issue(3, 'kind').textContent()).toContain('星球');
    expect(await issue(5, 'unitId').textContent()).toContain('4');
    expect(await issue(6, 'nameZh').textContent()).toContain('必填');
    expect(await page.locator('#import-preview li[data-count="invalid"] .count').textContent()).toBe('4');
    expect(await page.locator('#import-verdict').textContent()).toBe(U.planInvalid({ rows: 4 }));
    expect(await page.locator('#import-submit').isDisabled()).toBe(true);
    await checkState(page, 'units-import-bad');

    // The API refuses the same file outright, and nothing of it was written.
    const refused = await api(importUnits, { body: { format: 'csv', content: Buffer.from(csv).toString('base64'), dryRun: false } });
    expect(refused.status).toBe(400);
    const ids = new Set((await units()).map((u) => u.unitId));
    for (const id of ['dup-unit', 'fine-unit', 'planet-office', 'no-name']) expect(ids.has(id), id).toBe(false);
    await page.close();
  });

  it('edits a unit, saving the revision it read', async () => {
    const before = (await unit('tax-bureau'))!;
    const page = await openUnits();

    await page.click('tr[data-unit-id="tax-bureau"] button.edit');
    await page.locator('#unit-editor').waitFor();
    await expect.poll(() => focusedId(page)).toBe('unit-editor-heading');
    expect(await page.inputValue('#unit-name-zh-CN')).toBe(before.name['zh-CN']);
    await page.fill('#unit-name-en', 'District Taxation Bureau');
    await page.selectOption('#unit-parent', 'service-centre');
    await checkState(page, 'units-edit');
    await page.click('#unit-editor button[type="submit"]');

    await page.locator('#units-notice').waitFor();
    expect(await page.locator('#units-notice').textContent()).toBe(U.updated({ name: before.name['zh-CN'] }));
    await expect.poll(() => focusedId(page)).toBe('units-notice');
    expect(await page.locator('tr[data-unit-id="tax-bureau"]').textContent()).toContain('service-centre');
    expect(await unit('tax-bureau')).toMatchObject({ name: { en: 'District Taxation Bureau' }, parentId: 'service-centre', rev: before.rev + 1 });

    // A field error from the API shows at its field, with the focus on it: an id that is taken.
    await page.click('#unit-add');
    await page.fill('#unit-id', 'tax-bureau');
    await page.fill('#unit-name-zh-CN', '重复的单位');
    await page.fill('#unit-name-en', 'Duplicate');
    await page.selectOption('#unit-kind', 'bureau');
    await page.click('#unit-editor button[type="submit"]');
    await expect.poll(() => page.locator('#unit-id-error').isVisible()).toBe(true);
    expect(await page.getAttribute('#unit-id', 'aria-invalid')).toBe('true');
    await expect.poll(() => focusedId(page)).toBe('unit-id');
    await checkState(page, 'units-add-taken');
    await page.close();
  });

  it('retires a unit, which stays listed, and reinstates it', async () => {
    const page = await openUnits();
    const row = page.locator('tr[data-unit-id="qingshui-town"]');
    const name = (await unit('qingshui-town'))!.name['zh-CN'];

    await row.locator('button.retire').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('retired');
    expect(await page.locator('#units-notice').textContent()).toBe(U.retired({ name }));
    await expect.poll(() => focusedId(page)).toBe('units-notice');
    expect((await unit('qingshui-town'))?.status).toBe('retired');
    await page.selectOption('#units-status', 'retired');
    expect(await page.locator('tr[data-unit-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit-id')))).toEqual(['qingshui-town']);
    await checkState(page, 'units-retired');

    await row.locator('button.reinstate').click();
    await expect.poll(() => page.locator('#units-notice').textContent()).toBe(U.reinstated({ name }));
    expect((await unit('qingshui-town'))?.status).toBe('active');
    await page.selectOption('#units-status', 'all');
    expect(await row.getAttribute('data-status')).toBe('active');
    await page.close();
  });

  it('says someone else changed the unit when the edit is stale, and reloads it', async () => {
    const page = await openUnits();
    await page.click('tr[data-unit-id="market-supervision"] button.edit');
    await page.locator('#unit-editor').waitFor();

    // Meanwhile, someone else saves the unit.
    const current = (await unit('market-supervision'))!;
    await ok(updateUnit, {
      params: { unitId: current.unitId },
      body: { name: { ...current.name, en: 'Market Regulation Bureau' }, kind: current.kind, parentId: current.parentId, rev: current.rev },
    });

    await page.fill('#unit-name-zh-CN', '区市场监管局');
    await page.click('#unit-editor button[type="submit"]');
    await page.locator('#unit-editor-failure').waitFor();
    expect(await page.locator('#unit-editor-failure p').first().textContent()).toBe(C.errStale);
    await expect.poll(() => focusedId(page)).toBe('unit-editor-failure');
    expect((await unit('market-supervision'))?.name['zh-CN']).toBe(current.name['zh-CN']);
    await checkState(page, 'units-stale');

    await page.click('#unit-editor-failure-reload');
    await page.locator('#unit-editor-reloaded').waitFor();
    expect(await page.inputValue('#unit-name-en')).toBe('Market Regulation Bureau');
    expect(await page.inputValue('#unit-name-zh-CN')).toBe(current.name['zh-CN']);
    await page.fill('#unit-name-zh-CN', '区市场监管局');
    await page.click('#unit-editor button[type="submit"]');
    await page.locator('#units-notice').waitFor();
    expect(await unit('market-supervision')).toMatchObject({ name: { 'zh-CN': '区市场监管局', en: 'Market Regulation Bureau' }, rev: current.rev + 2 });
    await page.close();
  });

  it('adds a respondent group that counts only through invitations, and renames it without losing that', async () => {
    const page = await openPeriods();
    await checkState(page, 'periods-list');

    await page.click('#group-add');
    await page.locator('#group-editor').waitFor();
    await expect.poll(() => focusedId(page)).toBe('group-editor-heading');
    await page.fill('#group-id', 'media');
    await page.fill('#group-name-zh-CN', '新闻媒体');
    await page.fill('#group-name-en', 'Media');
    await page.check('#group-requires-invitation');
    await checkState(page, 'groups-add');
    await page.click('#group-editor button[type="submit"]');
    await page.locator('#groups-notice').waitFor();
    expect(await page.locator('#groups-notice').textContent()).toBe(P.groupCreated({ name: '新闻媒体' }));
    await expect.poll(() => focusedId(page)).toBe('groups-notice');
    await page.locator('tr[data-group-id="media"]').waitFor();
    expect(await page.locator('tr[data-group-id="media"] [data-col="requiresInvitation"]').textContent()).toBe('是');

    await page.click('tr[data-group-id="media"] button.rename');
    await page.fill('#group-name-zh-CN', '新闻媒体记者');
    expect(await page.isChecked('#group-requires-invitation')).toBe(true);
    await page.click('#group-editor button[type="submit"]');
    await expect.poll(() => page.locator('#groups-notice').textContent()).toBe(P.groupRenamed({ name: '新闻媒体记者' }));
    const groups: RespondentGroup[] = (await ok(listGroups)).groups;
    expect(groups.find((g) => g.groupId === 'media')).toEqual({ groupId: 'media', name: { 'zh-CN': '新闻媒体记者', en: 'Media' }, requiresInvitation: true, rev: 2 });
    await page.close();
  });

  it('adds a period entered in China Standard Time with weights summing to 1', async () => {
    const page = await openPeriods();
    const seeded = (await ok(listPeriods)).periods[0]!;
    // The periods link each of their forms to its editor.
    const links = await page.locator(`tr[data-period-id="${seeded.periodId}"] a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(seeded.formIds.map((id) => `admin-form.html?form=${encodeURIComponent(id)}`));

    await page.click('#period-add');
    await page.locator('#period-editor').waitFor();
    await page.fill('#period-id', '2027-h1');
    await page.fill('#period-name-zh-CN', '2027年上半年评议');
    await page.fill('#period-name-en', '2027 first half');
    await page.fill('#period-opens', '2027-01-01T00:00');
    await page.fill('#period-closes', '2027-07-01T00:00');
    await page.fill('#period-min-sample', '30');
    await page.fill('#weight-citizen', '0.5');
    await page.fill('#weight-enterprise', '0.3');
    await page.fill('#weight-deputy', '0.1');
    expect(await page.locator('#period-weights-sum').textContent()).toContain(P.weightsSum({ sum: '0.9' }));
    await page.fill('#weight-appointed-supervisor', '0.1');
    expect(await page.locator('#period-weights-sum').textContent()).toBe(`${P.weightsSum({ sum: '1' })} ${P.weightsOk}`);
    await checkState(page, 'periods-add');
    await page.click('#period-editor button[type="submit"]');

    await page.locator('#periods-notice').waitFor();
    expect(await page.locator('#periods-notice').textContent()).toBe(P.periodCreated({ name: '2027年上半年评议' }));
    await expect.poll(() => focusedId(page)).toBe('periods-notice');
    const row = page.locator('tr[data-period-id="2027-h1"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('2027');
    await checkState(page, 'periods-added');

    const period: Period | undefined = (await ok(listPeriods)).periods.find((p) => p.periodId === '2027-h1');
    expect(Date.parse(period!.opensAt)).toBe(Date.parse('2027-01-01T00:00:00+08:00'));
    expect(Date.parse(period!.closesAt)).toBe(Date.parse('2027-07-01T00:00:00+08:00'));
    expect(period).toMatchObject({ minSample: 30, groupWeights: { citizen: 0.5, enterprise: 0.3, deputy: 0.1, 'appointed-supervisor': 0.1 } });

    // Editing shows the same instants in CST.
    await row.locator('button.edit').click();
    expect(await page.inputValue('#period-opens')).toBe('2027-01-01T00:00');
    expect(await page.inputValue('#period-closes')).toBe('2027-07-01T00:00');
    await page.close();
  });

  it('refuses weights that do not sum to 1, with the message at the weights', async () => {
    const page = await openPeriods();
    await page.click('#period-add');
    await page.locator('#period-editor').waitFor();
    await page.fill('#period-id', '2027-h2');
    await page.fill('#period-name-zh-CN', '2027年下半年评议');
    await page.fill('#period-name-en', '2027 second half');
    await page.fill('#period-opens', '2027-07-01T00:00');
    await page.fill('#period-closes', '2028-01-01T00:00');
    await page.fill('#period-min-sample', '30');
    await page.fill('#weight-citizen', '0.5');
    await page.fill('#weight-enterprise', '0.3');
    expect(await page.locator('#period-weights-sum').textContent()).toContain(P.weightsSum({ sum: '0.8' }));

    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/periods') && r.request().method() === 'POST'),
      page.click('#period-editor button[type="submit"]'),
    ]);
    expect(answer.status()).toBe(400);
    const sent = (await answer.json()) as { fields: { path: string; message: string }[] };
    const weightsError = sent.fields.find((f) => f.path === 'groupWeights')!;
    expect(weightsError.message).toContain('0.8');

    await expect.poll(() => page.locator('#period-weights-error').textContent()).toBe(weightsError.message);
    expect(await page.locator('#period-weights-error').isVisible()).toBe(true);
    expect(await page.getAttribute('#weight-citizen', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#weight-citizen', 'aria-describedby')).toContain('period-weights-error');
    await expect.poll(() => focusedId(page)).toBe(await page.locator('#period-weights input').first().getAttribute('id'));
    expect(await page.locator('#period-editor-failure').textContent()).toContain(C.errFixFields);
    await checkState(page, 'periods-weights-refused');
    expect((await ok(listPeriods)).periods.some((p) => p.periodId === '2027-h2')).toBe(false);
    await page.close();
  });

  it('reads in English and fits a desktop screen', async () => {
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/admin-units.html#token=${adminToken}`);
    await page.locator('tr[data-unit-id="tax-bureau"]').waitFor();
    await page.click('.lang-switch button[lang="en"]');
    expect(await page.locator('h1').textContent()).toBe(adminUnits.en.title);
    expect(await page.locator('tr[data-unit-id="service-centre"]').textContent()).toContain(UNIT_KIND_LABELS.department.en);
    await checkState(page, 'units-en-desktop');

    await page.goto(`${stack.url}/admin-periods.html#token=${adminToken}`);
    await page.locator('tr[data-group-id="citizen"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe(adminPeriods.en.title);
    await checkState(page, 'periods-en-desktop');
    await page.click('.lang-switch button[lang="zh-CN"]');
    await page.close();
  });
});
