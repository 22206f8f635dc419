import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KpiKey } from '../../functions/domain/cases/kpis';
import { actOnCase, caseCallback, fileCase, listCases } from '../../functions/routes/cases';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { api, staffToken } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * A complaint's whole way in a real browser against `npm start`'s stack: a citizen files it on a phone
 * (after the API named each missing or wrong field) and gets a tracking number and an access code; the
 * supervisor assigns it to a unit from the case page; the unit's handler — whose first click loses to
 * someone else (409) and sees the case reloaded — accepts and replies; the citizen reads the reply with
 * number and code (a wrong code finds nothing) and answers "not satisfied"; the case reopens (重办). The
 * supervisor's KPI panel counts the callback at once, and once the reopened case is closed, the
 * reopening, the callback and the closure — numbers read off the page against the ones before. Then a
 * handler returns a wrongly assigned case with a reason, and a rejected case's citizen reads why. Every
 * state visited is axe-clean, with no page error or CSP violation.
 */

requireChromium();

const UNIT = 'tax-bureau';
const UNIT_NAME = '区税务局';
const DESCRIPTION = '办税服务厅自助终端连续三天无法打印完税证明，窗口人员让我回家网上办理。';
const REPLY = '已于当日修复自助终端打印模块，并对窗口人员进行了首问负责制提醒。';
const COMPLAINT_BACK = '终端修好了，但窗口的态度问题没有答复。';

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

type Fractions = Record<KpiKey, { numerator: number; denominator: number; rate: string }>;

