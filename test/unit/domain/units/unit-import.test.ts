import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../functions/domain/errors';
import { UNIT_MESSAGES as M } from '../../../../functions/domain/units/messages';
import type { Unit } from '../../../../functions/domain/units/unit';
import {
  IMPORT_MAX_ROWS,
  IMPORT_TEMPLATE_HEADER,
  importUnits,
  planImport,
  type ImportDeps,
} from '../../../../functions/domain/units/unit-import';
import { planIssues } from '../../../../functions/domain/sheet-import';
import { aUnit, aUnitWithId, DURING_PERIOD } from '../../../fixtures/catalog';

const HEADER = IMPORT_TEMPLATE_HEADER; // 编号, 名称, 英文名称, 类型, 上级单位编号
const row = (unitId: string, zh: string, en: string, kind: string, parentId = '') => [unitId, zh, en, kind, parentId];

/** Existing units: the district government and its tax bureau. */
const EXISTING: Unit[] = [
  aUnitWithId('district', { name: { 'zh-CN': '区政府', en: 'District Government' }, kind: 'department' }),
  aUnit({ parentId: 'district', rev: 3 }),
];

describe('planImport', () => {
  it('reads the template and says what each row would do: create, update or leave unchanged', () => {
    const table = [
      HEADER,
      row('service-centre', '区政务服务中心', 'Service Centre', '部门', 'district'),
      row('tax-bureau', '区税务局', 'District Tax Bureau', '局', ''),
      row('district', '区政府', 'District Government', '部门'),
    ];

    const plan = planImport(table, EXISTING);

    expect(plan.rows.map((r) => [r.row, r.unitId, r.action])).toEqual([
      [2, 'service-centre', 'create'],
      [3, 'tax-bureau', 'update'], // its parent is dropped
      [4, 'district', 'unchanged'],
    ]);
    expect(plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, invalid: 0 });
    expect(plan.valid).toBe(true);
    expect(plan.rows[0]).toEqual({
      row: 2,
      unitId: 'service-centre',
      action: 'create',
      name: { 'zh-CN': '区政务服务中心', en: 'Service Centre' },
      kind: 'department',
      parentId: 'district',
      issues: [],
    });
  });

  const WINDOW_3 = ['window-3', '三号窗口', 'Window 3', 'serviceWindow', 'district'];
  it.each([
    ['Chinese aliases', ['单位编号', '单位名称', '英文名称', '单位类型', '上级单位'], WINDOW_3],
    ['English aliases in any case, with a BOM and extra blanks', ['\uFEFFUnitId', ' Name (zh-CN) ', 'English  Name', 'TYPE', 'parentId'], WINDOW_3],
    ['columns in another order', ['kind', 'parent', 'nameEn', 'id', 'name'], ['serviceWindow', 'district', 'Window 3', 'window-3', '三号窗口']],
  ])('accepts headers in either language: %s', (_, header, cells) => {
    const plan = planImport([header, cells], EXISTING);

    expect(plan.fileIssues).toEqual([]);
    expect(plan.rows[0]).toMatchObject({
      action: 'create',
      unitId: 'window-3',
      name: { 'zh-CN': '三号窗口', en: 'Window 3' },
      kind: 'serviceWindow',
      parentId: 'district',
    });
  });

  it('matches headers whatever their case, spacing and punctuation, and lists the headers it ignores', () => {
    const table = [
      ['Unit ID', 'Name (zh-CN)', 'English name', 'unit_kind', 'Parent ID', '备注'],
      ['service-centre', '区政务服务中心', 'Service Centre', 'department', 'district', '新增'],
    ];

    const plan = planImport(table, EXISTING);

    expect(plan.fileIssues).toEqual([]);
    expect(plan.rows[0]).toMatchObject({ unitId: 'service-centre', kind: 'department', parentId: 'district', action: 'create' });
    expect(plan.ignoredColumns).toEqual(['备注']);
  });

  it('reads a kind by its key or its label in either language, in any case', () => {
    const kinds = ['局', 'Bureau', 'bureau', 'BUREAU', '服务窗口', 'service window', 'serviceWindow', '街道', 'Town'];
    const table = [HEADER, ...kinds.map((kind, i) => row(`unit-${i}`, `单位${i}`, `Unit ${i}`, kind))];

    const plan = planImport(table, []);

    expect(plan.rows.map((r) => r.kind)).toEqual(['bureau', 'bureau', 'bureau', 'bureau', 'serviceWindow', 'serviceWindow', 'serviceWindow', 'subdistrict', 'town']);
  });

  it('names an unknown kind with the kinds it may be, in each language', () => {
    const plan = planImport([HEADER, row('a', '甲', 'A', 'agency')], []);

    expect(plan.rows[0]?.issues).toEqual([
      {
        column: 'kind',
        message: {
          'zh-CN': '类型“agency”无效，可填：部门、局、镇、街道、服务窗口。',
          en: 'Kind "agency" is not valid; use one of: Department, Bureau, Town, Subdistrict, Service window.',
        },
      },
    ]);
  });

  it("skips blank rows and keeps the sheet's row numbers", () => {
    const table = [HEADER, row('a', '甲', 'A', '局'), ['', '  ', '', '', ''], [], row('b', '乙', 'B', '局')];

    const plan = planImport(table, []);

    expect(plan.rows.map((r) => [r.row, r.unitId])).toEqual([
      [2, 'a'],
      [5, 'b'],
    ]);
  });

  it('marks a second row with the same id, pointing at the first', () => {
    const table = [HEADER, row('a', '甲', 'A', '局'), row('b', '乙', 'B', '局'), row('a', '甲二', 'A2', '局')];

    const plan = planImport(table, []);

    expect(plan.rows.map((r) => r.action)).toEqual(['create', 'create', 'invalid']);
    expect(plan.rows[2]?.issues).toEqual([
      { column: 'unitId', message: { 'zh-CN': '编号“a”在文件中重复（另见第 2 行）。', en: 'Id "a" appears twice in the file (also row 2).' } },
    ]);
    expect(plan.valid).toBe(false);
  });

  it('names every bad cell of a row: a malformed id, missing names, a missing kind, a name too long', () => {
    const table = [HEADER, row('Tax Bureau', '', '', ''), row('ok', '名'.repeat(201), 'Fine', '局')];

    const plan = planImport(table, []);

    expect(plan.rows[0]?.issues.map((i) => i.column)).toEqual(['unitId', 'nameZh', 'nameEn', 'kind']);
    expect(plan.rows[0]?.issues[0]?.message.en).toBe('Use lowercase letters, digits and "-", starting with a letter or digit; at most 63 characters.');
    expect(plan.rows[0]?.issues[1]?.message).toEqual(M.required);
    expect(plan.rows[1]?.issues).toEqual([{ column: 'nameZh', message: { 'zh-CN': '不能超过 200 个字。', en: 'At most 200 characters.' } }]);
    expect(plan.counts.invalid).toBe(2);
  });

  it('takes parents that are other rows of the same file, in any order', () => {
    const table = [HEADER, row('window-3', '三号窗口', 'Window 3', '服务窗口', 'service-centre'), row('service-centre', '政务服务中心', 'Service Centre', '部门', 'district')];

    const plan = planImport(table, EXISTING);

    expect(plan.rows.map((r) => r.action)).toEqual(['create', 'create']);
  });

  it('refuses an unknown parent and a loop made by rows of the file', () => {
    const table = [HEADER, row('a', '甲', 'A', '局', 'b'), row('b', '乙', 'B', '局', 'a'), row('c', '丙', 'C', '局', 'nowhere')];

    const plan = planImport(table, []);

    expect(plan.rows.map((r) => r.issues)).toEqual([
      [{ column: 'parentId', message: { 'zh-CN': '上级单位关系成环：a → b → a。', en: 'The parents form a loop: a → b → a.' } }],
      [{ column: 'parentId', message: { 'zh-CN': '上级单位关系成环：b → a → b。', en: 'The parents form a loop: b → a → b.' } }],
      [{ column: 'parentId', message: { 'zh-CN': '没有编号为“nowhere”的上级单位。', en: 'There is no parent unit "nowhere".' } }],
    ]);
  });

  it('names every missing column, by its Chinese template header, and reads no row', () => {
    const table = [['编号', 'Kind', 'Remarks'], ['a', '局', '']];

    const plan = planImport(table, []);

    expect(plan.fileIssues).toEqual([
      { 'zh-CN': '缺少“名称”列。', en: 'The "名称" column is missing.' },
      { 'zh-CN': '缺少“英文名称”列。', en: 'The "英文名称" column is missing.' },
    ]);
    expect(plan.rows).toEqual([]);
    expect(plan.valid).toBe(false);
  });

  it('refuses a file without units', () => {
    const plan = planImport([HEADER, ['', '', '', '', '']], []);

    expect(plan.fileIssues).toEqual([M.noRows]);
  });

  it(`refuses more than ${IMPORT_MAX_ROWS} units at once, counting only rows that hold something`, () => {
    const rows = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => row(`unit-${i}`, `单位${i}`, `Unit ${i}`, '局'));
    const atMost = [HEADER, ...rows.slice(0, IMPORT_MAX_ROWS), ['', '', '', '', '']];

    const tooMany = planImport([HEADER, ...rows], []);
    const justFits = planImport(atMost, []);

    expect(tooMany.fileIssues).toEqual([{ 'zh-CN': '一次最多导入 2000 个单位。', en: 'At most 2000 units per import.' }]);
    expect(tooMany.rows).toEqual([]);
    expect(justFits.fileIssues).toEqual([]);
    expect(justFits.counts.create).toBe(IMPORT_MAX_ROWS);
  });
});

