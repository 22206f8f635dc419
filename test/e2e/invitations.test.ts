import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import type { Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZReceiptCode } from '../../functions/domain/evaluation/ballot-ids';
import { createForm, listGroups, listPeriods, publishForm, submitResponse } from '../../functions/routes/evaluation';
import { demoWindowContent } from '../../infra/local/seed';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { toCstInput } from '../../web/src/app/format';
import { api } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The issue's browser must-show, against `npm start`'s stack: an admin makes a period take invitation
 * links only (on the periods page, the API's field errors at their fields), issues a batch of invitations
 * for one service window on the invitations page, downloads its links as CSV and prints its QR cards on A4;
 * a citizen on a 390 px phone opens one of the links, rates and gets a receipt code; the same link opened
 * again is refused as used, with the time of its use in China Standard Time. Every state visited is
 * axe-clean, with no page error or CSP violation.
 */

requireChromium();

const PERIOD_ID = 'inv-period';
const FORM_ID = 'inv-windows';
const UNIT = 'window-general';
const UNIT_NAME = '政务服务中心综合受理窗口';
/** Two A4 pages: twelve cards on the first, two on the second. */
const CARDS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** A4 in PDF points (1/72 inch). */
const A4 = { width: 595.28, height: 841.89 };
/** A4's printable area with the sheet's 10 mm margins (190 × 277 mm), in CSS pixels of 1/96 inch. */
const A4_PRINTABLE = { width: 718, height: 1047 };

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000 });
/** Field ids as the rate page names them: `unit.overall` → `#f-unit__overall`. */
const field = (path: string) => `#f-${path.replace(/\./g, '__')}`;

