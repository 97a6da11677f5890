import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { DIMENSION_KEYS, DIMENSIONS, type Dimension } from "../../../scoring";
import { bonusGateRule } from "../../domain/bonus-gate";
import { escapeCell } from "../../domain/cell-escape";
import { formatBeijingTime } from "../../utils/beijing-time";
import { KIND_LABELS, readableExplain, hasPenaltyPart } from "../../domain/results-view";
import { LossAnalysis, type CategoryLoss } from "../../domain/loss-analysis";
import { lossDefinitions, lossUnit, unitDeductions } from "../loss-analysis.server";
import { unitResultChunks, unitSummaries } from "../results.server";
import { categoryLeaves, type ExportSource, type HeaderLeaf } from "./source.server";
import { categorySettingLines, designatedSourceLines, partVetoes, penaltyText } from "./rule-content";

/**
 * The results workbook (exceljs streaming writer, so 10 000 units × 110 columns never sit in
 * memory): 排名 (first), 分项得分-<category> (one sheet per unit category: unit × that category's
 * leaves, with a points header), 维度得分, 扣分明细 (every
 * lost point with the engine's explanation, which names each fault, finding, arbitration and
 * appeal), 失分分析 (per category and indicator: units losing points, average loss, most frequent
 * problems — counted while 扣分明细 reads the units), 说明 (settings, weights, hashes). Sheets are
 * written one after the other, each row committed as it is made. Every text cell goes through
 * escapeCell (formula injection).
 *
 * Print-ready: every sheet is A4 landscape, fitted to the page width (the ranking and the narrow
 * sheets to one page wide; an item-score sheet to one page per dozen indicators, its unit columns
 * repeated on each), its header rows repeated at the top of every printed page, page numbers in
 * the footer.
 */

const SCORE_FMT = "0.00";
const t = (s: string) => escapeCell(s);

type Sheet = ExcelJS.Worksheet;

/** Indicator columns of an item-score sheet per printed page width. */
const ITEM_COLUMNS_PER_PAGE = 12;

/** Print setup of a sheet: A4 landscape, `pagesWide` pages wide and as many down as needed, `titleRows` (e.g. "1:2") on every page. */
export function printSetup(titleRows: string, pagesWide = 1, titleColumns?: string): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    pageSetup: {
      paperSize: 9,
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: pagesWide,
      fitToHeight: 0,
      printTitlesRow: titleRows,
      ...(titleColumns ? { printTitlesColumn: titleColumns } : {}),
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: "&C第 &P 页，共 &N 页", differentFirst: false, differentOddEven: false },
  };
}

function header(ws: Sheet, cells: string[]): void {
  const row = ws.addRow(cells);
  row.font = { bold: true };
  row.alignment = { vertical: "middle", wrapText: true };
  row.commit();
}

/**
 * Column widths, and which columns hold scores (two-decimal number format). Every data cell gets
 * one of two shared style objects, so exceljs resolves each style once, not once per cell (its
 * style cache is keyed by object identity) — this keeps the styled workbook close to bare speed.
 */
const SCORE_STYLE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: SCORE_FMT });
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});
const WRAP_STYLE: Partial<ExcelJS.Style> = Object.freeze({ alignment: { wrapText: true, vertical: "top" as const } });
const columnStyles = new WeakMap<Sheet, Partial<ExcelJS.Style>[]>();

function columns(ws: Sheet, widths: number[], scoreFrom: number | null, scoreTo = widths.length, opts: { score?: number[]; wrap?: number[] } = {}): void {
  ws.columns = widths.map((width) => ({ width }));
  columnStyles.set(
    ws,
    widths.map((_, i) =>
      (scoreFrom !== null && i >= scoreFrom && i < scoreTo) || opts.score?.includes(i) ? SCORE_STYLE : opts.wrap?.includes(i) ? WRAP_STYLE : PLAIN_STYLE,
    ),
  );
}

function dataRow(ws: Sheet, values: (string | number | null)[]): void {
  const row = ws.addRow(values);
  const styles = columnStyles.get(ws) ?? [];
  row.eachCell((cell, col) => {
    cell.style = styles[col - 1] ?? PLAIN_STYLE;
  });
  row.commit();
}

