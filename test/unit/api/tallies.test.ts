import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as download } from '../../../functions/api/evaluation/download-tallies';
import { handler as downloadXlsx } from '../../../functions/api/evaluation/download-tallies-xlsx';
import { handler as list } from '../../../functions/api/evaluation/list-tallies';
import { PeriodTally } from '../../../functions/domain/evaluation/tally';
import { ZTallyReport } from '../../../functions/domain/evaluation/tally-report';
import { DURING_PERIOD, aForm, aFormVersion, aPeriod, aResponse, aUnit, aUnitWithId, anAllUnitsContent, openBallotOf, someGroups } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { readXlsxParts, recordsOf } from '../../fixtures/xlsx';
import { tallyItem, tallyRunItem } from '../../fixtures/items';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, fakeTables, type FakeTables } from './fake-tables';

/**
 * The tally report of an all-units form rated on four dimensions (服务态度 0.3, 办事效率 0.3, 廉洁自律 0.2,
 * 政策落实 0.2), from two responses:
 * - a citizen: tax-bureau 非常满意 / 满意 / 不了解 / 不满意, service-centre 不了解 throughout;
 * - an enterprise: tax-bureau 满意 on every dimension, service-centre 基本满意 on every dimension.
 * quiet-unit is on the form but was never rated. The period's minimum sample is 2.
 */
const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;

const content = anAllUnitsContent({ unitIds: ['tax-bureau', 'service-centre', 'quiet-unit'] });
const version = aFormVersion({ content });
const period = aPeriod({ minSample: 2 });
const dims = (attitude: string, efficiency: string, integrity: string, policy: string) => ({
  evaluation: { attitude, efficiency, integrity, policy },
});
const RESPONSES = [
  aResponse({
    ...openBallotOf('00000000-0000-4000-8000-000000000001'),
    group: 'citizen',
    answers: { group: 'citizen' },
    units: {
      'tax-bureau': dims('verySatisfied', 'satisfied', 'dontKnow', 'dissatisfied'),
      'service-centre': dims('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow'),
      'quiet-unit': dims('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow'),
    },
  }),
  aResponse({
    ...openBallotOf('00000000-0000-4000-8000-000000000002'),
    group: 'enterprise',
    answers: { group: 'enterprise' },
    units: {
      'tax-bureau': dims('satisfied', 'satisfied', 'satisfied', 'satisfied'),
      'service-centre': dims('basicallySatisfied', 'basicallySatisfied', 'basicallySatisfied', 'basicallySatisfied'),
      'quiet-unit': dims('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow'),
    },
  }),
];

beforeEach(() => {
  ddb.reset();
  tables = fakeTables(ddb);
  storeDistrict(
    tables,
    aDistrict({
      units: [aUnit(), aUnitWithId('service-centre', { name: { 'zh-CN': '区政务服务中心, "一站式"', en: 'Service Centre' } }), aUnitWithId('quiet-unit')],
      period,
      form: aForm({ draft: content }),
      versions: [version],
    }),
  );
  const tally = new PeriodTally(period, { groups: someGroups(), appeals: [], batchReviews: [] });
  for (const response of RESPONSES) tally.add({ ok: true, response }, version);
  const { run, tallies } = tally.result(DURING_PERIOD);
  // quiet-unit's tally is left out, as if the tally had not reached it yet.
  tables.put(UNIT_TABLE.tallies, tallyRunItem(run), ...tallies.filter((t) => t.unitId !== 'quiet-unit').map(tallyItem));
});

const params = { periodId: '2026-annual' };