describe.runIf(hasChromium)('invitations: printed, rated once, refused the second time', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  /** The batch's links, as the CSV gives them. */
  let links: string[] = [];

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

  it('makes a group count only through invitations, and a period take invitation links only, with the API’s field errors at their fields', async () => {
    // Prepare
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/admin-periods.html#token=${adminToken}`);
    await page.locator('tr[data-group-id="citizen"]').waitFor();
    expect(await page.locator('tr[data-group-id="deputy"] [data-col="requiresInvitation"]').textContent()).toBe('是');
    expect(await page.locator('tr[data-group-id="enterprise"] [data-col="requiresInvitation"]').textContent()).toBe('否');

    // Act: enterprises count only through invitations from now on.
    await page.locator('tr[data-group-id="enterprise"] button.rename').click();
    await page.locator('#group-requires-invitation').check();
    await expectAxeClean(page, 'group editor');
    await page.click('#group-editor button[type="submit"]');
    await eventually(() => page.locator('tr[data-group-id="enterprise"] [data-col="requiresInvitation"]').textContent()).toBe('是');

    // Act: a period open to invitation links only; a limit of 0 first, which the API refuses at its field.
    await page.click('#period-add');
    await page.locator('#period-editor').waitFor();
    await page.fill('#period-id', PERIOD_ID);
    await page.fill('#period-name-zh-CN', '邀请评价测试期');
    await page.fill('#period-name-en', 'Invitation test period');
    await page.fill('#period-opens', toCstInput(new Date(Date.now() - DAY_MS).toISOString()));
    await page.fill('#period-closes', toCstInput(new Date(Date.now() + 30 * DAY_MS).toISOString()));
    await page.fill('#period-min-sample', '1');
    await page.fill('#weight-citizen', '1');
    await page.check('input[name="admission-mode"][value="invitation"]');
    // Enterprises require invitations now: an unverified claim may not count as one.
    expect(await page.locator('#claim-group option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['citizen']);
    await page.fill('#limit-perClientPerUnitPerDay', '0');
    await page.click('#period-editor button[type="submit"]');
    await page.locator('#limit-perClientPerUnitPerDay-error').waitFor();
    expect(await page.getAttribute('#limit-perClientPerUnitPerDay', 'aria-invalid')).toBe('true');
    expect(await page.locator('#period-editor-failure').textContent()).toContain('请按提示修改');
    await expectAxeClean(page, 'period editor with a field error from the API');
    await screenshot(page, 'invitations-period-field-error');
    await page.fill('#limit-perClientPerUnitPerDay', '3');
    await page.click('#period-editor button[type="submit"]');

    // Assert
    await eventually(() => page.locator(`tr[data-period-id="${PERIOD_ID}"] [data-col="admission"]`).textContent()).toContain('邀请评价');
    const { periods } = await api(stack, adminToken, listPeriods, {});
    expect(periods.find((p) => p.periodId === PERIOD_ID)?.admission).toEqual({
      mode: 'invitation',
      openLimits: { perClientPerUnitPerDay: 3, burstWindowMinutes: 10, burstPerUnit: 60, identicalPerUnit: 30 },
      unverifiedClaim: { action: 'countAs', groupId: 'citizen' },
    });
    const { groups } = await api(stack, adminToken, listGroups, {});
    expect(groups.find((g) => g.groupId === 'enterprise')?.requiresInvitation).toBe(true);
    await expectAxeClean(page, 'period saved');
    await page.close();
  });

  it('issues QR invitations for a service window, gives their links as CSV and prints them twelve to an A4 page', async () => {
    // Prepare: the service windows' form in the invitation-only period, published.
    const created = await api(stack, adminToken, createForm, {
      body: { formId: FORM_ID, periodId: PERIOD_ID, content: { ...demoWindowContent(), title: { 'zh-CN': '综合窗口邀请评价', en: 'Invited window rating' } } },
    });
    await api(stack, adminToken, publishForm, { params: { formId: FORM_ID }, body: { rev: created.form.rev } });
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/admin-invitations.html?period=${PERIOD_ID}#token=${adminToken}`);
    await page.locator('#issue-form').waitFor();
    expect(await page.locator('#period-admission').textContent()).toContain('只接受邀请链接');
    await expectAxeClean(page, 'invitations page');

    // Act: no unit first (named at its field), then fourteen links for the general intake window.
    await page.selectOption('#issue-form-id', FORM_ID);
    await page.fill('#issue-count', String(CARDS));
    await page.click('#issue-submit');
    await eventually(() => page.getAttribute('#issue-unit', 'aria-invalid')).toBe('true');
    await page.selectOption('#issue-unit', UNIT);
    await page.fill('#issue-label', '综合窗口 测试');
    await page.click('#issue-submit');
    await page.locator('#issued-notice').waitFor();
    const row = page.locator('tr[data-batch-id]');
    await eventually(() => row.count()).toBe(1);
    expect(await row.locator('[data-col="unit"]').textContent()).toBe(UNIT_NAME);
    expect(await row.locator('[data-col="count"]').textContent()).toBe(String(CARDS));
    await expectAxeClean(page, 'batch issued');
    await screenshot(page, 'invitations-batch-issued');

    // The CSV: UTF-8 with BOM; number, absolute link, unit, group, expiry — and nothing else.
    const [file] = await Promise.all([page.waitForEvent('download'), row.locator('button.download-csv').click()]);
    const bytes = readFileSync((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual(UTF8_BOM);
    const [header, ...lines] = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n').map((l) => l.split(','));
    expect(header).toEqual(['序号', '评价链接', '单位', '评议人类别', '失效时间（北京时间）']);
    expect(lines).toHaveLength(CARDS);
    links = lines.map((l) => l[1]!);
    lines.forEach((l, i) => {
      expect(l).toHaveLength(5);
      expect(l[0]).toBe(String(i + 1));
      expect(l[1]).toMatch(new RegExp(`^${stack.url.replace(/[.]/g, '\\.')}/rate\\.html\\?form=${FORM_ID}&unit=${UNIT}#t=[^\\s]+$`));
      expect(l[2]).toBe(UNIT_NAME);
      expect(l[3]).toBe('');
      expect(l[4]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });
    expect(new Set(links).size).toBe(CARDS);
    await eventually(() => page.locator('#batches-notice').textContent()).toContain(file.suggestedFilename());
    expect(file.suggestedFilename()).toMatch(/^邀请链接-inv-period-[a-z0-9]+\.csv$/);

    // The QR sheet: a card per link with the unit, an instruction in Chinese, the QR code and the card's number.
    await row.locator('a.print-sheet').click();
    await page.waitForURL(/invitation-sheet\.html\?period=inv-period&batch=/);
    await page.locator('.invite-sheet[data-complete="true"]').waitFor();
    const cards = page.locator('.invite-card');
    expect(await cards.count()).toBe(CARDS);
    expect(await page.locator('.invite-page').count()).toBe(2);
    expect(await page.locator('.invite-page').first().locator('.invite-card').count()).toBe(12);
    const sources = await page.locator('.invite-card img.invite-qr').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    expect(sources.every((s) => s.startsWith('data:image/svg+xml'))).toBe(true);
    expect(new Set(sources).size).toBe(CARDS);
    expect(await page.locator('.invite-card img.invite-qr').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    // Each card's QR code, read back as a phone's camera would (rendered by Chromium, decoded by jsQR), is its own link.
    for (const n of [0, 4, CARDS - 1]) {
      const image = await cards.nth(n).locator('img.invite-qr').evaluate((img) => {
        const side = 400;
        const canvas = document.createElement('canvas');
        canvas.width = side;
        canvas.height = side;
        const context = canvas.getContext('2d')!;
        context.drawImage(img as HTMLImageElement, 0, 0, side, side);
        return { side, rgba: Array.from(context.getImageData(0, 0, side, side).data) };
      });
      expect(jsQR(Uint8ClampedArray.from(image.rgba), image.side, image.side)?.data).toBe(links[n]);
    }
    expect(await cards.nth(2).locator('.invite-unit').textContent()).toBe(UNIT_NAME);
    expect(await cards.nth(2).locator('.invite-instruction').textContent()).toBe('请用手机扫码，评价本单位的服务');
    expect(await cards.nth(2).locator('.invite-number').textContent()).toBe(`第 3 / ${CARDS} 张`);
    // Nothing on the sheet but the QR codes carries a token.
    const token = links[0]!.split('#t=')[1]!;
    expect(await page.locator('body').textContent()).not.toContain(token);
    await expectAxeClean(page, 'QR sheet');
    await screenshot(page, 'invitations-qr-sheet');

    // Printed: the print style sheet hides the page's frame and lays the cards out 3 × 4 on A4 — here on a
    // screen as wide as A4's printable width (190 mm), where no card's content overflows its cell.
    await page.setViewportSize(A4_PRINTABLE);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#app-header').isVisible()).toBe(false);
    expect(await page.locator('#print').isVisible()).toBe(false);
    const columns = await page.locator('.invite-page').first().evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(3);
    const overflowing = await cards.evaluateAll((els) => els.filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1).length);
    expect(overflowing).toBe(0);
    await screenshot(page, 'invitations-qr-sheet-print');
    const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes).toHaveLength(2);
    for (const [w, h] of boxes) {
      expect(Math.abs(w! - A4.width)).toBeLessThan(2);
      expect(Math.abs(h! - A4.height)).toBeLessThan(2);
    }
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });

  it('takes a rating from a 390 px phone through one link, gives a receipt code, and refuses the link the second time with the time it was used', async () => {
    // Prepare
    expect(links.length).toBe(CARDS);
    // The fifth card's link: the one its printed QR code was read back as above.
    const link = links[4]!;
    const token = link.split('#t=')[1]!;
    const phone = await browser.newPage(PHONE);
    const requests: Request[] = [];
    phone.on('request', (req) => requests.push(req));

    // Act: open the link, rate the window badly, send.
    await phone.goto(link);
    await phone.locator('#rate-form').waitFor();
    // The token left the address bar (and so the history) at once.
    expect(phone.url()).not.toContain('#t=');
    expect(phone.url()).toBe(link.split('#')[0]);
    expect(await phone.locator(`${field('unit')} [data-unit-id="${UNIT}"]`).textContent()).toBe(UNIT_NAME);
    expect(await phone.locator('#via-link').isVisible()).toBe(true);
    // A reload in the same tab still rates with the link's token, kept for this tab only.
    await phone.reload();
    await phone.locator('#via-link').waitFor();
    expect(phone.url()).not.toContain('#t=');
    await expectAxeClean(phone, 'rate page opened by an invitation');
    await expectFitsWidth(phone);
    await phone.locator(`${field('unit.overall')} input[value="veryDissatisfied"]`).check();
    await phone.locator(`${field('unit.problems')} input[value="waiting"]`).check();
    await phone.locator('#submit').click();

    // Assert: a receipt code that is neither the token nor the submission id; the token went in the body only.
    const code = ((await phone.locator('#receipt-code').textContent({ timeout: 15_000 })) ?? '').trim();
    expect(ZReceiptCode.safeParse(code).success).toBe(true);
    const posts = requests.filter((r) => r.method() === 'POST' && new URL(r.url()).pathname === apiPath(submitResponse));
    expect(posts).toHaveLength(1);
    const sent = posts[0]!.postDataJSON() as { token?: string; submissionId: string; units: object };
    expect(sent.token).toBe(token);
    expect(sent.units).toEqual({ [UNIT]: { overall: 'veryDissatisfied', problems: ['waiting'] } });
    expect(code).not.toBe(sent.submissionId);
    expect(requests.filter((r) => r.url().includes(token))).toEqual([]);
    expect(await phone.locator('#rate-again').count()).toBe(0);
    const usedAt = ((await phone.locator('#receipt-time').textContent()) ?? '').trim();
    expect(usedAt).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    await expectAxeClean(phone, 'receipt of an invitation');
    await expectFitsWidth(phone);
    await screenshot(phone, 'invitations-phone-receipt');
    await phone.close();

    // Act: the same link again, on another phone, filled in and sent.
    const again = await browser.newPage(PHONE);
    await again.goto(link);
    await again.locator('#rate-form').waitFor();
    await again.locator(`${field('unit.overall')} input[value="satisfied"]`).check();
    await again.locator('#submit').click();

    // Assert: already used, at the time of the first use in China Standard Time; the form is gone.
    const refused = again.locator('#link-refused[data-reason="tokenUsed"]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toContain(`这个评价链接已于 ${usedAt}（北京时间）使用过`);
    expect(await again.locator('#rate-form').count()).toBe(0);
    await expectAxeClean(again, 'invitation used already');
    await expectFitsWidth(again);
    await screenshot(again, 'invitations-phone-used');

    // Without a link's token, the invitation-only period says so before anything is filled in.
    await again.goto(`${stack.url}/rate.html?form=${FORM_ID}&unit=${UNIT}`);
    await again.locator('#link-refused[data-reason="tokenRequired"]').waitFor();
    expect(await again.locator('#rate-form').count()).toBe(0);
    expect(await again.locator('#link-refused').textContent()).toContain('只接受通过邀请链接或办件评价链接提交的评价');
    await expectAxeClean(again, 'invitation-only period without a link');
    await expectFitsWidth(again);
    await again.close();
  });

  it('links each staff role to its pages from the home page, the invitations among the admin’s', async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/`);
    await page.locator('.staff-links').waitFor();
    const linksOf = (role: string) => page.locator(`.staff-links li[data-role="${role}"] a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(await linksOf('supervisor')).toEqual(['supervisor.html']);
    expect(await linksOf('admin')).toContain('admin-invitations.html');
    expect(await linksOf('unitHandler')).toEqual(['appeals.html']);
    await expectAxeClean(page, 'home page');
    await expectFitsWidth(page);
    await page.close();
  });
});
