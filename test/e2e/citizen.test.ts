import { readFileSync } from 'node:fs';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZReceiptCode } from '../../functions/domain/evaluation/ballot-ids';
import { ZPublishedForm, type PublishedForm } from '../../functions/domain/evaluation/published-form';
import { ZTallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { downloadTallies, getForm, listTallies, submitResponse } from '../../functions/routes/evaluation';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath, filenameOf } from '../../web/src/app/api';
import { readXlsxParts, recordsOf } from '../fixtures/xlsx';
import { expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The evaluation slice in a real browser on a phone, against `npm start`'s stack (DynamoDB Local, the API,
 * the scheduler and the pages): citizens fill in the demo's all-units appraisal and the service windows'
 * form, the scheduled tally counts them (the test never runs it), and a supervisor reads the figures in
 * their ranking and downloads them as CSV and XLSX. Every page state visited is axe-clean, fits a 360 px phone and breaks no CSP rule.
 */

/** The smallest phone the pages are made for. */
const SMALL_PHONE = { width: 360, height: 740 };
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CJK = /[\u4e00-\u9fff]/;
/** Field ids as the rate page names them: `units.tax-bureau.evaluation` → `#f-units__tax-bureau__evaluation`. */
const field = (path: string) => `#f-${path.replace(/\./g, '__')}`;

requireChromium();

