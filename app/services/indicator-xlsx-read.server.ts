import { HELP_SHEET, INDICATOR_COLUMNS, type Field } from "./indicator-xlsx-columns.server";
import { openWorkbook, readWorksheet, type FileHints, type WorksheetRow } from "./imports/xlsx-read.server";

/** Reading an indicator workbook's data sheets through the app's one xlsx reader. */

export type SheetRow = WorksheetRow<Field>;

export interface DataSheet {
  name: string;
  rows: SheetRow[];
}

const HINTS: FileHints = {
  file: "导出的指标体系 .xlsx 文件",
  tooBig: "不是指标体系文件。",
  use: "请使用系统导出的指标体系文件。",
  header: "请使用系统导出的指标体系文件，保持第1行表头不变。",
};

/** Read every data sheet of an indicator workbook, or refuse the file with a Chinese message. */
export async function readIndicatorWorkbook(buffer: Uint8Array): Promise<{ ok: true; sheets: DataSheet[] } | { ok: false; message: string }> {
  const opened = await openWorkbook(buffer, HINTS);
  if (!opened.ok) return opened;
  const sheets: DataSheet[] = [];
  for (const sheet of opened.workbook.worksheets) {
    if (sheet.name.trim() === HELP_SHEET) continue;
    const read = readWorksheet(sheet, INDICATOR_COLUMNS, HINTS);
    if (!read.ok) return read;
    sheets.push({ name: sheet.name, rows: read.rows });
  }
  if (sheets.length === 0) return { ok: false, message: "文件中没有指标体系工作表（除“说明”外至少需要一个工作表）。" };
  return { ok: true, sheets };
}
