import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Writable } from "node:stream";
import PDFDocument from "pdfkit";
import type { UnitResult } from "../../../scoring";
import { bonusGateRule } from "../../domain/bonus-gate";
import { fmt, KIND_LABELS, readableExplain, selfLeafText, type SelfLeaf } from "../../domain/results-view";
import { formatBeijingTime } from "../../utils/beijing-time";
import { unitSummaries } from "../results.server";
import { leavesOfCategory, type ExportSource } from "./source.server";
import { categorySettingLines, partVetoes, penaltyText } from "./rule-content";

/**
 * PDF reports (pdfkit): the ranking report and a unit's score card. Chinese text uses Noto Sans
 * Hans from the npm package @embedpdf/fonts-sc, embedded as a subset (pdfkit embeds only the
 * glyphs used, with a ToUnicode map), so the PDF renders on any machine and its text can be
 * extracted and searched.
 */

let fontCache: Buffer | null = null;

export function cjkFont(): Buffer {
  if (!fontCache) {
    const require = createRequire(import.meta.url);
    // The package's entry is dist/index.*; the fonts sit beside dist/.
    const dir = path.dirname(path.dirname(require.resolve("@embedpdf/fonts-sc")));
    fontCache = fs.readFileSync(path.join(dir, "fonts", "NotoSansHans-Regular.otf"));
  }
  return fontCache;
}

export type Doc = PDFKit.PDFDocument;

export const MARGIN = 40;

export function newDoc(title: string): Doc {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, bufferPages: true, info: { Title: title, Creator: "政务公开绩效考核平台" } });
  doc.registerFont("cjk", cjkFont());
  doc.font("cjk");
  return doc;
}