function lastColumn(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * Let the event loop run between chunks, and wait while the workbook's sheets hold more than
 * MAX_PENDING bytes that the zip compressor has not taken yet: exceljs pipes each sheet into
 * archiver without backpressure (and archiver takes one sheet after the other), so sheets written
 * faster than they are deflated would otherwise sit in memory whole. The server keeps answering
 * other requests meanwhile.
 */
const MAX_PENDING = 1 << 20;

async function breathe(wb: ExcelJS.stream.xlsx.WorkbookWriter): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  let last = pendingBytes(wb);
  // Stop waiting if nothing moves for a second (never wait forever on internals that changed).
  for (let still = 0; last > MAX_PENDING && still < 200; ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = pendingBytes(wb);
    still = now < last ? 0 : still + 1;
    last = now;
  }
}

/** Bytes buffered between the sheets' streams and the zip (exceljs StreamBuf → archiver PassThrough); 0 when unknown. */
function pendingBytes(wb: ExcelJS.stream.xlsx.WorkbookWriter): number {
  type State = { length?: number } | undefined;
  type Pipe = { _writableState?: State; _readableState?: State };
  const sheets = (wb as unknown as { _worksheets?: ({ _stream?: { pipes?: Pipe[] } } | undefined)[] })._worksheets ?? [];
  let n = 0;
  for (const ws of sheets) for (const p of ws?._stream?.pipes ?? []) n += (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0);
  return n;
}

const PART_NOTES: Record<string, string> = { bonus: "（加分项）", veto: "（单项否决）", penalty: "（扣分项，倒扣）" };

/** The categories with units in the results, in the package's set order, with their leaves. */
function itemSheets(pkg: ExportSource["header"], unitsOf: Map<string, Set<number>>): [string, HeaderLeaf[]][] {
  return [...categoryLeaves(pkg)].filter(([category]) => unitsOf.has(category));
}

/**
 * “分项得分-<category>” for each category, made valid sheet names: Excel refuses : \ / ? * [ ] and
 * names over 31 characters; a name shortened onto another one gets a number.
 */
export function itemSheetNames(categories: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const [i, category] of categories.entries()) {
    let name = `分项得分-${category.replace(/[:\\/?*[\]]/g, "_")}`.slice(0, 31);
    if (taken.has(name)) name = `${name.slice(0, 31 - String(i + 1).length - 1)}-${i + 1}`;
    taken.add(name);
    out.set(category, name);
  }
  return out;
}

