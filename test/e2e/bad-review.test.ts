import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZPublishedForm, type PublishedForm } from '../../functions/domain/evaluation/published-form';
import { getForm } from '../../functions/routes/evaluation';
import { fileBadReview, listCases } from '../../functions/routes/cases';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { FOLLOW_UP_KEY } from '../../web/src/pages/cases/follow-up-handoff';
import { api } from './api';
import { PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * A bad rating's follow-up in a real browser on a phone, against `npm start`'s stack: a citizen rates a
 * service window 非常不满意, follows the receipt's link to follow-up.html (the ballot handed over in the tab's
 * storage, never in an address), is told at each field what is missing, leaves a phone number with consent
 * and gets a tracking number and an access code; the supervisor's case list holds a badReview case for that
 * window. Sending the same follow-up again opens nothing and says so. A good rating offers no follow-up.
 * Every state visited is axe-clean and fits the phone, with no page error or CSP violation.
 */

requireChromium();

const UNIT = 'window-business';
const UNIT_NAME = '政务服务中心企业开办窗口';
const OFFER = '对评价不满意？留下联系方式，我们安排整改回访';
/** Field ids as the rate page names them: `unit.overall` → `#f-unit__overall`. */
const field = (path: string) => `#f-${path.replace(/\./g, '__')}`;
const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.runIf(hasChromium)('a bad rating followed up: contact details left, a case opened for the unit', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let windows: PublishedForm;
  let citizen: Page;
  /** Every address the citizen's tab asked for. */
  const requested: string[] = [];
  let receiptCode: string;
  let handedOver: string;
  let trackingNumber: string;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    supervisorToken = await stack.token('supervisor');
    windows = ZPublishedForm.parse(await (await fetch(stack.url + apiPath(getForm, { formId: stack.seed!.forms.windows }))).json());
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  const choose = (page: Page, path: string, level: string) => page.locator(`${field(path)} input[value="${level}"]`).check();

  it('offers no follow-up after a good rating, and a link to it after a rating of 非常不满意', async () => {
    // Prepare: a phone on the window's QR link.
    citizen = await browser.newPage(PHONE);
    citizen.on('request', (req) => requested.push(req.url()));
    await citizen.goto(`${stack.url}/`);
    await citizen.evaluate(() => localStorage.clear());
    await citizen.goto(`${stack.url}/rate.html?form=${windows.formId}&unit=${UNIT}`);
    await citizen.locator('#rate-form').waitFor();

    // Act: 满意.
    await choose(citizen, 'unit.overall', 'satisfied');
    await citizen.locator('#submit').click();

    // Assert: a receipt, no offer.
    await citizen.locator('#receipt-code').waitFor();
    expect(await citizen.locator('#follow-up-offer').count()).toBe(0);

    // Act: rate again, 非常不满意 with its follow-up question.
    await citizen.locator('#rate-again').click();
    await citizen.locator('#rate-form').waitFor();
    await choose(citizen, 'unit.overall', 'veryDissatisfied');
    await citizen.locator(`${field('unit.problems')} input[value="attitude"]`).check();
    await citizen.locator('#submit').click();

    // Assert: the receipt offers the follow-up, as a plain link to follow-up.html.
    receiptCode = ((await citizen.locator('#receipt-code').textContent({ timeout: 15_000 })) ?? '').trim();
    expect(receiptCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const link = citizen.locator('#follow-up-link');
    expect(await link.textContent()).toBe(OFFER);
    expect(await link.getAttribute('href')).toBe('follow-up.html');
    await expectAxeClean(citizen, 'receipt with the follow-up offer');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'bad-review-offer');
  });

  it('takes the ballot over in the tab, names what is missing at its field, and answers with a tracking number', async () => {
    // Act: follow the link.
    await citizen.locator('#follow-up-link').click();
    await citizen.locator('#follow-up-form').waitFor();

    // Assert: the unit is named; the receipt code came through the tab's storage, in no address at all.
    expect(new URL(citizen.url()).pathname).toBe('/follow-up.html');
    expect(await citizen.locator('#follow-up-units li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-unit-id'), li.textContent]))).toEqual([[UNIT, UNIT_NAME]]);
    handedOver = (await citizen.evaluate((key) => sessionStorage.getItem(key), FOLLOW_UP_KEY)) ?? '';
    expect(JSON.parse(handedOver)).toMatchObject({ periodId: windows.period.periodId, receiptCode, units: [{ unitId: UNIT }] });
    expect(requested.filter((url) => url.includes(receiptCode))).toEqual([]);
    await expectAxeClean(citizen, 'follow-up form');
    await expectFitsWidth(citizen);

    // Act: send it empty.
    await citizen.click('#follow-up-submit');

    // Assert: the API's 400 is shown at the consent box, in Chinese.
    await eventually(() => citizen.getAttribute('#callback-consent', 'aria-invalid')).toBe('true');
    expect(await citizen.locator('#callback-consent-error').textContent()).toBe('请同意回访。');
    expect(await citizen.locator('#follow-up-failure').textContent()).toContain('请按提示修改');
    await expectAxeClean(citizen, 'follow-up form with errors');

    // Act: consent, still no way to reach the citizen.
    await citizen.check('#callback-consent');
    await citizen.click('#follow-up-submit');

    // Assert: the contact details are named, and get the focus.
    await eventually(() => citizen.getAttribute('#contact', 'aria-invalid')).toBe('true');
    expect(await citizen.locator('#contact-error').textContent()).not.toBe('');
    expect(await citizen.getAttribute('#callback-consent', 'aria-invalid')).toBe('false');
    await expectAxeClean(citizen, 'follow-up form without contact details');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'bad-review-form-errors');

    // Act: a phone number and a remark.
    await citizen.fill('#contact-phone', '13800138000');
    await citizen.fill('#remark', '窗口人员态度生硬，材料一次没讲清楚。');
    await citizen.click('#follow-up-submit');

    // Assert: one case for the window, its numbers shown with the note to keep them; the handoff forgotten.
    const opened = citizen.locator(`.follow-up-case[data-unit-id="${UNIT}"]`);
    await opened.waitFor();
    expect(await opened.getAttribute('data-opened')).toBe('true');
    trackingNumber = (await opened.locator('.tracking-number').textContent()) ?? '';
    expect(trackingNumber).toMatch(/^\d{8}-[2-9A-HJKMNP-Z]{8}$/);
    expect(await opened.locator('.access-code').textContent()).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(await citizen.locator('#receipt-keep').textContent()).toContain('查询码只显示这一次');
    expect(await citizen.evaluate((key) => sessionStorage.getItem(key), FOLLOW_UP_KEY)).toBeNull();
    await expectAxeClean(citizen, 'follow-up receipt');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'bad-review-receipt-phone');
  });

  it('shows the supervisor a badReview case for that unit', async () => {
    // Act: all cases, as the supervisor's list shows them.
    const { cases } = await api(stack, supervisorToken, listCases, { query: {} });

    // Assert: assigned at once to the unit the citizen rated.
    const found = cases.filter((c) => c.trackingNumber === trackingNumber);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ source: 'badReview', kind: 'complaint', requestedUnitId: UNIT, unitId: UNIT, state: 'ASSIGNED', hasContact: true, callbackConsent: true });
    expect(found[0]!.description).toContain('非常不满意');
    expect(found[0]!.description).toContain('窗口人员态度生硬');
  });

  it('opens nothing when the same follow-up comes again, and says so; errors come in English on an English page', async () => {
    // Prepare: the same ballot handed over again (a second tab, a back button).
    await citizen.evaluate(([key, value]) => sessionStorage.setItem(key, value), [FOLLOW_UP_KEY, handedOver] as const);
    await citizen.goto(`${stack.url}/follow-up.html`);
    await citizen.locator('#follow-up-form').waitFor();
    await citizen.getByRole('button', { name: 'English' }).click();
    await eventually(() => citizen.locator('#follow-up-submit').textContent()).toBe('Send');

    // Act: an address that is not one.
    await citizen.fill('#contact-email', 'not-an-address');
    await citizen.check('#callback-consent');
    await citizen.click('#follow-up-submit');

    // Assert: named at the email field, in English.
    await eventually(() => citizen.getAttribute('#contact-email', 'aria-invalid')).toBe('true');
    const message = (await citizen.locator('#contact-email-error').textContent()) ?? '';
    expect(message).toMatch(/[A-Za-z]/);
    expect(message).not.toMatch(/[\u4e00-\u9fff]/);
    await expectAxeClean(citizen, 'follow-up form in English with an error');

    // Act: a valid address.
    await citizen.fill('#contact-email', 'citizen@example.cn');
    await citizen.click('#follow-up-submit');

    // Assert: nothing new opened, and the page says the earlier request opened it.
    const again = citizen.locator(`.follow-up-case[data-unit-id="${UNIT}"]`);
    await again.waitFor();
    expect(await again.getAttribute('data-opened')).toBe('false');
    expect(await again.locator('.opened-before').textContent()).toContain('earlier request');
    expect(await again.locator('.tracking-number').count()).toBe(0);
    const { cases } = await api(stack, supervisorToken, listCases, { query: {} });
    expect(cases.filter((c) => c.source === 'badReview' && c.requestedUnitId === UNIT)).toHaveLength(1);
    await expectAxeClean(citizen, 'follow-up already opened');
    await expectFitsWidth(citizen);

    // A page opened without a handoff says where to start, and posts nothing.
    const posts: string[] = [];
    const fresh = await browser.newPage(PHONE);
    fresh.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === apiPath(fileBadReview)) posts.push(req.url());
    });
    await fresh.goto(`${stack.url}/follow-up.html`);
    await fresh.locator('#follow-up-missing').waitFor();
    expect(await fresh.locator('#follow-up-form').count()).toBe(0);
    expect(posts).toEqual([]);
    await expectAxeClean(fresh, 'follow-up without a handoff');
  });
});
