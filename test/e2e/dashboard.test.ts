import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDay } from '../../functions/domain/evaluation/snapshot';
import type { Tally } from '../../functions/domain/evaluation/tally';
import { ZTallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { createPeriod, listTallies } from '../../functions/routes/evaluation';
import { createDocumentClient } from '../../functions/store/client';
import { tallyStore } from '../../functions/store/evaluation/tally-store';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { readXlsxParts, recordsOf } from '../fixtures/xlsx';
import { api } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The supervisors' dashboard in a real browser against `npm start`'s stack, on the demo district after the
 * scheduled tally has run (the test never runs it): the ranking as a table and as an SVG bar chart with a
 * bar per ranked unit and an error bar per interval, filters that change both, the trend over the period's
 * daily snapshots — yesterday's, written as the tally store writes a run's, and today's, written by the
 * scheduled tally — and across periods (a past period's last snapshot beside this one's), and the XLSX
 * download read back from its XML, and the raw export followed to its file. Axe-clean, at phone width, with no page error or CSP violation.
 */

requireChromium();

const DAY_MS = 24 * 60 * 60 * 1000;
/** The bar and error-bar colours of the ranking chart (web/src/pages/tallies/dashboard.tsx). */
const RANKED_FILL = '#1d4ed8';
const UNRANKED_FILL = '#9ca3af';
const INTERVAL_STROKE = '#111827';
/** The trend lines' colours, in the order of their units. */
const LINE_COLORS = ['#1d4ed8', '#b45309', '#047857', '#be123c', '#6d28d9'];
const PAST_PERIOD = 'dash-past';

describe.runIf(hasChromium)('the supervisors’ dashboard', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let periodId: string;
  let first: TallyReport;

  async function report(): Promise<TallyReport> {
    const res = await fetch(stack.url + apiPath(listTallies, { periodId }), { headers: { Authorization: `Bearer ${supervisorToken}` } });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  }

  /** The same figures, `by` points lower where a score or rate: what an earlier day or period saw. */
  const earlier = (tallies: Tally[], by: number): Tally[] =>
    tallies.map((t) => ({
      ...t,
      compositeScore: t.compositeScore === null ? null : Math.max(0, t.compositeScore - by),
      groupScores: Object.fromEntries(Object.entries(t.groupScores).map(([g, s]) => [g, { ...s, score: Math.max(0, s.score - by) }])),
    }));

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, tallyEveryMs: 1000, quiet: true }));
    const adminToken = await stack.token('admin');
    supervisorToken = await stack.token('supervisor');
    periodId = stack.seed!.periodId;

    // The scheduled tally's first run of the demo period.
    const deadline = Date.now() + 30_000;
    do {
      first = await report();
      if (!first.run) await new Promise((resolve) => setTimeout(resolve, 250));
    } while (!first.run && Date.now() < deadline);
    expect(first.run, 'the scheduled tally did not run within 30 s').not.toBeNull();

    // Yesterday's snapshot of the demo period, as the tally store keeps a run's; and a past period whose
    // last snapshot is lower still.
    const tallies = first.rows.flatMap((r) => (r.tally ? [r.tally] : []));
    const db = createDocumentClient(stack.dynamoEndpoint);
    const store = tallyStore(db, stack.tables.tallies);
    await store.saveSnapshots({ ...first.run!, computedAt: new Date(Date.parse(first.run!.computedAt) - DAY_MS).toISOString() }, earlier(tallies, 5));
    const pastOpens = Date.now() - 400 * DAY_MS;
    await api(stack, adminToken, createPeriod, {
      body: {
        periodId: PAST_PERIOD,
        name: { 'zh-CN': '上一评议期', en: 'Previous period' },
        opensAt: new Date(pastOpens).toISOString(),
        closesAt: new Date(pastOpens + 300 * DAY_MS).toISOString(),
        minSample: 1,
        groupWeights: { citizen: 1 },
      },
    });
    await store.saveSnapshots(
      { ...first.run!, periodId: PAST_PERIOD, computedAt: new Date(pastOpens + 300 * DAY_MS - 60_000).toISOString() },
      earlier(tallies, 10).map((t) => ({ ...t, periodId: PAST_PERIOD })),
    );
    db.destroy();
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** The fills and strokes of the SVG the ECharts instance in `#id` drew. */
  const marks = (page: Page, id: string) =>
    page.locator(`#${id} svg path`).evaluateAll((paths) =>
      paths.map((p) => ({ fill: p.getAttribute('fill'), stroke: p.getAttribute('stroke'), d: p.getAttribute('d') ?? '' })),
    );
  const count = (xs: { fill: string | null; stroke: string | null }[], pick: (x: { fill: string | null; stroke: string | null }) => boolean) => xs.filter(pick).length;

  it('shows the ranking as a table and as bars with interval marks, filters them, draws the trends and downloads the XLSX', async () => {
    // Arrange: the figures the page should show, once the tally has run again after the snapshots.
    const page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/dashboard.html#token=${encodeURIComponent(supervisorToken)}`);
    await page.locator('#ranking-table tbody tr').first().waitFor({ timeout: 15_000 });
    const shown = await report();
    const ranked = shown.rows.filter((r) => r.rank !== null);
    const unrankedRated = shown.rows.filter((r) => r.rank === null && r.tally?.satisfactionRate != null);
    const withInterval = shown.rows.filter((r) => r.tally?.satisfactionInterval);
    expect(ranked.length).toBeGreaterThan(1);
    expect(unrankedRated.length).toBeGreaterThan(0);

    // The ranking: every unit in the report's order, each rank beside its unit.
    expect(await page.locator('#ranking-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit-id')))).toEqual(
      shown.rows.map((r) => r.unit.unitId),
    );
    expect(await page.locator('#ranking-table tbody [data-col="rank"]').allTextContents()).toEqual(
      shown.rows.map((r) => (r.rank === null ? expect.any(String) : String(r.rank))),
    );
    expect(await page.locator('#ranking-table tbody [data-col="n"]').allTextContents()).toEqual(shown.rows.map((r) => (r.tally ? String(r.tally.n) : '—')));

    // The chart: a blue bar per ranked unit, a grey one per unranked unit with a rate, three strokes (the
    // line and its two caps) per interval; named for assistive technology.
    await expect.poll(async () => count(await marks(page, 'ranking-chart'), (m) => m.fill === RANKED_FILL)).toBe(ranked.length);
    const chart = await marks(page, 'ranking-chart');
    expect(count(chart, (m) => m.fill === UNRANKED_FILL)).toBe(unrankedRated.length);
    expect(count(chart, (m) => m.stroke === INTERVAL_STROKE)).toBe(3 * withInterval.length);
    expect(await page.locator('#ranking-chart').getAttribute('role')).toBe('img');
    expect(await page.locator('#ranking-chart').getAttribute('aria-label')).toContain(`${shown.rows.filter((r) => r.tally).length} 个单位的满意率`);
    await expectAxeClean(page, 'dashboard');
    await expectFitsWidth(page);
    await screenshot(page, 'dashboard');

    // A filter: only bureaus, in the table and in the chart.
    const bureaus = shown.rows.filter((r) => r.unit.kind === 'bureau');
    expect(bureaus.length).toBeGreaterThan(0);
    expect(bureaus.length).toBeLessThan(shown.rows.length);
    await page.locator('#filter-kind').selectOption('bureau');
    await expect
      .poll(() => page.locator('#ranking-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit-id'))))
      .toEqual(bureaus.map((r) => r.unit.unitId));
    await expect
      .poll(async () => count(await marks(page, 'ranking-chart'), (m) => m.fill === RANKED_FILL))
      .toBe(bureaus.filter((r) => r.rank !== null).length);
    // A respondent group: its score and N join the table, and the bars show it without interval marks.
    await page.locator('#filter-group').selectOption('enterprise');
    const groupScores = await page.locator('#ranking-table tbody [data-col="groupScore"]').allTextContents();
    expect(groupScores).toEqual(bureaus.map((r) => (r.tally?.groupScores.enterprise ? r.tally.groupScores.enterprise.score.toFixed(1) : '—')));
    await expect.poll(async () => count(await marks(page, 'ranking-chart'), (m) => m.stroke === INTERVAL_STROKE)).toBe(0);
    await page.locator('#filter-group').selectOption('');
    await page.locator('#filter-kind').selectOption('');

    // The trend within the period: yesterday's snapshot and today's, for the top five ranked units.
    const top = ranked.slice(0, 5);
    const daily = page.locator('#daily-table');
    // (the days of the tally's first run and of the day before it, as the store buckets them)
    const today = snapshotDay(first.run!.computedAt);
    const yesterday = snapshotDay(new Date(Date.parse(first.run!.computedAt) - DAY_MS).toISOString());
    await expect
      .poll(() => daily.locator('thead th[scope="col"]').allTextContents(), { timeout: 15_000 })
      .toEqual(['日期', ...top.map((r) => r.unit.name['zh-CN'])]);
    expect(await daily.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual([yesterday, today]);
    const topUnit = top[0]!;
    const todayCell = await daily.locator(`tbody tr[data-key="${today}"] td[data-unit-id="${topUnit.unit.unitId}"]`).textContent();
    const yesterdayCell = await daily.locator(`tbody tr[data-key="${yesterday}"] td[data-unit-id="${topUnit.unit.unitId}"]`).textContent();
    expect(Number(todayCell) - Number(yesterdayCell)).toBeCloseTo(5, 0);
    // One line per unit in the chart, in its own colour, through both days (M x y L x y), with a point mark
    // on each day (the legend's marks have other paths).
    const drawn = await marks(page, 'daily-chart');
    for (const colour of LINE_COLORS.slice(0, top.length)) {
      expect(drawn.filter((m) => m.fill === 'none' && m.stroke === colour).map((m) => m.d)).toEqual([expect.stringMatching(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+$/)]);
      expect(drawn.filter((m) => m.fill === '#fff' && m.stroke === colour && m.d.startsWith('M1 0A'))).toHaveLength(2);
    }

    // The trend across periods: the past period, then this one.
    expect(await page.locator('#periods-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual([PAST_PERIOD, periodId]);
    await page.locator('#periods-table').locator('xpath=ancestor::details').locator('summary').click();
    await expectAxeClean(page, 'dashboard with the period table open');

    // One unit's trend.
    await page.locator('#trend-unit').selectOption(topUnit.unit.unitId);
    await expect.poll(() => daily.locator('thead th[scope="col"]').allTextContents()).toEqual(['日期', topUnit.unit.name['zh-CN']]);

    // The XLSX, read back from its XML (not by exceljs, which wrote it): the ranking of the JSON report.
    const [book] = await Promise.all([page.waitForEvent('download'), page.locator('#download-xlsx').click()]);
    expect(book.suggestedFilename()).toBe(`满意度统计-${periodId}.xlsx`);
    const sheets = await readXlsxParts(readFileSync((await book.path())!));
    const now = await report();
    expect(recordsOf(sheets.get('单位排名')!).map((u) => [u.单位编号, u.排名, u.综合得分, u.满意率, u['有效样本数(N)']])).toEqual(
      now.rows.map((r) => [r.unit.unitId, r.rank, r.tally?.compositeScore ?? null, r.tally?.satisfactionRate ?? null, r.tally?.n ?? null]),
    );
    await expect.poll(() => page.locator('#download-status').textContent()).toContain(book.suggestedFilename());
    await expectAxeClean(page, 'dashboard after the download');
  });

  it('exports the raw anonymised responses; only an admin is offered the text answers', async () => {
    // prepare
    const adminToken = await stack.token('admin');
    const page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/dashboard.html#token=${encodeURIComponent(supervisorToken)}`);
    await page.locator('#export-raw').waitFor({ timeout: 15_000 });

    // act: a supervisor exports without text
    expect(await page.locator('#raw-include-text').count()).toBe(0);
    const [plain] = await Promise.all([page.waitForEvent('download'), page.locator('#export-raw').click()]);
    const plainText = readFileSync((await plain.path())!, 'utf8');

    // assert
    expect(plain.suggestedFilename()).toMatch(new RegExp(`^原始答卷-${periodId}-\\d{12}\\.csv$`));
    expect(plainText.charCodeAt(0)).toBe(0xfeff);
    const plainLines = plainText.slice(1).split('\r\n');
    expect(plainLines[0]).toContain(periodId);
    expect(plainLines[1]).toMatch(/^数据截至（北京时间）,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(plainLines[2]).toBe('含文字答案,否');
    expect(plainLines[4]).toMatch(/^答卷编号（匿名）,评议表,版本,提交时间（北京时间）,评议主体,参评方式,被评单位/);
    const ballots = stack.seed!.responses;
    expect(plainLines.filter((l) => /^[A-Za-z0-9_-]{16},/.test(l)).length).toBeGreaterThanOrEqual(ballots);
    await expect.poll(() => page.locator('#export-status').textContent()).toContain('已导出');
    await expectAxeClean(page, 'dashboard after the raw export');

    // act: an admin asks for the text answers too
    const adminPage = await browser.newPage(PHONE);
    await adminPage.goto(`${stack.url}/dashboard.html#token=${encodeURIComponent(adminToken)}`);
    await adminPage.locator('#raw-include-text').check({ timeout: 15_000 });
    const [withText] = await Promise.all([adminPage.waitForEvent('download'), adminPage.locator('#export-raw').click()]);

    // assert
    expect(readFileSync((await withText.path())!, 'utf8').slice(1).split('\r\n')[2]).toBe('含文字答案,是');
    await expectAxeClean(adminPage, 'dashboard with the text-answers box');
  });

  it('draws the same charts on a desktop screen, in English', async () => {
    const page = await browser.newPage(DESKTOP);
    await page.goto(`${stack.url}/dashboard.html#token=${encodeURIComponent(supervisorToken)}`);
    await page.locator('#ranking-table tbody tr').first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    expect(await page.locator('#ranking-chart').getAttribute('aria-label')).toContain('satisfaction rate');
    await page.locator('#daily-chart svg').waitFor();
    await expectAxeClean(page, 'dashboard in English on a desktop');
    await screenshot(page, 'dashboard-desktop');
    await page.getByRole('button', { name: '中文' }).click();
  });
});