export async function writeResultsXlsx(source: ExportSource, stream: Writable): Promise<void> {
  const { meta, header: pkg, cycle } = source;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = "政务公开绩效考核平台";
  const summaries = unitSummaries(source.db, meta);
  const dims = DIMENSION_KEYS.filter((k) => summaries.some((s) => s.dimensions[k] !== undefined));

  // 排名
  const rank = wb.addWorksheet("排名", { views: [{ state: "frozen", ySplit: 1 }], ...printSetup("1:1") });
  // A cycle with a 扣分项 (penalty) part shows what it subtracted after 加分.
  const penalty = hasPenaltyPart(pkg);
  const p = penalty ? 1 : 0;
  columns(rank, [8, 10, 12, 28, 14, 10, 10, 10, ...(penalty ? [10] : []), 10, 10, 14, 36], 5, 8 + p, { score: [10 + p] });
  header(rank, ["排名", "类别内排名", "单位编码", "单位名称", "类别", "总分", "基础分", "加分", ...(penalty ? ["扣分项（倒扣）"] : []), "等次", "是否合格", "绩效贡献（分）", "否决原因"]);
  for (const [i, s] of summaries.entries()) {
    if (i % 500 === 499) await breathe(wb);
    dataRow(rank, [
      s.rank,
      s.categoryRank,
      t(s.id),
      t(s.name),
      t(s.category),
      s.total,
      s.base,
      s.bonus,
      ...(penalty ? [s.penalty ?? 0] : []),
      t(s.grade),
      s.pass ? "合格" : "不合格",
      s.contribution,
      t(s.vetoReasons.join("；")),
    ]);
  }
  rank.autoFilter = `A1:${penalty ? "M" : "L"}${summaries.length + 1}`;
  rank.commit();

  // 分项得分: one sheet per category (its own codes, names and maxima; a leaf id means another
  // indicator in another category), two header rows (leaf, points), then one row per unit of the
  // category in ranking order; N/A cells say 不适用.
  const unitsOf = new Map<string, Set<number>>();
  for (const s of summaries) unitsOf.set(s.category, (unitsOf.get(s.category) ?? new Set()).add(s.unitId));
  const sheets = itemSheets(pkg, unitsOf);
  const sheetNames = itemSheetNames(sheets.map(([category]) => category));
  for (const [category, leaves] of sheets) {
    const items = wb.addWorksheet(sheetNames.get(category)!, {
      views: [{ state: "frozen", ySplit: 2, xSplit: 4 }],
      ...printSetup("1:2", Math.max(1, Math.ceil(leaves.length / ITEM_COLUMNS_PER_PAGE)), "A:D"),
    });
    columns(items, [8, 10, 12, 28, ...leaves.map(() => 14)], 4);
    header(items, ["排名", "类别内排名", "单位编码", "单位名称", ...leaves.map((l) => t(`${l.id} ${l.name}${PART_NOTES[l.part] ?? ""}`))]);
    header(items, ["", "", "", "满分", ...leaves.map((l) => l.points)] as string[]);
    let n = 0;
    for (const chunk of unitResultChunks(source.db, meta, 25, unitsOf.get(category))) {
      for (const { result: r } of chunk) {
        const row: (string | number | null)[] = [r.rank, r.categoryRank, t(r.id), t(r.name)];
        for (const l of leaves) {
          const leaf = r.leaves[l.id];
          row.push(!leaf ? null : leaf.na ? "不适用" : leaf.score);
        }
        dataRow(items, row);
        n++;
      }
      await breathe(wb);
    }
    items.autoFilter = `A2:${lastColumn(4 + leaves.length)}${n + 2}`;
    items.commit();
  }

  // 维度得分
  const dimSheet = wb.addWorksheet("维度得分", { views: [{ state: "frozen", ySplit: 1 }], ...printSetup("1:1") });
  columns(dimSheet, [8, 12, 28, 14, ...dims.map(() => 12), 10], 4);
  header(dimSheet, ["排名", "单位编码", "单位名称", "类别", ...dims.map((d) => DIMENSIONS[d as Dimension]), "总分"]);
  for (const [i, s] of summaries.entries()) {
    if (i % 500 === 499) await breathe(wb);
    dataRow(dimSheet, [s.rank, t(s.id), t(s.name), t(s.category), ...dims.map((d) => s.dimensions[d] ?? null), s.total]);
  }
  dimSheet.autoFilter = `A1:${lastColumn(5 + dims.length)}${summaries.length + 1}`;
  dimSheet.commit();

  // 扣分明细: every leaf that lost points (and every veto), with the engine's explanation.
  const lost = wb.addWorksheet("扣分明细", { views: [{ state: "frozen", ySplit: 1 }], ...printSetup("1:1") });
  columns(lost, [12, 28, 14, 10, 30, 10, 10, 10, 80], 5, 8, { wrap: [8] });
  header(lost, ["单位编码", "单位名称", "类别", "指标编码", "指标名称", "满分", "得分", "失分", "扣分原因（评分说明）"]);
  const names = new Map([...categoryLeaves(pkg)].map(([category, list]) => [category, new Map(list.map((l) => [l.id, l.name]))]));
  const losses = new LossAnalysis(lossDefinitions(pkg));
  const deductions = unitDeductions(source.db, meta);
  let m = 0;
  for (const chunk of unitResultChunks(source.db, meta, 25)) {
    for (const { result: r } of chunk) {
      losses.add(lossUnit(r, deductions));
      for (const [id, leaf] of Object.entries(r.leaves)) {
        const loss = Math.round((leaf.max - leaf.score) * 100) / 100;
        if (leaf.na || loss <= 0) continue;
        dataRow(lost, [t(r.id), t(r.name), t(r.category), t(id), t(names.get(r.category)?.get(id) ?? ""), leaf.max, leaf.score, loss, t(readableExplain(leaf.explain))]);
        m++;
      }
      for (const reason of r.vetoReasons) {
        dataRow(lost, [t(r.id), t(r.name), t(r.category), "", "单项否决", null, null, null, t(reason)]);
        m++;
      }
      // A part veto zeroes one part (its leaves above keep their computed scores); the penalty part
      // subtracts its capped sum from the total.
      for (const v of partVetoes(pkg, r)) {
        dataRow(lost, [t(r.id), t(r.name), t(r.category), t(v.leafId), t(`部分否决：“${v.partName}”按0分计`), null, null, null, t(`${v.leafName}：${v.explain}`)]);
        m++;
      }
      const penalty = penaltyText(r);
      if (penalty !== null) {
        dataRow(lost, [t(r.id), t(r.name), t(r.category), "", "扣分项合计（倒扣分）", null, null, r.penalty ?? null, t(penalty)]);
        m++;
      }
    }
    await breathe(wb);
  }
  lost.autoFilter = `A1:I${m + 1}`;
  lost.commit();

  writeLossSheet(wb, losses.result().filter((c) => c.units > 0));

  // 说明
  const about = wb.addWorksheet("说明", printSetup("1:1"));
  columns(about, [24, 90], null);
  const info: [string, string | number][] = [
    ["考核名称", cycle.title],
    ["考核年度", cycle.year],
    ["结果类型", KIND_LABELS[meta.kind]],
    ["计算时间", formatBeijingTime(meta.computedAt)],
    ["评估数据包 SHA-256", meta.packageSha256],
    ["考核结果 SHA-256", meta.resultsSha256],
    ["满分（基础分）", pkg.scale],
    ["加分门槛", bonusGateRule(pkg.bonusGate)],
    ["单项否决后得分", pkg.vetoScore],
    ["合格线", pkg.passMark],
    ["等次", pkg.grades.map((g) => `${g.name}（${g.min}分及以上）`).join("；")],
    ["多名评估员合分方式", pkg.reconcile === "median" ? "中位数" : "平均值"],
    ["分歧阈值", `${Math.round(pkg.divergence * 100)}%`],
    ["政务公开占年度绩效权重", `${pkg.opennessWeightPct}%`],
    ...categorySettingLines(pkg).map(([category, text]): [string, string] => [`${category}类别设置`, text]),
    ...designatedSourceLines(pkg).map(([category, text]): [string, string] => [`${category}指定评分来源`, text]),
  ];
  for (const set of pkg.indicatorSets) {
    info.push([`${set.category}指标权重`, set.indicators.map((i) => `${i.id} ${i.name} ${i.points}分`).join("；")]);
  }
  info.push(["复算方法", `下载“评估数据包”（${pkg.format}），运行 npm run score -- 数据包.json --out 结果.json，所得结果文件与“考核结果”下载逐字节相同。`]);
  header(about, ["项目", "内容"]);
  for (const [k, v] of info) {
    const row = about.addRow([t(k), typeof v === "number" ? v : t(v)]);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    row.commit();
  }
  about.commit();

  await wb.commit();
}

/** 失分分析: one row per analysed indicator of each category, in set order. */
function writeLossSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, analysis: CategoryLoss[]): void {
  const ws = wb.addWorksheet("失分分析", { views: [{ state: "frozen", ySplit: 1 }], ...printSetup("1:1") });
  columns(ws, [14, 10, 30, 8, 10, 10, 12, 10, 10, 50, 10], null, undefined, { score: [3, 6, 7, 8], wrap: [9] });
  header(ws, ["类别", "指标编码", "指标名称", "分值", "参评单位数", "失分单位数", "失分单位占比（%）", "失分合计", "平均失分", "主要问题（单位数）", "抽查发现数"]);
  let n = 0;
  for (const c of analysis) {
    for (const i of c.indicators) {
      const problems = i.problems.map((p) => `${p.label}（${p.units}${p.fromFindings > 0 ? `，抽查发现${p.fromFindings}` : ""}）`).join("；");
      dataRow(ws, [t(c.category), t(i.id), t(i.name), i.points, i.applicable, i.losing, i.sharePct, i.totalLost, i.averageLost, t(problems), i.findings]);
      n++;
    }
  }
  ws.autoFilter = `A1:K${n + 1}`;
  ws.commit();
}