describe.runIf(hasChromium)('a complaint from the phone to the reply, the callback and the KPIs', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let handlerToken: string;
  let citizen: Page;
  let supervisor: Page;
  let handler: Page;
  let trackingNumber: string;
  let accessCode: string;
  let caseId: string;
  let before: Fractions;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    [supervisorToken, handlerToken] = await Promise.all([stack.token('supervisor'), staffToken('unitHandler', [UNIT])]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** The KPI panel's numbers as the supervisor's page shows them, once it has them. */
  async function kpisOnPage(page: Page): Promise<Fractions> {
    await page.locator('#kpi-table tr[data-kpi]').first().waitFor();
    const rows = await page.locator('#kpi-table tr[data-kpi]').evaluateAll((trs) =>
      trs.map((tr) => ({
        key: tr.getAttribute('data-kpi') ?? '',
        numerator: Number(tr.querySelector('[data-col="numerator"]')?.textContent),
        denominator: Number(tr.querySelector('[data-col="denominator"]')?.textContent),
        rate: tr.querySelector('[data-col="rate"]')?.textContent ?? '',
      })),
    );
    return Object.fromEntries(rows.map(({ key, ...rest }) => [key, rest])) as Fractions;
  }

  const openAsStaff = async (page: Page, file: string, token: string) => {
    await page.goto(`${stack.url}/${file}#token=${encodeURIComponent(token)}`);
  };
  const caseRow = (page: Page) => page.locator(`#cases-table tr[data-tracking-number="${trackingNumber}"]`);
  const actionButtons = (page: Page) => page.locator('#action-buttons button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')));
  async function act(page: Page, action: string, fill?: () => Promise<void>) {
    await page.click(`#action-buttons button[data-action="${action}"]`);
    await page.locator(`#action-form[data-action="${action}"]`).waitFor();
    await fill?.();
    await page.click('#action-submit');
  }

  it('takes a complaint on a phone, names each failing field, and answers with a tracking number and an access code', async () => {
    // Prepare: the supervisor's KPIs before anything happens (the demo seed may hold cases of its own).
    supervisor = await browser.newPage(DESKTOP);
    await openAsStaff(supervisor, 'cases.html', supervisorToken);
    before = await kpisOnPage(supervisor);

    // Act: from the home page to the intake form, sent empty.
    citizen = await browser.newPage(PHONE);
    await citizen.goto(`${stack.url}/`);
    await citizen.click('#complain-link');
    await citizen.locator('#complain-form').waitFor();
    await eventually(() => citizen.locator('#unit option').count()).toBeGreaterThan(1);
    expect(await citizen.locator(`#unit option[value="${UNIT}"]`).textContent()).toBe(UNIT_NAME);
    await expectAxeClean(citizen, 'intake form');
    await citizen.click('#complain-submit');

    // Assert: the API's 400 is shown at the kind and the description, in Chinese.
    await eventually(() => citizen.getAttribute('#kind', 'aria-invalid')).toBe('true');
    expect(await citizen.getAttribute('#description', 'aria-invalid')).toBe('true');
    expect(await citizen.locator('#description-error').textContent()).not.toBe('');
    expect(await citizen.locator('#complain-failure').textContent()).toContain('请按提示修改');
    await expectAxeClean(citizen, 'intake form with errors');
    await expectFitsWidth(citizen);

    // Act: a complaint about an unknown unit, with a phone number that is not one, and consent.
    await citizen.check('input[name="kind"][value="complaint"]');
    await citizen.fill('#description', DESCRIPTION);
    await citizen.fill('#contact-phone', '12');
    await citizen.check('#callback-consent');
    await citizen.click('#complain-submit');
    await eventually(() => citizen.getAttribute('#contact-phone', 'aria-invalid')).toBe('true');
    expect(await citizen.locator('#contact-phone-error').textContent()).toContain('电话号码');
    expect(await citizen.getAttribute('#description', 'aria-invalid')).toBe('false');
    await eventually(() => citizen.evaluate(() => document.activeElement?.id)).toBe('contact-phone');

    await citizen.fill('#contact-phone', '13800138000');
    await citizen.click('#complain-submit');

    // Assert: the receipt shows both, prominently, with the note to keep them.
    await citizen.locator('#case-receipt').waitFor();
    trackingNumber = (await citizen.locator('#tracking-number').textContent()) ?? '';
    accessCode = (await citizen.locator('#access-code').textContent()) ?? '';
    expect(trackingNumber).toMatch(/^\d{8}-[2-9A-HJKMNP-Z]{8}$/);
    expect(accessCode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(await citizen.locator('#receipt-keep').textContent()).toContain('查询码只显示这一次');
    await expectAxeClean(citizen, 'intake receipt');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'cases-receipt-phone');
  });

  it('lets the supervisor find the case among all cases and assign it to a unit', async () => {
    // Prepare: the list, reloaded, holds the new case with the office.
    await supervisor.reload();
    await caseRow(supervisor).waitFor();
    expect(await caseRow(supervisor).getAttribute('data-state')).toBe('RECEIVED');
    expect(await caseRow(supervisor).textContent()).toContain('督查办公室');
    await expectAxeClean(supervisor, 'all cases with KPIs');
    await screenshot(supervisor, 'cases-supervisor-list');

    // Act: open it; assign without a unit, then to the unit.
    await caseRow(supervisor).locator('a').click();
    await supervisor.locator('#case-facts').waitFor();
    caseId = new URL(supervisor.url()).searchParams.get('id') ?? '';
    expect(await supervisor.locator('#case-description').textContent()).toBe(DESCRIPTION);
    expect(await supervisor.locator('#case-contact').textContent()).toContain('13800138000');
    expect(await actionButtons(supervisor)).toEqual(['assign', 'reject']);
    await act(supervisor, 'assign');
    await eventually(() => supervisor.getAttribute('#action-unit', 'aria-invalid')).toBe('true');
    await expectAxeClean(supervisor, 'assign without a unit');
    await supervisor.selectOption('#action-unit', UNIT);
    await supervisor.click('#action-submit');

    // Assert: assigned, with the event in the history.
    await eventually(() => supervisor.locator('#case-state').getAttribute('data-state')).toBe('ASSIGNED');
    expect(await supervisor.locator('#case-notice').textContent()).toContain('交办');
    expect(await supervisor.locator('#case-unit').textContent()).toBe(UNIT_NAME);
    const assigned = supervisor.locator('#case-history tr[data-action="assign"]');
    expect(await assigned.textContent()).toContain('已受理 → 已交办');
    expect(await assigned.textContent()).toContain(UNIT_NAME);
    expect(await actionButtons(supervisor)).toEqual([]);
    await expectAxeClean(supervisor, 'assigned case');
  });

  it("lets the unit's handler accept and reply, and reloads the case when someone else acted first", async () => {
    // Prepare: the handler's inbox holds the case.
    handler = await browser.newPage(DESKTOP);
    await openAsStaff(handler, 'cases.html', handlerToken);
    await caseRow(handler).waitFor();
    expect(await handler.locator('#kpi-panel').count()).toBe(0);
    expect(await handler.locator('.staff-nav a[href="cases.html"]').getAttribute('aria-current')).toBe('page');
    await expectAxeClean(handler, 'unit inbox');
    await caseRow(handler).locator('a').click();
    await handler.locator('#case-facts').waitFor();
    expect(await actionButtons(handler)).toEqual(['return', 'accept']);

    // Act: the first accept meets a 409 (someone acted in between).
    const actions = `**${apiPath(actOnCase, { caseId })}`;
    await handler.route(actions, (route) =>
      route.fulfill({ status: 409, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'CONFLICT', reason: 'illegalTransition', message: '此件当前状态不允许该操作。' }) }),
    );
    await act(handler, 'accept');
    await eventually(() => handler.locator('#case-notice').textContent()).toContain('状态已有变化');
    expect(await handler.locator('#action-form').count()).toBe(0);
    expect(await handler.locator('#case-state').getAttribute('data-state')).toBe('ASSIGNED');
    await expectAxeClean(handler, 'case reloaded after a conflict');
    await handler.unroute(actions);

    // Act: accept, then reply (first without text).
    await act(handler, 'accept');
    await eventually(() => handler.locator('#case-state').getAttribute('data-state')).toBe('IN_PROGRESS');
    expect(await actionButtons(handler)).toEqual(['requestExtension', 'reply']);
    await act(handler, 'reply');
    await eventually(() => handler.getAttribute('#action-text', 'aria-invalid')).toBe('true');
    await handler.fill('#action-text', REPLY);
    await handler.click('#action-submit');

    // Assert: replied, the reply shown, the history complete.
    await eventually(() => handler.locator('#case-state').getAttribute('data-state')).toBe('REPLIED');
    expect(await handler.locator('#case-reply').textContent()).toBe(REPLY);
    expect(await handler.locator('#case-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual([
      'file',
      'assign',
      'accept',
      'reply',
    ]);
    expect(await handler.locator('#case-history tr[data-action="file"]').textContent()).toContain('群众');
    await expectAxeClean(handler, 'replied case');
    await screenshot(handler, 'cases-handler-replied');
  });

  it('shows the citizen the reply by number and code, without staff names, and reopens the case on "not satisfied"', async () => {
    // Act: a wrong code finds nothing.
    await citizen.click('#case-receipt a[href^="track.html"]');
    await citizen.locator('#track-form').waitFor();
    expect(await citizen.inputValue('#tracking-number')).toBe(trackingNumber);
    await citizen.fill('#access-code', accessCode.startsWith('2') ? `3${accessCode.slice(1)}` : `2${accessCode.slice(1)}`);
    await citizen.click('#track-submit');
    await eventually(() => citizen.locator('#track-failure').textContent()).toContain('没有找到');
    await expectAxeClean(citizen, 'status page, wrong code');

    // Act: the right one.
    await citizen.fill('#access-code', accessCode.toLowerCase());
    await citizen.click('#track-submit');
    await citizen.locator('#case-status').waitFor();

    // Assert: state, reply, steps, and no staff identity.
    expect(await citizen.locator('#case-state').getAttribute('data-state')).toBe('REPLIED');
    expect(await citizen.locator('#case-reply').textContent()).toBe(REPLY);
    expect(await citizen.locator('#case-history > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')))).toEqual(['file', 'assign', 'accept', 'reply']);
    expect(await citizen.locator('#case-history > li[data-action="reply"]').textContent()).toContain(REPLY);
    const page = (await citizen.locator('main').textContent()) ?? '';
    expect(page).not.toContain('工作人员');
    expect(page).not.toContain('demo-');
    expect(page).not.toContain('13800138000');
    await expectAxeClean(citizen, 'status page with the reply');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'cases-track-replied-phone');

    // Act: the callback, first without a choice, then "not satisfied" with a comment.
    await citizen.click('#callback-submit');
    await eventually(() => citizen.getAttribute('#satisfied', 'aria-invalid')).toBe('true');
    await expectAxeClean(citizen, 'callback without a choice');
    await citizen.check('input[name="satisfied"][value="no"]');
    await citizen.fill('#comment', COMPLAINT_BACK);
    await citizen.click('#callback-submit');

    // Assert: reopened (重办), with a new deadline counted from now; the callback form is gone.
    await eventually(() => citizen.locator('#case-state').getAttribute('data-state')).toBe('REOPENED');
    expect(await citizen.locator('#case-state').textContent()).toBe('重办');
    expect(await citizen.locator('#track-notice').textContent()).toContain('不满意');
    expect(await citizen.locator('#callback-form').count()).toBe(0);
    expect(await citizen.locator('#case-history > li[data-action="callback"]').textContent()).toContain(COMPLAINT_BACK);
    await expectAxeClean(citizen, 'reopened case');
    await expectFitsWidth(citizen);

    // The same page in English, then back in Chinese (the choice is kept across pages).
    await citizen.click('.lang-switch button[lang="en"]');
    await eventually(() => citizen.locator('h1').textContent()).toBe('Follow a case');
    expect(await citizen.locator('#case-state').textContent()).toBe('Reopened');
    await expectAxeClean(citizen, 'reopened case in English');
    await citizen.click('.lang-switch button[lang="zh-CN"]');
    await eventually(() => citizen.locator('#case-state').textContent()).toBe('重办');
  });

  it("changes the supervisor's KPIs: the callback at once, the reopening once the case is closed", async () => {
    // Assert: reopened — one more case called back (not satisfied); nothing closed yet.
    await supervisor.goto(`${stack.url}/cases.html`);
    let now = await kpisOnPage(supervisor);
    expect(now.satisfactionRate).toMatchObject({ numerator: before.satisfactionRate.numerator, denominator: before.satisfactionRate.denominator + 1 });
    expect(now.closureRate).toMatchObject({ numerator: before.closureRate.numerator, denominator: before.closureRate.denominator + 1 });
    expect(now.reopenRate).toMatchObject({ numerator: before.reopenRate.numerator, denominator: before.reopenRate.denominator });
    await caseRow(supervisor).waitFor();
    expect(await caseRow(supervisor).getAttribute('data-state')).toBe('REOPENED');

    // Act: the unit takes it again and replies; the citizen is satisfied this time (pages shown above).
    await api(stack, handlerToken, actOnCase, { params: { caseId }, body: { action: 'accept' } });
    await api(stack, handlerToken, actOnCase, { params: { caseId }, body: { action: 'reply', text: `${REPLY} 并已约谈窗口负责人。` } });
    await api(stack, undefined, caseCallback, { body: { trackingNumber, accessCode, satisfied: true } });
    const listed = await api(stack, supervisorToken, listCases, { query: { unitId: UNIT } });
    expect(listed.cases.find((c) => c.caseId === caseId)?.state).toBe('CLOSED');

    // Assert: closed, called back, reopened once — each counted with its numerator and denominator.
    await supervisor.reload();
    now = await kpisOnPage(supervisor);
    const plus = (key: KpiKey, numerator: number, denominator: number) => ({
      numerator: before[key].numerator + numerator,
      denominator: before[key].denominator + denominator,
    });
    expect(now.closureRate).toMatchObject(plus('closureRate', 1, 1));
    expect(now.callbackRate).toMatchObject(plus('callbackRate', 1, 1));
    expect(now.reopenRate).toMatchObject(plus('reopenRate', 1, 1));
    expect(now.satisfactionRate).toMatchObject(plus('satisfactionRate', 1, 1));
    expect(now.returnRate).toMatchObject(plus('returnRate', 0, 1));
    const reopen = plus('reopenRate', 1, 1);
    expect(now.reopenRate.rate).toBe(`${((100 * reopen.numerator) / reopen.denominator).toFixed(1)}%`);
    await expectAxeClean(supervisor, 'KPIs after the reopened case closed');
    await screenshot(supervisor, 'cases-supervisor-kpis');
  });

  it('lets a handler return a case to the office with a reason, and shows a rejection reason to its citizen', async () => {
    // Prepare: two requests filed through the API; the first assigned to the unit.
    const filed = await Promise.all(
      ['小区路灯坏了一个月没人修。', '请帮我查一下邻居家的房产登记信息。'].map((description) => api(stack, undefined, fileCase, { body: { kind: 'request', description } })),
    );
    const { cases } = await api(stack, supervisorToken, listCases, { query: {} });
    const [wrongUnit, outOfScope] = filed.map((r) => cases.find((c) => c.trackingNumber === r.trackingNumber)!);
    await api(stack, supervisorToken, actOnCase, { params: { caseId: wrongUnit!.caseId }, body: { action: 'assign', unitId: UNIT } });

    // Act: the handler returns it, first without a reason.
    await handler.goto(`${stack.url}/case.html?id=${wrongUnit!.caseId}`);
    await handler.locator('#case-facts').waitFor();
    await act(handler, 'return');
    await eventually(() => handler.getAttribute('#action-reason', 'aria-invalid')).toBe('true');
    expect(await handler.locator('#action-reason-error').textContent()).not.toBe('');
    await handler.fill('#action-reason', '路灯属城管部门管理，不是税务局的事项。');
    await handler.click('#action-submit');

    // Assert: the handler is told the case left the unit; the supervisor sees it returned, with the reason, to assign again.
    await eventually(() => handler.locator('#case-gone').textContent()).toContain('已退回督查办公室');
    await expectAxeClean(handler, 'case returned by its handler');
    await supervisor.goto(`${stack.url}/case.html?id=${wrongUnit!.caseId}`);
    await eventually(() => supervisor.locator('#case-state').getAttribute('data-state')).toBe('RETURNED');
    expect(await supervisor.locator('#case-facts').textContent()).toContain('路灯属城管部门管理');
    expect(await actionButtons(supervisor)).toEqual(['assign']);

    // Act: the supervisor rejects the other one with a reason.
    await supervisor.goto(`${stack.url}/case.html?id=${outOfScope!.caseId}`);
    await supervisor.locator('#case-facts').waitFor();
    await act(supervisor, 'reject', () => supervisor.fill('#action-reason', '他人不动产登记信息不属于本人可查询的范围。'));
    await eventually(() => supervisor.locator('#case-state').getAttribute('data-state')).toBe('REJECTED');

    // Assert: its citizen reads the reason with number and code.
    await citizen.goto(`${stack.url}/track.html`);
    await citizen.fill('#tracking-number', filed[1]!.trackingNumber);
    await citizen.fill('#access-code', filed[1]!.accessCode);
    await citizen.click('#track-submit');
    await eventually(() => citizen.locator('#case-state').getAttribute('data-state')).toBe('REJECTED');
    expect(await citizen.locator('#case-rejection').textContent()).toBe('他人不动产登记信息不属于本人可查询的范围。');
    expect(await citizen.locator('#callback-form').count()).toBe(0);
    await expectAxeClean(citizen, 'rejected case on the status page');
    await expectFitsWidth(citizen);
  });

  it('takes a photo attached on the phone (refusing a file of another type) and shows it on the staff page with the same bytes', async () => {
    // Prepare: a 1×1 PNG and a text file named like a photo's neighbour.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await citizen.goto(`${stack.url}/complain.html`);
    await citizen.locator('#complain-form').waitFor();

    // Act: a text file first, then the photo.
    await citizen.setInputFiles('#attachments', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    await eventually(() => citizen.locator('#attachments-error').textContent()).toContain('只能上传');
    await citizen.setInputFiles('#attachments', { name: '自助终端.png', mimeType: 'image/png', buffer: png });
    await citizen.check('input[name="kind"][value="complaint"]');
    await citizen.fill('#description', '自助终端屏幕故障，附照片。');
    await expectAxeClean(citizen, 'intake form with a picked file');
    await citizen.click('#complain-submit');
    await citizen.locator('#case-receipt').waitFor();
    const number = (await citizen.locator('#tracking-number').textContent()) ?? '';

    // Assert: the supervisor's case page links the photo by its name, and the link gives the same bytes.
    const { cases } = await api(stack, supervisorToken, listCases, { query: {} });
    const filed = cases.find((c) => c.trackingNumber === number)!;
    expect(filed.attachmentKeys).toHaveLength(1);
    await supervisor.goto(`${stack.url}/case.html?id=${filed.caseId}`);
    const link = supervisor.locator('#case-attachments a');
    await eventually(() => link.textContent()).toBe('自助终端.png');
    const bytes = await supervisor.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())], (await link.getAttribute('href'))!);
    expect(Buffer.from(bytes).equals(png)).toBe(true);
    await expectAxeClean(supervisor, 'case with an attachment');
  });

  it('puts the complaint on the rectification ledger from its case page, prefilled and linked to the case', async () => {
    // Prepare: the supervisor on a phone, on the complaint's page.
    const page = await browser.newPage(PHONE);
    await openAsStaff(page, `case.html?id=${caseId}`, supervisorToken);
    await page.locator('#case-to-ledger').waitFor();
    await expectAxeClean(page, 'case with the way to the ledger');

    // Act: to the ledger, where the new item's form is open with what the case knows.
    await page.click('#case-to-ledger');
    await page.locator('#new-item-form').waitFor();
    await eventually(() => page.locator('#new-item-case').textContent()).toContain(trackingNumber);
    await eventually(() => page.inputValue('#new-unit')).toBe(UNIT);
    expect(await page.inputValue('#new-problem')).toBe(DESCRIPTION);
    await eventually(() => page.locator('#new-category option').count()).toBeGreaterThan(1);
    await page.selectOption('#new-level', 'unit');
    await page.selectOption('#new-category', { index: 1 });
    await page.fill('#new-problem', `${DESCRIPTION}（窗口首问负责制落实不到位）`);
    await expectAxeClean(page, 'new ledger item from a case');
    await expectFitsWidth(page);
    await screenshot(page, 'cases-to-ledger-phone');
    await page.click('#new-item-submit');

    // Assert: the item's page shows the unit and links back to the case.
    await page.locator('#item-linked-case').waitFor();
    expect(await page.getAttribute('#item-linked-case', 'href')).toBe(`case.html?id=${caseId}`);
    expect(await page.locator('#item-unit').textContent()).toBe(UNIT_NAME);
    await expectAxeClean(page, 'ledger item linked to a case');

    // Act: a case id the API does not know is kept and named by its 400 on submit, not dropped.
    const unknown = crypto.randomUUID();
    await page.goto(`${stack.url}/ledger.html?case=${unknown}`);
    await page.locator('#new-item-form').waitFor();
    expect(await page.locator('#new-item-case').textContent()).toContain(unknown);
    await eventually(() => page.locator('#new-category option').count()).toBeGreaterThan(1);
    await page.selectOption('#new-level', 'unit');
    await page.selectOption('#new-category', { index: 1 });
    await eventually(() => page.locator(`#new-unit option[value="${UNIT}"]`).count()).toBe(1);
    await page.selectOption('#new-unit', UNIT);
    await page.fill('#new-problem', DESCRIPTION);
    await page.click('#new-item-submit');
    await eventually(() => page.locator('#new-item-failure').textContent()).toContain(unknown);
    expect(new URL(page.url()).pathname).toBe('/ledger.html');
  });
});
