import type { Writable } from "node:stream";
import { chineseDate } from "../domain/notice-form";
import type { NoticeDocument } from "./notices.server";
import { gradeLegend, noticeSections, paragraphsOf, rankingHeader, rankingRow } from "./notice-text.server";
import { finish, MARGIN, newDoc, Table, type Column, type Doc } from "./results-export/pdf.server";

/**
 * The 通报 as a PDF (pdfkit, the embedded CJK font of the ranking report): the same text and
 * tables as the .docx — issuing-body mark and red rule, 文号, title, body, per-category ranking
 * tables (header repeated on each page), 落款 and date, page numbers.
 */

const RED = "#c00000";

function paragraph(doc: Doc, text: string, opts: { indent?: boolean; size?: number } = {}): void {
  doc.x = MARGIN;
  doc.fontSize(opts.size ?? 12).fillColor("#000").text(text, { width: doc.page.width - 2 * MARGIN, indent: opts.indent === false ? 0 : 24, lineGap: 4, align: "justify" });
  doc.moveDown(0.3);
}

function columnsOf(doc: Doc, header: string[]): Column[] {
  const fixed: Column[] = [
    { title: header[0], width: 32, align: "center" },
    { title: header[1], width: 110 },
    { title: header[2], width: 46, align: "right" },
    { title: header[3], width: 46, align: "center" },
  ];
  const rest = header.slice(4);
  const left = doc.page.width - 2 * MARGIN - fixed.reduce((s, c) => s + c.width, 0);
  return [...fixed, ...rest.map((title) => ({ title, width: Math.floor(left / Math.max(1, rest.length)), align: "right" as const }))];
}

export async function writeNoticePdf(notice: NoticeDocument, stream: Writable): Promise<void> {
  const doc = newDoc(notice.title);
  doc.moveDown(1);
  doc.fontSize(26).fillColor(RED).text(`${notice.issuingBody}文件`, { align: "center" });
  doc.moveDown(0.6);
  doc.fontSize(12).fillColor("#000").text(notice.docNumber, { align: "center" });
  const y = doc.y + 6;
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(1.5).strokeColor(RED).stroke();
  doc.y = y + 24;
  doc.fontSize(18).fillColor("#000").text(notice.title, MARGIN, doc.y, { align: "center", width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.8);
  paragraph(doc, "各有关单位：", { indent: false });
  for (const p of paragraphsOf(notice.opening)) paragraph(doc, p);
  for (const s of noticeSections(notice)) {
    doc.moveDown(0.3);
    paragraph(doc, s.heading);
    if (s.kind === "text") {
      for (const p of s.paragraphs) paragraph(doc, p);
      continue;
    }
    paragraph(doc, gradeLegend(notice));
    for (const [i, c] of notice.categories.entries()) {
      paragraph(doc, `（${"一二三四五六七八九十"[i] ?? i + 1}）${c.category}（${c.units.length}个单位）`);
      doc.x = MARGIN;
      const table = new Table(doc, columnsOf(doc, rankingHeader(notice)));
      table.header();
      for (const u of c.units) table.row(rankingRow(u));
      doc.moveDown(0.8);
    }
  }
  doc.moveDown(1.5);
  const right = { width: doc.page.width - 2 * MARGIN - 48, align: "right" as const };
  doc.x = MARGIN;
  doc.fontSize(12).fillColor("#000").text(notice.issuingBody, MARGIN, doc.y, right);
  doc.text(chineseDate(notice.issuedOn), MARGIN, doc.y, right);
  doc.moveDown(1.5);
  doc.fontSize(8).fillColor("#555").text(`本通报依据${notice.year}年度考核定稿结果，评估数据包 SHA-256：${notice.packageSha256}`, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  await finish(doc, stream);
}
