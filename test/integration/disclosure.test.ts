import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/cases/case';
import type { Disclosure, DisclosureDetail } from '../../functions/domain/disclosure/disclosure';
import type { PublicDocument, PublicIndex } from '../../functions/domain/disclosure/public-document';
import type { SnapshotList } from '../../functions/domain/evaluation/snapshot';
import { createDistrict, createPeriodAndForm, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';

/**
 * Public disclosure (公示) over the local HTTP API on DynamoDB Local: a supervisor proposes a period's scores,
 * the case KPIs and a closed case whose reply names the citizen and their phone; every text comes back
 * redacted and nothing is public; a unit handler may do none of it; the approver edits, a stale revision and a
 * second approval are refused; the approved revision is published as files the local server serves at
 * /public/ with CloudFront's caching; a withdrawn disclosure leaves the page.
 */

const TAX: Caller = { unitHandlerOf: ['tax-office'] };
const PHONE = '13912345678';
const PERIOD = 'disc-period';
const UNITS = ['tax-office', 'permit-hall'];

describe('disclosure over the local API', () => {
  let api: AdmissionStack;
  let caseId: string;

  const publicFile = (path: string) => fetch(`${api.url}/public/${path}`);

  beforeAll(async () => {
    api = await startAdmissionStack('disclosure');
    await createDistrict(api, UNITS);
    await createPeriodAndForm(api, { periodId: PERIOD, formId: 'disc-form', admission: {}, unitIds: UNITS });
    for (const [unitId, overall] of [['tax-office', 'verySatisfied'], ['tax-office', 'dissatisfied'], ['permit-hall', 'satisfied']] as const) {
      const res = await api.send('POST', '/responses', { formId: 'disc-form', version: 1, units: { [unitId]: { overall } }, submissionId: randomUUID() }, { headers: { 'user-agent': `r-${unitId}-${overall}` } });
      expect(res.status, res.text).toBe(201);
    }
    await api.runTally();

    // A complaint walked to CLOSED, whose reply names the citizen and their mobile number.
    const filed = await api.send('POST', '/cases', { kind: 'complaint', unitId: 'tax-office', description: `办税大厅周六不开窗口。我的电话 ${PHONE}。` });
    expect(filed.status, filed.text).toBe(201);
    const list = await api.send('GET', '/cases?state=RECEIVED', undefined, { as: 'supervisor' });
    caseId = (list.body.cases as Case[]).find((c) => c.trackingNumber === filed.body.trackingNumber)!.caseId;
    for (const [body, as] of [
      [{ action: 'assign', unitId: 'tax-office' }, 'supervisor'],
      [{ action: 'accept' }, TAX],
      [{ action: 'reply', text: `已电话联系市民张伟（${PHONE}），自本周起周六开放窗口。` }, TAX],
      [{ action: 'close' }, 'supervisor'],
    ] as const) {
      const res = await api.send('POST', `/cases/${caseId}/actions`, body, { as });
      expect(res.status, res.text).toBe(200);
    }
  });

  afterAll(async () => {
    await api?.stop();
  });

  const proposal = () => ({
    title: '2026 年作风建设公示',
    items: [
      { kind: 'scores', periodId: PERIOD },
      { kind: 'kpis', from: '2026-01-01', to: '2026-12-31' },
      { kind: 'case', caseId },
    ],
  });

  async function propose(): Promise<Disclosure> {
    const res = await api.send('POST', '/disclosures', proposal(), { as: 'supervisor' });
    expect(res.status, res.text).toBe(201);
    return res.body as Disclosure;
  }

  it('lets no unit handler nor anonymous caller propose, read or approve', async () => {
    // prepare
    const d = await propose();

    // act
    const answers = await Promise.all([
      api.send('POST', '/disclosures', proposal(), { as: TAX }),
      api.send('GET', `/disclosures/${d.disclosureId}`, undefined, { as: TAX }),
      api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }, { as: TAX }),
      api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }),
    ]);

    // assert
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 401]);
    expect((await api.send('GET', `/disclosures/${d.disclosureId}`, undefined, { as: 'supervisor' })).body.disclosure.state).toBe('DRAFT');
  });

  it('redacts every free text when proposing, keeps no unredacted text, and publishes nothing before approval', async () => {
    // act
    const d = await propose();

    // assert
    const kase = d.items.find((i) => i.content.kind === 'case')!.content;
    if (kase.kind !== 'case') throw new Error(kase.kind);
    expect(kase.reply.text).toBe('已电话联系市民张某（***********），自本周起周六开放窗口。');
    expect(kase.reply.findings.map((f) => f.kind)).toEqual(['name', 'mobile']);
    expect(kase.description.text).not.toContain(PHONE);
    const stored = JSON.stringify(await api.scan('disclosures'));
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain('张伟');
    expect((await publicFile('disclosure/index.json')).status).toBe(404);
  });

  it('names each item it cannot disclose (400, in Chinese by default)', async () => {
    // act
    const res = await api.send('POST', '/disclosures', { title: '公示', items: [{ kind: 'scores', periodId: 'no-such-period' }, { kind: 'case', caseId: randomUUID() }] }, { as: 'supervisor' });

    // assert
    expect(res.status, res.text).toBe(400);
    expect(res.text).toContain('items.0.periodId');
    expect(res.text).toContain('items.1.caseId');
    expect(res.text).toMatch(/没有编号为/);
  });

  it('publishes exactly the approved revision, refusing a stale one and a second approval (409)', async () => {
    // prepare: the approver edits the reply (rev 2)
    const d = await propose();
    const edit = await api.send('PUT', `/disclosures/${d.disclosureId}`, { rev: 1, edits: [{ itemId: 'i3', path: 'reply', text: `已答复，咨询电话 139 1234 5678。` }] }, { as: 'supervisor' });
    expect(edit.status, edit.text).toBe(200);

    // act
    const stale = await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }, { as: 'supervisor' });
    const approved = await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 2 }, { as: 'supervisor' });
    const twice = await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 3 }, { as: 'supervisor' });

    // assert
    expect(stale.status, stale.text).toBe(409);
    expect(approved.status, approved.text).toBe(200);
    expect(twice.status, twice.text).toBe(409);
    const published = approved.body.disclosure as Disclosure;
    expect(published.approval).toMatchObject({ rev: 2, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const indexRes = await publicFile('disclosure/index.json');
    expect(indexRes.headers.get('cache-control')).toBe('public, max-age=60');
    const index = (await indexRes.json()) as PublicIndex;
    expect(index.publications.map((p) => p.publicationId)).toContain(published.publication!.publicationId);
    const docRes = await publicFile(published.publication!.file);
    expect(docRes.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const text = await docRes.text();
    expect(text).not.toContain(PHONE);
    expect(text).not.toMatch(/1234/);
    const doc = JSON.parse(text) as PublicDocument;
    expect(doc.items.find((i) => i.kind === 'case')).toMatchObject({ reply: expect.stringContaining('咨询电话'), state: 'CLOSED' });
    expect(doc.items.find((i) => i.kind === 'kpis')).toMatchObject({ report: { kpis: expect.arrayContaining([expect.objectContaining({ key: 'closureRate', numerator: 1 })]) } });

    // the scores are the snapshot API's figures, and their ballot commitment is published beside them
    const scores = doc.items.find((i) => i.kind === 'scores');
    if (scores?.kind !== 'scores') throw new Error('no scores');
    const snapshots = (await api.send('GET', `/periods/${PERIOD}/snapshots?units=${UNITS.join(',')}`, undefined, { as: 'supervisor' })).body as SnapshotList;
    const latest = snapshots.units.map((u) => u.snapshots.at(-1)!);
    expect([...scores.units].sort((a, b) => a.unitId.localeCompare(b.unitId))).toEqual([...latest].sort((a, b) => a.unitId.localeCompare(b.unitId)));
    expect(scores.commitment).toMatchObject({ total: 3, counted: 3, excluded: 0 });
    expect((await publicFile(`${scores.commitment!.prefix}root.json`)).status).toBe(200);
  });

  it('records every step as an event, the approval with who approved which revision', async () => {
    // prepare
    const d = await propose();
    await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }, { as: 'supervisor' });

    // act
    const detail = (await api.send('GET', `/disclosures/${d.disclosureId}`, undefined, { as: 'supervisor' })).body as DisclosureDetail;

    // assert
    expect(detail.events.map((e) => [e.action, e.from, e.to])).toEqual([
      ['propose', null, 'DRAFT'],
      ['approve', 'DRAFT', 'PUBLISHED'],
    ]);
    expect(detail.events[1]).toMatchObject({ contentHash: detail.disclosure.approval!.contentHash, publicationId: detail.disclosure.publication!.publicationId });
  });

  it("publishes a closed ledger item marked for publication, its progress redacted, and moves it to PUBLISHED", async () => {
    // prepare: an item walked to CLOSED and marked for publication through the ledger's routes
    const created = await api.send(
      'POST',
      '/ledger',
      {
        source: 'selfInspection',
        level: 'unit',
        category: 'serving-people',
        problem: '窗口“一次性告知”落实不到位。',
        unitId: 'tax-office',
        owner: '王建国',
        responsibleLeader: '副局长 李明',
        measures: '修订一次性告知清单。',
        deadline: { workingDays: 10 },
      },
      { as: 'supervisor' },
    );
    expect(created.status, created.text).toBe(201);
    const itemId = created.body.caseId as string;
    for (const [body, as] of [
      [{ action: 'start' }, TAX],
      [{ action: 'progress', text: `已回访群众赵敏（${PHONE}），清单已张贴。` }, TAX],
      [{ action: 'submitEvidence', note: '清单照片已上传。', evidenceKeys: [] }, TAX],
      [{ action: 'accept' }, 'supervisor'],
      [{ action: 'close' }, 'supervisor'],
      [{ action: 'markDisclosure', disclose: true }, 'supervisor'],
    ] as const) {
      const res = await api.send('POST', `/ledger/${itemId}/actions`, body, { as });
      expect(res.status, `${body.action}: ${res.text}`).toBe(200);
    }
    const d = (await api.send('POST', '/disclosures', { title: '整改公示', items: [{ kind: 'ledgerItem', caseId: itemId }] }, { as: 'supervisor' })).body as Disclosure;

    // act
    const approved = await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }, { as: 'supervisor' });

    // assert
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.ledgerItemsNotMarked).toEqual([]);
    expect((await api.send('GET', `/ledger/${itemId}`, undefined, { as: 'supervisor' })).body.item.state).toBe('PUBLISHED');
    const text = await (await publicFile((approved.body.disclosure as Disclosure).publication!.file)).text();
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('王建国');
    expect(JSON.parse(text).items[0]).toMatchObject({ kind: 'ledgerItem', state: 'PUBLISHED', measures: '修订一次性告知清单。', progress: [{ note: expect.stringContaining('清单已张贴') }] });
  });

  it('takes a withdrawn disclosure off the page and deletes its file; a draft never reaches it', async () => {
    // prepare
    const draft = await propose();
    const d = await propose();
    const approved = (await api.send('POST', `/disclosures/${d.disclosureId}/approve`, { rev: 1 }, { as: 'supervisor' })).body.disclosure as Disclosure;

    // act
    const withdrawn = await api.send('POST', `/disclosures/${d.disclosureId}/withdraw`, { rev: 2, reason: '数据需更正' }, { as: 'supervisor' });

    // assert
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const index = (await (await publicFile('disclosure/index.json')).json()) as PublicIndex;
    expect(index.publications.map((p) => p.publicationId)).not.toContain(approved.publication!.publicationId);
    expect((await publicFile(approved.publication!.file)).status).toBe(404);
    const listed = (await api.send('GET', '/disclosures', undefined, { as: 'supervisor' })).body.disclosures as { disclosureId: string }[];
    const details = await Promise.all(listed.map(async (x) => ((await api.send('GET', `/disclosures/${x.disclosureId}`, undefined, { as: 'supervisor' })).body as DisclosureDetail).disclosure));
    expect(details.find((x) => x.disclosureId === draft.disclosureId)?.state).toBe('DRAFT');
    const onPage = details.filter((x) => index.publications.some((p) => p.publicationId === x.publication?.publicationId));
    expect(onPage.length).toBe(index.publications.length);
    expect(onPage.every((x) => x.state === 'PUBLISHED')).toBe(true);
  });
});
