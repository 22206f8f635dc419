import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actOnCase, fileCase, listCases } from '../../functions/routes/cases';
import type { LocalStack } from '../../infra/local/stack';
import { api, staffToken } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * Public disclosure (公示) in a real browser against `npm start`'s stack: a closed complaint whose reply names
 * the citizen and their mobile number is proposed on the supervisors' page, which shows the reply masked and
 * what was masked; the supervisor approves it; the public page, opened on a phone without signing in, shows
 * the reply masked — the number nowhere on the page — and is axe-clean at 390 px and on a desktop.
 */

requireChromium();

const UNIT = 'tax-bureau';
const UNIT_NAME = '区税务局';
const PHONE_NUMBER = '13912345678';
const REPLY = `已电话联系市民张伟（${PHONE_NUMBER}），办税服务厅自本周起周六上午开放两个窗口。`;
const MASKED_REPLY = '已电话联系市民张某（***********），办税服务厅自本周起周六上午开放两个窗口。';
const TITLE = '2026 年第 48 周办结件公示';

const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.runIf(hasChromium)('a closed case reply from approval to the public page, masked', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let caseId: string;
  let supervisor: Page;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    const handlerToken = await staffToken('unitHandler', [UNIT]);
    supervisorToken = await stack.token('supervisor');

    // A complaint walked to CLOSED through the API (the case pages have their own browser test).
    const receipt = await api(stack, undefined, fileCase, { body: { kind: 'complaint', unitId: UNIT, description: '办税服务厅周六不开窗口，上班族办不了业务。' } });
    const { cases } = await api(stack, supervisorToken, listCases, { query: { state: 'RECEIVED' } });
    caseId = cases.find((c) => c.trackingNumber === receipt.trackingNumber)!.caseId;
    await api(stack, supervisorToken, actOnCase, { params: { caseId }, body: { action: 'assign', unitId: UNIT } });
    await api(stack, handlerToken, actOnCase, { params: { caseId }, body: { action: 'accept' } });
    await api(stack, handlerToken, actOnCase, { params: { caseId }, body: { action: 'reply', text: REPLY } });
    await api(stack, supervisorToken, actOnCase, { params: { caseId }, body: { action: 'close' } });
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  it('shows the supervisor the reply masked, with what was masked, and publishes it on approval', async () => {
    // prepare
    supervisor = await browser.newPage(DESKTOP);
    await supervisor.goto(`${stack.url}/disclosures.html?case=${caseId}#token=${encodeURIComponent(supervisorToken)}`);
    await supervisor.locator('#propose-form').waitFor();
    await expectAxeClean(supervisor, 'disclosure proposal form');

    // act: propose the case (pre-filled from the link)
    expect(await supervisor.inputValue('#case-ids')).toBe(caseId);
    await supervisor.fill('#disclosure-title', TITLE);
    await supervisor.click('#propose-submit');

    // assert: the draft shows the reply masked and names what was masked; nothing is public yet
    const reply = supervisor.locator('#text-i1-reply');
    await reply.waitFor();
    expect(await reply.inputValue()).toBe(MASKED_REPLY);
    expect(await supervisor.locator('#text-i1-reply-found').textContent()).toMatch(/手机号 1/);
    expect(await supervisor.locator('#disclosure-state').textContent()).toBe('待审核');
    expect(await supervisor.content()).not.toContain(PHONE_NUMBER);
    await expectAxeClean(supervisor, 'disclosure draft');
    await screenshot(supervisor, 'disclosure-draft');

    // act: approve
    await supervisor.click('#approve');

    // assert
    await eventually(() => supervisor.locator('#disclosure-state').textContent()).toBe('已公示');
    expect(await supervisor.locator('#disclosure-notice').textContent()).toContain('已发布');
    await expectAxeClean(supervisor, 'disclosure published');
  });

  it('shows the public, without signing in, the reply masked on a phone and on a desktop', async () => {
    // act
    const citizen = await browser.newPage(PHONE);
    await citizen.goto(`${stack.url}/disclosure.html`);

    // assert
    const item = citizen.locator(`.disclosure-item[data-case="${caseId}"]`);
    await item.waitFor();
    expect(await item.locator('.disclosure-reply').textContent()).toBe(MASKED_REPLY);
    expect(await item.textContent()).toContain(UNIT_NAME);
    expect(await citizen.locator('#disclosures h2').first().textContent()).toBe(TITLE);
    expect(await citizen.content()).not.toContain(PHONE_NUMBER);
    expect(await citizen.content()).not.toContain('张伟');
    await expectAxeClean(citizen, 'public disclosure (phone)');
    await expectFitsWidth(citizen);
    await screenshot(citizen, 'disclosure-public-phone');

    await citizen.setViewportSize(DESKTOP);
    await expectAxeClean(citizen, 'public disclosure (desktop)');
    await screenshot(citizen, 'disclosure-public-desktop');
  });
});
