import { HELP_SHEET, INDICATOR_COLUMNS, INDICATOR_FILE_HINTS, type Field } from "./indicator-xlsx-columns.server";
import { readSettingsSheet, SETTINGS_SHEET, type SettingsRow } from "./indicator-xlsx-settings.server";
import { openWorkbook, readWorksheet, type WorksheetRow } from "./imports/xlsx-read.server";

/** Reading an indicator workbook's data sheets through the app's one xlsx reader. */

export type SheetRow = WorksheetRow<Field>;

export interface DataSheet {
  name: string;
  rows: SheetRow[];
}


/**
 * Read every data sheet of an indicator workbook and its 设置 sheet (null when it has none), or
 * refuse the file with a Chinese message.
 */
export async function readIndicatorWorkbook(buffer: Uint8Array): Promise<{ ok: true; sheets: DataSheet[]; settings: SettingsRow[] | null } | { ok: false; message: string }> {
  const opened = await openWorkbook(buffer, INDICATOR_FILE_HINTS);
  if (!opened.ok) return opened;
  const sheets: DataSheet[] = [];
  let settings: SettingsRow[] | null = null;
  for (const sheet of opened.workbook.worksheets) {
    if (sheet.name.trim() === HELP_SHEET) continue;
    if (sheet.name.trim() === SETTINGS_SHEET) {
      const read = readSettingsSheet(sheet);
      if (!read.ok) return read;
      settings = read.rows;
      continue;
    }
    const read = readWorksheet(sheet, INDICATOR_COLUMNS, INDICATOR_FILE_HINTS);
    if (!read.ok) return read;
    sheets.push({ name: sheet.name, rows: read.rows });
  }
  if (sheets.length === 0) return { ok: false, message: "文件中没有指标体系工作表（除“说明”“设置”外至少需要一个工作表）。" };
  return { ok: true, sheets, settings };
}
