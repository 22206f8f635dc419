import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZPublishedForm, type PublishedForm } from '../../functions/domain/catalog';
import { ZTallyReport, type TallyReport } from '../../functions/domain/tally-report';
import { startLocal } from '../../infra/local/stack';
import { apiPath, filenameOf } from '../../web/src/api';

/**
 * The whole evaluation slice in a real browser on a phone-sized screen, against the local stack
 * (`npm start`'s DynamoDB Local, API, scheduler and pages): a citizen rates a unit 不满意, the scheduled
 * tally counts it, and a supervisor sees it in the table and in the downloaded CSV.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PHONE = { width: 390, height: 844 };
/** Short, so the test proves the scheduler ran instead of calling the tally itself. */
const TALLY_EVERY_MS = 1_000;
const SCREENSHOTS = path.resolve('test-results/e2e');
const UTF8_BOM = [0xef, 0xbb, 0xbf];

if (!hasChromium) {
  console.warn(
    [
      '',
      '#'.repeat(78),
      `#  E2E BROWSER TESTS NOT RUN: ${CHROMIUM} is missing.`,
      '#  Install it:  apt-get update && apt-get install -y chromium fonts-noto-cjk',
      `#  ${process.env.CI ? 'CI is set, so this FAILS.' : 'Outside CI this is reported as a skipped test.'}`,
      '#'.repeat(78),
      '',
    ].join('\n'),
  );
  describe('browser tests', () => {
    const name = process.env.CI
      ? 'FAILED: chromium not installed (apt-get install chromium), which CI requires'
      : 'SKIPPED: chromium not installed (apt-get install chromium)';
    it.skipIf(!process.env.CI)(name, () => {
      expect.fail(`${CHROMIUM} is missing; install it with apt-get install -y chromium fonts-noto-cjk`);
    });
  });
}

