import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  TabStopType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { BriefingDocument, DocumentTable } from '../domain/briefings/document';

/**
 * Writes a briefing's document (domain/briefings/document.ts) as a Word file with the `docx` package, laid
 * out the way government offices exchange a 简报 (GB/T 9704 in spirit): A4 with the standard margins, the
 * title in red 小标宋 centred, 第N期 under it, the issuing office and the date (CST) on one line above a red
 * rule, then the sections — 黑体 headings, 仿宋 text with a two-character indent, and bordered tables of
 * figures. Fonts fall back to what the reader's Word has.
 */

const RED = 'C00000';
/** Half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt. */
const SIZE = { title: 44, number: 32, body: 32, heading: 32, table: 24, small: 24 } as const;
const FONT = { title: '方正小标宋简体', heading: '黑体', body: '仿宋_GB2312', number: '楷体_GB2312' } as const;
/** A4 in twips, with GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. */
const PAGE = { width: 11906, height: 16838, margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } as const;
const TEXT_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;

const run = (text: string, font: string, size: number, extra: IRunOptions = {}) => new TextRun({ text, font: { name: font, eastAsia: font }, size, ...extra });

function table(t: DocumentTable): Table {
  const width = Math.floor(TEXT_WIDTH / t.columns.length);
  const cell = (text: string, header: boolean, first: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      children: [new Paragraph({ alignment: first ? AlignmentType.LEFT : AlignmentType.CENTER, children: [run(text, header ? FONT.heading : FONT.body, SIZE.table, { bold: header })] })],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: t.columns.map(() => width),
    rows: [
      new TableRow({ tableHeader: true, children: t.columns.map((c, i) => cell(c, true, i === 0)) }),
      ...t.rows.map((r) => new TableRow({ children: r.map((c, i) => cell(c, false, i === 0)) })),
    ],
  });
}

/** The DOCX bytes of a briefing's document. */
export async function writeDocx(doc: BriefingDocument): Promise<Uint8Array> {
  const body = (text: string) => new Paragraph({ indent: { firstLine: 640 }, spacing: { line: 560 }, children: [run(text, FONT.body, SIZE.body)] });
  const children: (Paragraph | Table)[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [run(doc.title, FONT.title, SIZE.title, { color: RED, bold: true })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [run(doc.number, FONT.number, SIZE.number)] }),
    new Paragraph({
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
      border: { bottom: { color: RED, style: BorderStyle.SINGLE, size: 18, space: 4 } },
      children: [run(doc.office, FONT.body, SIZE.small), run(`\t${doc.date}`, FONT.body, SIZE.small)],
    }),
    new Paragraph({ spacing: { before: 200 }, children: [run(doc.window, FONT.body, SIZE.small)] }),
    new Paragraph({ spacing: { after: 200 }, children: [run(doc.asOf, FONT.body, SIZE.small)] }),
  ];
  for (const section of doc.sections) {
    children.push(new Paragraph({ spacing: { before: 240, after: 120 }, children: [run(section.heading, FONT.heading, SIZE.heading)] }));
    for (const block of section.blocks) {
      if (block.kind === 'paragraph') children.push(body(block.text));
      else children.push(table(block.table), new Paragraph({ children: [] }));
    }
  }
  const document = new Document({
    title: `${doc.title} ${doc.number}`,
    creator: doc.office,
    sections: [{ properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: PAGE.margin } }, children }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
