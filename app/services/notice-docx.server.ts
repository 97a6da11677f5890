import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from "docx";
import { chineseDate } from "../domain/notice-form";
import type { NoticeDocument } from "./notices.server";
import { gradeLegend, noticeSections, paragraphsOf, rankingHeader, rankingRow } from "./notice-text.server";

/**
 * The 通报 as a Word document (the `docx` package; opens in WPS and Word), laid out after GB/T 9704
 * (党政机关公文格式): red issuing-body mark, 文号, red rule, title, addressees, body in 仿宋 三号
 * with headings in 黑体, per-category ranking tables (header row repeated on each page), 落款 and
 * date on the right, page numbers at the foot.
 */

const RED = "C00000";
const FONT_TITLE = { ascii: "Times New Roman", eastAsia: "方正小标宋简体", hAnsi: "Times New Roman" };
const FONT_BODY = { ascii: "Times New Roman", eastAsia: "仿宋_GB2312", hAnsi: "Times New Roman" };
const FONT_HEAD = { ascii: "Times New Roman", eastAsia: "黑体", hAnsi: "Times New Roman" };
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 小五 9 pt. */
const SIZE = { mark: 60, title: 44, body: 32, table: 18 } as const;
/** The text width of the page (A4 less the margins below), in twips. */
const TEXT_WIDTH = 11906 - 1588 - 1474;
/** Widths of 名次, 单位名称, 总分, 等次 in twips; the dimension columns share the rest. */
const FIXED_COLUMNS = [620, 2300, 760, 900];
/** Two characters of 三号 as a first-line indent, in twips. */
const INDENT = 640;

const body = (text: string) =>
  new Paragraph({ indent: { firstLine: INDENT }, spacing: { line: 560 }, alignment: AlignmentType.JUSTIFIED, children: [new TextRun({ text, font: FONT_BODY, size: SIZE.body })] });

const heading = (text: string) => new Paragraph({ indent: { firstLine: INDENT }, spacing: { line: 560 }, children: [new TextRun({ text, font: FONT_HEAD, size: SIZE.body })] });

const subheading = (text: string) => new Paragraph({ indent: { firstLine: INDENT }, spacing: { line: 560 }, children: [new TextRun({ text, font: FONT_BODY, size: SIZE.body, bold: true })] });

function cell(text: string, width: number, opts: { header?: boolean; align?: "left" | "center" | "right" } = {}): TableCell {
  const alignment = opts.align === "right" ? AlignmentType.RIGHT : opts.align === "left" ? AlignmentType.LEFT : AlignmentType.CENTER;
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    shading: opts.header ? { fill: "E7EEF6" } : undefined,
    children: [new Paragraph({ alignment, children: [new TextRun({ text, font: opts.header ? FONT_HEAD : FONT_BODY, size: SIZE.table })] })],
  });
}

function rankingTable(doc: NoticeDocument, units: NoticeDocument["categories"][number]["units"]): Table {
  const head = rankingHeader(doc);
  const fixed = FIXED_COLUMNS.reduce((a, b) => a + b, 0);
  const dims = head.length - FIXED_COLUMNS.length;
  const columnWidths = [...FIXED_COLUMNS, ...Array.from({ length: dims }, () => Math.floor((TEXT_WIDTH - fixed) / Math.max(1, dims)))];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths,
    margins: { left: 40, right: 40 },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: head.map((h, i) => cell(h, columnWidths[i], { header: true })) }),
      ...units.map(
        (u) => new TableRow({ cantSplit: true, children: rankingRow(u).map((v, i) => cell(v, columnWidths[i], { align: i === 1 ? "left" : i >= 2 && i !== 3 ? "right" : "center" })) }),
      ),
    ],
  });
}

export async function noticeDocx(doc: NoticeDocument): Promise<Buffer> {
  const sections = noticeSections(doc);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 600, after: 400 }, children: [new TextRun({ text: `${doc.issuingBody}文件`, font: FONT_TITLE, size: SIZE.mark, color: RED })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: doc.docNumber, font: FONT_BODY, size: SIZE.body })] }),
    new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } }, spacing: { after: 600 }, children: [] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { line: 700, after: 400 }, children: [new TextRun({ text: doc.title, font: FONT_TITLE, size: SIZE.title })] }),
    new Paragraph({ spacing: { line: 560 }, children: [new TextRun({ text: "各有关单位：", font: FONT_BODY, size: SIZE.body })] }),
    ...paragraphsOf(doc.opening).map(body),
  ];
  for (const s of sections) {
    children.push(heading(s.heading));
    if (s.kind === "results") {
      children.push(body(gradeLegend(doc)));
      for (const [i, c] of doc.categories.entries()) {
        children.push(subheading(`（${"一二三四五六七八九十"[i] ?? i + 1}）${c.category}（${c.units.length}个单位）`));
        children.push(rankingTable(doc, c.units));
        children.push(new Paragraph({ children: [] }));
      }
    } else {
      for (const p of s.paragraphs) children.push(body(p));
    }
  }
  children.push(
    new Paragraph({ spacing: { before: 600, line: 560 }, alignment: AlignmentType.RIGHT, indent: { right: INDENT * 2 }, children: [new TextRun({ text: doc.issuingBody, font: FONT_BODY, size: SIZE.body })] }),
    new Paragraph({ spacing: { line: 560 }, alignment: AlignmentType.RIGHT, indent: { right: INDENT * 2 }, children: [new TextRun({ text: chineseDate(doc.issuedOn), font: FONT_BODY, size: SIZE.body })] }),
    new Paragraph({
      spacing: { before: 400 },
      children: [new TextRun({ text: `本通报依据${doc.year}年度考核定稿结果，评估数据包 SHA-256：${doc.packageSha256}`, font: FONT_BODY, size: SIZE.table, color: "555555" })],
    }),
  );
  const document = new Document({
    creator: "政务公开绩效考核平台",
    title: doc.title,
    styles: { default: { document: { run: { font: FONT_BODY, size: SIZE.body } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: FONT_BODY, size: 28 })] })],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
