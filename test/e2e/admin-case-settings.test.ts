import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISORS_ENTRY } from '../../functions/domain/notifications/directory';
import { getCalendar } from '../../functions/routes/calendar';
import { getCaseDeadlines, setCaseDeadlines } from '../../functions/routes/cases';
import { listNotificationDirectory } from '../../functions/routes/notifications';
import type { Route } from '../../functions/routes/route';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath, type Success } from '../../web/src/app/api';
import { adminCaseSettings } from '../../web/src/messages/admin-case-settings';
import { staffCommon } from '../../web/src/messages/staff';
import { DESKTOP, expectAxeClean, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The admin's case settings page in a real browser on a desktop screen, against the local stack with the
 * demo seed: the deadline days, a district adjustment added and deleted, a year's schedule entered as lines
 * (a line the page cannot read, a date the API refuses, then a good one) and the office's addresses. What
 * the page says was saved is checked through the API; every state visited is axe-clean.
 */

requireChromium();

const M = adminCaseSettings['zh-CN'];
const C = staffCommon['zh-CN'];

describe.runIf(hasChromium)('admin case settings page', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  let page: Page;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    adminToken = await stack.token('admin');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(async () => {
    await page?.close();
    expect(browser.problems()).toEqual([]);
  });

  /** A route's success answer as the admin; fails the test on any other status. */
  async function ok<R extends Route>(route: R): Promise<Success<R>> {
    const res = await fetch(stack.url + apiPath(route), { headers: { Authorization: `Bearer ${adminToken}`, 'Accept-Language': 'zh-CN' } });
    const json = (await res.json()) as unknown;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json as Success<R>;
  }

  /** Saves through the API as the admin, as another admin's tab would. */
  async function put<R extends Route>(route: R, body: unknown): Promise<void> {
    const res = await fetch(stack.url + apiPath(route), {
      method: route.method,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  async function openSettings(token = adminToken): Promise<Page> {
    const opened = await browser.newPage(DESKTOP);
    await opened.goto(`${stack.url}/case-settings.html#token=${token}`);
    return opened;
  }

  async function ready(): Promise<void> {
    await page.locator('#deadlines-form').waitFor();
    await page.locator(`form[data-entry-id="${SUPERVISORS_ENTRY}"]`).waitFor();
  }

  async function checkState(what: string): Promise<void> {
    await screenshot(page, `case-settings-${what}`);
    await expectAxeClean(page, what);
  }

  it('refuses a supervisor with the 403 notice', async () => {
    page = await openSettings(await stack.token('supervisor'));
    await expect.poll(() => page.locator('main .notice-error').textContent()).toBe(C.err403);
    expect(await page.locator('#deadlines-form').count()).toBe(0);
  });

  it('shows the defaults and saves a complaint deadline of 5 working days', async () => {
    page = await openSettings();
    await ready();
    const before = await ok(getCaseDeadlines);
    expect(await page.inputValue('#deadline-complaint')).toBe(String(before.days.complaint));
    expect(await page.locator('#deadline-complaint-hint').textContent()).toBe(M.defaultIs({ days: before.defaults.complaint }));
    await checkState('loaded');

    await page.fill('#deadline-complaint', '5');
    await page.click('#deadlines-form button[type="submit"]');

    await expect.poll(() => page.locator('#deadlines-notice').textContent()).toBe(M.deadlinesSaved);
    const after = await ok(getCaseDeadlines);
    expect(after.days).toEqual({ ...before.days, complaint: 5 });
    expect(after.rev).toBe(before.rev + 1);
  });

  it('names a day count the API refuses at its field', async () => {
    page = await openSettings();
    await ready();
    await page.fill('#deadline-request', '0');
    await page.click('#deadlines-form button[type="submit"]');

    await expect.poll(() => page.getAttribute('#deadline-request', 'aria-invalid')).toBe('true');
    expect(await page.locator('#deadline-request-error').textContent()).toContain('1');
    expect((await ok(getCaseDeadlines)).days.request).not.toBe(0);
    await checkState('deadline-refused');
  });

  it('refuses a save at a stale revision and reloads the days someone else saved', async () => {
    page = await openSettings();
    await ready();
    const read = await ok(getCaseDeadlines);
    await put(setCaseDeadlines, { days: { ...read.days, consultation: 3 }, rev: read.rev });

    await page.fill('#deadline-request', '12');
    await page.click('#deadlines-form button[type="submit"]');
    await page.locator('#deadlines-failure-reload').waitFor();
    await checkState('deadlines-stale');
    expect((await ok(getCaseDeadlines)).days.request).toBe(read.days.request);

    await page.click('#deadlines-failure-reload');
    await expect.poll(() => page.locator('#deadlines-notice').textContent()).toBe(M.reloaded);
    expect(await page.inputValue('#deadline-consultation')).toBe('3');
    expect(await page.inputValue('#deadline-request')).toBe(String(read.days.request));
  });

  it('reads in English', async () => {
    page = await openSettings();
    await ready();
    await page.click('.lang-switch button[lang="en"]');
    expect(await page.locator('h1').textContent()).toBe(adminCaseSettings.en.title);
    expect(await page.locator('label[for="deadline-badReview"]').textContent()).toBe(adminCaseSettings.en.badReview);
    await checkState('en');
    await page.click('.lang-switch button[lang="zh-CN"]');
  });

  it('adds a district day off and deletes it again', async () => {
    page = await openSettings();
    await ready();
    await page.fill('#adjustment-date', '2027-03-08');
    await page.selectOption('#adjustment-kind', 'dayOff');
    await page.fill('#adjustment-name-zh-CN', '区运动会');
    await page.fill('#adjustment-name-en', 'District sports day');
    await page.click('#adjustment-form button[type="submit"]');

    await page.locator('tr[data-date="2027-03-08"]').waitFor();
    expect(await page.locator('tr[data-date="2027-03-08"] [data-col="kind"]').textContent()).toBe(M.kindDayOff);
    const saved = (await ok(getCalendar)).adjustments.find((a) => a.date === '2027-03-08');
    expect(saved).toMatchObject({ kind: 'dayOff', name: { 'zh-CN': '区运动会', en: 'District sports day' } });
    await checkState('adjustment-added');

    await page.click('tr[data-date="2027-03-08"] button.delete');
    await expect.poll(() => page.locator('#calendar-notice').textContent()).toBe(M.adjustmentDeleted({ date: '2027-03-08' }));
    expect(await page.locator('tr[data-date="2027-03-08"]').count()).toBe(0);
    expect((await ok(getCalendar)).adjustments.some((a) => a.date === '2027-03-08')).toBe(false);
  });

  it('keeps a district day off that stays', async () => {
    page = await openSettings();
    await ready();
    await page.fill('#adjustment-date', '2026-12-31');
    await page.fill('#adjustment-name-zh-CN', '年终盘点');
    await page.fill('#adjustment-name-en', 'Year-end stocktaking');
    await page.click('#adjustment-form button[type="submit"]');

    await expect.poll(() => page.locator('#calendar-notice').textContent()).toBe(M.adjustmentSaved({ date: '2026-12-31' }));
    const saved = (await ok(getCalendar)).adjustments.find((a) => a.date === '2026-12-31');
    expect(saved).toMatchObject({ kind: 'dayOff', name: { 'zh-CN': '年终盘点', en: 'Year-end stocktaking' }, rev: 1 });
  });

  it('says which line of a schedule is wrong, by the page and by the API', async () => {
    page = await openSettings();
    await ready();
    await page.fill('#year-year', '2027');
    await page.fill('#year-holidays', '2027-01-01 元旦\n\n元旦 2027-01-01');
    await page.click('#year-form button[type="submit"]');

    await expect.poll(() => page.locator('#year-holidays-error').textContent()).toBe(M.errLine({ line: 3, message: M.errLineFormat }));
    expect(await page.getAttribute('#year-holidays', 'aria-invalid')).toBe('true');

    // Well-formed lines, but the second date lies in another year: the API names holidays.1.date, line 3.
    await page.fill('#year-holidays', '2027-01-01 元旦\n\n2028-01-01 元旦');
    await page.click('#year-form button[type="submit"]');
    await expect.poll(() => page.locator('#year-holidays-error').textContent()).toMatch(/^第 3 行：.*2028-01-01/);
    expect(await page.locator('#year-failure').textContent()).toContain(C.errFixFields);
    await checkState('year-refused');
    expect((await ok(getCalendar)).years.some((y) => y.year === 2027)).toBe(false);
  });

  it("enters 2027's schedule from lines", async () => {
    page = await openSettings();
    await ready();
    await page.fill('#year-year', '2027');
    await page.fill('#year-holidays', '2027-01-01 元旦 | New Year’s Day\n2027-02-06 春节');
    await page.fill('#year-workdays', '2027-02-14 春节调休');
    await page.click('#year-form button[type="submit"]');

    await expect.poll(() => page.locator('#calendar-notice').textContent()).toBe(M.yearSaved({ year: 2027 }));
    const view = await ok(getCalendar);
    const year = view.years.find((y) => y.year === 2027);
    expect(year?.holidays).toEqual([
      { date: '2027-01-01', name: { 'zh-CN': '元旦', en: 'New Year’s Day' } },
      { date: '2027-02-06', name: { 'zh-CN': '春节', en: '春节' } },
    ]);
    expect(year?.workdays).toEqual([{ date: '2027-02-14', name: { 'zh-CN': '春节调休', en: '春节调休' } }]);
    expect(view.coveredYears).toContainEqual({ year: 2027, source: 'admin' });
    await expect.poll(() => page.locator('#covered-years li[data-year="2027"]').getAttribute('data-source')).toBe('admin');
  });

  it("sets the office's address, shown again after a reload", async () => {
    page = await openSettings();
    await ready();
    const textarea = `#entry-${SUPERVISORS_ENTRY}-addresses`;
    await page.fill(textarea, 'duty@office.example.org\n\n  second@office.example.org ');
    await page.click(`form[data-entry-id="${SUPERVISORS_ENTRY}"] button[type="submit"]`);

    await expect.poll(() => page.locator(`#entry-${SUPERVISORS_ENTRY}-notice`).textContent()).toBe(M.entrySaved({ name: M.officeEntry }));
    const entry = (await ok(listNotificationDirectory)).entries.find((e) => e.entryId === SUPERVISORS_ENTRY);
    expect(entry?.addresses).toEqual(['duty@office.example.org', 'second@office.example.org']);

    await page.reload();
    await ready();
    expect(await page.inputValue(textarea)).toBe('duty@office.example.org\nsecond@office.example.org');
    expect(await page.inputValue('#deadline-complaint')).toBe('5');
    await checkState('reloaded');
  });

  it('names a bad address at its entry', async () => {
    page = await openSettings();
    await ready();
    const textarea = `#entry-${SUPERVISORS_ENTRY}-addresses`;
    await page.fill(textarea, 'not-an-address');
    await page.click(`form[data-entry-id="${SUPERVISORS_ENTRY}"] button[type="submit"]`);

    await expect.poll(() => page.getAttribute(textarea, 'aria-invalid')).toBe('true');
    expect(await page.locator(`#entry-${SUPERVISORS_ENTRY}-addresses-error`).textContent()).toMatch(/^not-an-address: /);
    const entry = (await ok(listNotificationDirectory)).entries.find((e) => e.entryId === SUPERVISORS_ENTRY);
    expect(entry?.addresses).not.toContain('not-an-address');
    await checkState('address-refused');
  });
});
