import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_CATEGORIES } from '../../../../functions/domain/ledger/ledger';
import { LEDGER_TEMPLATE_HEADER, ledgerSheet, ledgerTemplate, parseDeadline, parseProgress, planLedgerImport } from '../../../../functions/domain/ledger/ledger-import';
import { itemOfRow } from '../../../../functions/domain/ledger/workflow';
import type { Unit } from '../../../../functions/domain/units/unit';
import { readSpreadsheet, writeXlsx } from '../../../../functions/platform/spreadsheet';
import { SUPERVISOR, aCalendar } from '../../../fixtures/cases';
import { aLedgerItem } from '../../../fixtures/ledger';

const unit = (unitId: string, zh: string, status: Unit['status'] = 'active') =>
  ({ unitId, name: { 'zh-CN': zh, en: unitId }, status }) as Pick<Unit, 'unitId' | 'name' | 'status'>;
const UNITS = [unit('tax-bureau', '区税务局'), unit('service-centre', '区政务服务中心'), unit('old-office', '原区信访办', 'retired')];
const CATEGORIES = DEFAULT_LEDGER_CATEGORIES;
const HEADER = ['序号', '层级', '问题类别', '问题描述', '责任单位', '责任人', '责任领导', '整改措施', '整改时限', '整改进展', '状态', '问题来源', '是否公示'];

describe('parseDeadline', () => {
  it.each([
    ['2026-12-31', { date: '2026-12-31' }],
    ['2026/1/5', { date: '2026-01-05' }],
    ['2026年12月1日', { date: '2026-12-01' }],
    ['15个工作日', { workingDays: 15 }],
    ['30', { workingDays: 30 }],
    ['Thu Dec 31 2026 08:00:00 GMT+0800 (China Standard Time)', { date: '2026-12-31' }],
  ])('reads %s', (text, expected) => {
    // act / assert
    expect(parseDeadline(text)).toEqual(expected);
  });

  it.each(['2026-02-30', '下个月', '0个工作日', '999'])('refuses %s', (text) => {
    // act / assert
    expect(parseDeadline(text)).toBeUndefined();
  });
});

describe('parseProgress', () => {
  it('reads one update a line, with its day where given', () => {
    // act / assert
    expect(parseProgress('2026-06-10 已修订清单\n\n开展培训')).toEqual([{ date: '2026-06-10', text: '已修订清单' }, { text: '开展培训' }]);
  });
});

