import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { briefingDocument } from '../../../../functions/domain/briefings/document';
import { writeDocx } from '../../../../functions/platform/docx';
import { aGoldenBriefing } from '../../../fixtures/briefings';

/**
 * The briefing golden test: the golden week's fixed data → the DOCX, read back with a reader other than the
 * writer (jszip and the document's XML), and each figure looked for in its section and its table row.
 */

type Block = { kind: 'p'; text: string } | { kind: 'table'; rows: string[][] };

const textOf = (xml: string) =>
  [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)]
    .map((m) => (m[0] === '<w:tab/>' ? '\t' : m[1]!))
    .join('')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The body of word/document.xml as paragraphs and tables, in order. */
async function readDocx(bytes: Uint8Array): Promise<Block[]> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const body = xml.slice(xml.indexOf('<w:body>'), xml.indexOf('</w:body>'));
  return [...body.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g)].map(([part]) =>
    part.startsWith('<w:tbl>')
      ? { kind: 'table', rows: [...part.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([row]) => [...row.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([cell]) => textOf(cell))) }
      : { kind: 'p', text: textOf(part) },
  );
}

/** The blocks from a heading up to the next section heading. */
function section(blocks: Block[], heading: string): Block[] {
  const start = blocks.findIndex((b) => b.kind === 'p' && b.text === heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = blocks.findIndex((b, i) => i > start && b.kind === 'p' && /^[一二三四五六七八九]、/.test(b.text));
  return blocks.slice(start + 1, next === -1 ? undefined : next);
}
const tables = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'table' ? [b.rows] : []));
const paragraphs = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'p' && b.text ? [b.text] : []));

describe('writeDocx (the briefing golden test)', async () => {
  const blocks = await readDocx(await writeDocx(briefingDocument(aGoldenBriefing(), 'zh-CN')));

  it('heads the document as a 简报: title, issue number, office and date in CST, the week', () => {
    // assert
    expect(paragraphs(blocks).slice(0, 5)).toEqual([
      '评议工作简报',
      '第37期',
      '评议工作领导小组办公室\t2026年11月30日',
      '统计时段：2026-11-23 至 2026-11-29（北京时间）',
      '数据截至 2026-11-30 00:00:00',
    ]);
  });

  it('gives the new ratings, and the rises and falls of score with the units named', () => {
    // act
    const ratings = section(blocks, '一、评议情况');

    // assert
    expect(paragraphs(ratings)).toContain('本期新增有效评价 110 条，涉及评议期 1 个。');
    const [periods, risers, fallers] = tables(ratings);
    expect(periods).toEqual([
      ['评议期', '新增评价', '有效评价（N）', '参评单位'],
      ['2026年度社会评议', '110', '460', '4'],
    ]);
    expect(risers).toEqual([
      ['单位', '综合得分', '较上期', '满意率', '有效评价（N）'],
      ['区税务局', '88.50', '+3.50', '95.00%', '130'],
    ]);
    expect(fallers?.slice(1)).toEqual([
      ['政务服务中心', '86.25', '-3.75', '93.00%', '260'],
      ['住房和城乡建设局', '78.40', '-3.60', '88.00%', '62'],
    ]);
  });

  it('names the unit below threshold, with the thresholds', () => {
    // act
    const below = section(blocks, '二、低于标准的单位');

    // assert
    expect(paragraphs(below)[0]).toBe('综合得分低于 80 分或满意率低于 90.00% 的单位共 1 个（样本不足的单位不作评判）。');
    expect(tables(below)[0]?.slice(1)).toEqual([['住房和城乡建设局', '78.40', '-3.60', '88.00%', '62']]);
  });

  it('gives the cases received, closed and overdue, and each KPI with numerator and denominator', () => {
    // act
    const cases = section(blocks, '三、来件办理');

    // assert
    expect(paragraphs(cases)).toEqual([
      '本期受理来件 3 件，办结 2 件；截至统计时点逾期未办结 1 件。',
      '以下指标按 2026-01-01 至 2026-11-29 受理的来件累计计算：',
    ]);
    expect(tables(cases)[0]).toEqual([
      ['指标', '分子', '分母', '比率'],
      ['办结率', '2', '4', '50.00%'],
      ['按时办结率', '1', '2', '50.00%'],
      ['满意率', '1', '1', '100.00%'],
      ['回访率', '1', '2', '50.00%'],
      ['重办率', '1', '2', '50.00%'],
      ['回退率', '0', '4', '0.00%'],
      ['差评整改率', '1', '1', '100.00%'],
    ]);
  });

  it('lists the repeat complaint', () => {
    // assert
    expect(tables(section(blocks, '四、重复投诉'))[0]?.slice(1)).toEqual([['住房和城乡建设局', '投诉或举报', '2']]);
  });

  it("gives the ledger's progress and 整改完成率", () => {
    // act
    const ledger = section(blocks, '五、整改台账进展');

    // assert
    expect(paragraphs(ledger)[0]).toBe(
      '台账问题共 6 个，其中列入台账 5 个，已销号 3 个，整改中 2 个（逾期 1 个）；本期新增 2 个，本期销号 1 个；整改完成率 60.00%（3/5）。',
    );
    expect(tables(ledger)[0]?.[1]).toEqual(['6', '5', '3', '2', '1', '2', '1', '60.00%']);
  });

  it("carries the supervisor's narrative in its sections", () => {
    // assert
    expect(paragraphs(section(blocks, '六、典型经验'))).toEqual(['区税务局推行周六延时服务，排队时间明显缩短。']);
    expect(paragraphs(section(blocks, '七、发现问题'))).toEqual(['住建局两件投诉反映同一小区维修资金问题。']);
    expect(paragraphs(section(blocks, '八、下一步工作'))).toEqual(['督促住建局于12月10日前答复。']);
  });

  it('marks a draft as unnumbered, and writes English when asked', async () => {
    // act
    const draft = await readDocx(await writeDocx(briefingDocument(aGoldenBriefing({ state: 'draft', number: undefined, publishedAt: undefined }), 'en')));

    // assert
    expect(paragraphs(draft).slice(0, 2)).toEqual(['Evaluation Work Briefing', '(Draft: numbered when published)']);
    expect(paragraphs(draft)).toContain('110 new valid ratings in 1 evaluation period(s).');
  });
});