describe('listTallies handler', () => {
  it("gives a supervisor every unit of the period's forms with its figures, per group and per dimension", async () => {
    // act
    const res = await list(httpEvent('listTallies', { params, claims: staffClaims('supervisor') }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    const report = ZTallyReport.parse(JSON.parse(String(res.body)));
    expect(report.run).toMatchObject({ periodId: '2026-annual', ballots: 2 });
    expect(report.rows.map((r) => [r.unit.unitId, r.tally?.n ?? null, r.rank, r.unranked])).toEqual([
      ['tax-bureau', 2, 1, null],
      ['service-centre', 1, null, 'insufficientSample'],
      ['quiet-unit', null, null, 'noTally'],
    ]);
    expect(report.dimensions.map((d) => d.label['zh-CN'])).toEqual(['服务态度', '办事效率', '廉洁自律', '政策落实']);
    const tax = report.rows[0]!.tally!;
    expect(tax).toMatchObject({ ratings: 7, badReviews: 1, counts: { verySatisfied: 1, satisfied: 5, dissatisfied: 1 } });
    expect(tax.satisfactionRate).toBeCloseTo(6 / 7, 12);
    // citizen: (0.3 × 100 + 0.3 × 80 + 0.2 × 0) / 0.8 (integrity 不了解 leaves it out); enterprise: 80
    expect(tax.groupScores).toEqual({ citizen: { n: 1, score: 67.5 }, enterprise: { n: 1, score: 80 } });
    expect(tax.compositeScore).toBeCloseTo((0.5 * 67.5 + 0.3 * 80) / 0.8, 12);
  });

  it('answers 404 for an unknown period', async () => {
    // act
    const res = await list(httpEvent('listTallies', { params: { periodId: 'nope' }, claims: staffClaims('admin') }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(404);
  });
});

describe('downloadTallies handler', () => {
  const csvOf = (body: string) => {
    const [header, ...rows] = parse(body, { bom: true }) as string[][];
    return { header: header!, row: (unitId: string) => Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[0] === unitId)![i]])) };
  };

  it('sends CSV with a UTF-8 BOM and CRLF lines, with a column per dimension and the time in China Standard Time', async () => {
    // act
    const res = await download(httpEvent('downloadTallies', { params, claims: staffClaims('supervisor') }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers?.['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('满意度统计-2026-annual.csv')}`);
    const body = String(res.body);
    expect(body.startsWith('\uFEFF单位编号,单位,排名,未排名原因,有效样本数(N)')).toBe(true);
    expect(body.split('\r\n')).toHaveLength(5);
    const { header, row } = csvOf(body);
    for (const label of ['服务态度', '办事效率', '廉洁自律', '政策落实']) {
      expect(header).toEqual(expect.arrayContaining([`${label} N`, `${label} 满意率(%)`, `${label} 得分`]));
    }
    expect(row('tax-bureau')).toMatchObject({
      单位: '区税务局',
      排名: '1',
      未排名原因: '',
      '有效样本数(N)': '2',
      '服务态度 N': '2',
      '服务态度 得分': '90.00',
      '廉洁自律 N': '1',
      '政策落实 满意率(%)': '50.00',
      '满意率(%)': '85.71',
      差评数: '1',
      '类别citizen 得分': '67.50',
      综合得分: '72.19',
      样本不足: '否',
      '计算时间(北京时间)': '2026-06-15 10:00:00',
    });
    expect(row('service-centre')).toMatchObject({ 单位: '区政务服务中心, "一站式"', 排名: '', 未排名原因: '样本不足', '全部不了解的答卷数': '1', '服务态度 得分': '60.00', 样本不足: '是' });
    expect(row('quiet-unit')).toMatchObject({ 排名: '', 未排名原因: '尚无统计结果' });
    expect(Object.values(row('quiet-unit')).slice(4).every((cell) => cell === '')).toBe(true);
  });

  it('speaks English when asked', async () => {
    // act
    const res = await download(
      httpEvent('downloadTallies', { params, claims: staffClaims('admin'), headers: { 'accept-language': 'en' } }),
      lambdaContext(),
    );

    // assert
    expect(res.headers?.['content-disposition']).toContain('filename="tallies-2026-annual.csv"');
    const { header, row } = csvOf(String(res.body));
    expect(header.slice(0, 5)).toEqual(['Unit ID', 'Unit', 'Rank', 'Not ranked because', 'Responses counted (N)']);
    expect(header).toEqual(expect.arrayContaining(['Attitude N', 'Attitude Satisfaction rate (%)', 'Attitude score']));
    expect(row('tax-bureau')).toMatchObject({ Unit: 'District Tax Bureau', 'Computed at (China Standard Time)': '2026-06-15 10:00:00' });
  });
});

describe('downloadTalliesXlsx handler', () => {
  it('sends an XLSX workbook, base64-encoded for API Gateway, whose numbers are the JSON report\'s', async () => {
    // act
    const res = await downloadXlsx(httpEvent('downloadTalliesXlsx', { params, claims: staffClaims('supervisor') }), lambdaContext());
    const json = ZTallyReport.parse(JSON.parse(String((await list(httpEvent('listTallies', { params, claims: staffClaims('supervisor') }), lambdaContext())).body)));

    // assert
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(true);
    expect(res.headers?.['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers?.['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('满意度统计-2026-annual.xlsx')}`);
    const sheets = await readXlsxParts(Buffer.from(String(res.body), 'base64'));
    const units = recordsOf(sheets.get('单位排名')!);
    expect(units.map((u) => u.单位编号)).toEqual(json.rows.map((r) => r.unit.unitId));
    for (const [i, row] of json.rows.entries()) {
      expect(units[i]).toMatchObject({
        排名: row.rank,
        综合得分: row.tally?.compositeScore ?? null,
        满意率: row.tally?.satisfactionRate ?? null,
        '满意率95%置信下限': row.tally?.satisfactionInterval?.low ?? null,
        '满意率95%置信上限': row.tally?.satisfactionInterval?.high ?? null,
        '有效样本数(N)': row.tally?.n ?? null,
      });
    }
    const tax = json.rows[0]!.tally!;
    expect(recordsOf(sheets.get('各维度')!).filter((d) => d.单位编号 === 'tax-bureau').map((d) => [d['有效评价数(N)'], d.得分])).toEqual(
      tax.dimensions.map((d) => [d.n, d.score]),
    );
  });

  it('speaks English when asked', async () => {
    // act
    const res = await downloadXlsx(
      httpEvent('downloadTalliesXlsx', { params, claims: staffClaims('admin'), headers: { 'accept-language': 'en' } }),
      lambdaContext(),
    );

    // assert
    expect(res.headers?.['content-disposition']).toContain('filename="tallies-2026-annual.xlsx"');
    const sheets = await readXlsxParts(Buffer.from(String(res.body), 'base64'));
    expect([...sheets.keys()]).toEqual(['Ranking', 'Dimensions', 'Respondent groups', 'Not counted', 'About']);
  });

  it('answers 404 for an unknown period', async () => {
    // act
    const res = await downloadXlsx(httpEvent('downloadTalliesXlsx', { params: { periodId: 'nope' }, claims: staffClaims('supervisor') }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(404);
    expect(res.isBase64Encoded).toBeUndefined();
  });
});
