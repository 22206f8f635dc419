import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZCommitmentRoot, ZCommitmentShard, lookupKey, verifyInclusion, type CommitmentEntry } from '../../functions/domain/disclosure/commitment';
import { shardPath } from '../../functions/domain/disclosure/commitment-layout';
import { ZPublishedForm, type PublishedForm } from '../../functions/domain/evaluation/published-form';
import type { Receipt } from '../../functions/domain/evaluation/response';
import { approveDisclosure, proposeDisclosure } from '../../functions/routes/disclosure';
import { getForm, recountPeriod, submitResponse } from '../../functions/routes/evaluation';
import { responseKey } from '../../functions/store/evaluation/response-store';
import { localDynamoClient } from '../../infra/local/dynamodb';
import type { LocalStack } from '../../infra/local/stack';
import { apiPath } from '../../web/src/app/api';
import { api } from './api';
import { DESKTOP, PHONE, expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * "Was my rating counted?" in a real browser against `npm start`'s stack: a citizen rates a service window
 * 非常不满意 on a phone and keeps the receipt code; the tally runs and a supervisor publishes the period's scores
 * (propose, approve: the disclosure flow writes the ballot commitment with them); on counted.html the receipt
 * yields a proof the page verifies against the published root — "counted". Then the ballot is deleted straight
 * from DynamoDB Local and the scores published again: the old proof fails against the new root, the page finds
 * the ballot missing from the new publication and names the earlier one it was in, and the recount reports the
 * difference. Every state is axe-clean at 390 px and on a desktop.
 */

requireChromium();

/** Field ids as the rate page names them: `unit.overall` → `#f-unit__overall`. */
const field = (path: string) => `#f-${path.replace(/\./g, '__')}`;
const UNIT = 'window-general';

describe.runIf(hasChromium)('a citizen checks that their rating was counted', () => {
  let stack: LocalStack;
  let browser: Browser;
  let supervisorToken: string;
  let adminToken: string;
  let windows: PublishedForm;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    [supervisorToken, adminToken] = await Promise.all([stack.token('supervisor'), stack.token('admin')]);
    windows = ZPublishedForm.parse(await (await fetch(stack.url + apiPath(getForm, { formId: stack.seed!.forms.windows }))).json());
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  /** Counts what was stored, tallies, and publishes the period's scores through the disclosure flow: the publication id. */
  async function publishScores(title: string): Promise<string> {
    await stack.drainStreams();
    await stack.runJob('tally');
    const draft = await api(stack, supervisorToken, proposeDisclosure, { body: { title, items: [{ kind: 'scores', periodId: windows.period.periodId }] } });
    const approved = await api(stack, supervisorToken, approveDisclosure, { params: { disclosureId: draft.disclosureId }, body: { rev: draft.rev } });
    return approved.disclosure.publication!.publicationId;
  }

  /** A published commitment file, as the public fetches it. */
  const publicJson = async (path: string) => {
    const res = await fetch(`${stack.url}/public/${path}`);
    expect(res.status, path).toBe(200);
    return res.json();
  };
  async function entryOf(publicationId: string, receipt: Receipt): Promise<{ root: string; entry?: CommitmentEntry }> {
    const periodId = receipt.periodId;
    const root = ZCommitmentRoot.parse(await publicJson(`commitments/${periodId}/${publicationId}/root.json`));
    const key = lookupKey(periodId, receipt.receiptCode);
    const shard = ZCommitmentShard.parse(await publicJson(shardPath(periodId, publicationId, key, root.shardPrefixLength)));
    return { root: root.root, entry: shard.entries.find((e) => e.key === key) };
  }

  async function check(page: Page, publicationId: string, code: string): Promise<void> {
    await page.goto(`${stack.url}/counted.html?period=${windows.period.periodId}&publication=${publicationId}`);
    await page.locator('#counted-form').waitFor();
    await page.locator('#receipt-code').fill(code);
    await page.locator('#counted-submit').click();
    await page.locator('#counted-verdict').waitFor();
  }

  it('proves a rating counted, and a ballot deleted from the table missing from the next publication, with the recount reporting it', async () => {
    // A citizen rates a window 非常不满意 on a phone and keeps the receipt.
    const page = await browser.newPage(PHONE);
    await page.goto(`${stack.url}/rate.html?form=${windows.formId}&unit=${UNIT}`);
    await page.locator('#rate-form').waitFor();
    await page.locator(`${field('unit.overall')} input[value="veryDissatisfied"]`).check();
    await page.locator(`${field('unit.problems')} input[value="waiting"]`).check();
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === apiPath(submitResponse) && r.request().method() === 'POST');
    await page.locator('#submit').click();
    const receipt = (await (await answered).json()) as Receipt;
    const code = ((await page.locator('#receipt-code').textContent()) ?? '').trim();
    expect(code).toBe(receipt.receiptCode);

    // The scores are published with the commitment; the receipt's proof holds against the published root.
    const first = await publishScores('2026 年窗口服务评议结果（第一次公示）');
    const published = await entryOf(first, receipt);
    expect(published.entry?.status).toBe('counted');
    expect(await verifyInclusion(published.root, receipt, published.entry!)).toBe(true);

    // The citizen checks on counted.html (the code typed in lower case, without dashes): counted, verified here.
    await check(page, first, code.replace(/-/g, '').toLowerCase());
    expect(await page.locator('#counted-result').getAttribute('data-outcome')).toBe('counted');
    expect(await page.locator('#counted-verdict').textContent()).toContain('已计入统计');
    await page.locator('#counted-verified').waitFor();
    await page.locator('#counted-result summary').click();
    expect(await page.locator('#counted-root').textContent()).toBe(published.root);
    await expectAxeClean(page, 'counted, phone');
    await expectFitsWidth(page);
    await screenshot(page, 'counted-phone');

    // A mistyped code is named before anything is fetched.
    await page.locator('#receipt-code').fill('7Q2M-K4RD');
    await page.locator('#counted-submit').click();
    await expect.poll(() => page.locator('#receipt-code-error').textContent()).toContain('12 位');
    await expectAxeClean(page, 'invalid code, phone');

    // Someone deletes the ballot straight from the table; the scores are published again.
    const db = DynamoDBDocumentClient.from(localDynamoClient(stack.dynamoEndpoint));
    await db.send(new DeleteCommand({ TableName: stack.tables.responses, Key: responseKey(receipt.periodId, receipt.ballotRef) }));
    db.destroy();
    const second = await publishScores('2026 年窗口服务评议结果（第二次公示）');

    // The old proof fails against the new root, and the new publication has no entry for the receipt.
    const republished = await entryOf(second, receipt);
    expect(republished.root).not.toBe(published.root);
    expect(republished.entry).toBeUndefined();
    expect(await verifyInclusion(republished.root, receipt, published.entry!)).toBe(false);

    // The page says so, naming the earlier publication it was in.
    const desk = await browser.newPage(DESKTOP);
    await check(desk, second, code);
    expect(await desk.locator('#counted-result').getAttribute('data-outcome')).toBe('notFound');
    expect(await desk.locator('#counted-found-elsewhere').textContent()).toContain('第一次公示');
    await expectAxeClean(desk, 'not found, desktop');
    await screenshot(desk, 'counted-desktop-missing');

    // The recount reports the difference: the counters still held the deleted ballot.
    const record = await api(stack, adminToken, recountPeriod, { params: { periodId: receipt.periodId } });
    expect(record).toMatchObject({ status: 'repaired' });
    expect(record.unitsDiffering).toContain(UNIT);
    // Two publications, each counting the stream, tallying and reading every ballot of the period: on a loaded
    // two-core machine that is more than the default two minutes.
  }, 300_000);
});