export function finish(doc: Doc, stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("close", resolve);
    stream.once("error", reject);
    doc.pipe(stream);
    // Page numbers on every page (the pages are buffered until now).
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.fontSize(8).fillColor("#555").text(`第 ${i + 1} 页 / 共 ${range.count} 页`, MARGIN, doc.page.height - 28, { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}

export interface Column {
  title: string;
  width: number;
  align?: "left" | "right" | "center";
}

/** The text, shortened with … when it is wider than `width`. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let t = text;
  while (t.length > 1 && doc.widthOfString(`${t}…`) > width) t = t.slice(0, -1);
  return `${t}…`;
}

/** A table whose header row is repeated at the top of every page it runs onto. */
export class Table {
  private readonly rowH = 15;
  constructor(
    private readonly doc: Doc,
    private readonly cols: Column[],
  ) {}

  header(): void {
    const { doc } = this;
    const y = doc.y;
    doc.rect(MARGIN, y - 2, this.width(), this.rowH).fill("#e8eef5");
    doc.fillColor("#000").fontSize(8.5);
    this.cells(this.cols.map((c) => c.title), y);
    doc.y = y + this.rowH;
  }

  row(values: string[]): void {
    const { doc } = this;
    if (doc.y + this.rowH > doc.page.height - MARGIN - 10) {
      doc.addPage();
      this.header();
    }
    const y = doc.y;
    doc.fillColor("#000").fontSize(8.5);
    this.cells(values, y);
    doc.y = y + this.rowH;
  }

  private cells(values: string[], y: number): void {
    let x = MARGIN;
    this.cols.forEach((c, i) => {
      const width = c.width - 4;
      const text = fit(this.doc, values[i] ?? "", width);
      // Aligned by hand: pdfkit's line wrapper (align, ellipsis) is slow for tens of thousands of cells.
      const w = c.align && c.align !== "left" ? this.doc.widthOfString(text) : 0;
      const dx = c.align === "right" ? width - w : c.align === "center" ? (width - w) / 2 : 0;
      this.doc.text(text, x + 2 + dx, y, { lineBreak: false });
      x += c.width;
    });
  }

  width(): number {
    return this.cols.reduce((s, c) => s + c.width, 0);
  }
}

function settingsSummary(source: ExportSource): string {
  const p = source.header;
  return [
    `满分 ${p.scale} 分，${bonusGateRule(p.bonusGate)}，合格线 ${p.passMark} 分，单项否决后计 ${p.vetoScore} 分；`,
    `多名评估员得分取${p.reconcile === "median" ? "中位数" : "平均值"}；政务公开占年度绩效 ${p.opennessWeightPct}%。`,
    ...categorySettingLines(p).map(([category, text]) => `${category}：${text}。`),
  ].join("");
}

function titleBlock(doc: Doc, source: ExportSource, title: string): void {
  doc.fontSize(16).fillColor("#000").text(title, { align: "center" });
  doc.moveDown(0.3);
  doc.fontSize(9).fillColor("#333");
  doc.text(`${source.cycle.title}（${KIND_LABELS[source.meta.kind]}，计算于 ${formatBeijingTime(source.meta.computedAt)}）`, { align: "center" });
  doc.text(`评估数据包 SHA-256：${source.meta.packageSha256}`, { align: "center" });
  doc.moveDown(0.5);
}

/** The ranking report: title, cycle, time, settings, grade legend, the ranking table, page numbers. */
export async function writeRankingPdf(source: ExportSource, stream: Writable, opts: { category?: string } = {}): Promise<void> {
  const doc = newDoc(`${source.cycle.title} 排名通报`);
  titleBlock(doc, source, `${source.cycle.year}年度政务公开绩效考核排名`);
  doc.fontSize(9).fillColor("#000").text(`考核设置：${settingsSummary(source)}`);
  doc.text(`等次：${source.header.grades.map((g) => `${g.name}（${g.min}分及以上）`).join("，")}；未达合格线为不合格。`);
  doc.moveDown(0.6);
  const rows = unitSummaries(source.db, source.meta).filter((s) => !opts.category || s.category === opts.category);
  const table = new Table(doc, [
    { title: "排名", width: 34, align: "right" },
    { title: "类别内", width: 38, align: "right" },
    { title: "单位名称", width: 150 },
    { title: "类别", width: 70 },
    { title: "总分", width: 44, align: "right" },
    { title: "基础分", width: 44, align: "right" },
    { title: "加分", width: 34, align: "right" },
    { title: "等次", width: 40, align: "center" },
    { title: "绩效贡献", width: 61, align: "right" },
  ]);
  table.header();
  for (const s of rows) {
    table.row([String(s.rank), String(s.categoryRank), s.name, s.category, fmt(s.total), fmt(s.base), fmt(s.bonus), s.vetoed ? `${s.grade}（否决）` : s.grade, fmt(s.contribution)]);
  }
  await finish(doc, stream);
}

export interface CardExtras {
  /** Self-assessment leaf scores (leaf id → the department's own score, null when it gave no answer), when the unit submitted one. */
  self?: Record<string, SelfLeaf | null> | null;
  selfTotal?: number | null;
  /** The evaluators' reasons per leaf id. */
  reasons?: Record<string, { by: string; text: string }[]>;
  /** Spot-check findings on the unit, named in the explanations by their source (抽查发现#id). */
  findings?: { source: string; code: string; name: string; kind: string; description: string; foundOn: string }[];
}

/** The 政务公开 weight of a unit's category: its own, else the cycle's. */
function weightOf(source: ExportSource, category: string): number {
  return source.header.indicatorSets.find((s) => s.category === category)?.opennessWeightPct ?? source.header.opennessWeightPct;
}

/** A unit's score card: headline figures, every leaf with its maximum, self and final score, and every lost point with its reason. */
export async function writeScoreCardPdf(source: ExportSource, result: UnitResult, extras: CardExtras, stream: Writable): Promise<void> {
  const doc = newDoc(`${result.name} 得分明细`);
  titleBlock(doc, source, `${result.name} 政务公开考核得分明细`);
  doc.fontSize(10).fillColor("#000");
  doc.text(
    `总分 ${fmt(result.total)}（基础分 ${fmt(result.base)}，加分 ${fmt(result.bonus)}${result.penalty ? `，扣分项 −${fmt(result.penalty)}` : ""}），等次：${result.grade}${result.pass ? "" : "（不合格）"}；` +
      `总排名第 ${result.rank} 名，${result.category}第 ${result.categoryRank} 名；年度绩效贡献 ${fmt(result.contribution)} 分（按${weightOf(source, result.category)}%权重）` +
      (extras.selfTotal != null ? `；自评 ${fmt(extras.selfTotal)} 分。` : "。"),
  );
  if (result.vetoReasons.length > 0) doc.fillColor("#b00").text(`单项否决：${result.vetoReasons.join("；")}`).fillColor("#000");
  for (const v of partVetoes(source.header, result)) doc.fillColor("#b00").text(`部分否决：${v.leafName}（${v.explain}），“${v.partName}”部分按0分计`).fillColor("#000");
  const penalty = penaltyText(result);
  if (penalty !== null) doc.fillColor("#8a1c1c").text(`扣分项（倒扣分）：${penalty}`).fillColor("#000");
  doc.moveDown(0.3);
  doc.fontSize(8.5).fillColor("#333").text(readableExplain(result.explain));
  doc.moveDown(0.6);
  const names = leavesOfCategory(source.header, result.category);
  const table = new Table(doc, [
    { title: "指标", width: 230 },
    { title: "满分", width: 50, align: "right" },
    { title: "自评", width: 50, align: "right" },
    { title: "得分", width: 50, align: "right" },
    { title: "失分", width: 50, align: "right" },
    { title: "说明", width: 85 },
  ]);
  table.header();
  for (const [id, leaf] of Object.entries(result.leaves)) {
    const loss = leaf.na ? 0 : Math.round((leaf.max - leaf.score) * 100) / 100;
    table.row([`${id} ${names.get(id)?.name ?? ""}${names.get(id)?.part === "penalty" ? "（扣分项）" : ""}`, fmt(leaf.max), selfLeafText(extras.self?.[id] ?? null), leaf.na ? "不适用" : fmt(leaf.score), loss > 0 ? fmt(loss) : "", loss > 0 ? "见下方原因" : ""]);
    if (loss > 0 || leaf.divergent) {
      const width = table.width() - 24;
      const explain = readableExplain(leaf.explain);
      if (doc.y + doc.heightOfString(explain, { width }) > doc.page.height - MARGIN - 10) {
        doc.addPage();
        table.header();
      }
      const said = (extras.reasons?.[id] ?? []).map((x) => `；评估说明（${x.by}）：${x.text}`).join("");
      doc.fontSize(8).fillColor("#8a1c1c").text(`失分原因：${explain}${said}`, MARGIN + 20, doc.y, { width });
      doc.moveDown(0.2);
      doc.x = MARGIN;
    }
  }
  if (extras.findings && extras.findings.length > 0) {
    doc.moveDown(0.6);
    doc.x = MARGIN;
    doc.fontSize(11).fillColor("#000").text("抽查发现");
    doc.fontSize(8.5);
    for (const f of extras.findings) doc.text(`${f.source}（${f.foundOn}，${f.code} ${f.name}，${f.kind}）：${f.description}`, { width: doc.page.width - 2 * MARGIN });
  }
  await finish(doc, stream);
}