describe.runIf(hasChromium)('citizen to supervisor', () => {
  let stack: Awaited<ReturnType<typeof startLocal>>;
  let context: BrowserContext;
  let profileDir: string;
  let supervisorToken: string;
  let published: PublishedForm;

  beforeAll(async () => {
    stack = await startLocal({ port: 0, inMemory: true, seed: true, tallyEveryMs: TALLY_EVERY_MS, quiet: true });
    supervisorToken = await stack.token('supervisor');
    profileDir = mkdtempSync(path.join(tmpdir(), 'pingyi-e2e-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    });
    const { forms } = (await (await fetch(stack.url + apiPath('listForms'))).json()) as { forms: { formId: string }[] };
    const formId = forms[0]?.formId;
    if (!formId) throw new Error('the seed published no form');
    published = ZPublishedForm.parse(await (await fetch(stack.url + apiPath('getForm', { formId }))).json());
    expect(published.period.state).toBe('open');
    expect(published.units.length).toBeGreaterThanOrEqual(3);
  });

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  /** The supervisor's report straight from the API, to know the figures before and after. */
  async function report(): Promise<TallyReport> {
    const res = await fetch(stack.url + apiPath('listTallies', { periodId: published.period.periodId }), {
      headers: { Authorization: `Bearer ${supervisorToken}` },
    });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  }

  const tallyOf = (r: TallyReport, unitId: string) => r.rows.find((row) => row.unit.unitId === unitId)?.tally ?? null;

  /** Waits for the scheduled tally (never run by the test) to have run after `since`. */
  async function tallyAfter(since: string): Promise<TallyReport> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await report();
      if (r.run && Date.parse(r.run.computedAt) > Date.parse(since)) return r;
      if (Date.now() > deadline) throw new Error(`the scheduled tally did not run after ${since} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Uncaught errors and Content-Security-Policy violations in any page: none are expected. */
  const pageErrors: Error[] = [];
  const cspViolations: string[] = [];
  afterEach(() => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  /** A new tab in the zh-CN default: the profile is shared, so forget a language an earlier test chose. */
  async function newPhonePage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(stack.url + '/');
    await page.evaluate(() => localStorage.clear());
    return page;
  }

  /**
   * The page fits the phone's width: nothing makes the citizen scroll sideways. Compared with the screen's
   * width, not window.innerWidth, which a mobile browser widens to fit content that overflows.
   */
  async function expectFitsWidth(page: Page): Promise<void> {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(page.viewportSize()!.width);
  }

  async function openRatePage(page: Page): Promise<void> {
    await page.goto(stack.url + '/');
    await page.locator(`a[data-form-id="${published.form.formId}"]`).click();
    await expect.poll(() => page.url()).toContain('rate.html?form=');
    await page.locator('#rate-form').waitFor();
  }

  it('counts a citizen\'s 不满意 and shows it to the supervisor in the table and the CSV', async () => {
    // Prepare: a unit in the middle of the list, and its figures (demo ratings included) before the rating.
    const unit = published.units[1]!;
    const before = tallyOf(await tallyAfter(new Date().toISOString()), unit.unitId);
    const dissatisfiedBefore = before?.counts.dissatisfied ?? 0;
    const nBefore = before?.n ?? 0;
    const page = await newPhonePage();

    // Act: rate it 不满意 on the phone.
    await openRatePage(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.selectOption('#unitId', unit.unitId);
    await page.getByLabel('不满意', { exact: true }).check();
    await page.getByLabel('群众', { exact: true }).check();
    await page.locator('#comment').fill('窗口排队时间太长');
    await expect.poll(() => page.locator('#comment-counter').textContent()).toContain('8 /');
    await page.getByRole('button', { name: '提交评价' }).click();

    // Assert: a receipt, then the scheduled tally counts the rating.
    const receiptId = (await page.locator('#receipt-id').textContent({ timeout: 15_000 }))?.trim() ?? '';
    expect(receiptId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await expect.poll(() => page.locator('#receipt').textContent()).toContain('不满意');
    await expectFitsWidth(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'receipt.png'), fullPage: true });
    const submittedAt = new Date().toISOString();
    const after = tallyOf(await tallyAfter(submittedAt), unit.unitId);
    expect(after?.counts.dissatisfied).toBe(dissatisfiedBefore + 1);
    expect(after?.n).toBe(nBefore + 1);

    // The supervisor signs in with a #token= link, which the page takes and removes from the address bar.
    await page.goto(`${stack.url}/supervisor.html#token=${encodeURIComponent(supervisorToken)}`);
    const row = page.locator(`#tally-table tr[data-unit-id="${unit.unitId}"]`);
    await expect.poll(() => row.locator('[data-col="dissatisfied"]').textContent()).toBe(String(dissatisfiedBefore + 1));
    expect(page.url()).not.toContain('token=');
    expect(await row.locator('[data-col="unit"]').textContent()).toContain(unit.name['zh-CN']);
    expect(await row.locator('[data-col="n"]').textContent()).toBe(String(nBefore + 1));
    expect(await page.locator('#last-computed').textContent()).toContain('最近计算');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'supervisor.png'), fullPage: true });

    // The CSV: saved under the server's file name, UTF-8 with BOM, with the unit's Chinese name and count.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    const direct = await fetch(stack.url + apiPath('downloadTallies', { periodId: published.period.periodId }), {
      headers: { Authorization: `Bearer ${supervisorToken}`, 'Accept-Language': 'zh-CN' },
    });
    expect(download.suggestedFilename()).toBe(filenameOf(direct.headers.get('Content-Disposition')));
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual(UTF8_BOM);
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/);
    const header = lines[0]!.split(',');
    const unitLine = lines.find((l) => l.split(',').includes(unit.unitId));
    expect(unitLine).toContain(unit.name['zh-CN']);
    expect(unitLine!.split(',')[header.indexOf('不满意')]).toBe(String(dissatisfiedBefore + 1));
  });

  it('asks for a rating before sending anything, and shows the server\'s field errors in English', async () => {
    const page = await newPhonePage();
    const posts: Request[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === apiPath('submitResponse')) posts.push(req);
    });
    await openRatePage(page);

    // Client side: no rating chosen, nothing is sent.
    await page.selectOption('#unitId', published.units[0]!.unitId);
    await page.getByLabel('群众', { exact: true }).check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.locator('#rating-error').textContent()).toBe('请选择一个评价等级。');
    expect(await page.locator('#rating').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toHaveLength(0);
    await expectFitsWidth(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rate-missing-rating.png'), fullPage: true });

    // Server side, in English: a stale page sends a group the API does not know; its 400 names the field.
    await page.getByRole('button', { name: 'English' }).click();
    await page.route(`**${apiPath('submitResponse')}`, (route) =>
      route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), group: 'martian' }) }),
    );
    await page.getByLabel('Very satisfied', { exact: true }).check();
    await page.getByRole('button', { name: 'Submit rating' }).click();
    await expect.poll(() => page.locator('#group-error').isVisible()).toBe(true);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers()['accept-language']).toBe('en');
    expect(await page.locator('#group-error').textContent()).toMatch(/[A-Za-z]/);
    expect(await page.locator('#group-error').textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.locator('#form-error').textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    // The smallest phone width we support, with the longest message the page shows.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectFitsWidth(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rate-server-error-en.png'), fullPage: true });
  });

  it('retries with the same submissionId after a lost answer and a 503, and the rating counts once', async () => {
    // Prepare: another unit; the first answer is lost on the way back, the second try meets a 503.
    const unit = published.units[2]!;
    const nBefore = tallyOf(await tallyAfter(new Date().toISOString()), unit.unitId)?.n ?? 0;
    const page = await newPhonePage();
    const bodies: { submissionId?: string }[] = [];
    let attempt = 0;
    await page.route(`**${apiPath('submitResponse')}`, async (route) => {
      attempt += 1;
      bodies.push(route.request().postDataJSON() as { submissionId?: string });
      if (attempt === 1) {
        await route.fetch(); // stored by the server...
        await route.abort('connectionreset'); // ...but the phone never hears back
      } else if (attempt === 2) {
        await route.fulfill({
          status: 503,
          headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: '服务暂时繁忙' }),
        });
      } else {
        await route.continue();
      }
    });

    // Act
    await openRatePage(page);
    await page.selectOption('#unitId', unit.unitId);
    await page.getByLabel('非常不满意', { exact: true }).check();
    await page.getByLabel('群众', { exact: true }).check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.locator('#form-error').textContent()).toContain('网络');
    await page.getByRole('button', { name: '重新提交' }).click();
    await expect.poll(() => page.locator('#form-error').textContent()).toContain('2 秒');
    await page.getByRole('button', { name: '重新提交' }).click();

    // Assert: one id for all three tries, a receipt, and one ballot in the tally.
    await page.locator('#receipt-id').waitFor();
    expect(bodies).toHaveLength(3);
    expect(bodies[0]!.submissionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(bodies.map((b) => b.submissionId)).size).toBe(1);
    const after = await tallyAfter(new Date().toISOString());
    expect(tallyOf(after, unit.unitId)?.n).toBe(nBefore + 1);
  });

  it('sends a supervisor whose token is refused back to sign-in, and tells a unit handler they may not see the figures', async () => {
    const page = await newPhonePage();
    await page.goto(`${stack.url}/supervisor.html#token=not-a-valid-token`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('.notice-error').textContent()).toContain('重新登录');

    await page.goto(`${stack.url}/supervisor.html#token=${encodeURIComponent(await stack.token('unitHandler'))}`);
    await expect.poll(() => page.locator('.notice-error').textContent()).toContain('没有查看统计结果的权限');
  });
});
