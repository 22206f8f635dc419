import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentUpload } from '../../functions/domain/cases/attachments';
import { LEDGER_STATES, LEDGER_TRANSITIONS, type LedgerDetail, type LedgerItem, type LedgerState, type LedgerTransitionAction } from '../../functions/domain/ledger/ledger';
import type { LedgerImportResult } from '../../functions/domain/ledger/ledger-import';
import type { LedgerList } from '../../functions/domain/ledger/progress';
import { readSpreadsheet } from '../../functions/platform/spreadsheet';
import { createDistrict, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';

/**
 * The rectification ledger over the local HTTP API on DynamoDB Local: an item walks its whole life cycle with
 * evidence uploaded like a complaint's attachment; every illegal transition answers 409 and writes nothing;
 * two supervisors deciding at once cannot both win; a unit handler sees and works only their units' items;
 * an XLSX import previews every bad row and writes all rows or none; an export imports back to the same sheet.
 */

const TAX: Caller = { unitHandlerOf: ['tax-office'] };
const HALL: Caller = { unitHandlerOf: ['permit-hall'] };
/** The unit whose imported items are overdue. */
const LATE = 'late-office';
const LATE_HANDLER: Caller = { unitHandlerOf: [LATE] };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const HEADER = ['序号', '层级', '问题类别', '问题描述', '责任单位', '责任人', '责任领导', '整改措施', '整改时限', '整改进展', '状态', '问题来源', '是否公示'];
const LEDGERED = { owner: '王建国', responsibleLeader: '副局长 李明', measures: '修订一次性告知清单，开展窗口培训。', deadline: { workingDays: 10 } };

describe('the rectification ledger over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('ledger');
    await createDistrict(api, ['tax-office', 'permit-hall']);
  });

  afterAll(async () => {
    await api?.stop();
  });

  const act = (id: string, body: Record<string, unknown>, as: Caller) => api.send('POST', `/ledger/${id}/actions`, body, { as });
  async function create(body: Record<string, unknown> = {}, as: Caller = 'supervisor'): Promise<LedgerItem> {
    const res = await api.send('POST', '/ledger', { source: 'supervisionFinding', level: 'unit', category: 'serving-people', problem: '窗口“一次性告知”落实不到位。', unitId: 'tax-office', ...LEDGERED, ...body }, { as });
    expect(res.status, res.text).toBe(201);
    return res.body as LedgerItem;
  }
  async function ok(res: { status: number; text: string; body: unknown }): Promise<LedgerItem> {
    expect(res.status, res.text).toBe(200);
    return res.body as LedgerItem;
  }
  const detail = async (id: string, as: Caller = 'supervisor') => {
    const res = await api.send('GET', `/ledger/${id}`, undefined, { as });
    expect(res.status, res.text).toBe(200);
    return res.body as LedgerDetail;
  };
  async function evidence(): Promise<string> {
    const ticket = (await api.send('POST', '/cases/attachments', { contentType: 'image/png', size: PNG.length, fileName: '整改照片.png' })).body as AttachmentUpload;
    const put = await fetch(`${api.url}${ticket.uploadUrl}`, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(PNG) });
    expect(put.status).toBe(200);
    return ticket.attachmentKey;
  }
  const bearer = async (role: 'supervisor' | 'admin') => ({ authorization: `Bearer ${await api.test.stack.token(role)}` });
  async function download(path: string): Promise<string[][]> {
    const res = await fetch(`${api.url}${path}`, { headers: await bearer('supervisor') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    return (await readSpreadsheet('xlsx', new Uint8Array(await res.arrayBuffer())))!;
  }
  async function xlsx(rows: string[][]): Promise<string> {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('整改台账').addRows(rows);
    return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
  }
  const importFile = (content: string, dryRun: boolean) => api.send('POST', '/ledger/import', { format: 'xlsx', content, dryRun }, { as: 'admin' });
  /**
   * The ledger's items and events in the cases table, but those of LATE (the escalation sweeper of the local
   * stack runs every minute and moves its overdue items up the ladder whenever it likes).
   */
  async function ledgerItems() {
    const all = await api.scan('cases');
    const late = new Set(all.filter((i) => i.sk === 'LEDGER' && i.unitId === LATE).map((i) => i.pk));
    return all.filter((i) => (i.sk === 'LEDGER' || (String(i.sk).startsWith('EVENT#') && i.record === 'ledger')) && !late.has(i.pk));
  }

  /** An item walked into `state` through the API. */
  async function itemIn(state: LedgerState): Promise<LedgerItem> {
    if (state === 'IDENTIFIED') return create({ owner: undefined, responsibleLeader: undefined, measures: undefined, deadline: undefined });
    let item = await create();
    const steps: [Record<string, unknown>, Caller][] = [
      [{ action: 'start' }, TAX],
      [{ action: 'submitEvidence', note: '已修订清单。', evidenceKeys: [] }, TAX],
      [{ action: 'accept' }, 'supervisor'],
      [{ action: 'close' }, 'supervisor'],
      [{ action: 'markDisclosure', disclose: true }, 'supervisor'],
      [{ action: 'publish' }, 'supervisor'],
    ];
    const stepsTo: Record<Exclude<LedgerState, 'IDENTIFIED'>, number> = { LEDGERED: 0, IN_PROGRESS: 1, EVIDENCE_SUBMITTED: 2, ACCEPTED: 3, CLOSED: 5, PUBLISHED: 6 };
    for (const [body, as] of steps.slice(0, stepsTo[state])) item = await ok(await act(item.caseId, body, as));
    expect(item.state).toBe(state);
    return item;
  }

  it('walks an item from the ledger to publication, with evidence sent back once, every step an event', async () => {
    // prepare
    const item = await create();
    const photo = await evidence();

    // act
    await ok(await act(item.caseId, { action: 'start' }, TAX));
    await ok(await act(item.caseId, { action: 'progress', text: '清单初稿已完成。' }, TAX));
    await ok(await act(item.caseId, { action: 'submitEvidence', note: '初稿', evidenceKeys: [] }, TAX));
    const sentBack = await ok(await act(item.caseId, { action: 'sendBack', reason: '清单未覆盖全部事项。' }, 'supervisor'));
    await ok(await act(item.caseId, { action: 'submitEvidence', note: '修订后的清单和培训照片。', evidenceKeys: [photo] }, TAX));
    await ok(await act(item.caseId, { action: 'accept' }, 'supervisor'));
    await ok(await act(item.caseId, { action: 'close', note: '整改到位，予以销号。' }, 'supervisor'));
    await ok(await act(item.caseId, { action: 'markDisclosure', disclose: true }, 'supervisor'));
    const published = await ok(await act(item.caseId, { action: 'publish' }, 'supervisor'));
    const seen = await detail(item.caseId, TAX);

    // assert
    expect(item).toMatchObject({ state: 'LEDGERED', rev: 2, owner: '王建国' });
    expect(sentBack).toMatchObject({ state: 'IN_PROGRESS', sendBackCount: 1, review: { decision: 'sentBack', reason: '清单未覆盖全部事项。' } });
    expect(published).toMatchObject({ state: 'PUBLISHED', disclose: true, closedOnTime: true, evidenceKeys: [photo], progress: [{ text: '清单初稿已完成。' }] });
    expect(seen.events.map((e) => `${e.seq} ${e.action} ${e.from ?? '-'}→${e.to}`)).toEqual([
      '1 identify -→IDENTIFIED',
      '2 ledger IDENTIFIED→LEDGERED',
      '3 start LEDGERED→IN_PROGRESS',
      '4 progress IN_PROGRESS→IN_PROGRESS',
      '5 submitEvidence IN_PROGRESS→EVIDENCE_SUBMITTED',
      '6 sendBack EVIDENCE_SUBMITTED→IN_PROGRESS',
      '7 submitEvidence IN_PROGRESS→EVIDENCE_SUBMITTED',
      '8 accept EVIDENCE_SUBMITTED→ACCEPTED',
      '9 close ACCEPTED→CLOSED',
      '10 markDisclosure CLOSED→CLOSED',
      '11 publish CLOSED→PUBLISHED',
    ]);
    expect(seen.attachments).toMatchObject([{ attachmentKey: photo, fileName: '整改照片.png', contentType: 'image/png' }]);
  });

  it('refuses evidence that was never uploaded, naming the key, and writes nothing', async () => {
    // prepare
    const item = await itemIn('IN_PROGRESS');
    const before = await ledgerItems();

    // act
    const res = await act(item.caseId, { action: 'submitEvidence', note: '材料', evidenceKeys: ['AbCdEfGhIjKlMnOpQrStUvWxYz012345'] }, TAX);

    // assert
    expect(res.status, res.text).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toEqual(['evidenceKeys.0']);
    expect(await ledgerItems()).toEqual(before);
  });

  it('answers every illegal transition with 409 and writes nothing', async () => {
    // prepare: an item in every state, and a body for every staff action
    const items = Object.fromEntries(await Promise.all(LEDGER_STATES.map(async (s) => [s, await itemIn(s)] as const)));
    const bodies: Record<Exclude<LedgerTransitionAction, 'escalate'>, Record<string, unknown>> = {
      ledger: { action: 'ledger', ...LEDGERED },
      start: { action: 'start' },
      progress: { action: 'progress', text: '进展' },
      submitEvidence: { action: 'submitEvidence', note: '材料', evidenceKeys: [] },
      sendBack: { action: 'sendBack', reason: '退回' },
      accept: { action: 'accept' },
      close: { action: 'close' },
      markDisclosure: { action: 'markDisclosure', disclose: true },
      publish: { action: 'publish' },
    };
    const before = await ledgerItems();

    // act
    const answers: string[] = [];
    for (const state of LEDGER_STATES) {
      for (const [action, body] of Object.entries(bodies) as [Exclude<LedgerTransitionAction, 'escalate'>, Record<string, unknown>][]) {
        if ((LEDGER_TRANSITIONS[action].from as Partial<Record<LedgerState, LedgerState>>)[state]) continue;
        const unitAction = !(LEDGER_TRANSITIONS[action].who as readonly string[]).includes('supervisor');
        const res = await act(items[state]!.caseId, body, unitAction ? TAX : 'supervisor');
        if (res.status !== 409) answers.push(`${state} ${action}: ${res.status} ${res.text}`);
      }
    }

    // assert
    expect(answers).toEqual([]);
    expect(await ledgerItems()).toEqual(before);
  });

  it('lets exactly one of two supervisors deciding at once win; the other gets 409 and writes nothing', async () => {
    // prepare
    const item = await itemIn('EVIDENCE_SUBMITTED');

    // act
    const [a, b] = await Promise.all([
      act(item.caseId, { action: 'accept', rev: item.rev }, 'supervisor'),
      act(item.caseId, { action: 'sendBack', reason: '材料不全', rev: item.rev }, 'supervisor'),
    ]);
    const after = await detail(item.caseId);

    // assert
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(after.item.rev).toBe(item.rev + 1);
    expect(after.events).toHaveLength(item.rev + 1);
  });

  it("shows a unit handler only their units' items, and answers another unit's as unknown", async () => {
    // prepare
    const taxItem = await create({ problem: '税务局的问题' });
    const hallItem = await create({ problem: '大厅的问题', unitId: 'permit-hall' });
    const before = await ledgerItems();

    // act
    const taxList = (await api.send('GET', '/ledger', undefined, { as: TAX })).body as LedgerList;
    const hallList = (await api.send('GET', '/ledger', undefined, { as: HALL })).body as LedgerList;
    const all = (await api.send('GET', '/ledger', undefined, { as: 'supervisor' })).body as LedgerList;
    const peek = await api.send('GET', `/ledger/${hallItem.caseId}`, undefined, { as: TAX });
    const meddle = await act(hallItem.caseId, { action: 'start' }, TAX);
    const otherUnit = await api.send('GET', '/ledger?unitId=permit-hall', undefined, { as: TAX });
    const enter = await api.send('POST', '/ledger', { source: 'selfInspection', level: 'unit', category: 'duty', problem: '别人的问题', unitId: 'permit-hall' }, { as: TAX });
    const finding = await api.send('POST', '/ledger', { source: 'supervisionFinding', level: 'unit', category: 'duty', problem: '督查的问题', unitId: 'tax-office' }, { as: TAX });

    // assert
    expect(taxList.items.every((i) => i.unitId === 'tax-office')).toBe(true);
    expect(taxList.items.map((i) => i.caseId)).toContain(taxItem.caseId);
    expect(hallList.items.map((i) => i.caseId)).toEqual([hallItem.caseId]);
    expect(all.items.map((i) => i.caseId)).toEqual(expect.arrayContaining([taxItem.caseId, hallItem.caseId]));
    expect([peek.status, meddle.status, otherUnit.status, enter.status, finding.status]).toEqual([404, 404, 400, 400, 403]);
    expect(await ledgerItems()).toEqual(before);
  });

  it('filters views by level, category, owner, state and overdue, with 整改完成率 over the view', async () => {
    // prepare: an imported item overdue since January, one closed, one identified, at a unit of their own
    await createDistrict(api, [LATE]);
    const content = await xlsx([
      HEADER,
      ['1', '班子成员', '纪律规矩和工作纪律方面', '迟到早退', LATE, '赵六', '钱七', '考勤通报', '2026-01-05', '', '整改中', '', ''],
      ['2', '班子成员', '纪律规矩和工作纪律方面', '午间脱岗', LATE, '赵六', '钱七', '轮岗值守', '2026-01-05', '', '已销号', '', ''],
      ['3', '班子成员', '纪律规矩和工作纪律方面', '会议迟到', LATE, '', '', '', '', '', '', '', ''],
    ]);
    expect((await importFile(content, false)).status).toBe(200);

    // act
    const view = (await api.send('GET', '/ledger?level=teamMember&category=discipline', undefined, { as: LATE_HANDLER })).body as LedgerList;
    const overdue = (await api.send('GET', `/ledger?unitId=${LATE}&overdue=true`, undefined, { as: 'supervisor' })).body as LedgerList;
    const byOwner = (await api.send('GET', `/ledger?owner=${encodeURIComponent('赵六')}&state=CLOSED`, undefined, { as: 'supervisor' })).body as LedgerList;

    // assert
    expect(view.items.map((i) => i.problem)).toEqual(['迟到早退', '午间脱岗', '会议迟到']);
    expect(view.progress).toMatchObject({ total: 3, ledgered: 2, completed: 1, completionRate: 0.5, overdue: 1, byState: { IDENTIFIED: 1, IN_PROGRESS: 1, CLOSED: 1 } });
    expect(overdue.items.map((i) => i.problem)).toEqual(['迟到早退']);
    expect(byOwner.items.map((i) => i.problem)).toEqual(['午间脱岗']);
  });

  it('moves an overdue item up the escalation ladder with the cases’ sweeper, one escalate event per step', async () => {
    // prepare: the overdue item of LATE (imported above, due 2026-01-05)
    const late = ((await api.send('GET', `/ledger?unitId=${LATE}&overdue=true`, undefined, { as: 'supervisor' })).body as LedgerList).items[0]!;

    // act
    await api.test.stack.runJob('sweepCases');
    const after = await detail(late.caseId);

    // assert: far past every step of the ladder, it has taken them all, once
    expect(after.item.escalation).toBe('publicNotice');
    expect(after.events.filter((e) => e.action === 'escalate').map((e) => e.note)).toEqual(['reminder', 'chase', 'supervision', 'publicNotice']);
    expect(after.item.state).toBe('IN_PROGRESS');
  });

  it('puts a complaint that needs rectification on the ledger, linked by its case id, and refuses an unknown one', async () => {
    // prepare
    const filed = await api.send('POST', '/cases', { kind: 'complaint', unitId: 'tax-office', description: '窗口人员态度生硬。' });
    expect(filed.status, filed.text).toBe(201);
    const complaint = ((await api.send('GET', '/cases?state=RECEIVED', undefined, { as: 'supervisor' })).body.cases as { caseId: string; trackingNumber: string }[]).find(
      (c) => c.trackingNumber === filed.body.trackingNumber,
    )!;

    // act
    const linked = await create({ source: 'complaint', linkedCaseId: complaint.caseId, problem: '窗口服务态度问题' });
    const unknown = await api.send('POST', '/ledger', { source: 'complaint', linkedCaseId: '00000000-0000-4000-8000-000000000000', level: 'unit', category: 'duty', problem: '问题', unitId: 'tax-office' }, { as: 'supervisor' });
    const inbox = (await api.send('GET', '/cases?unitId=tax-office', undefined, { as: 'supervisor' })).body.cases as { caseId: string }[];

    // assert: the ledger item is no case of the complaint inbox
    expect(linked).toMatchObject({ source: 'complaint', linkedCaseId: complaint.caseId });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.map((f: { path: string }) => f.path)).toEqual(['linkedCaseId']);
    expect(inbox.map((c) => c.caseId)).not.toContain(linked.caseId);
  });

  it('previews an import naming every bad row and column, and writes nothing while any row is bad', async () => {
    // prepare
    const content = await xlsx([
      HEADER,
      ['1', '单位', '形式主义官僚主义方面', '文山会海', 'tax-office', '张三', '李四', '精简会议', '2026-12-31', '', '', '', ''],
      ['2', '科室', '不存在的类别', '', 'nowhere', '', '', '', '明年', '', '', '', ''],
      ['3', '单位', '廉洁自律方面', '接待不规范', 'tax-office', '', '', '', '', '', '已销号', '', ''],
    ]);
    const before = await ledgerItems();

    // act
    const preview = await importFile(content, true);
    const commit = await importFile(content, false);

    // assert
    expect(preview.status, preview.text).toBe(200);
    const plan = (preview.body as LedgerImportResult).plan;
    expect(plan.counts).toEqual({ create: 1, invalid: 2 });
    expect(plan.rows.flatMap((r) => r.issues.map((i) => `${r.row}.${i.column}`))).toEqual([
      '3.level',
      '3.category',
      '3.problem',
      '3.unit',
      '3.deadline',
      '4.owner',
      '4.responsibleLeader',
      '4.measures',
      '4.deadline',
    ]);
    expect(commit.status).toBe(400);
    expect(commit.body.fields.map((f: { path: string }) => f.path)).toContain('rows.3.category');
    expect(await ledgerItems()).toEqual(before);
  });

  it('imports a ledger of 120 items in its rows’ order, and exports it back to the same sheet (lossless round trip)', async () => {
    // prepare: 120 rows in every state, over two transactions' worth of items, at a unit of their own
    await createDistrict(api, ['round-trip']);
    const states = ['已查摆', '已建账', '整改中', '待验收', '已验收', '已销号', '已公示'];
    const rows = Array.from({ length: 120 }, (_, i) => {
      const state = states[i % states.length]!;
      const blank = state === '已查摆';
      return [
        String(i + 1),
        ['领导班子', '班子成员', '单位', '干部'][i % 4]!,
        ['理论学习和政治意识方面', '形式主义官僚主义方面', '服务群众和办事效率方面', '担当作为和履职尽责方面', '纪律规矩和工作纪律方面', '廉洁自律方面'][i % 6]!,
        `问题 ${i + 1}：窗口服务不规范`,
        '单位round-trip',
        blank ? '' : `责任人${i}`,
        blank ? '' : '分管副局长',
        blank ? '' : `措施 ${i + 1}`,
        blank ? '' : '2026-12-31',
        i % 3 === 0 && !blank ? '2026-11-01 已召开专题会\n2026-11-15 已修订制度' : '',
        state,
        ['自查', '督查发现', '群众投诉', '差评'][i % 4]!,
        state === '已公示' || i % 5 === 0 ? '是' : '否',
      ];
    });

    // act
    const imported = await importFile(await xlsx([HEADER, ...rows]), false);
    const exported = await download('/ledger/export.xlsx?unitId=round-trip');
    const again = await importFile(await xlsx(exported), false);
    const twice = (await api.send('GET', '/ledger?unitId=round-trip', undefined, { as: 'supervisor' })).body as LedgerList;

    // assert
    expect(imported.status, imported.text).toBe(200);
    expect((imported.body as LedgerImportResult).written).toBe(120);
    expect(exported[0]).toEqual(HEADER);
    expect(exported.slice(1)).toEqual(rows);
    expect(again.status, again.text).toBe(200);
    expect(twice.items).toHaveLength(240);
    expect(twice.progress.byState.PUBLISHED).toBe(2 * rows.filter((r) => r[10] === '已公示').length);
  });

  it('offers the template with the documented columns and the categories in force, which an admin sets', async () => {
    // act
    const refused = await api.send('PUT', '/admin/ledger-categories', { categories: [{ id: 'x', name: { 'zh-CN': '某方面', en: 'Some aspect' } }], rev: 0 }, { as: 'supervisor' });
    const current = (await api.send('GET', '/ledger/categories', undefined, { as: TAX })).body;
    const saved = await api.send('PUT', '/admin/ledger-categories', { categories: [...current.categories, { id: 'safety', name: { 'zh-CN': '安全生产方面', en: 'Work safety' } }], rev: current.rev }, { as: 'admin' });
    const stale = await api.send('PUT', '/admin/ledger-categories', { categories: current.categories, rev: current.rev }, { as: 'admin' });
    const template = await download('/ledger/template.xlsx');
    const unknown = await api.send('POST', '/ledger', { source: 'selfInspection', level: 'unit', category: 'nope', problem: '问题', unitId: 'tax-office' }, { as: 'supervisor' });

    // assert
    expect(refused.status).toBe(403);
    expect(current).toMatchObject({ rev: 0 });
    expect(current.categories).toHaveLength(6);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ rev: 1 });
    expect(stale.status).toBe(409);
    expect(template[0]).toEqual(HEADER);
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.map((f: { path: string }) => f.path)).toEqual(['category']);
  });
});
