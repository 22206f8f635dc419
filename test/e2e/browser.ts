import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startLocal, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';

/**
 * What every browser test shares: Debian's Chromium driven by playwright-core on a phone-sized screen,
 * a check that each page is axe-clean (WCAG 2.1 A and AA rules) and threw no error nor broke the
 * Content-Security-Policy, and the loud notice when Chromium is missing.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
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
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
export const SCREENSHOTS = path.resolve('test-results/e2e');

/** When Chromium is missing: a skipped test outside CI, a failing one in CI, and a notice nobody can miss. */
export function requireChromium(): void {
  if (hasChromium) return;
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

export interface Browser {
  context: BrowserContext;
  /** A new tab on the phone screen (or `viewport`), in zh-CN unless the page switches, watched for errors. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Uncaught page errors and CSP violations seen so far; each test's afterEach expects none. */
  problems(): string[];
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile, downloads allowed, in China Standard Time and zh-CN. */
export async function startBrowser(): Promise<Browser> {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'pingyi-e2e-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
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
  const seen: string[] = [];
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (err) => seen.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) seen.push(`CSP: ${msg.text()}`);
      });
      return page;
    },
    problems: () => seen.splice(0),
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a file's stack and its Chromium side by side: neither needs the other to start, and a browser file
 * would otherwise wait for each in turn. If one fails to start, the other is stopped again before the error
 * is thrown, so no java process nor Chromium outlives the file.
 */
export async function startStackAndBrowser(options: LocalStackOptions): Promise<{ stack: LocalStack; browser: Browser }> {
  const [stack, browser] = await Promise.allSettled([startLocal(options), startBrowser()]);
  if (stack.status === 'fulfilled' && browser.status === 'fulfilled') return { stack: stack.value, browser: browser.value };
  if (stack.status === 'fulfilled') await stack.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw stack.status === 'rejected' ? stack.reason : (browser as PromiseRejectedResult).reason;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (WCAG 2.1 A/AA and best-practice rules) and fails with every violation named.
 * Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays as it is.
 */
export async function expectAxeClean(page: Page, what: string): Promise<void> {
  // Once per document: a page checked in several states keeps axe-core from its first check.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  expect(violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * The page fits the phone's width: nothing makes the citizen scroll sideways. Compared with the screen's
 * width, not window.innerWidth, which a mobile browser widens to fit content that overflows.
 */
export async function expectFitsWidth(page: Page): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(page.viewportSize()!.width);
}

/** A screenshot under test-results/e2e for a person to look at. */
export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
