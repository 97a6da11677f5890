import ExcelJS from "exceljs";
import { escapeCell } from "../domain/cell-escape";
import { allAuditRows, type AuditFilter, type AuditLogRow } from "./audit-log.server";
import type { Db } from "../../db/client";

/** The audit log as the office filtered it, as an Excel workbook (times in Beijing time). */

function changeText(row: AuditLogRow): string {
  return row.diff
    .map((d) => {
      const value = d.before !== null && d.after !== null ? `${d.before} → ${d.after}` : (d.after ?? `（删除）${d.before}`);
      return d.label ? `${d.label}：${value}` : value;
    })
    .join("\n");
}

/** Excel keeps at most 32 767 characters in a cell; a longer change (an imported tree) is cut with a note. */
const CELL_LIMIT = 32_000;

export async function auditLogWorkbook(db: Db, filter: AuditFilter): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("审计日志");
  sheet.columns = [
    { header: "编号", width: 8 },
    { header: "时间（北京时间）", width: 20 },
    { header: "操作人", width: 22 },
    { header: "操作", width: 20 },
    { header: "对象类型", width: 14 },
    { header: "对象", width: 36 },
    { header: "对象编号", width: 10 },
    { header: "变更内容", width: 80 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  for (const r of allAuditRows(db, filter)) {
    const change = changeText(r);
    sheet.addRow([
      r.id,
      r.time,
      escapeCell(r.actorName),
      r.actionLabel,
      r.entityTypeLabel,
      escapeCell(r.objectName ?? ""),
      escapeCell(r.entityId ?? ""),
      escapeCell(change.length > CELL_LIMIT ? `${change.slice(0, CELL_LIMIT)}…（内容过长，已截断；完整内容见审计日志页面）` : change),
    ]);
  }
  sheet.getColumn(8).alignment = { wrapText: true, vertical: "top" };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
