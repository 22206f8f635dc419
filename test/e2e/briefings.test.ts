import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getBriefing, listBriefings } from '../../functions/routes/briefings';
import type { LocalStack } from '../../infra/local/stack';
import { api } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The weekly briefing in a real browser against `npm start`'s stack: a supervisor drafts this week's
 * briefing ("draft now"), opens the draft — the printable 简报 with its figures —, writes the narrative,
 * publishes it (it takes the next number and the editor goes away), downloads the DOCX, whose text carries
 * the number and the narrative, and prints: the printed page holds the document alone. Every state visited
 * is axe-clean, with no page error or CSP violation.
 */

requireChromium();

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

const EXPERIENCE = '区税务局推行周六延时服务，群众排队时间明显缩短。';
const PROBLEMS = '个别单位对重复投诉答复不及时。';

describe.runIf(hasChromium)('a weekly briefing from the draft to the published DOCX', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let page: Page;
  let briefingId: string;
  let numberBefore: number;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    supervisorToken = await stack.token('supervisor');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  it("drafts this week's briefing and opens it as a 简报 with its figures", async () => {
    // prepare: the highest number published so far (the seed may have published issues)
    const { briefings } = await api(stack, supervisorToken, listBriefings, {});
    numberBefore = Math.max(0, ...briefings.filter((b) => b.kind === 'weekly').map((b) => b.number ?? 0));
    page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/briefings.html#token=${encodeURIComponent(supervisorToken)}`);
    await page.locator('#draft-now').waitFor();
    await expectAxeClean(page, 'briefings list');
    await expectFitsWidth(page);

    // act
    await page.click('#draft-now button[type="submit"]');
    await page.waitForURL(/briefings\.html\?id=weekly-/);
    await page.locator('#briefing-document').waitFor();

    // assert
    briefingId = new URL(page.url()).searchParams.get('id')!;
    const stored = await api(stack, supervisorToken, getBriefing, { params: { briefingId } });
    expect(stored.state).toBe('draft');
    expect(await page.locator('.briefing-title').textContent()).toBe('评议工作简报');
    expect(await page.locator('.briefing-number').textContent()).toBe('（草稿，发布时编号）');
    expect(await page.locator('#section-cases p').first().textContent()).toBe(
      `本期受理来件 ${stored.figures.cases.received} 件，办结 ${stored.figures.cases.closed} 件；截至统计时点逾期未办结 ${stored.figures.cases.overdue} 件。`,
    );
    expect(await page.locator('#section-cases tbody tr').count()).toBe(7);
    await expectAxeClean(page, 'draft briefing');
    await expectFitsWidth(page);
  });

  it('keeps the narrative the supervisor writes, and shows it in the document', async () => {
    // act
    await page.fill('#narrative-typicalExperience', EXPERIENCE);
    await page.fill('#narrative-problemsFound', PROBLEMS);
    await page.click('#narrative button[type="submit"]');

    // assert
    await eventually(() => page.locator('#section-typicalExperience p').textContent()).toBe(EXPERIENCE);
    expect(await page.locator('#section-problemsFound p').textContent()).toBe(PROBLEMS);
    expect(await page.locator('#section-nextSteps p').textContent()).toBe('（未填写）');
    await expectAxeClean(page, 'draft with narrative');
  });

  it('publishes only once confirmed, with the next number, and then offers no editing', async () => {
    // act: without the confirmation, then with it
    await page.click('#publish button[type="submit"]');
    await eventually(() => page.getAttribute('#publish-confirm', 'aria-invalid')).toBe('true');
    await expectAxeClean(page, 'publish refused');
    await page.check('#publish-confirm');
    await page.click('#publish button[type="submit"]');

    // assert
    const number = numberBefore + 1;
    await eventually(() => page.locator('.briefing-number').textContent()).toBe(`第${number}期`);
    expect(await page.locator('#narrative').count()).toBe(0);
    expect(await page.locator('#publish').count()).toBe(0);
    expect((await api(stack, supervisorToken, getBriefing, { params: { briefingId } })).number).toBe(number);
    await expectAxeClean(page, 'published briefing');
    await screenshot(page, 'briefing-published');
  });

  it('downloads the published issue as a Word document carrying its number and narrative', async () => {
    // act
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-docx')]);

    // assert
    expect(file.suggestedFilename()).toBe(`评议工作简报-第${numberBefore + 1}期.docx`);
    const xml = await (await JSZip.loadAsync(readFileSync((await file.path())!))).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
    expect(text).toContain('评议工作简报');
    expect(text).toContain(`第${numberBefore + 1}期`);
    expect(text).toContain(EXPERIENCE);
    expect(text).toContain(PROBLEMS);
  });

  it('prints the document alone, on a page that stays axe-clean on a desktop', async () => {
    // prepare
    const desk = await browser.newPage(DESKTOP);
    await desk.goto(`${stack.url}/briefings.html?id=${briefingId}#token=${encodeURIComponent(supervisorToken)}`);
    await desk.locator('#briefing-document').waitFor();
    await expectAxeClean(desk, 'printable briefing');

    // act
    await desk.emulateMedia({ media: 'print' });

    // assert
    expect(await desk.locator('#app-header').isVisible()).toBe(false);
    expect(await desk.locator('#briefing-tools').isVisible()).toBe(false);
    expect(await desk.locator('#briefing-document').isVisible()).toBe(true);
    expect(await desk.locator('.briefing-title').textContent()).toBe('评议工作简报');
  });
});
