import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_CATEGORIES, type LedgerItem } from '../../functions/domain/ledger/ledger';
import { LEDGER_TEMPLATE_HEADER } from '../../functions/domain/ledger/ledger-import';
import { LEDGER_LEVEL_LABELS, LEDGER_STATE_LABELS } from '../../functions/domain/ledger/messages';
import type { BriefingFigures } from '../../functions/domain/briefings/briefing';
import { draftBriefing, getBriefing } from '../../functions/routes/briefings';
import { actOnLedgerItem, getLedgerItem, importLedger, listLedger } from '../../functions/routes/ledger';
import type { LocalStack } from '../../infra/local/stack';
import { ledgerStaff } from '../../web/src/messages/ledger';
import { readXlsxParts } from '../fixtures/xlsx';
import { api, staffToken } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The rectification ledger (整改台账, 挂账销号) in a real browser against `npm start`'s stack, the whole loop of
 * issue 10: an admin downloads the template and imports a ledger of 30 items from XLSX — after a check of a
 * file with bad rows that names every bad row and its column and writes nothing; a unit handler sees only
 * their unit's items (the overdue ones marked), puts a problem on the ledger, enters a new one, reports
 * progress and submits evidence with a photo; a supervisor sends one submission back with a reason and
 * accepts another, closes it (销号) and marks it for publication, and the completion rate (整改完成率) moves by
 * exactly that item, numerator over denominator; the item, proposed from its page and approved in the
 * publication review, appears on the public page redacted (the citizen's name and mobile number in its
 * progress masked, the owner's name nowhere) and PUBLISHED; this week's briefing, drafted again, counts it;
 * and a view exported as XLSX holds the view's items in the template's shape. Every state visited is
 * axe-clean at 390 px or on a desktop, with no page error or CSP violation.
 */

requireChromium();

const M = ledgerStaff['zh-CN'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UNIT = 'tax-bureau';
const UNIT_NAME = '区税务局';
const OTHER_UNITS = ['service-centre', 'market-supervision', 'human-resources', 'chengguan-town', 'real-estate-registration'] as const;
const LEVELS = ['leadershipTeam', 'teamMember', 'unit', 'cadre'] as const;
const OWNER = '王立';
const PHONE_NUMBER = '13912345678';
/** A progress update as units write them: with a citizen's name and mobile number, which the public must never see. */
const PROGRESS_WITH_PERSONAL_DATA = `已电话回访反映人张伟（${PHONE_NUMBER}），对整改结果表示满意。`;
const DISCLOSURE_TITLE = '2026 年第 48 周整改台账销号公示';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const PROBLEMS = [
  '办税服务厅“一次性告知”落实不到位，群众反映多次跑腿',
  '窗口工作人员服务态度生硬，对咨询推诿扯皮',
  '会议文件多、检查考核多，基层负担重',
  '对群众反映问题办理时限长，答复流于形式',
  '理论学习走过场，专题研讨缺少问题导向',
  '执行工作纪律不严，上班时间脱岗',
  '政策落实“最后一公里”不畅，惠企政策兑现慢',
  '公务接待不规范，超标准安排用餐',
];

/** One row of the ledger as an office keeps it, in the template's columns. */
type Row = Record<(typeof LEDGER_TEMPLATE_HEADER)[number], string | number>;

/**
 * The ledger to import: 30 problems. The first six are the tax bureau's and being worked on (the sixth past
 * its deadline); then units, levels and categories in turn, on the ledger with working days; the last three
 * only identified (查摆), without measures yet (the first of them the tax bureau's).
 */
function ledgerRows(): Row[] {
  return Array.from({ length: 30 }, (_, i) => {
    const n = i + 1;
    const ours = n <= 6;
    const identified = n >= 28;
    return {
      序号: n,
      层级: LEDGER_LEVEL_LABELS[LEVELS[i % LEVELS.length]!]['zh-CN'],
      问题类别: DEFAULT_LEDGER_CATEGORIES[i % DEFAULT_LEDGER_CATEGORIES.length]!.name['zh-CN'],
      问题描述: `${PROBLEMS[i % PROBLEMS.length]}（台账第${n}项）`,
      责任单位: ours || n === 28 ? UNIT_NAME : OTHER_UNITS[i % OTHER_UNITS.length]!,
      责任人: identified ? '' : ours ? OWNER : `责任人${n}`,
      责任领导: identified ? '' : ours ? '副局长 李强' : `分管领导${n}`,
      整改措施: identified ? '' : '修订服务清单，开展专项培训，每月通报整改情况。',
      整改时限: identified ? '' : ours ? (n === 6 ? '2026-06-30' : '2026-12-31') : '30个工作日',
      整改进展: ours ? '2026-11-02 已召开专题会议，制定整改方案' : '',
      状态: identified ? LEDGER_STATE_LABELS.IDENTIFIED['zh-CN'] : ours ? LEDGER_STATE_LABELS.IN_PROGRESS['zh-CN'] : LEDGER_STATE_LABELS.LEDGERED['zh-CN'],
      问题来源: n % 5 === 0 ? '督查发现' : '自查',
      是否公示: '否',
    };
  });
}

async function xlsxOf(rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('整改台账');
  sheet.addRow([...LEDGER_TEMPLATE_HEADER]);
  for (const row of rows) sheet.addRow(LEDGER_TEMPLATE_HEADER.map((h) => row[h]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The same ledger with four bad rows: an unknown unit, an unknown category, measures missing for an item being worked on, a deadline that is none. */
function badRows(): { rows: Row[]; bad: Record<number, string> } {
  const rows = ledgerRows();
  rows[4]!.责任单位 = '不存在的单位';
  rows[11]!.问题类别 = '不存在的类别';
  rows[19]!.状态 = LEDGER_STATE_LABELS.IN_PROGRESS['zh-CN'];
  rows[19]!.整改措施 = '';
  rows[24]!.整改时限 = '下个月';
  // Sheet rows: the header is row 1.
  return { rows, bad: { 6: 'unit', 13: 'category', 21: 'measures', 26: 'deadline' } };
}

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.runIf(hasChromium)('the rectification ledger from an XLSX import to 销号, the public page and the briefing', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  let supervisorToken: string;
  let handlerToken: string;
  let before: LedgerItem[];
  let imported: LedgerItem[];
  let briefingBefore: BriefingFigures['ledger'];
  const problemOf = (n: number) => `${PROBLEMS[(n - 1) % PROBLEMS.length]}（台账第${n}项）`;
  const itemOf = (n: number) => imported.find((i) => i.problem === problemOf(n))!;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    [adminToken, supervisorToken, handlerToken] = await Promise.all([stack.token('admin'), stack.token('supervisor'), staffToken('unitHandler', [UNIT])]);
    before = (await api(stack, supervisorToken, listLedger, { query: {} })).items;
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  const openAsStaff = async (page: Page, file: string, token: string) => {
    await page.goto(`${stack.url}/${file}#token=${encodeURIComponent(token)}`);
  };
  const progressOnPage = async (page: Page) => {
    const fraction = page.locator('#completion-fraction');
    await fraction.waitFor();
    return { completed: Number(await fraction.getAttribute('data-numerator')), ledgered: Number(await fraction.getAttribute('data-denominator')), total: Number(await page.locator('#total-count').textContent()) };
  };
  const actionButtons = (page: Page) => page.locator('#action-buttons button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')));
  async function act(page: Page, action: string, fill?: () => Promise<void>) {
    await page.click(`#action-buttons button[data-action="${action}"]`);
    await page.locator(`#action-form[data-action="${action}"]`).waitFor();
    await fill?.();
    await page.click('#action-submit');
  }
  const openItem = async (page: Page, n: number) => {
    await page.goto(`${stack.url}/ledger-item.html?id=${itemOf(n).caseId}`);
    await page.locator('#item-facts').waitFor();
  };

  it('checks a file with bad rows, names every bad row and its column, and writes nothing', async () => {
    // Prepare: the admin's ledger page on a phone, and the template it offers.
    const page = await browser.newPage(PHONE);
    await openAsStaff(page, 'ledger.html', adminToken);
    await page.locator('#ledger-table, #ledger-none').first().waitFor();
    expect(await page.locator('.staff-nav a[href="ledger.html"]').getAttribute('aria-current')).toBe('page');
    const [template] = await Promise.all([page.waitForEvent('download'), page.click('#import-template')]);
    expect(template.suggestedFilename()).toBe('整改台账导入模板.xlsx');
    const sheets = await readXlsxParts(readFileSync((await template.path())!));
    expect(sheets.get('整改台账')?.rows[0]).toEqual([...LEDGER_TEMPLATE_HEADER]);
    expect([...sheets.keys()]).toEqual(['整改台账', '填写说明']);

    // Act: check the file with four bad rows.
    const { rows, bad } = badRows();
    await page.setInputFiles('#import-file', { name: '整改台账-有误.xlsx', mimeType: XLSX_TYPE, buffer: await xlsxOf(rows) });
    await page.click('#import-check');
    await page.locator('#import-preview').waitFor();

    // Assert: every bad row named with the column at fault; the import cannot be started.
    const invalid = page.locator('#import-rows tbody tr[data-action="invalid"]');
    expect(await invalid.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-row'))))).toEqual(Object.keys(bad).map(Number));
    for (const [row, column] of Object.entries(bad)) {
      expect(await page.locator(`#import-rows tr[data-row="${row}"] li[data-column]`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-column')))).toEqual([column]);
    }
    expect(await page.locator('#import-rows tr[data-row="6"] .issues').textContent()).toContain('不存在的单位');
    expect(await page.locator('#import-bad-rows li').evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-row'))))).toEqual(Object.keys(bad).map(Number));
    expect(await page.locator('#import-rows tbody tr[data-action="create"]').count()).toBe(26);
    expect(await page.locator('li[data-count="invalid"] .count').textContent()).toBe('4');
    expect(await page.locator('#import-verdict').textContent()).toBe(M.planInvalid({ rows: 4 }));
    expect(await page.locator('#import-submit').isDisabled()).toBe(true);
    await expectAxeClean(page, 'import preview with bad rows (phone)');
    await expectFitsWidth(page);
    await screenshot(page, 'ledger-import-bad-rows-phone');

    // Assert: the API refuses the same file when told to write, naming each bad row, and writes nothing.
    const refused = (await api(stack, adminToken, importLedger, { body: { format: 'xlsx', content: (await xlsxOf(rows)).toString('base64'), dryRun: false } }, 400)) as unknown as {
      fields: { path: string }[];
    };
    expect(refused.fields.map((f) => f.path)).toEqual(Object.entries(bad).map(([row, column]) => `rows.${row}.${column}`));
    expect((await api(stack, supervisorToken, listLedger, { query: {} })).items).toHaveLength(before.length);
    await page.close();
  });

  it('imports a ledger of 30 items from XLSX after a check that shows every row', async () => {
    // Prepare: the progress before.
    const page = await browser.newPage(DESKTOP);
    await openAsStaff(page, 'ledger.html', adminToken);
    const start = await progressOnPage(page);
    expect(start.total).toBe(before.length);

    // Act: check the good file, then import it.
    await page.setInputFiles('#import-file', { name: '整改台账.xlsx', mimeType: XLSX_TYPE, buffer: await xlsxOf(ledgerRows()) });
    await page.click('#import-check');
    await page.locator('#import-preview').waitFor();
    expect(await page.locator('#import-rows tbody tr[data-action="create"]').count()).toBe(30);
    expect(await page.locator('#import-verdict').textContent()).toBe(M.planValid({ count: 30 }));
    expect((await api(stack, supervisorToken, listLedger, { query: {} })).items).toHaveLength(before.length); // a check writes nothing
    await expectAxeClean(page, 'import preview, all rows good');
    await page.click('#import-submit');

    // Assert: imported; the list and the progress count the 30 items (27 on the ledger, 3 only identified).
    await eventually(() => page.locator('#import-result').textContent()).toBe(M.imported({ count: 30 }));
    await eventually(() => page.locator('#total-count').textContent()).toBe(String(before.length + 30));
    const after = await progressOnPage(page);
    expect(after).toEqual({ completed: start.completed, ledgered: start.ledgered + 27, total: start.total + 30 });
    expect(await page.locator('#ledger-table tbody tr').count()).toBe(before.length + 30);
    imported = (await api(stack, supervisorToken, listLedger, { query: {} })).items.filter((i) => !before.some((b) => b.caseId === i.caseId));
    expect(imported).toHaveLength(30);
    expect(itemOf(1)).toMatchObject({ unitId: UNIT, state: 'IN_PROGRESS', owner: OWNER, dueDate: '2026-12-31', level: 'leadershipTeam' });
    expect(itemOf(1).progress.map((p) => p.text)).toEqual(['已召开专题会议，制定整改方案']);
    expect(itemOf(30)).toMatchObject({ state: 'IDENTIFIED', unitId: OTHER_UNITS[29 % OTHER_UNITS.length] });
    await expectAxeClean(page, 'ledger after the import');
    await screenshot(page, 'ledger-imported');
    await page.close();
  });

  it("shows a unit handler only their unit's items, the overdue one marked, and takes progress and evidence with a photo", async () => {
    // Prepare: the handler's ledger on a phone.
    const page = await browser.newPage(PHONE);
    await openAsStaff(page, 'ledger.html', handlerToken);
    await page.locator('#ledger-table').waitFor();
    const units = () => page.locator('#ledger-table tbody tr td:nth-of-type(3)').allTextContents();
    await eventually(async () => [...new Set(await units())]).toEqual([UNIT_NAME]);
    expect((await units()).length).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#ledger-import').count()).toBe(0);
    await expectAxeClean(page, "handler's ledger (phone)");
    await expectFitsWidth(page);

    // Act: only the overdue items.
    const overdue = (await api(stack, handlerToken, listLedger, { query: { overdue: 'true' } })).items.map((i) => i.caseId);
    expect(overdue).toContain(itemOf(6).caseId);
    await page.check('#filter-overdue');
    await page.click('#filter-apply');
    await eventually(() => page.locator('#ledger-table tbody tr').count()).toBe(overdue.length);

    // Assert: the items past their deadline (the imported one among them), each marked.
    expect(await page.locator('#ledger-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')))).toEqual(overdue);
    expect(await page.locator('#ledger-table tbody tr .badge-overdue').count()).toBe(overdue.length);
    expect(await page.locator('#overdue-count').textContent()).toBe(String(overdue.length));
    await screenshot(page, 'ledger-handler-overdue-phone');

    // Act: open the first item; report progress.
    await openItem(page, 1);
    expect(await actionButtons(page)).toEqual(['progress', 'submitEvidence']);
    await act(page, 'progress', () => page.fill('#action-text', '已修订一次性告知清单，窗口人员培训完成 2 期。'));
    await eventually(() => page.locator('#item-notice').textContent()).toBe(M.done({ action: '报送进展' }));
    await eventually(() => page.locator('#item-progress li').count()).toBe(2);
    expect(await page.locator('#item-progress li').last().textContent()).toContain('窗口人员培训完成 2 期');

    // Act: submit evidence, first without saying what was done, then with it and a photo.
    await act(page, 'submitEvidence');
    await eventually(() => page.getAttribute('#action-note', 'aria-invalid')).toBe('true');
    expect(await page.locator('#action-note-error').textContent()).not.toBe('');
    await expectAxeClean(page, 'evidence without a note (phone)');
    await page.fill('#action-note', '一次性告知清单已在窗口公示，培训签到表见附件。');
    await page.setInputFiles('#action-files', { name: '培训现场.png', mimeType: 'image/png', buffer: PNG });
    await page.click('#action-submit');

    // Assert: waiting for acceptance, the photo linked with the same bytes, nothing more for the handler to do.
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('EVIDENCE_SUBMITTED');
    const link = page.locator('#item-evidence a');
    expect(await link.textContent()).toBe('培训现场.png');
    const bytes = await page.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())], (await link.getAttribute('href'))!);
    expect(Buffer.from(bytes).equals(PNG)).toBe(true);
    expect(await page.locator('#no-actions').count()).toBe(1);
    expect(await page.locator('#item-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['import', 'progress', 'submitEvidence']);
    await expectAxeClean(page, 'evidence submitted (phone)');
    await expectFitsWidth(page);
    await screenshot(page, 'ledger-evidence-submitted-phone');
    await page.close();

    // The second item's progress and evidence, through the API (the page was shown above).
    await api(stack, handlerToken, actOnLedgerItem, { params: { itemId: itemOf(2).caseId }, body: { action: 'progress', text: PROGRESS_WITH_PERSONAL_DATA } });
    await api(stack, handlerToken, actOnLedgerItem, { params: { itemId: itemOf(2).caseId }, body: { action: 'submitEvidence', note: '整改方案已落实，制度文件已印发。', evidenceKeys: [] } });
  });

  it('lets a unit handler put an identified problem on the ledger with owner, leader, measures and a due date, and start it', async () => {
    // Prepare: the tax bureau's identified problem, on a phone.
    const page = await browser.newPage(PHONE);
    await openAsStaff(page, 'ledger.html', handlerToken);
    await page.locator('#ledger-table').waitFor();
    await openItem(page, 28);
    expect(await page.locator('#item-state').getAttribute('data-state')).toBe('IDENTIFIED');
    expect(await actionButtons(page)).toEqual(['ledger']);

    // Act: put it on the ledger with nothing filled in.
    await act(page, 'ledger');
    await eventually(() => page.getAttribute('#action-owner', 'aria-invalid')).toBe('true');

    // Assert: each of the four is named.
    for (const id of ['action-owner', 'action-leader', 'action-measures', 'action-days']) expect(await page.getAttribute(`#${id}`, 'aria-invalid'), id).toBe('true');
    await expectAxeClean(page, 'ledger it with nothing filled in (phone)');
    await expectFitsWidth(page);

    // Act: fill them in, the deadline as a date — first a day past, refused at its field —, and put it on the ledger; then start.
    await page.fill('#action-owner', '赵敏');
    await page.fill('#action-leader', '局长 孙伟');
    await page.fill('#action-measures', '完善公务接待审批单，每月公开接待情况。');
    await page.check('input[name="action-deadline-kind"][value="date"]');
    await page.fill('#action-date', '2020-01-01');
    await page.click('#action-submit');
    await eventually(() => page.getAttribute('#action-date', 'aria-invalid')).toBe('true');
    expect(await page.locator('#action-date-error').textContent()).toBe('整改时限不能早于今天。');
    // A due day four months ahead, whenever the test runs.
    const due = new Date(Date.now() + 120 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    await page.fill('#action-date', due);
    await page.click('#action-submit');
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('LEDGERED');
    expect(await page.locator('#item-owner').textContent()).toBe('赵敏');
    expect(await page.locator('#item-deadline').textContent()).toContain(new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date(`${due}T12:00:00+08:00`)));
    expect((await api(stack, handlerToken, getLedgerItem, { params: { itemId: itemOf(28).caseId } })).item).toMatchObject({ deadline: { date: due }, dueDate: due });
    await act(page, 'start');

    // Assert: being worked on, its history complete.
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('IN_PROGRESS');
    expect(await page.locator('#item-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['import', 'ledger', 'start']);
    expect(await actionButtons(page)).toEqual(['progress', 'submitEvidence']);
    await expectAxeClean(page, 'item started (phone)');
    await page.close();
  });

  it('lets a unit handler enter a problem their unit found (查摆), naming each missing field first', async () => {
    // Prepare: the handler's ledger on a phone, the form opened.
    const page = await browser.newPage(PHONE);
    await openAsStaff(page, 'ledger.html', handlerToken);
    await page.locator('#ledger-table').waitFor();
    await page.click('#new-item');
    await page.locator('#new-item-form').waitFor();
    expect(await page.locator('#new-source').count()).toBe(0);

    // Act: enter nothing.
    await page.click('#new-item-submit');

    // Assert: each missing field is named at its control.
    await eventually(() => page.getAttribute('#new-level', 'aria-invalid')).toBe('true');
    for (const id of ['new-category', 'new-unit', 'new-problem']) expect(await page.getAttribute(`#${id}`, 'aria-invalid'), id).toBe('true');
    await expectAxeClean(page, 'enter a problem with nothing filled in (phone)');
    await expectFitsWidth(page);

    // Act: fill it in.
    const problem = '办税服务厅自助终端长期故障，未及时报修。';
    await page.selectOption('#new-level', 'unit');
    await page.selectOption('#new-category', DEFAULT_LEDGER_CATEGORIES[2]!.id);
    await page.selectOption('#new-unit', UNIT);
    await page.fill('#new-problem', problem);
    await page.click('#new-item-submit');

    // Assert: the new item's page, identified, to be put on the ledger.
    await page.waitForURL(/ledger-item\.html\?id=/);
    await page.locator('#item-facts').waitFor();
    expect(await page.locator('#item-problem').textContent()).toBe(problem);
    expect(await page.locator('#item-state').getAttribute('data-state')).toBe('IDENTIFIED');
    expect(await actionButtons(page)).toEqual(['ledger']);
    expect(await page.locator('#item-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['identify']);
    await page.close();
  });

  it('lets a supervisor send one submission back with a reason and accept another, close it (销号) and mark it for publication', async () => {
    // Prepare: the progress before, and this week's briefing as drafted before.
    const page = await browser.newPage(DESKTOP);
    await openAsStaff(page, 'ledger.html', supervisorToken);
    const start = await progressOnPage(page);
    briefingBefore = (await api(stack, supervisorToken, draftBriefing, { body: { kind: 'weekly' } }, 201)).figures.ledger;

    // Act: send the first back, first without a reason.
    await openItem(page, 1);
    expect(await actionButtons(page)).toEqual(['sendBack', 'accept', 'markDisclosure']);
    await act(page, 'sendBack');
    await eventually(() => page.getAttribute('#action-reason', 'aria-invalid')).toBe('true');
    await expectAxeClean(page, 'send back without a reason');
    const reason = '培训签到表缺少参训人员签名，请补充后重新提交。';
    await page.fill('#action-reason', reason);
    await page.click('#action-submit');

    // Assert: back in progress, with the reason shown and in the history.
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('IN_PROGRESS');
    expect(await page.locator('#item-review').textContent()).toContain(reason);
    expect(await page.locator('#item-history tr[data-action="sendBack"]').textContent()).toContain(`${LEDGER_STATE_LABELS.EVIDENCE_SUBMITTED['zh-CN']} → ${LEDGER_STATE_LABELS.IN_PROGRESS['zh-CN']}`);
    await expectAxeClean(page, 'item sent back');

    // Act: accept the second, close it (销号), mark it for publication.
    await openItem(page, 2);
    await act(page, 'accept');
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('ACCEPTED');
    expect(await actionButtons(page)).toEqual(['close', 'markDisclosure']);
    await act(page, 'close', () => page.fill('#action-note', '整改到位，同意销号。'));
    await eventually(() => page.locator('#item-state').getAttribute('data-state')).toBe('CLOSED');
    await act(page, 'markDisclosure');
    await eventually(() => page.locator('#item-disclose').getAttribute('data-disclose')).toBe('true');

    // Assert: closed and marked, its whole history; publishing is left to the publication review.
    expect(await actionButtons(page)).toEqual(['markDisclosure']);
    expect(await page.locator('#action-buttons button').textContent()).toBe(M.markOff);
    expect(await page.locator('#item-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual([
      'import',
      'progress',
      'submitEvidence',
      'accept',
      'close',
      'markDisclosure',
    ]);
    await expectAxeClean(page, 'item closed and marked for publication');
    await screenshot(page, 'ledger-item-closed');

    // Assert: the completion rate counts the closed item, and only it.
    await page.goto(`${stack.url}/ledger.html`);
    const now = await progressOnPage(page);
    expect(now).toEqual({ completed: start.completed + 1, ledgered: start.ledgered, total: start.total });
    expect(await page.locator('#completion-rate').textContent()).toBe(`${((100 * now.completed) / now.ledgered).toFixed(1)}%`);
    await page.close();
  });

  it("publishes the closed item on the public page after a supervisor's approval, redacted, and the next weekly briefing counts it", async () => {
    // Prepare: the closed item marked for publication links to the publication review.
    const page = await browser.newPage(DESKTOP);
    await openAsStaff(page, `ledger-item.html?id=${itemOf(2).caseId}`, supervisorToken);
    await page.locator('#item-facts').waitFor();
    expect(await page.locator('#item-state').getAttribute('data-state')).toBe('CLOSED');

    // Act: propose it.
    await page.click('#propose-disclosure');
    await page.locator('#propose-form').waitFor();
    expect(await page.inputValue('#ledger-ids')).toBe(itemOf(2).caseId);
    await page.fill('#disclosure-title', DISCLOSURE_TITLE);
    await page.click('#propose-submit');

    // Assert: the approver reads the draft redacted; nothing of it is public yet.
    await eventually(() => page.locator('#disclosure-state').getAttribute('data-state')).toBe('DRAFT');
    expect(await page.locator('main').textContent()).not.toContain(PHONE_NUMBER);
    expect(await api(stack, supervisorToken, getLedgerItem, { params: { itemId: itemOf(2).caseId } })).toMatchObject({ item: { state: 'CLOSED' } });
    await expectAxeClean(page, 'ledger item proposed for publication');

    // Act: approve.
    await page.click('#approve');

    // Assert: published; the item is PUBLISHED (公示), the last step of its history.
    await eventually(() => page.locator('#disclosure-state').getAttribute('data-state')).toBe('PUBLISHED');
    await openItem(page, 2);
    expect(await page.locator('#item-state').getAttribute('data-state')).toBe('PUBLISHED');
    expect(await page.locator('#item-history tbody tr').last().getAttribute('data-action')).toBe('publish');
    await expectAxeClean(page, 'item published');

    // Assert: the public page, without signing in, shows the item with its progress, redacted, on a phone.
    const citizen = await browser.newPage(PHONE);
    await citizen.goto(`${stack.url}/disclosure.html`);
    const shown = citizen.locator(`.disclosure-item[data-case="${itemOf(2).caseId}"]`);
    await shown.waitFor();
    expect(await shown.textContent()).toContain(problemOf(2));
    expect(await shown.locator('[data-state]').first().getAttribute('data-state')).toBe('PUBLISHED');
    expect(await shown.textContent()).toContain('已电话回访反映人张某（***********），对整改结果表示满意。');
    const text = (await citizen.locator('main').textContent()) ?? '';
    for (const secret of [PHONE_NUMBER, '张伟', OWNER, '副局长 李强']) expect(text, secret).not.toContain(secret);
    await expectAxeClean(citizen, 'public disclosure of the ledger item (phone)');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'ledger-disclosed-public-phone');
    await citizen.setViewportSize(DESKTOP);
    await expectAxeClean(citizen, 'public disclosure of the ledger item (desktop)');
    await citizen.close();

    // Act: draft this week's briefing again ("draft now" refreshes its figures) on the briefings page.
    await page.goto(`${stack.url}/briefings.html`);
    await page.locator('#draft-now').waitFor();
    await page.click('#draft-now button[type="submit"]');
    await page.waitForURL(/briefings\.html\?id=weekly-/);
    const row = page.locator('#section-ledger tbody tr').first();
    await row.waitFor();

    // Assert: it counts the item closed this week, and nothing else changed (total, on the ledger, done, …, closed this week).
    const cells = (await row.locator('th, td').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 3).map(Number)).toEqual([briefingBefore.total, briefingBefore.ledgered, briefingBefore.completed + 1]);
    expect(Number(cells[6])).toBe(briefingBefore.closedInWindow + 1);
    const briefingId = new URL(page.url()).searchParams.get('id')!;
    expect((await api(stack, supervisorToken, getBriefing, { params: { briefingId } })).figures.ledger).toMatchObject({
      total: briefingBefore.total,
      ledgered: briefingBefore.ledgered,
      completed: briefingBefore.completed + 1,
      closedInWindow: briefingBefore.closedInWindow + 1,
    });
    await expectAxeClean(page, 'weekly briefing counting the item');
    await screenshot(page, 'ledger-briefing-counts-it');
    await page.close();
  });

  it('filters by unit and owner and exports the view as XLSX in the template’s shape', async () => {
    // Prepare: the supervisor's view of the tax bureau's items of one owner.
    const page = await browser.newPage(DESKTOP);
    await openAsStaff(page, 'ledger.html', supervisorToken);
    await page.locator('#ledger-table').waitFor();
    await page.selectOption('#filter-unit', UNIT);
    await page.fill('#filter-owner', OWNER);
    await page.click('#filter-apply');
    await eventually(() => page.locator('#ledger-table tbody tr').count()).toBe(6);

    // Act: export it.
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#export-view')]);

    // Assert: the six items in the template's columns, read back from the file's XML (not by exceljs).
    const sheet = (await readXlsxParts(readFileSync((await file.path())!))).get('整改台账')!;
    expect(sheet.rows[0]).toEqual([...LEDGER_TEMPLATE_HEADER]);
    const problems = sheet.rows.slice(1).map((r) => r[LEDGER_TEMPLATE_HEADER.indexOf('问题描述')]);
    expect(new Set(problems)).toEqual(new Set([1, 2, 3, 4, 5, 6].map(problemOf)));
    expect(new Set(sheet.rows.slice(1).map((r) => r[LEDGER_TEMPLATE_HEADER.indexOf('责任人')]))).toEqual(new Set([OWNER]));
    await eventually(() => page.locator('#export-status').textContent()).toContain(file.suggestedFilename());
    await expectAxeClean(page, 'filtered view after the export');

    // The same view in English, then back in Chinese.
    await page.click('.lang-switch button[lang="en"]');
    await eventually(() => page.locator('h1').textContent()).toBe(ledgerStaff.en.ledgerTitle);
    expect(await page.locator('#ledger-caption').textContent()).toBe(ledgerStaff.en.itemsCaption({ count: 6 }));
    await expectAxeClean(page, 'filtered view in English');
    await page.click('.lang-switch button[lang="zh-CN"]');
    await eventually(() => page.locator('h1').textContent()).toBe(M.ledgerTitle);
    await page.close();
  });
});
