import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditRecord, type AuditRecord } from '../../functions/domain/audit/chain';
import type { ChainReport } from '../../functions/domain/audit/verify';
import { createDocumentClient } from '../../functions/store/client';
import type { LocalStack } from '../../infra/local/stack';
import { adminAudit } from '../../web/src/messages/admin-audit';
import { staffCommon } from '../../web/src/messages/staff';
import { expectAxeClean, expectFitsWidth, hasChromium, requireChromium, screenshot, startStackAndBrowser, type Browser } from './browser';

/**
 * The admin's audit page on a 390 px phone, against the local stack with the demo seed once the stream
 * readers have chained it: the chain verified intact; an incomplete answer (API Gateway's time run out,
 * played by answering the first call short) continued to one range; a case event then altered directly in
 * DynamoDB Local, named as the first broken link with the item and the advice. Every state is axe-clean and
 * fits the phone; a supervisor gets the shell's 403.
 */

requireChromium();

const M = adminAudit['zh-CN'];
const C = staffCommon['zh-CN'];

describe.runIf(hasChromium)('admin audit page', () => {
  let stack: LocalStack;
  let browser: Browser;
  let db: DynamoDBDocumentClient;
  let adminToken: string;
  let page: Page;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndBrowser({ port: 0, inMemory: true, seed: true, quiet: true }));
    adminToken = await stack.token('admin');
    db = createDocumentClient(stack.dynamoEndpoint);
  });

  afterAll(async () => {
    db?.destroy();
    await Promise.all([browser?.close(), stack?.stop()]);
  });

  afterEach(async () => {
    await page?.close();
    expect(browser.problems()).toEqual([]);
  });

  /** Every record of the chain once the stream readers have handed over every change written so far, in seq order. */
  async function chained(): Promise<AuditRecord[]> {
    await stack.drainStreams();
    const records: AuditRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: stack.tables.audit,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':pk': 'CHAIN', ':r': 'R#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(page.Items ?? []).map(({ pk: _pk, sk: _sk, ...record }) => ZAuditRecord.parse(record)));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async function openAudit(token = adminToken): Promise<Page> {
    const opened = await browser.newPage();
    await opened.goto(`${stack.url}/admin-audit.html#token=${token}`);
    return opened;
  }

  /** Clicks "verify the chain" and waits for the answer in `status`. */
  async function verify(status: ChainReport['status']): Promise<void> {
    await page.click('#audit-verify');
    await page.locator(`#audit-result[data-status="${status}"]`).waitFor({ timeout: 60_000 });
  }

  const shown = async (attribute: 'from' | 'through' | 'records') => Number(await page.getAttribute('#audit-result', `data-${attribute}`));

  async function checkState(what: string): Promise<void> {
    await screenshot(page, `admin-audit-${what}`);
    await expectAxeClean(page, what);
    await expectFitsWidth(page);
  }

  it('refuses a supervisor with the 403 notice', async () => {
    page = await openAudit(await stack.token('supervisor'));
    await expect.poll(() => page.locator('main .notice-error').textContent()).toBe(C.err403);
    expect(await page.locator('#audit-verify').count()).toBe(0);
    await checkState('forbidden');
  });

  it('verifies the demo data’s chain intact, every record from 1, with the head and the time', async () => {
    // prepare: the seed's cases, ledger items, disclosures and snapshots chained
    const records = await chained();
    expect(records.length).toBeGreaterThan(0);
    page = await openAudit();
    await page.locator('#audit-verify').waitFor();
    await checkState('ready');

    // act
    await verify('intact');

    // assert: all of them (and whatever a scheduled tally chained meanwhile)
    const checked = await shown('records');
    expect(checked).toBeGreaterThanOrEqual(records.length);
    expect(await shown('from')).toBe(1);
    expect(await shown('through')).toBe(checked);
    expect(await page.locator('#audit-status').textContent()).toBe(M.intact({ records: checked, from: 1, through: checked }));
    const headSeq = Number(/\d+/.exec((await page.locator('#audit-head').textContent()) ?? '')?.[0]);
    expect(headSeq).toBeGreaterThanOrEqual(records.length);
    expect(await page.locator('#audit-head-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('#audit-verified-at').textContent()).not.toBe('');
    expect(await page.locator('#audit-go-on').count()).toBe(0);
    await checkState('intact');
  });

  it('continues an incomplete verification after its last record and shows one range from record 1', async () => {
    // prepare: the first answer stops halfway, as one whose time ran out would
    const records = await chained();
    const half = Math.floor(records.length / 2);
    page = await openAudit();
    await page.route(
      (url) => url.pathname.endsWith('/admin/audit/verify') && !url.searchParams.has('after'),
      async (route) => {
        const full = (await (await route.fetch()).json()) as ChainReport;
        await route.fulfill({ json: { ...full, status: 'incomplete', verifiedThrough: half, records: half, firstBreak: null } satisfies ChainReport });
      },
    );
    await page.locator('#audit-verify').waitFor();

    // act
    await verify('incomplete');
    expect(await page.locator('#audit-status').textContent()).toBe(M.incomplete({ records: half, from: 1, through: half }));
    await checkState('incomplete');
    await page.click('#audit-go-on');
    await page.locator('#audit-result[data-status="intact"]').waitFor({ timeout: 60_000 });

    // assert
    const checked = await shown('records');
    expect(checked).toBeGreaterThanOrEqual(records.length);
    expect(await shown('from')).toBe(1);
    expect(await shown('through')).toBe(checked);
    expect(await page.locator('#audit-status').textContent()).toBe(M.intact({ records: checked, from: 1, through: checked }));
    await checkState('continued');
  });

  it('names a case event altered directly in DynamoDB Local as the first broken link, with the item and the advice', async () => {
    // prepare: someone rewrites a chained case event's note in the table itself
    const event = (await chained()).find((r) => r.source.table === 'cases' && r.source.sk.startsWith('EVENT#'));
    expect(event, 'the demo seed chains no case event').toBeDefined();
    const { pk, sk } = event!.source;
    await db.send(
      new UpdateCommand({ TableName: stack.tables.cases, Key: { pk, sk }, UpdateExpression: 'SET note = :note', ExpressionAttributeValues: { ':note': '已按时办结' } }),
    );
    await stack.drainStreams();
    page = await openAudit();
    await page.locator('#audit-verify').waitFor();

    // act
    await verify('broken');

    // assert
    expect(await page.getAttribute('#audit-break', 'data-seq')).toBe(String(event!.seq));
    expect(await page.getAttribute('#audit-break', 'data-kind')).toBe('sourceAltered');
    expect(await page.locator('#audit-status > p').first().textContent()).toBe(M.broken({ seq: event!.seq }));
    expect(await page.locator('#audit-break-kind').textContent()).toBe(`${M.kind.sourceAltered} (sourceAltered)`);
    expect(await page.locator('#audit-break-detail').textContent()).toContain(`chained in record ${event!.seq}`);
    expect(await page.locator('#audit-break-item').textContent()).toBe(M.item({ table: 'cases', pk, sk }));
    expect(await page.locator('#audit-intact-before').textContent()).toBe(M.intactBefore({ from: 1, through: event!.seq - 1 }));
    expect(await page.locator('#audit-advice').textContent()).toBe(M.advice);
    expect(await page.locator('#audit-go-on').count()).toBe(0);
    await checkState('broken');
  });
});