describe.runIf(hasChromium)('citizens rate units and supervisors read the tally', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let annual: PublishedForm;
  let windows: PublishedForm;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, tallyEveryMs: 1000, quiet: true }));
    supervisorToken = await stack.token('supervisor');
    const seed = stack.seed!;
    annual = ZPublishedForm.parse(await (await fetch(stack.url + apiPath(getForm, { formId: seed.forms.annual }))).json());
    windows = ZPublishedForm.parse(await (await fetch(stack.url + apiPath(getForm, { formId: seed.forms.windows }))).json());
    expect(annual.content.layout).toBe('allUnits');
    expect(annual.period.state).toBe('open');
    expect(windows.content.layout).toBe('oneUnit');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    // No uncaught error and no Content-Security-Policy violation in any page of the test.
    expect(browser.problems()).toEqual([]);
  });

  /** The tally report straight from the API. */
  async function report(): Promise<TallyReport> {
    const res = await fetch(stack.url + apiPath(listTallies, { periodId: annual.period.periodId }), {
      headers: { Authorization: `Bearer ${supervisorToken}` },
    });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  }

  /** The report once the scheduled tally (never run by the test) has run after `since`. */
  async function tallyAfter(since: number): Promise<TallyReport> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await report();
      if (r.run && Date.parse(r.run.computedAt) > since) return r;
      if (Date.now() > deadline) throw new Error(`the scheduled tally did not run within 30 s after ${new Date(since).toISOString()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const tallyOf = (r: TallyReport, unitId: string) => r.rows.find((row) => row.unit.unitId === unitId)?.tally ?? null;
  const dimensionOf = (r: TallyReport, unitId: string, dimensionId: string) =>
    tallyOf(r, unitId)?.dimensions.find((d) => d.dimensionId === dimensionId);

  /** A new tab on the small phone, in the zh-CN default (the profile is shared: forget an earlier language). */
  async function newPhonePage(): Promise<Page> {
    const page = await browser.newPage(SMALL_PHONE);
    await page.goto(stack.url + '/');
    await page.evaluate(() => localStorage.clear());
    return page;
  }

  /** Records the submissions a page posts. */
  function recordPosts(page: Page): Request[] {
    const posts: Request[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === apiPath(submitResponse)) posts.push(req);
    });
    return posts;
  }

  async function openRate(page: Page, query: string): Promise<void> {
    await page.goto(`${stack.url}/rate.html?${query}`);
    await page.locator('#rate-form').waitFor();
  }

  /** Checks the level `level` of the radio group at `path`. */
  const choose = (page: Page, path: string, level: string) => page.locator(`${field(path)} input[value="${level}"]`).check();

  it('takes an all-units appraisal from a phone, counts it in the scheduled tally, and shows it to the supervisor in the ranking, in the CSV and in the XLSX', async () => {
    // Prepare: three units rated on every dimension, the other seven 不了解; the figures before.
    const [first, second, third, ...unknown] = annual.content.unitIds as [string, string, string, ...string[]];
    const rated = { [first]: 'verySatisfied', [second]: 'dissatisfied', [third]: 'basicallySatisfied' } as const;
    // The first tally waits for the seed's ballots to be counted: read while the form is filled in, awaited
    // before anything is sent.
    const beforeTally = tallyAfter(Date.now());
    beforeTally.catch(() => undefined); // awaited below; a failure of the page first must not leave it unhandled
    const page = await newPhonePage();
    const posts = recordPosts(page);
    await openRate(page, `form=${annual.formId}`);
    expect(await page.locator('h1').textContent()).toBe(annual.content.title['zh-CN']);
    await expect.poll(() => page.locator('#progress').textContent()).toContain(`已评 0 / ${annual.content.unitIds.length} 个单位`);
    await expectAxeClean(page, 'all-units form');
    await expectFitsWidth(page);

    // Sending nothing: every problem is named before anything is posted, the first one gets the focus.
    await page.locator('#submit').click();
    await page.locator('#error-summary').waitFor();
    expect(posts).toHaveLength(0);
    expect(await page.locator('#error-summary li').count()).toBe(1 + annual.content.unitIds.length);
    expect(await page.locator(`${field('answers.group')}-error`).textContent()).toBe('此项必填。');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('answers.group');
    await expectAxeClean(page, 'all-units form with errors');
    await expectFitsWidth(page);
    await screenshot(page, 'rate-all-units-errors');

    // Act: the group, three units on all four dimensions, 不了解 for the rest with the unit's shortcut.
    await choose(page, 'answers.group', 'citizen');
    const dimensions = (annual.content.questions.find((q) => q.type === 'dimensions') as Extract<PublishedForm['content']['questions'][number], { type: 'dimensions' }>).dimensions;
    for (const [unitId, level] of Object.entries(rated)) {
      for (const d of dimensions) await choose(page, `units.${unitId}.evaluation.${d.id}`, level);
    }
    for (const unitId of unknown) {
      await page.locator(`${field(`units.${unitId}`)} button.form-dont-know`).click();
      expect(await page.locator(`${field(`units.${unitId}`)} button.form-dont-know`).getAttribute('aria-pressed')).toBe('true');
    }
    await expect.poll(() => page.locator('#progress').textContent()).toContain(`已评 10 / 10 个单位`);
    expect(await page.locator('#error-summary').count()).toBe(0);
    await expectAxeClean(page, 'all-units form filled in');
    const before = await beforeTally;
    await page.locator('#submit').click();

    // Assert: one post, a receipt naming the three rated units, in CST; its code is not the submission id.
    const receiptCode = (await page.locator('#receipt-code').textContent({ timeout: 15_000 }))?.trim() ?? '';
    expect(ZReceiptCode.safeParse(receiptCode).success).toBe(true);
    expect(posts).toHaveLength(1);
    const sent = posts[0]!.postDataJSON() as { answers: Record<string, unknown>; units: Record<string, Record<string, Record<string, string>>>; submissionId: string };
    expect(sent.answers).toEqual({ group: 'citizen' });
    expect(Object.keys(sent.units)).toEqual(annual.content.unitIds);
    expect(sent.units[unknown[0]!]!.evaluation).toEqual(Object.fromEntries(dimensions.map((d) => [d.id, 'dontKnow'])));
    expect(sent.submissionId).toMatch(UUID);
    expect(sent).not.toHaveProperty('token');
    expect(await page.locator('#receipt-units li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-unit-id')))).toEqual([first, second, third]);
    expect(await page.locator('#receipt-time').textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    await expectAxeClean(page, 'receipt');
    await expectFitsWidth(page);
    await screenshot(page, 'rate-all-units-receipt');

    // The scheduled tally counts the response once on every rated dimension, and the 不了解 units not at all.
    const after = await tallyAfter(Date.now());
    for (const [unitId, level] of Object.entries(rated)) {
      expect(tallyOf(after, unitId)?.n).toBe((tallyOf(before, unitId)?.n ?? 0) + 1);
      for (const d of dimensions) {
        expect(dimensionOf(after, unitId, d.id)?.n).toBe((dimensionOf(before, unitId, d.id)?.n ?? 0) + 1);
        expect(dimensionOf(after, unitId, d.id)?.counts[level]).toBe((dimensionOf(before, unitId, d.id)?.counts[level] ?? 0) + 1);
      }
    }
    for (const unitId of unknown) {
      expect(tallyOf(after, unitId)?.n).toBe(tallyOf(before, unitId)?.n);
      expect(tallyOf(after, unitId)?.dontKnow).toBe((tallyOf(before, unitId)?.dontKnow ?? 0) + 1);
    }

    // The supervisor signs in with a #token= link and sees the second unit's changed per-dimension figures.
    const supervisor = await browser.newPage(SMALL_PHONE);
    await supervisor.goto(`${stack.url}/supervisor.html#token=${encodeURIComponent(supervisorToken)}`);
    const row = supervisor.locator(`#tally-table tbody[data-unit-id="${second}"]`);
    await expect.poll(() => row.locator('[data-col="n"]').first().textContent(), { timeout: 15_000 }).toBe(String(tallyOf(after, second)!.n));
    expect(supervisor.url()).not.toContain('token=');
    expect(supervisor.url()).toContain(`period=${annual.period.periodId}`);
    expect(await supervisor.locator('#last-run').textContent()).toContain('最近一次统计');
    // The units in their ranking: the ranked ones by rank, then the unranked, each rank beside its unit.
    expect(after.rows.some((r) => r.rank !== null)).toBe(true);
    expect(await supervisor.locator('#tally-table > tbody').evaluateAll((bodies) => bodies.map((b) => b.getAttribute('data-unit-id')))).toEqual(
      after.rows.map((r) => r.unit.unitId),
    );
    expect(
      await supervisor.locator('#tally-table > tbody [data-col="rank"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-rank'))),
    ).toEqual(after.rows.filter((r) => r.tally).map((r) => String(r.rank ?? '')));
    await row.getByRole('button', { name: /明细/ }).click();
    const attitude = row.locator('tr[data-dimension-id="attitude"]');
    await attitude.waitFor();
    expect(await attitude.locator('[data-col="n"]').textContent()).toBe(String(dimensionOf(after, second, 'attitude')!.n));
    expect(await row.locator('tr[data-group-id="citizen"] [data-col="n"]').textContent()).toBe(String(tallyOf(after, second)!.groupScores.citizen!.n));
    await expectAxeClean(supervisor, 'supervisor with a unit opened');
    await expectFitsWidth(supervisor);
    await screenshot(supervisor, 'supervisor');

    // The CSV: the server's file name, UTF-8 with BOM, one column per dimension's N with the new count.
    const [file] = await Promise.all([supervisor.waitForEvent('download'), supervisor.locator('#download-csv').click()]);
    const direct = await fetch(stack.url + apiPath(downloadTallies, { periodId: annual.period.periodId }), {
      headers: { Authorization: `Bearer ${supervisorToken}`, 'Accept-Language': 'zh-CN' },
    });
    expect(file.suggestedFilename()).toBe(filenameOf(direct.headers.get('Content-Disposition')));
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = readFileSync((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual(UTF8_BOM);
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/);
    const header = lines[0]!.split(',');
    const unitLine = lines.find((l) => l.split(',')[0] === second)!.split(',');
    for (const d of dimensions) {
      const column = header.indexOf(`${d.label['zh-CN']} N`);
      expect(column).toBeGreaterThan(0);
      expect(unitLine[column]).toBe(String(dimensionOf(after, second, d.id)!.n));
    }
    await expect.poll(() => supervisor.locator('#download-status').textContent()).toContain(file.suggestedFilename());
    await expectAxeClean(supervisor, 'supervisor after the download');

    // The XLSX, read back from its XML (not by exceljs, which wrote it): the ranking and the numbers of the
    // JSON report, each sheet's header frozen.
    const [book] = await Promise.all([supervisor.waitForEvent('download'), supervisor.locator('#download-xlsx').click()]);
    expect(book.suggestedFilename()).toBe(`满意度统计-${annual.period.periodId}.xlsx`);
    const sheets = await readXlsxParts(readFileSync((await book.path())!));
    const shown = await report();
    expect([...sheets.values()].map((sheet) => sheet.frozenRows)).toEqual([1, 1, 1, 1, 1]);
    expect(recordsOf(sheets.get('单位排名')!).map((u) => [u.单位编号, u.排名, u.综合得分, u.满意率, u['满意率95%置信下限'], u['有效样本数(N)']])).toEqual(
      shown.rows.map((r) => [
        r.unit.unitId,
        r.rank,
        r.tally?.compositeScore ?? null,
        r.tally?.satisfactionRate ?? null,
        r.tally?.satisfactionInterval?.low ?? null,
        r.tally?.n ?? null,
      ]),
    );
    expect(recordsOf(sheets.get('各维度')!).filter((d) => d.单位编号 === second).map((d) => [d['有效评价数(N)'], d.得分])).toEqual(
      tallyOf(shown, second)!.dimensions.map((d) => [d.n, d.score]),
    );
    await expect.poll(() => supervisor.locator('#download-status').textContent()).toContain(book.suggestedFilename());
  });

  it('shows the follow-up question of a service window only for a bad rating, and sends its answer only then', async () => {
    const page = await newPhonePage();
    const posts = recordPosts(page);
    const unit = 'window-general';
    await openRate(page, `form=${windows.formId}&unit=${unit}`);
    // The unit comes from the QR code's link: named, not picked.
    expect(await page.locator('select').count()).toBe(0);
    expect(await page.locator(`${field('unit')} [data-unit-id="${unit}"]`).textContent()).toBe('政务服务中心综合受理窗口');
    expect(await page.locator(field('unit.problems')).count()).toBe(0);
    await expectAxeClean(page, 'service window form');
    await expectFitsWidth(page);

    // 非常不满意: the follow-up appears, its answer is sent.
    await choose(page, 'unit.overall', 'veryDissatisfied');
    await page.locator(field('unit.problems')).waitFor();
    await page.locator(`${field('unit.problems')} input[value="waiting"]`).check();
    await expectAxeClean(page, 'service window form with the follow-up');
    await screenshot(page, 'rate-window-follow-up');
    await page.locator('#submit').click();
    await page.locator('#receipt-code').waitFor();
    expect(posts).toHaveLength(1);
    const first = posts[0]!.postDataJSON() as { answers: object; units: Record<string, object>; submissionId: string };
    expect(first.units).toEqual({ [unit]: { overall: 'veryDissatisfied', problems: ['waiting'] } });
    expect(await page.locator('#receipt-units').textContent()).toContain('政务服务中心综合受理窗口');

    // Rate again: 非常不满意 with a follow-up answer, then 满意 — the follow-up disappears and is not sent.
    await page.locator('#rate-again').click();
    await page.locator('#rate-form').waitFor();
    await choose(page, 'unit.overall', 'veryDissatisfied');
    await page.locator(`${field('unit.problems')} input[value="attitude"]`).check();
    await choose(page, 'unit.overall', 'satisfied');
    await expect.poll(() => page.locator(field('unit.problems')).count()).toBe(0);
    await page.locator(`${field('unit.comment')}`).fill('  窗口很快  ');
    await page.locator('#submit').click();
    await page.locator('#receipt-code').waitFor();
    expect(posts).toHaveLength(2);
    const second = posts[1]!.postDataJSON() as { units: Record<string, Record<string, unknown>>; submissionId: string };
    expect(second.units).toEqual({ [unit]: { overall: 'satisfied', comment: '窗口很快' } });
    expect(second.submissionId).not.toBe(first.submissionId);
    await expectAxeClean(page, 'service window receipt');
    await expectFitsWidth(page);
  });

  it('names missing answers before sending anything, and shows the server\'s field errors in English', async () => {
    const page = await newPhonePage();
    const posts = recordPosts(page);
    await openRate(page, `form=${windows.formId}`);

    // Client side: no unit and no rating; nothing is sent, both are named, the unit picker gets the focus.
    await page.locator('#submit').click();
    await expect.poll(() => page.locator(`${field('unit')}-error`).textContent()).toBe('请选择一个被评议单位。');
    expect(await page.locator(`${field('unit.overall')}-error`).textContent()).toBe('此项必填。');
    expect(await page.locator(field('unit.overall')).getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-unit');
    expect(posts).toHaveLength(0);
    await expectAxeClean(page, 'one-unit form with errors');
    await expectFitsWidth(page);
    await screenshot(page, 'rate-window-errors');

    // Server side, in English: a stale page sends a level the form does not have; the 400 names the field.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('#submit').textContent()).toBe('Submit rating');
    await page.locator(field('unit')).selectOption('window-business');
    await choose(page, 'unit.overall', 'verySatisfied');
    await page.route(`**${apiPath(submitResponse)}`, (route) => {
      const body = route.request().postDataJSON() as { units: Record<string, Record<string, unknown>> };
      body.units['window-business']!.overall = 'excellent';
      return route.continue({ postData: JSON.stringify(body) });
    });
    await page.locator('#submit').click();
    await expect.poll(() => page.locator(`${field('unit.overall')}-error`).isVisible()).toBe(true);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers()['accept-language']).toBe('en');
    const message = (await page.locator(`${field('unit.overall')}-error`).textContent()) ?? '';
    expect(message).toMatch(/[A-Za-z]/);
    expect(message).not.toMatch(CJK);
    expect(await page.locator('#error-summary').textContent()).not.toMatch(CJK);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('unit.overall');
    await expectAxeClean(page, 'server field errors in English');
    await expectFitsWidth(page);
    await screenshot(page, 'rate-server-error-en');
  });

  it('retries with one submissionId after a lost answer and a 503, and the response counts once', async () => {
    // Prepare: the first answer is lost on the way back, the second try meets a 503.
    const unit = 'window-business';
    const beforeTally = tallyAfter(Date.now());
    beforeTally.catch(() => undefined); // awaited before the first try, read meanwhile
    const page = await newPhonePage();
    const bodies: { submissionId?: string }[] = [];
    let attempt = 0;
    await page.route(`**${apiPath(submitResponse)}`, async (route) => {
      attempt += 1;
      bodies.push(route.request().postDataJSON() as { submissionId?: string });
      if (attempt === 1) {
        await route.fetch(); // stored by the server...
        await route.abort('connectionreset'); // ...but the phone never hears back
      } else if (attempt === 2) {
        await route.fulfill({
          status: 503,
          headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: 'internal detail that must not be shown' }),
        });
      } else {
        await route.continue();
      }
    });

    // Act
    await openRate(page, `form=${windows.formId}&unit=${unit}`);
    await choose(page, 'unit.overall', 'dissatisfied');
    await page.locator(`${field('unit.problems')} input[value="unclear"]`).check();
    const nBefore = tallyOf(await beforeTally, unit)?.n ?? 0;
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-outcome').textContent()).toContain('网络');
    await expectAxeClean(page, 'network failure');
    await expect.poll(() => page.locator('#submit').textContent()).toBe('重新提交');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-outcome').textContent()).toContain('2 秒');
    expect(await page.locator('body').textContent()).not.toContain('internal detail');
    await page.locator('#submit').click();

    // Assert: one id for all three tries, a receipt, one ballot in the tally.
    await page.locator('#receipt-code').waitFor();
    expect(bodies).toHaveLength(3);
    expect(bodies[0]!.submissionId).toMatch(UUID);
    expect(new Set(bodies.map((b) => b.submissionId)).size).toBe(1);
    const code = ((await page.locator('#receipt-code').textContent()) ?? '').trim();
    expect(ZReceiptCode.safeParse(code).success).toBe(true);
    expect(code).not.toBe(bodies[0]!.submissionId);
    const after = await tallyAfter(Date.now());
    expect(tallyOf(after, unit)?.n).toBe(nBefore + 1);
  });

  it('says an earlier try was already recorded when the answers changed after a lost answer, and starts afresh', async () => {
    const page = await newPhonePage();
    const ids: string[] = [];
    let attempt = 0;
    await page.route(`**${apiPath(submitResponse)}`, async (route) => {
      attempt += 1;
      ids.push((route.request().postDataJSON() as { submissionId: string }).submissionId);
      if (attempt === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await openRate(page, `form=${windows.formId}&unit=window-social-security`);
    await choose(page, 'unit.overall', 'satisfied');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-outcome').textContent()).toContain('网络');

    // The respondent changes the rating and tries again: the same id with other answers is refused, not counted.
    await choose(page, 'unit.overall', 'basicallySatisfied');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-outcome').textContent()).toContain('已经记录');
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    await expectAxeClean(page, 'already recorded');
    await expectFitsWidth(page);

    // Starting a new evaluation clears the answers and the id.
    await page.locator('#start-new').click();
    expect(await page.locator(`${field('unit.overall')} input:checked`).count()).toBe(0);
    await choose(page, 'unit.overall', 'basicallySatisfied');
    await page.locator('#submit').click();
    await page.locator('#receipt-code').waitFor();
    expect(ids).toHaveLength(3);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('says when the period has closed meanwhile, and what an unknown form is', async () => {
    const page = await newPhonePage();
    await page.route(`**${apiPath(submitResponse)}`, (route) =>
      route.fulfill({
        status: 409,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: 'PERIOD_CLOSED', reason: 'ended', message: '评议期已结束' }),
      }),
    );
    await openRate(page, `form=${windows.formId}&unit=window-general`);
    await choose(page, 'unit.overall', 'verySatisfied');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-closed').textContent()).toContain('本次评议已经结束');
    expect(await page.locator('#rate-form').count()).toBe(0);
    await expectAxeClean(page, 'period closed');

    await page.goto(`${stack.url}/rate.html?form=no-such-form`);
    await expect.poll(() => page.locator('.notice-error').textContent()).toContain('找不到这张评议表');
    await expectAxeClean(page, 'unknown form');
    await expectFitsWidth(page);
  });

  it("previews an admin's draft with the same components and never sends it", async () => {
    const page = await newPhonePage();
    const posts = recordPosts(page);
    // Without an admin signed in in this tab: say so, and where to sign in.
    await page.goto(`${stack.url}/rate.html?form=${windows.formId}&preview=1`);
    await expect.poll(() => page.locator('.notice-error').textContent()).toContain('管理员');
    expect(await page.locator('a[href="admin-forms.html"]').count()).toBe(1);
    await expectAxeClean(page, 'preview without sign-in');

    const adminToken = await stack.token('admin');
    await page.evaluate((token) => sessionStorage.setItem('pingyi.token', token), adminToken);
    await openRate(page, `form=${windows.formId}&preview=1`);
    expect(await page.locator('.preview-banner').textContent()).toContain('预览 / Preview');
    await page.locator(field('unit')).selectOption('window-general');
    await choose(page, 'unit.overall', 'dissatisfied');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator(`${field('unit.problems')}-error`).textContent()).toBe('此项必填。');
    await page.locator(`${field('unit.problems')} input[value="other"]`).check();
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#form-outcome').textContent()).toContain('未提交');
    expect(posts).toHaveLength(0);
    await expectAxeClean(page, 'preview checked');
    await expectFitsWidth(page);
    await screenshot(page, 'rate-preview');
  });

  it('sends a supervisor whose token is refused back to sign-in, and tells a unit handler they may not see the results', async () => {
    const page = await newPhonePage();
    // A well-formed token the API refuses: a real one with its signature altered.
    const [header, payload, signature] = supervisorToken.split('.') as [string, string, string];
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await page.goto(`${stack.url}/supervisor.html#token=${encodeURIComponent(forged)}`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('.notice-error').textContent()).toContain('重新登录');
    await expectAxeClean(page, 'sign-in after a refused token');
    await expectFitsWidth(page);

    await page.goto(`${stack.url}/supervisor.html#token=${encodeURIComponent(await stack.token('unitHandler'))}`);
    await expect.poll(() => page.locator('.notice-error').textContent()).toContain('没有使用此页面的权限');
    expect(await page.locator('#tally-table').count()).toBe(0);
    await expectAxeClean(page, 'unit handler refused');
    await expectFitsWidth(page);
  });
});
