import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPEN_LIMITS } from '../../functions/domain/evaluation/admission';
import type { TallyReport } from '../../functions/domain/evaluation/tally-report';
import { createForm, createPeriod, listTallies, publishForm, submitResponse } from '../../functions/routes/evaluation';
import { fileAppeal, listFlaggedBatches, reviewFlaggedBatch } from '../../functions/routes/review';
import { demoWindowContent } from '../../infra/local/seed';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { api, staffToken } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * Review in a real browser against `npm start`'s stack: ten open ratings of one service window from one
 * client, in a period that counts one a client and unit a day, leave nine flagged; the supervisor sees them
 * as not counted (stored = counted + not counted, per unit and reason), releases the batch with a reason,
 * and the next scheduled tally counts them. A unit handler appeals the window's bad review with a reason;
 * the supervisor upholds it; both pages show the decision and its reason, and the next tally shows the
 * rating as not counted, "appeal upheld". Every state visited is axe-clean, with no page error or CSP
 * violation.
 */

requireChromium();

const PERIOD_ID = 'rev-period';
const FORM_ID = 'rev-windows';
const UNIT = 'window-business';
const RATINGS = 10;
const BAD_COMMENT = '排队两个小时没有人管';
const DAY_MS = 24 * 60 * 60 * 1000;

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.runIf(hasChromium)('flagged ratings and appeals, reviewed in the open', () => {
  let stack: LocalStack;
  let browser: Browser;
  let adminToken: string;
  let supervisorToken: string;
  let handlerToken: string;
  let supervisor: Page;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true, tallyEveryMs: 1000 }));
    [adminToken, supervisorToken, handlerToken] = await Promise.all([stack.token('admin'), stack.token('supervisor'), staffToken('unitHandler', [UNIT])]);

    // An open period that counts one rating a client, unit and day; bursts and identical answers well above ten.
    await api(stack, adminToken, createPeriod, {
      body: {
        periodId: PERIOD_ID,
        name: { 'zh-CN': '复核测试期', en: 'Review test period' },
        opensAt: new Date(Date.now() - DAY_MS).toISOString(),
        closesAt: new Date(Date.now() + 30 * DAY_MS).toISOString(),
        minSample: 1,
        groupWeights: { citizen: 1 },
        admission: {
          mode: 'open',
          openLimits: { ...DEFAULT_OPEN_LIMITS, perClientPerUnitPerDay: 1, burstPerUnit: 1000, identicalPerUnit: 1000 },
          unverifiedClaim: { action: 'countAs', groupId: 'citizen' },
        },
      },
    });
    const created = await api(stack, adminToken, createForm, {
      body: { formId: FORM_ID, periodId: PERIOD_ID, content: { ...demoWindowContent(), title: { 'zh-CN': '复核测试窗口评价', en: 'Review test window rating' } } },
    });
    const published = await api(stack, adminToken, publishForm, { params: { formId: FORM_ID }, body: { rev: created.form.rev } });

    // Ten ratings from this one client (one address, one browser), one after the other: the first a bad review.
    for (let i = 0; i < RATINGS; i++) {
      const unit: Record<string, string | string[]> = i === 0 ? { overall: 'veryDissatisfied', problems: ['waiting'], comment: BAD_COMMENT } : { overall: 'satisfied' };
      await api(stack, undefined, submitResponse, {
        body: { formId: FORM_ID, version: published.form.latestVersion, answers: {}, units: { [UNIT]: unit }, submissionId: randomUUID() },
      });
    }
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** The window's tally once the scheduled tally (never run by the test) has counted it as `expected` says. */
  async function tallied(expected: { n: number; excluded: Record<string, number> }): Promise<NonNullable<TallyReport['rows'][number]['tally']>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const report = await api(stack, supervisorToken, listTallies, { params: { periodId: PERIOD_ID } });
      const tally = report.rows.find((r) => r.unit.unitId === UNIT)?.tally;
      if (tally && tally.ballots === RATINGS && tally.n === expected.n && JSON.stringify(tally.excluded) === JSON.stringify(expected.excluded)) return tally;
      if (Date.now() > deadline) throw new Error(`the tally did not reach ${JSON.stringify(expected)}; last: ${JSON.stringify(tally && { n: tally.n, excluded: tally.excluded })}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const unitRow = () => supervisor.locator(`#tally-table tbody[data-unit-id="${UNIT}"]`);
  const flagRow = () => supervisor.locator(`#flags-table tr[data-unit-id="${UNIT}"]`);

  it('shows the nine ratings past the limit as flagged, not counted, and counts them after the supervisor releases the batch', async () => {
    // Prepare: the tally has flagged nine of the ten.
    await tallied({ n: 1, excluded: { flagged: RATINGS - 1 } });
    supervisor = await browser.newPage(DESKTOP);
    await supervisor.goto(`${stack.url}/supervisor.html?period=${PERIOD_ID}#token=${encodeURIComponent(supervisorToken)}`);
    await eventually(() => unitRow().locator('[data-col="stored"]').textContent()).toBe(`${RATINGS} = 1 + ${RATINGS - 1}`);
    expect(await unitRow().locator('[data-col="excluded"]').textContent()).toContain(`已标记待复核 ${RATINGS - 1}`);
    await flagRow().waitFor();
    expect(await flagRow().locator('[data-col="pending"]').textContent()).toBe(String(RATINGS - 1));
    expect(await flagRow().textContent()).toContain('同一设备超出限额');
    await expectAxeClean(supervisor, 'supervisor with a flagged batch');
    await screenshot(supervisor, 'review-flagged');

    // Act: a release without a reason is stopped at the reason; then another supervisor is quicker (409).
    await flagRow().locator('button.release').click();
    await supervisor.locator('#decision-form').waitFor();
    await supervisor.click('#decision-submit');
    await eventually(() => supervisor.getAttribute('#decision-reason', 'aria-invalid')).toBe('true');
    await expectAxeClean(supervisor, 'release without a reason');
    await supervisor.route(`**${apiPath(reviewFlaggedBatch, { periodId: PERIOD_ID, batchId: 'BATCH' }).replace('BATCH', '*')}`, (route) =>
      route.fulfill({
        status: 409,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: 'CONFLICT', reason: 'staleRevision', message: '已被修改' }),
      }),
    );
    await supervisor.fill('#decision-reason', '核实为政务大厅自助平板，多名群众先后评价');
    await supervisor.click('#decision-submit');
    await eventually(() => supervisor.locator('#flags-notice').textContent()).toContain('其他监督员刚刚复核了这一批');
    expect(await supervisor.locator('#decision-form').count()).toBe(0);
    await supervisor.unrouteAll();

    // Act: the release itself.
    await flagRow().locator('button.release').click();
    await supervisor.fill('#decision-reason', '核实为政务大厅自助平板，多名群众先后评价');
    await supervisor.click('#decision-submit');

    // Assert: the decision shows with who and why, and waits for the next tally; then all ten count.
    await eventually(() => supervisor.locator('#flags-notice').textContent()).toContain('已放行这一批评价');
    expect(await flagRow().locator('[data-col="review"]').textContent()).toContain('核实为政务大厅自助平板');
    const { batches } = await api(stack, supervisorToken, listFlaggedBatches, { params: { periodId: PERIOD_ID } });
    expect(batches[0]?.review?.decisions.map((d) => d.action)).toEqual(['release']);
    await expectAxeClean(supervisor, 'batch released');
    await tallied({ n: RATINGS, excluded: {} });
    await supervisor.click('#refresh');
    await eventually(() => unitRow().locator('[data-col="stored"]').textContent()).toBe(`${RATINGS} = ${RATINGS} + 0`);
    await supervisor.reload();
    await eventually(() => flagRow().locator('[data-col="released"]').textContent()).toBe(String(RATINGS - 1));
    expect(await flagRow().locator('[data-col="pending"]').textContent()).toBe('0');
    expect(await flagRow().locator('button.release').count()).toBe(0);
    expect(await supervisor.locator('#events-table tr[data-type="batchReleased"]').count()).toBe(1);
    await expectAxeClean(supervisor, 'batch counted after the tally');
    await screenshot(supervisor, 'review-released');
  });

  it("lets a unit handler appeal the window's bad review and a supervisor uphold it, and shows the decision to both", async () => {
    // Prepare: the handler's phone shows the window's ten ratings, the bad one marked.
    const handler = await browser.newPage(PHONE);
    await handler.goto(`${stack.url}/appeals.html?period=${PERIOD_ID}#token=${encodeURIComponent(handlerToken)}`);
    await eventually(() => handler.locator('#ballots > li').count()).toBe(RATINGS);
    const bad = handler.locator('#ballots > li[data-bad="true"]');
    expect(await bad.count()).toBe(1);
    expect(await bad.textContent()).toContain(BAD_COMMENT);
    expect(await bad.textContent()).toContain('非常不满意');
    await expectAxeClean(handler, 'unit handler ratings');
    await expectFitsWidth(handler);
    await screenshot(handler, 'review-handler-ratings');

    // A rating appealed already, as another handler of the unit may have done a moment before: said, and reloaded.
    await handler.route(`**${apiPath(fileAppeal, { periodId: PERIOD_ID })}`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 409, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'CONFLICT', reason: 'alreadyAppealed', message: '已申诉' }) })
        : route.continue(),
    );
    await handler.locator('#ballots > li[data-bad="false"] button.appeal').first().click();
    await handler.fill('#decision-reason', '测试');
    await handler.click('#decision-submit');
    await eventually(() => handler.locator('#ballots-notice').textContent()).toContain('已对这条评价提出过申诉');
    await handler.unrouteAll();

    // Act: only the bad reviews, and an appeal of the one with a reason.
    await handler.check('#bad-only');
    await eventually(() => handler.locator('#ballots > li').count()).toBe(1);
    await bad.locator('button.appeal').click();
    await handler.locator('#decision-form').waitFor();
    await handler.fill('#decision-reason', '当天该窗口因系统升级暂停受理，已在大厅公告，评价所述排队不属于本窗口');
    await expectAxeClean(handler, 'appeal with a reason');
    await handler.click('#decision-submit');
    await eventually(() => handler.locator('#ballots-notice').textContent()).toContain('申诉已提交');
    expect(await bad.locator('.ballot-appeal').getAttribute('data-status')).toBe('open');
    await eventually(() => handler.locator('#appeals-table tr[data-status="open"]').count()).toBe(1);
    await expectAxeClean(handler, 'appeal filed');
    await expectFitsWidth(handler);

    // Act: the supervisor upholds it with a reason.
    await supervisor.reload();
    const appeal = supervisor.locator('#appeals-table tr[data-status="open"]');
    await appeal.waitFor();
    expect(await appeal.textContent()).toContain('系统升级暂停受理');
    await appeal.locator('button.uphold').click();
    await supervisor.fill('#decision-reason', '经核实，当天该窗口暂停受理，评价不计入');
    await supervisor.click('#decision-submit');
    await eventually(() => supervisor.locator('#appeals-notice').textContent()).toContain('申诉成立');
    const decided = supervisor.locator('#appeals-table tr[data-status="upheld"]');
    expect(await decided.locator('[data-col="decision"]').textContent()).toContain('经核实，当天该窗口暂停受理');
    expect(await supervisor.locator('#events-table tr[data-type="appealFiled"]').count()).toBe(1);
    expect(await supervisor.locator('#events-table tr[data-type="appealUpheld"]').count()).toBe(1);
    await expectAxeClean(supervisor, 'appeal upheld');
    await screenshot(supervisor, 'review-appeal-upheld');

    // Assert: the handler sees the decision and its reason…
    await handler.reload();
    const mine = handler.locator('#appeals-table tr[data-status="upheld"]');
    await mine.waitFor();
    expect(await mine.locator('[data-col="status"]').textContent()).toBe('申诉成立');
    expect(await mine.locator('[data-col="decision"]').textContent()).toContain('经核实，当天该窗口暂停受理');
    await eventually(() => handler.locator('#ballots > li[data-bad="true"] .ballot-appeal').getAttribute('data-status')).toBe('upheld');
    expect(await handler.locator('#ballots > li[data-bad="true"] .ballot-appeal').textContent()).toContain('经核实，当天该窗口暂停受理');
    await expectAxeClean(handler, 'handler sees the decision');
    await expectFitsWidth(handler);
    await screenshot(handler, 'review-handler-decision');

    // …and the next tally leaves the rating out, shown as not counted with its reason.
    await tallied({ n: RATINGS - 1, excluded: { appealUpheld: 1 } });
    await supervisor.click('#refresh');
    await eventually(() => unitRow().locator('[data-col="stored"]').textContent()).toBe(`${RATINGS} = ${RATINGS - 1} + 1`);
    expect(await unitRow().locator('[data-col="excluded"]').textContent()).toContain('申诉复核成立 1');
    await expectAxeClean(supervisor, 'tally after the appeal');
    await handler.close();
  });
});
