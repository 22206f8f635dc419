import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZPublishedForm } from '../../functions/domain/evaluation/published-form';
import { ZTallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { IMPORT_TEMPLATE_HEADER } from '../../functions/domain/units/unit-import';
import { downloadTallies, getForm, listTallies } from '../../functions/routes/evaluation';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { toCstInput } from '../../web/src/app/format';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * A real district's evaluation from the admin's first click to the supervisor's download, in a real
 * browser against `npm start`'s stack: the admin imports ten units from an XLSX file, creates a period and a
 * four-dimension all-units form, previews and publishes it; a citizen fills it in on a 390 px phone; the
 * scheduled tally counts it (the test never runs the tally itself) and the supervisor page and the CSV
 * show the per-dimension figures. Then the admin changes the form — another scale, other weights — and
 * publishes version 2: the version-1 response is still counted on version 1's scale and weights.
 */

requireChromium();

const UNITS = Array.from({ length: 10 }, (_, i) => `lc-unit-${String(i + 1).padStart(2, '0')}`);
const RATED = UNITS[0]!;
const PERIOD_ID = 'lc-period';
const FORM_ID = 'lc-annual';
const TITLE = { 'zh-CN': '全流程测试年度评议', en: 'Lifecycle annual appraisal' };
const DIMENSIONS = ['attitude', 'efficiency', 'integrity', 'policy'] as const;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const DAY_MS = 24 * 60 * 60 * 1000;

/** The rate page's field ids: `units.x.evaluation.attitude` → `#f-units__x__evaluation__attitude`. */
const field = (path: string) => `#f-${path.replace(/\./g, '__')}`;
const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe.runIf(hasChromium)('an evaluation from the admin to the supervisor, across two form versions', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  let supervisorToken: string;
  let editor: Page;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, tallyEveryMs: 1000, quiet: true }));
    [adminToken, supervisorToken] = await Promise.all([stack.token('admin'), stack.token('supervisor')]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  async function report(): Promise<TallyReport> {
    const res = await fetch(stack.url + apiPath(listTallies, { periodId: PERIOD_ID }), { headers: { Authorization: `Bearer ${supervisorToken}` } });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  }

  /** The report once the scheduled tally has run after `since` and counted `responses` for the rated unit. */
  async function tallied(since: number, responses: number): Promise<TallyReport> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await report();
      const n = r.rows.find((row) => row.unit.unitId === RATED)?.tally?.n ?? 0;
      if (r.run && Date.parse(r.run.computedAt) > since && n === responses) return r;
      if (Date.now() > deadline) throw new Error(`the scheduled tally did not count ${responses} responses within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A citizen on a 390 px phone fills in the form: the rated unit on every dimension, 不了解 for the rest. */
  async function respond(levels: Record<(typeof DIMENSIONS)[number], string>, what: string): Promise<void> {
    const page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/rate.html?form=${FORM_ID}`);
    await page.locator('#rate-form').waitFor();
    await page.locator(`${field('answers.group')} input[value="citizen"]`).check();
    for (const d of DIMENSIONS) await page.locator(`${field(`units.${RATED}.evaluation.${d}`)} input[value="${levels[d]}"]`).check();
    for (const unitId of UNITS.slice(1)) await page.locator(`${field(`units.${unitId}`)} button.form-dont-know`).click();
    await expectAxeClean(page, `${what}, filled in`);
    await expectFitsWidth(page);
    await page.locator('#submit').click();
    await page.locator('#receipt-code').waitFor({ timeout: 15_000 });
    await expectFitsWidth(page);
    await screenshot(page, `lifecycle-${what}-receipt`);
    await page.close();
  }

  it('imports ten units from an XLSX file', async () => {
    // Prepare
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('单位');
    sheet.addRow([...IMPORT_TEMPLATE_HEADER]);
    UNITS.forEach((id, i) => sheet.addRow([id, `全流程单位${i + 1}`, `Lifecycle unit ${i + 1}`, i < 5 ? '局' : 'town', '']));
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/admin-units.html#token=${adminToken}`);
    await page.locator('#import-file').waitFor();

    // Act
    await page.setInputFiles('#import-file', { name: 'units.xlsx', mimeType: XLSX_TYPE, buffer });
    await page.click('#import-check');
    await page.locator('#import-preview').waitFor();
    expect(await page.locator('#import-preview tbody tr[data-action="create"]').count()).toBe(10);
    await page.click('#import-submit');

    // Assert
    await eventually(() => page.locator('tr[data-unit-id^="lc-unit-"]').count()).toBe(10);
    await expectAxeClean(page, 'units imported');
    await page.close();
  });

  it('creates a period open now, entered in China Standard Time', async () => {
    // Prepare
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/admin-periods.html#token=${adminToken}`);
    await page.locator('tr[data-group-id="citizen"]').waitFor();

    // Act
    await page.click('#period-add');
    await page.locator('#period-editor').waitFor();
    await page.fill('#period-id', PERIOD_ID);
    await page.fill('#period-name-zh-CN', '全流程测试评议期');
    await page.fill('#period-name-en', 'Lifecycle period');
    await page.fill('#period-opens', toCstInput(new Date(Date.now() - DAY_MS).toISOString()));
    await page.fill('#period-closes', toCstInput(new Date(Date.now() + 30 * DAY_MS).toISOString()));
    await page.fill('#period-min-sample', '1');
    await page.fill('#weight-citizen', '0.6');
    await page.fill('#weight-enterprise', '0.4');
    await page.fill('#weight-deputy', '0');
    await page.fill('#weight-appointed-supervisor', '0');
    await page.click('#period-editor button[type="submit"]');

    // Assert
    await page.locator(`tr[data-period-id="${PERIOD_ID}"]`).waitFor();
    await expectAxeClean(page, 'period created');
    await page.close();
  });

  it('creates a four-dimension all-units form for the ten units, previews it and publishes version 1', async () => {
    // Prepare
    editor = await browser.newPage(DESKTOP);
    await editor.goto(`${stack.url}/admin-forms.html#token=${adminToken}`);
    await editor.locator('#new-form').waitFor();

    // Act: the new form starts on the four standard dimensions; the units are narrowed to the ten imported.
    await editor.fill('#formId', FORM_ID);
    await editor.selectOption('#periodId', PERIOD_ID);
    await editor.check('input[name="layout"][value="allUnits"]');
    await editor.fill('#title-zh-CN', TITLE['zh-CN']);
    await editor.fill('#title-en', TITLE.en);
    await editor.click('#new-form button[type="submit"]');
    await editor.waitForURL(`**/admin-form.html?form=${FORM_ID}`);
    await editor.locator('#editor').waitFor();
    await editor.click('#units-none');
    for (const unitId of UNITS) await editor.check(`#unit-${unitId}`);
    await editor.click('#save');
    await eventually(() => editor.locator('#editor-notice').textContent()).toBe('草稿已保存。');

    // The preview: the very page citizens get, marked as a preview, in a new tab still signed in.
    const [preview] = await Promise.all([editor.context().waitForEvent('page'), editor.click('#preview-link')]);
    await preview.locator('#rate-form').waitFor();
    expect(await preview.locator('h1').textContent()).toBe(TITLE['zh-CN']);
    for (const unitId of UNITS) {
      for (const d of DIMENSIONS) expect(await preview.locator(field(`units.${unitId}.evaluation.${d}`)).count()).toBe(1);
    }
    expect(await preview.locator('body').textContent()).toContain('预览');
    await expectAxeClean(preview, 'preview of the draft');
    await preview.close();

    editor.once('dialog', (dialog) => void dialog.accept());
    await editor.click('#publish');

    // Assert
    await eventually(() => editor.locator('#editor-notice').textContent()).toBe('第 1 版已发布。');
    const published = ZPublishedForm.parse(await (await fetch(stack.url + apiPath(getForm, { formId: FORM_ID }))).json());
    expect(published.version).toBe(1);
    expect(published.content.unitIds).toEqual(UNITS);
    const scored = published.content.questions.find((q) => q.type === 'dimensions');
    expect(scored?.type === 'dimensions' && scored.dimensions.map((d) => [d.id, d.weight])).toEqual([
      ['attitude', 0.3],
      ['efficiency', 0.3],
      ['integrity', 0.2],
      ['policy', 0.2],
    ]);
    await expectAxeClean(editor, 'form published');
  });

  it('counts a phone response in the scheduled tally and shows per-dimension figures to the supervisor and in the CSV', async () => {
    // Act: 100 / 80 / 60 / 0 points on weights 0.3 / 0.3 / 0.2 / 0.2 make a response score of 66.
    const since = Date.now();
    await respond({ attitude: 'verySatisfied', efficiency: 'satisfied', integrity: 'basicallySatisfied', policy: 'dissatisfied' }, 'version-1');

    // Assert: the figures the tally made…
    const r = await tallied(since, 1);
    const tally = r.rows.find((row) => row.unit.unitId === RATED)!.tally!;
    expect(tally.compositeScore).toBeCloseTo(66, 9);
    expect(tally.weightCoverage).toBeCloseTo(0.6, 9);
    expect(tally.dimensions.map((d) => [d.dimensionId, d.n, d.score])).toEqual([
      ['attitude', 1, 100],
      ['efficiency', 1, 80],
      ['integrity', 1, 60],
      ['policy', 1, 0],
    ]);
    expect(r.rows.find((row) => row.unit.unitId === UNITS[1])!.tally).toMatchObject({ n: 0, dontKnow: 1 });

    // …on the supervisor page…
    const supervisor = await browser.newPage(PHONE);
    await supervisor.goto(`${stack.url}/supervisor.html?period=${PERIOD_ID}#token=${encodeURIComponent(supervisorToken)}`);
    const row = supervisor.locator(`#tally-table tbody[data-unit-id="${RATED}"]`);
    await eventually(() => row.locator('[data-col="n"]').first().textContent()).toBe('1');
    await row.getByRole('button', { name: /明细/ }).click();
    await eventually(() => row.locator('tr[data-dimension-id="efficiency"] [data-col="n"]').textContent()).toBe('1');
    expect(await row.locator('tr[data-dimension-id="efficiency"]').textContent()).toContain('80.0');
    await expectAxeClean(supervisor, 'supervisor after version 1');
    await screenshot(supervisor, 'lifecycle-supervisor');

    // …and in the CSV, one column per dimension's score.
    const [file] = await Promise.all([supervisor.waitForEvent('download'), supervisor.locator('#download-csv').click()]);
    const bytes = readFileSync((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual(UTF8_BOM);
    const [header, ...lines] = bytes.subarray(3).toString('utf8').split('\r\n').map((l) => l.split(','));
    const line = lines.find((l) => l[0] === RATED)!;
    expect(line[header!.indexOf('办事效率 得分')]).toBe('80.00');
    expect(line[header!.indexOf('政策落实 N')]).toBe('1');
    expect(line[header!.indexOf('综合得分')]).toBe('66.00');
    await supervisor.close();
  });

  it('publishes version 2 on another scale and weights, and still counts the version-1 response on version 1', async () => {
    // Act: three levels (100 / 60 / 0) and weights 0.7 / 0.1 / 0.1 / 0.1, published as version 2.
    const scored = editor.locator('fieldset.question[data-question-id="evaluation"]');
    const key = await scored.getAttribute('id');
    await editor.selectOption(`#${key}-scale`, 'three');
    await editor.fill(`#${key}-dim0-weight`, '0.7');
    for (const i of [1, 2, 3]) await editor.fill(`#${key}-dim${i}-weight`, '0.1');
    editor.once('dialog', (dialog) => void dialog.accept());
    await editor.click('#publish');
    await eventually(() => editor.locator('#editor-notice').textContent()).toBe('第 2 版已发布。');
    await eventually(() => editor.locator('#history tr[data-version]').count()).toBe(2);
    await expectAxeClean(editor, 'version 2 published');

    // A response on version 2: 100×0.7 + 60×0.1 + 100×0.1 + 0×0.1 = 86.
    const since = Date.now();
    await respond({ attitude: 'satisfied', efficiency: 'basicallySatisfied', integrity: 'satisfied', policy: 'dissatisfied' }, 'version-2');

    // Assert: each response on its own version — (66 + 86) / 2 = 76 — and none excluded.
    const r = await tallied(since, 2);
    const tally = r.rows.find((row) => row.unit.unitId === RATED)!.tally!;
    expect(tally.excluded).toEqual({});
    expect(tally.groupScores.citizen).toEqual({ n: 2, score: 76 });
    expect(tally.compositeScore).toBeCloseTo(76, 9);
    expect(tally.dimensions.map((d) => [d.dimensionId, d.n, d.score])).toEqual([
      ['attitude', 2, 100],
      ['efficiency', 2, 70],
      ['integrity', 2, 80],
      ['policy', 2, 0],
    ]);
    expect(tally.counts).toEqual({ verySatisfied: 1, satisfied: 3, basicallySatisfied: 2, dissatisfied: 2 });

    const csv = await fetch(stack.url + apiPath(downloadTallies, { periodId: PERIOD_ID }), { headers: { Authorization: `Bearer ${supervisorToken}` } });
    const [header, ...lines] = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n').map((l) => l.split(','));
    const line = lines.find((l) => l[0] === RATED)!;
    expect(line[header!.indexOf('综合得分')]).toBe('76.00');
    expect(line[header!.indexOf('办事效率 得分')]).toBe('70.00');
  });
});
