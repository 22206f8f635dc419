import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZFormVersion } from '../../functions/domain/evaluation/form';
import { ZFormDetail, type FormDetail } from '../../functions/domain/evaluation/form-admin';
import { ZPublishedForm } from '../../functions/domain/evaluation/published-form';
import { getAdminForm, getForm, getFormVersion, saveFormDraft } from '../../functions/routes/evaluation';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The admin's form pages in a real browser against the local stack: create an all-units form, edit its
 * questions and weights (a rule broken is shown at its field), preview it in a new tab, publish version 1
 * and version 2 while version 1 stays readable, publish nothing new, lose a race against another save,
 * print the QR sheet of the demo's service windows, and close the form. Every state visited is
 * axe-clean, with no page error or CSP violation.
 */

requireChromium();

const FORM_ID = 'e2e-appraisal';
const TITLE = { 'zh-CN': '端到端测试年度评议', en: 'End-to-end annual appraisal' };

/** Polls until the assertion holds (the pages answer after an API call). */
const eventually = <T,>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 10_000 });

/** An element's text, trimmed. */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();

describe.runIf(hasChromium)('admin form pages', () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  let adminToken: string;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    adminToken = await stack.token('admin');
    page = await browser.newPage(DESKTOP);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** The form as the admin API has it. */
  async function adminForm(): Promise<FormDetail> {
    const res = await fetch(stack.url + apiPath(getAdminForm, { formId: FORM_ID }), { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    return ZFormDetail.parse(await res.json());
  }

  /** The fieldset of the question with this id, and the key its controls' ids carry (`q7-…`). */
  async function question(questionId: string) {
    const fieldset = page.locator(`fieldset.question[data-question-id="${questionId}"]`);
    const key = await fieldset.getAttribute('id');
    if (!key) throw new Error(`no question ${questionId} on the page`);
    return { fieldset, at: (suffix: string) => page.locator(`#${key}-${suffix}`) };
  }

  /** Accepts the next confirm() the page shows. */
  const acceptNextDialog = () => page.once('dialog', (dialog) => void dialog.accept());

  it('lists the forms and creates an all-units form with the four standard dimensions', async () => {
    // Prepare
    await page.goto(`${stack.url}/admin-forms.html#token=${adminToken}`);
    await page.locator('#new-form').waitFor();
    await eventually(() => page.locator(`tr[data-form-id="${stack.seed!.forms.windows}"]`).count()).toBe(1);
    await expectAxeClean(page, 'forms list');
    await screenshot(page, 'admin-forms-list');

    // Act: without a title, then with an id that is taken.
    await page.fill('#formId', stack.seed!.forms.windows);
    await page.click('#new-form button[type="submit"]');

    // Assert: each error at its field, focus on the first.
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('title-zh-CN');
    expect(await page.getAttribute('#title-en', 'aria-invalid')).toBe('true');
    expect(await textOf(page.locator('#title-zh-CN-error'))).not.toBe('');
    await expectAxeClean(page, 'new form without a title');
    await page.fill('#title-zh-CN', TITLE['zh-CN']);
    await page.fill('#title-en', TITLE.en);
    await page.click('#new-form button[type="submit"]');
    await eventually(() => textOf(page.locator('#formId-error'))).toBe('这个编号已被其他评议表使用。');
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('formId');

    // Act
    await page.fill('#formId', FORM_ID);
    await page.selectOption('#periodId', stack.seed!.periodId);
    await page.check('input[name="layout"][value="allUnits"]');
    await page.fill('#title-zh-CN', TITLE['zh-CN']);
    await page.fill('#title-en', TITLE.en);
    await page.click('#new-form button[type="submit"]');

    // Assert
    await page.waitForURL(`**/admin-form.html?form=${FORM_ID}`);
    await page.locator('#editor').waitFor();
    await eventually(() => textOf(page.locator('h1'))).toBe(TITLE['zh-CN']);
    const dims = await question('evaluation');
    await eventually(() => dims.fieldset.locator('input[id$="-weight"]').count()).toBe(4);
    expect(await dims.at('dim0-label-zh-CN').inputValue()).toBe('服务态度');
    expect(await dims.at('dim3-label-zh-CN').inputValue()).toBe('政策落实');
    expect(await dims.at('dim0-weight').inputValue()).toBe('0.3');
    expect(await dims.at('dim3-weight').inputValue()).toBe('0.2');
    await eventually(() => dims.at('dontknow').isChecked()).toBe(true);
    const created = await adminForm();
    expect(created.form.status).toBe('draft');
    expect(created.form.draft.unitIds.length).toBeGreaterThanOrEqual(10);
    await expectAxeClean(page, 'editor of a new form');
  });

  it('adds a conditional question, shows a weight sum other than 1 at the weights, then saves the fix', async () => {
    // Prepare: a single-choice question shown only to enterprises.
    await page.selectOption('#add-type', 'singleChoice');
    await page.click('#add-question');
    const added = page.locator('fieldset.question').last();
    const key = await added.getAttribute('id');
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe(`${key}-text-zh-CN`);
    await page.fill(`#${key}-id`, 'contact');
    await page.fill(`#${key}-text-zh-CN`, '您是否通过 12345 反映过问题？');
    await page.fill(`#${key}-text-en`, 'Did you report a problem through 12345?');
    await page.fill(`#${key}-opt0-id`, 'yes');
    await page.fill(`#${key}-opt0-label-zh-CN`, '是');
    await page.fill(`#${key}-opt0-label-en`, 'Yes');
    await page.fill(`#${key}-opt1-id`, 'no');
    await page.fill(`#${key}-opt1-label-zh-CN`, '否');
    await page.fill(`#${key}-opt1-label-en`, 'No');
    await page.selectOption(`#${key}-showif`, 'group');
    await page.check(`#${key}-showif-enterprise`);

    // Act: weights 0.4 + 0.3 + 0.2 + 0.2.
    const dims = await question('evaluation');
    await dims.at('dim0-weight').fill('0.4');
    await eventually(() => textOf(dims.at('weights-sum'))).toContain('1.1');
    await page.click('#save');

    // Assert: the rule's message at the weights, focus on the first weight.
    await dims.at('weights-error').waitFor({ state: 'visible' });
    await eventually(() => textOf(dims.at('weights-error'))).toContain('1.1');
    await eventually(() => dims.at('dim0-weight').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#editor-notice').waitFor({ state: 'visible' });
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe(`${await dims.fieldset.getAttribute('id')}-dim0-weight`);
    expect((await adminForm()).form.rev).toBe(1);
    await expectAxeClean(page, 'editor with a weight error');
    await screenshot(page, 'admin-form-weight-error');

    // Act: fix it (0.4 + 0.2 + 0.2 + 0.2) and save.
    await dims.at('dim1-weight').fill('0.2');
    await eventually(() => textOf(dims.at('weights-sum'))).toBe('权重合计：1');
    await page.click('#save');

    // Assert
    await eventually(() => textOf(page.locator('#editor-notice'))).toBe('草稿已保存。');
    await dims.at('weights-error').waitFor({ state: 'hidden' });
    const saved = await adminForm();
    expect(saved.form.rev).toBe(2);
    const contact = saved.form.draft.questions.find((q) => q.id === 'contact');
    expect(contact).toMatchObject({ type: 'singleChoice', showIf: { questionId: 'group', anyOf: ['enterprise'] } });
    await expectAxeClean(page, 'editor after saving');
  });

  it('opens the preview of the draft in a new tab that is still signed in', async () => {
    // Act
    const [preview] = await Promise.all([page.context().waitForEvent('page'), page.click('#preview-link')]);
    await preview.waitForLoadState();

    // Assert: rate.html renders the draft through previewForm, which needs this tab's sign-in.
    expect(new URL(preview.url()).search).toBe(`?form=${FORM_ID}&preview=1`);
    expect(await preview.evaluate(() => sessionStorage.getItem('pingyi.token'))).toBe(adminToken);
    await preview.close();
  });

  it('publishes version 1, as the API then serves it', async () => {
    // Act
    await eventually(() => textOf(page.locator('#publish-note'))).toContain('第 1 版');
    acceptNextDialog();
    await page.click('#publish');

    // Assert
    await eventually(() => textOf(page.locator('#editor-notice'))).toBe('第 1 版已发布。');
    await eventually(() => textOf(page.locator('#form-status'))).toBe('已发布');
    await eventually(() => page.locator('#history tr[data-version]').count()).toBe(1);
    await eventually(() => textOf(page.locator('#publish-note'))).toContain('已发布的第 1 版保持不变；再次发布会生成第 2 版');
    const res = await fetch(stack.url + apiPath(getForm, { formId: FORM_ID }));
    expect(res.status).toBe(200);
    const published = ZPublishedForm.parse(await res.json());
    expect(published.version).toBe(1);
    expect(published.content.title).toEqual(TITLE);
    const scored = published.content.questions.find((q) => q.id === 'evaluation');
    expect(scored?.type === 'dimensions' && scored.dimensions.map((d) => d.weight)).toEqual([0.4, 0.2, 0.2, 0.2]);
    expect(published.content.questions.find((q) => q.id === 'contact')?.showIf).toEqual({ questionId: 'group', anyOf: ['enterprise'] });
    await expectAxeClean(page, 'editor after publishing version 1');
  });

  it('publishes an edit as version 2 while version 1 stays as it was and readable', async () => {
    // Act: edit the title and publish straight away (the page saves first).
    await page.fill('#title-en', `${TITLE.en}, revised`);
    await page.locator('#preview-saved-only').waitFor({ state: 'visible' });
    acceptNextDialog();
    await page.click('#publish');

    // Assert
    await eventually(() => textOf(page.locator('#editor-notice'))).toBe('第 2 版已发布。');
    await eventually(() => page.locator('#history tr[data-version]').count()).toBe(2);
    await eventually(() => textOf(page.locator('#history tr[data-version="1"] td').first())).toMatch(/\d/);
    const detail = await adminForm();
    expect(detail.form.latestVersion).toBe(2);
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    const v1 = await fetch(stack.url + apiPath(getFormVersion, { formId: FORM_ID, version: 1 }), { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(ZFormVersion.parse(await v1.json()).content.title).toEqual(TITLE);

    // Act: read version 1 on the page.
    await page.click('#view-version-1');

    // Assert
    await eventually(() => page.locator('.version-view').getAttribute('data-version')).toBe('1');
    await eventually(() => textOf(page.locator('.version-view .version-title'))).toBe(TITLE['zh-CN']);
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('version-view-heading');
    await page.locator('.lang-switch button[lang="en"]').click();
    await eventually(() => textOf(page.locator('.version-view .version-title'))).toBe(TITLE.en);
    await eventually(() => textOf(page.locator('#questions-heading'))).toBe('Questions');
    await expectAxeClean(page, 'editor showing version 1, in English');
    await screenshot(page, 'admin-form-version-1');
    await page.locator('.lang-switch button[lang="zh-CN"]').click();
  });

  it('says plainly that there is nothing to publish when the draft equals the latest version', async () => {
    // Act
    acceptNextDialog();
    await page.click('#publish');

    // Assert
    await eventually(() => textOf(page.locator('#editor-notice'))).toContain('没有可发布的修改');
    expect((await adminForm()).form.latestVersion).toBe(2);
    await expectAxeClean(page, 'editor with nothing to publish');
  });

  it('refuses a save over a newer draft, says so and shows the newer draft', async () => {
    // Prepare: someone else saves the draft through the API meanwhile.
    const current = await adminForm();
    const theirTitle = { ...current.form.draft.title, 'zh-CN': '他人修改后的标题' };
    const res = await fetch(stack.url + apiPath(saveFormDraft, { formId: FORM_ID }), {
      method: 'PUT',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: { ...current.form.draft, title: theirTitle }, rev: current.form.rev }),
    });
    expect(res.status).toBe(200);

    // Act
    await page.fill('#intro-zh-CN', '我的说明');
    await page.fill('#intro-en', 'My introduction');
    await page.click('#save');

    // Assert
    await eventually(() => textOf(page.locator('#editor-notice'))).toContain('其他人刚刚修改并保存了这张评议表');
    await eventually(() => page.locator('#title-zh-CN').inputValue()).toBe('他人修改后的标题');
    await eventually(() => page.locator('#intro-zh-CN').inputValue()).toBe('');
    const after = await adminForm();
    expect(after.form.draft.title['zh-CN']).toBe('他人修改后的标题');
    expect(after.form.draft.intro).toBeUndefined();
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('editor-notice');
    await expectAxeClean(page, 'editor after a stale save');
  });

  it('lists the form with its latest version and its unpublished changes', async () => {
    // Act
    await page.goto(`${stack.url}/admin-forms.html`);
    const row = page.locator(`tr[data-form-id="${FORM_ID}"]`);
    await row.waitFor();

    // Assert
    await eventually(() => textOf(row)).toContain('第 2 版');
    await row.locator('.unpublished-marker').waitFor({ state: 'visible' });
    await eventually(() => row.locator(`a[href="form-links.html?form=${FORM_ID}"]`).count()).toBe(1);
    await expectAxeClean(page, 'forms list with the new form');
  });

  it('prints the links and QR codes of the service windows, one card per window', async () => {
    // Prepare
    const formId = stack.seed!.forms.windows;
    const windows = ['window-general', 'window-business', 'window-social-security'];

    // Act
    await page.goto(`${stack.url}/form-links.html?form=${formId}`);
    await page.locator('.qr-card').first().waitFor();

    // Assert
    const cards = page.locator('.qr-card');
    await eventually(() => cards.count()).toBe(3);
    for (const [i, unitId] of windows.entries()) {
      const card = cards.nth(i);
      await eventually(() => card.getAttribute('data-unit-id')).toBe(unitId);
      await eventually(() => textOf(card.locator('.qr-url'))).toBe(`${stack.url}/rate.html?form=${formId}&unit=${unitId}`);
      const src = await card.locator('img.qr-image').getAttribute('src');
      expect(src).toMatch(/^data:image\/svg\+xml;utf8,/);
      expect(decodeURIComponent(src!.slice('data:image/svg+xml;utf8,'.length))).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(await card.locator('img.qr-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    }
    await expectAxeClean(page, 'QR sheet');
    await screenshot(page, 'form-links');

    // Assert: printed, the navigation and the buttons are gone and the cards stay.
    await page.emulateMedia({ media: 'print' });
    await page.locator('#app-header').waitFor({ state: 'hidden' });
    await page.locator('#print').waitFor({ state: 'hidden' });
    await cards.first().waitFor({ state: 'visible' });
    await page.emulateMedia({ media: 'screen' });
  });

  it('keeps the editor usable on a phone', async () => {
    // Prepare
    const phone = await browser.newPage(PHONE);

    // Act
    await phone.goto(`${stack.url}/admin-form.html?form=${FORM_ID}#token=${adminToken}`);
    await phone.locator('#editor').waitFor();

    // Assert
    await expectFitsWidth(phone);
    await expectAxeClean(phone, 'editor on a phone');
    await phone.close();
  });

  it('closes the form after a confirmation, and then offers no more edits', async () => {
    // Prepare
    await page.goto(`${stack.url}/admin-form.html?form=${FORM_ID}`);
    await page.locator('#editor').waitFor();

    // Act: a refused confirmation changes nothing; an accepted one closes the form.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.click('#close-form');
    expect((await adminForm()).form.status).toBe('published');
    acceptNextDialog();
    await page.click('#close-form');

    // Assert
    await eventually(() => textOf(page.locator('#form-status'))).toBe('已关闭');
    await eventually(() => textOf(page.locator('#editor-notice'))).toBe('评议表已关闭。');
    expect(await page.locator('#save').isDisabled()).toBe(true);
    expect(await page.locator('#title-zh-CN').isDisabled()).toBe(true);
    expect((await adminForm()).form.status).toBe('closed');
    await expectAxeClean(page, 'editor of a closed form');
  });
});
