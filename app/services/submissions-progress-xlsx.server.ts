import ExcelJS from "exceljs";
import type { Db } from "../../db/client";
import { escapeCell } from "../domain/cell-escape";
import {
  OVERVIEW_FILTER_LABELS,
  OVERVIEW_FILTERS,
} from "../domain/overview-filters";
import { daysLeft, deadlineLabel } from "../domain/self-inspection-deadline";
import { DomainError } from "../domain/domain-error";
import { formatBeijingTime } from "../utils/beijing-time";
import {
  officeOverview,
  type OverviewRow,
} from "./submissions-overview.server";

/**
 * The self-inspection progress table (自查进度表) as Excel: one row per unit with its status, answers
 * and evidence counts, deadline (extended or not) and days overdue, and a sheet of counts per
 * status. Times in Beijing time; print-ready: A4 landscape, fit to one page width, the title and
 * header rows repeated on every printed page.
 */

const HEADER = [
  "序号",
  "单位编码",
  "单位名称",
  "单位类别",
  "自查状态",
  "已填报指标",
  "指标总数",
  "必需佐证（已提供/应提供）",
  "截止日期",
  "已延期",
  "逾期天数",
  "待修改项",
  "最近活动（北京时间）",
];
const WIDTHS = [6, 10, 26, 12, 10, 10, 9, 14, 12, 8, 9, 9, 18];

/** Whole days past the unit's deadline (0 when not overdue). */
export function overdueDays(row: OverviewRow, now: Date): number {
  return row.overdue ? Math.max(1, -daysLeft(row.due, now)) : 0;
}

function printReady(sheet: ExcelJS.Worksheet, titleRows: string): void {
  sheet.pageSetup = {
    paperSize: 9,
    orientation: "landscape",
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: titleRows,
    horizontalCentered: true,
  };
  sheet.pageSetup.margins = {
    left: 0.4,
    right: 0.4,
    top: 0.5,
    bottom: 0.5,
    header: 0.3,
    footer: 0.3,
  };
  sheet.headerFooter.oddFooter = "第 &P 页，共 &N 页";
}

export async function progressWorkbook(
  db: Db,
  cycleId: number,
  now: Date
): Promise<{ buffer: Buffer; year: number }> {
  const overview = officeOverview(db, { cycleId, filter: "all", now });
  if (!overview.cycle || overview.cycle.id !== cycleId)
    throw new DomainError("notFound", "该考核年度没有自查进度可导出");
  const { cycle, rows, counts } = overview;
  const workbook = new ExcelJS.Workbook();
  const exportedAt = `导出时间：${formatBeijingTime(
    now.toISOString(),
    "minute"
  )}（北京时间） · 自查截止：${deadlineLabel(cycle.due)}`;

  const sheet = workbook.addWorksheet("自查进度");
  sheet.addRow([`${cycle.year}年度政务公开自查进度表`]);
  sheet.addRow([exportedAt]);
  sheet.addRow(HEADER);
  sheet.mergeCells(1, 1, 1, HEADER.length);
  sheet.mergeCells(2, 1, 2, HEADER.length);
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.getRow(1).alignment = { horizontal: "center" };
  sheet.getRow(3).font = { bold: true };
  sheet.getRow(3).alignment = {
    wrapText: true,
    vertical: "middle",
    horizontal: "center",
  };
  WIDTHS.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  rows.forEach((r, i) =>
    sheet.addRow([
      i + 1,
      escapeCell(r.unitCode),
      escapeCell(r.unitName),
      escapeCell(r.categoryName),
      r.overdue ? `${r.statusLabel}（已逾期）` : r.statusLabel,
      r.answered,
      r.total,
      `${r.evidenceAttached}/${r.evidenceRequired}`,
      r.due,
      r.extended ? "是" : "",
      overdueDays(r, now),
      r.openReturnItems,
      r.lastActivityText,
    ])
  );
  for (let n = 3; n <= sheet.rowCount; n++) {
    sheet
      .getRow(n)
      .eachCell(
        { includeEmpty: true },
        (cell) =>
          (cell.border = {
            top: { style: "thin" },
            left: { style: "thin" },
            bottom: { style: "thin" },
            right: { style: "thin" },
          })
      );
  }
  sheet.views = [{ state: "frozen", ySplit: 3 }];
  printReady(sheet, "1:3");

  const summary = workbook.addWorksheet("统计");
  summary.addRow([`${cycle.year}年度自查进度统计`]);
  summary.addRow([exportedAt]);
  summary.addRow(["状态", "单位数"]);
  summary.getRow(1).font = { bold: true, size: 14 };
  summary.getRow(3).font = { bold: true };
  summary.getColumn(1).width = 16;
  summary.getColumn(2).width = 10;
  for (const f of OVERVIEW_FILTERS)
    summary.addRow([OVERVIEW_FILTER_LABELS[f], counts?.[f] ?? 0]);
  summary.addRow(["已延期", rows.filter((r) => r.extended).length]);
  printReady(summary, "1:3");

  return {
    buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    year: cycle.year,
  };
}
