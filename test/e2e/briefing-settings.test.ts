import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { draftBriefing, getBriefing, getBriefingSettings, publishBriefing, setBriefingSettings } from '../../functions/routes/briefings';
import type { LocalStack } from '../../infra/local/stack';
import { adminBriefingSettings } from '../../web/src/messages/admin-briefing-settings';
import { staffCommon } from '../../web/src/messages/staff';
import { api } from './api';
import { PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The admin's briefing settings page (简报设置) in a real browser on a phone, against `npm start`'s stack
 * without the demo seed (nothing here reads its ballots, and its counting would only load the machine),
 * as a district that has just moved to Pingyi: the admin sets the issuing office, a threshold and the next weekly number (a
 * district continuing its paper numbering), drafts and publishes a briefing on the briefings page, which
 * shows that office and that number, and is then refused the same number again at its field. A save at a
 * stale revision offers to reload; a save of the office alone goes through after a briefing took the number
 * the page showed; a supervisor gets the 403 notice. Every state visited is axe-clean.
 */

requireChromium();

const M = adminBriefingSettings['zh-CN'];
const C = staffCommon['zh-CN'];
const OFFICE = '平邑区评议工作领导小组办公室';

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.runIf(hasChromium)('admin briefing settings page', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  let page: Page | undefined;
  /** The weekly number the admin sets: the district's paper briefings went up to No. 35. */
  let raised: number;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: false, quiet: true }));
    adminToken = await stack.token('admin');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(async () => {
    await page?.close();
    page = undefined;
    expect(browser.problems()).toEqual([]);
  });

  async function openSettings(token = adminToken): Promise<Page> {
    const opened = await browser.newPage(PHONE);
    await opened.goto(`${stack.url}/admin-briefing-settings.html#token=${encodeURIComponent(token)}`);
    return opened;
  }

  const ready = (p: Page) => p.locator('#briefing-settings-form').waitFor();

  async function checkState(p: Page, what: string): Promise<void> {
    await screenshot(p, `briefing-settings-${what}`);
    await expectAxeClean(p, what);
    await expectFitsWidth(p);
  }

  it('refuses a supervisor with the 403 notice', async () => {
    page = await openSettings(await stack.token('supervisor'));
    await eventually(() => page!.locator('main .notice-error').textContent()).toBe(C.err403);
    expect(await page.locator('#briefing-settings-form').count()).toBe(0);
    await expectAxeClean(page, 'refused');
  });

  it('saves the office, a threshold and the next weekly number', async () => {
    // prepare
    page = await openSettings();
    await ready(page);
    const before = await api(stack, adminToken, getBriefingSettings, {});
    raised = 36;
    expect(before.nextNumber.weekly).toBe(1);
    expect(await page.inputValue('#briefing-office')).toBe(before.office);
    expect(await page.locator('#next-weekly-hint').textContent()).toBe(M.nextNumberHint({ number: before.nextNumber.weekly }));
    await checkState(page, 'loaded');

    // act
    await page.fill('#briefing-office', OFFICE);
    await page.fill('#briefing-score', '85');
    await page.fill('#next-weekly', String(raised));
    await page.click('#briefing-settings-form button[type="submit"]');

    // assert
    await eventually(() => page!.locator('#briefing-settings-notice').textContent()).toBe(M.saved);
    const after = await api(stack, adminToken, getBriefingSettings, {});
    expect(after).toMatchObject({ office: OFFICE, thresholds: { compositeScore: 85, satisfactionRate: before.thresholds.satisfactionRate }, rev: before.rev + 1 });
    expect(after.nextNumber).toEqual({ ...before.nextNumber, weekly: raised });
    await checkState(page, 'saved');
  });

  it("drafts and publishes this week's briefing with that office and number", async () => {
    // act: "draft now" on the briefings page, then publish, confirmed
    page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/briefings.html#token=${encodeURIComponent(adminToken)}`);
    await page.locator('#draft-now').waitFor();
    await page.click('#draft-now button[type="submit"]');
    await page.waitForURL(/briefings\.html\?id=weekly-/);
    await page.locator('#briefing-document').waitFor();
    const draftOffice = await page.locator('.briefing-issuer span').first().textContent();
    const belowText = await page.locator('#section-below p').first().textContent();
    await page.check('#publish-confirm');
    await page.click('#publish button[type="submit"]');

    // assert
    expect(draftOffice).toBe(OFFICE);
    expect(belowText).toContain('综合得分低于 85 分');
    await eventually(() => page!.locator('.briefing-number').textContent()).toBe(`第${raised}期`);
    expect(await page.locator('.briefing-issuer span').first().textContent()).toBe(OFFICE);
    const briefingId = new URL(page.url()).searchParams.get('id')!;
    expect(await api(stack, adminToken, getBriefing, { params: { briefingId } })).toMatchObject({ number: raised, office: OFFICE, state: 'published' });
    await expectAxeClean(page, 'published with the settings');
  });

  it('refuses the number just published again, at its field', async () => {
    // prepare
    page = await openSettings();
    await ready(page);
    expect(await page.inputValue('#next-weekly')).toBe(String(raised + 1));

    // act
    await page.fill('#next-weekly', String(raised));
    await page.click('#briefing-settings-form button[type="submit"]');

    // assert
    await eventually(() => page!.getAttribute('#next-weekly', 'aria-invalid')).toBe('true');
    expect(await page.locator('#next-weekly-error').textContent()).toBe(`第${raised}期已发布，期号不能重复：下一期至少为第${raised + 1}期。`);
    expect((await api(stack, adminToken, getBriefingSettings, {})).nextNumber.weekly).toBe(raised + 1);
    await checkState(page, 'number-refused');
  });

  it('refuses a save at a stale revision and reloads what someone else saved', async () => {
    // prepare: another admin saves after the page read
    page = await openSettings();
    await ready(page);
    const read = await api(stack, adminToken, getBriefingSettings, {});
    await api(stack, adminToken, setBriefingSettings, { body: { office: '评议办', thresholds: read.thresholds, nextNumber: read.nextNumber, rev: read.rev } });

    // act
    await page.fill('#briefing-score', '70');
    await page.click('#briefing-settings-form button[type="submit"]');
    await page.locator('#briefing-settings-failure-reload').waitFor();
    await checkState(page, 'stale');
    await page.click('#briefing-settings-failure-reload');

    // assert
    await eventually(() => page!.locator('#briefing-settings-notice').textContent()).toBe(M.reloaded);
    expect(await page.inputValue('#briefing-office')).toBe('评议办');
    expect(await page.inputValue('#briefing-score')).toBe('85');
    expect((await api(stack, adminToken, getBriefingSettings, {})).thresholds.compositeScore).toBe(85);
  });

  it('saves the office alone after a briefing took the number the page shows, and then shows the next one', async () => {
    // prepare: the page shows monthly No. 1 next; this month's report is published as No. 1 meanwhile
    page = await openSettings();
    await ready(page);
    expect(await page.inputValue('#next-monthly')).toBe('1');
    const draft = await api(stack, adminToken, draftBriefing, { body: { kind: 'monthly' } });
    await api(stack, adminToken, publishBriefing, { params: { briefingId: draft.briefingId }, body: { rev: draft.rev } });

    // act
    await page.fill('#briefing-office', OFFICE);
    await page.click('#briefing-settings-form button[type="submit"]');

    // assert
    await eventually(() => page!.locator('#briefing-settings-notice').textContent()).toBe(M.saved);
    expect(await page.inputValue('#next-monthly')).toBe('2');
    expect(await api(stack, adminToken, getBriefingSettings, {})).toMatchObject({ office: OFFICE, nextNumber: { monthly: 2 } });
  });
});