describe('planIssues', () => {
  it('names file problems as `file` and cell problems as rows.<row>.<column>', () => {
    const bad = planImport([HEADER, row('a', '甲', 'A', '局'), [], row('b', '', 'B', 'agency')], []);
    const noFile = planImport([['编号']], []);

    const paths = [planIssues(bad).map((i) => i.path), planIssues(noFile).map((i) => i.path)];

    expect(paths).toEqual([['rows.4.nameZh', 'rows.4.kind'], ['file', 'file', 'file']]);
  });
});

function fakeDeps(existing: Unit[] = EXISTING) {
  const writes: Parameters<ImportDeps['writeUnits']>[0][] = [];
  const deps: ImportDeps = {
    listUnits: async () => existing,
    writeUnits: async (changes) => void writes.push(changes),
    now: () => DURING_PERIOD,
  };
  return { deps, writes };
}

describe('importUnits', () => {
  const table = [
    HEADER,
    row('service-centre', '区政务服务中心', 'Service Centre', '部门', 'district'),
    row('tax-bureau', '区税务局（新）', 'District Tax Bureau', 'bureau', 'district'),
    row('district', '区政府', 'District Government', '部门'),
  ];

  it('creates new units active, updates changed ones keeping their status, and leaves unchanged ones alone, in one write', async () => {
    const retiredBureau = aUnit({ parentId: 'district', rev: 3, status: 'retired' });
    const { deps, writes } = fakeDeps([EXISTING[0]!, retiredBureau]);

    const result = await importUnits(deps, table, { dryRun: false });

    const updatedAt = DURING_PERIOD.toISOString();
    expect(result.written).toBe(2);
    expect(writes).toEqual([
      {
        create: [
          {
            unitId: 'service-centre',
            name: { 'zh-CN': '区政务服务中心', en: 'Service Centre' },
            kind: 'department',
            parentId: 'district',
            status: 'active',
            rev: 1,
            updatedAt,
          },
        ],
        replace: [
          {
            unit: { ...retiredBureau, name: { 'zh-CN': '区税务局（新）', en: 'District Tax Bureau' }, rev: 4, updatedAt },
            expectedRev: 3,
          },
        ],
      },
    ]);
  });

  it('writes nothing when any row is bad, naming every bad cell', async () => {
    const { deps, writes } = fakeDeps();
    const withBadRow = [...table, row('Bad Id', '坏', 'Bad', '局', 'nowhere')];

    const result = importUnits(deps, withBadRow, { dryRun: false });

    await expect(result).rejects.toBeInstanceOf(ValidationError);
    await expect(result).rejects.toMatchObject({ fields: [{ path: 'rows.5.unitId' }, { path: 'rows.5.parentId' }] });
    expect(writes).toEqual([]);
  });

  it('never writes on a dry run, good file or bad, and says what would happen', async () => {
    const { deps, writes } = fakeDeps();

    const good = await importUnits(deps, table, { dryRun: true });
    const bad = await importUnits(deps, [HEADER, row('Bad Id', '坏', 'Bad', '局')], { dryRun: true });

    expect(good).toMatchObject({ written: 0, plan: { valid: true, counts: { create: 1, update: 1, unchanged: 1, invalid: 0 } } });
    expect(bad).toMatchObject({ written: 0, plan: { valid: false, counts: { invalid: 1 } } });
    expect(writes).toEqual([]);
  });

  it('refuses a file that could not be read', async () => {
    const { deps, writes } = fakeDeps();

    const dryRun = await importUnits(deps, undefined, { dryRun: true });
    const real = importUnits(deps, undefined, { dryRun: false });

    expect(dryRun.plan.fileIssues).toEqual([M.fileUnreadable]);
    await expect(real).rejects.toMatchObject({ fields: [{ path: 'file', message: M.fileUnreadable }] });
    expect(writes).toEqual([]);
  });
});