describe('planLedgerImport', () => {
  it('reads good rows by label, name or id, with the defaults for state, source and publication', () => {
    // prepare
    const table = [
      HEADER,
      ['1', '领导班子', '理论学习和政治意识方面', '学习流于形式', '区政务服务中心', '张三', '李四', '建立研讨制度', '2026-12-31', '2026-06-10 已建制度', '整改中', '督查发现', '是'],
      ['2', 'cadre', 'integrity', '接待登记不全', 'tax-bureau', '', '', '', '', '', '', '', ''],
    ];

    // act
    const { plan, rows } = planLedgerImport(table, UNITS, CATEGORIES);

    // assert
    expect(plan).toMatchObject({ valid: true, counts: { create: 2, invalid: 0 }, fileIssues: [], ignoredColumns: [] });
    expect(rows[0]).toMatchObject({ row: 2, level: 'leadershipTeam', category: 'political-study', unitId: 'service-centre', state: 'IN_PROGRESS', source: 'supervisionFinding', disclose: true, deadline: { date: '2026-12-31' }, progress: [{ date: '2026-06-10', text: '已建制度' }] });
    expect(rows[1]).toMatchObject({ row: 3, level: 'cadre', category: 'integrity', unitId: 'tax-bureau', state: 'IDENTIFIED', source: 'selfInspection', disclose: false });
  });

  it('names every bad row and column, and reads no row of a plan with one', () => {
    // prepare
    const table = [
      HEADER,
      ['1', '科室', '不存在的类别', '', '不存在的单位', '', '', '', '明年', '', '整改中', '网上', '也许'],
      ['2', '单位', '廉洁自律方面', '问题', '原区信访办', '张三', '李四', '措施', '2026-12-31', '', '已销号', '', ''],
      ['3', '单位', '廉洁自律方面', '问题', '区税务局', '', '', '', '', '', '已建账', '', ''],
      ['4', '单位', '廉洁自律方面', '好的一行', '区税务局', '', '', '', '', '', '', '', ''],
    ];

    // act
    const { plan, rows } = planLedgerImport(table, UNITS, CATEGORIES);

    // assert
    expect(plan.valid).toBe(false);
    expect(plan.counts).toEqual({ create: 1, invalid: 3 });
    expect(plan.rows.flatMap((r) => r.issues.map((i) => `${r.row}.${i.column}`))).toEqual([
      '2.level',
      '2.category',
      '2.problem',
      '2.unit',
      '2.deadline',
      '2.owner',
      '2.responsibleLeader',
      '2.measures',
      '2.source',
      '2.disclose',
      '3.unit',
      '4.owner',
      '4.responsibleLeader',
      '4.measures',
      '4.deadline',
    ]);
    expect(plan.rows[0]!.issues.find((i) => i.column === 'level')!.message['zh-CN']).toContain('领导班子');
    expect(rows.map((r) => r.row)).toEqual([5]);
  });

  it('refuses a file without a required column, and one without rows', () => {
    // act
    const missing = planLedgerImport([['层级', '问题描述'], ['单位', '问题']], UNITS, CATEGORIES).plan;
    const empty = planLedgerImport([HEADER, ['', '']], UNITS, CATEGORIES).plan;

    // assert
    expect(missing.fileIssues.map((m) => m['zh-CN'])).toEqual(['缺少“问题类别”列。', '缺少“责任单位”列。']);
    expect(empty.fileIssues.map((m) => m.en)).toEqual(['The file holds no ledger items.']);
  });
});

describe('the ledger workbook', () => {
  it('has the documented columns in its template, with a sheet of the values each takes', async () => {
    // act
    const book = ledgerTemplate(CATEGORIES);
    const read = await readSpreadsheet('xlsx', await writeXlsx(book));

    // assert
    expect(LEDGER_TEMPLATE_HEADER).toEqual(HEADER);
    expect(read![0]).toEqual(HEADER);
    expect(book.sheets[1]!.rows.map((r) => r[0])).toContain('问题类别（必填）');
    expect(String(book.sheets[1]!.rows.find((r) => r[0] === '问题类别（必填）')![1])).toContain('形式主义官僚主义方面');
  });

  it('exports and imports a ledger losslessly: XLSX → items → XLSX gives the same sheet', async () => {
    // prepare: items in every state, with progress, publication and a formula-looking text
    const items = [
      aLedgerItem('IDENTIFIED', { level: 'cadre', problem: '=SUM(A1) 看似公式的问题描述' }),
      aLedgerItem('IN_PROGRESS', { progress: [{ text: '已修订清单', at: '2026-06-10T02:00:00.000Z' }, { text: '已培训', at: '2026-06-12T02:00:00.000Z' }] }),
      aLedgerItem('PUBLISHED', { level: 'leadershipTeam', unitId: 'service-centre', category: 'formalism', source: 'supervisionFinding' }),
    ];
    const first = ledgerSheet(items, UNITS, CATEGORIES);

    // act: write, read back, plan, make items, write again
    const table = await readSpreadsheet('xlsx', await writeXlsx({ title: '整改台账', sheets: [first] }));
    const { plan, rows } = planLedgerImport(table!, UNITS, CATEGORIES);
    const imported = rows.map((r, i) => itemOfRow(r, `00000000-0000-4000-8000-00000000000${i}`, SUPERVISOR as never, new Date('2026-07-01T02:00:00Z'), aCalendar()).item);
    const second = ledgerSheet(imported, UNITS, CATEGORIES);

    // assert
    expect(plan.valid).toBe(true);
    expect(second).toEqual(first);
    expect(first.rows[1]![9]).toBe('2026-06-10 已修订清单\n2026-06-12 已培训');
  });
});
