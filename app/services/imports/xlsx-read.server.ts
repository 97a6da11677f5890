import ExcelJS from "exceljs";

/** Uploaded spreadsheets are small: lists of units or users, indicator workbooks. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

export interface ColumnSpec<F extends string = string> {
  field: F;
  header: string;
  required: boolean;
}

export interface SheetRow<F extends string> {
  /** The row number as Excel shows it (the header is row 1). */
  rowNumber: number;
  values: Record<F, string>;
}

/** Deliberately a result: it feeds an import's result (see UnitImportResult), whose refusal lists every bad row. */
export type ReadResult<F extends string> = { ok: true; sheet: string; rows: SheetRow<F>[] } | { ok: false; message: string };

/** One bad row of an import: the worksheet it is on and its Excel row number. */
export interface RowError {
  sheet: string;
  row: number;
  message: string;
}

/** Where a problem is in a workbook, as a person reads it: 工作表“区级部门”第3行. */
export function sheetPlace(sheet: string, row: number | null): string {
  return `工作表“${sheet}”${row === null ? "" : `第${row}行`}`;
}

/** 工作表“区级部门”第3行：分值“五”不是数字 */
export function formatRowError(e: RowError): string {
  return `${sheetPlace(e.sheet, e.row)}：${e.message}`;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(buffer: Uint8Array, magic: number[]): boolean {
  return buffer.length >= magic.length && magic.every((b, i) => buffer[i] === b);
}

/** Header text as typed by people: ignore spaces, "*" marks and bracketed hints such as "（可选）". */
function normaliseHeader(text: string): string {
  return text
    .replace(/[（(][^）)]*[）)]/g, "")
    .replace(/[\s\u3000*＊]/g, "");
}

/** The text a person sees in a cell, whatever exceljs stored (rich text, formula result, hyperlink…). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((r) => r.text).join("").trim();
  if ("text" in value && typeof value.text === "string") return value.text.trim();
  if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ("error" in value) return String(value.error);
  return "";
}

/** What an import's refusals say about the file it expects (the unit/user templates, or an indicator workbook). */
export interface FileHints {
  /** “填写好的 .xlsx 文件” */
  file: string;
  /** After “文件超过 5 MB，”. */
  tooBig: string;
  /** After “文件不是 .xlsx 格式（…），”. */
  use: string;
  /** After “表头缺少必需的列：…。”. */
  header: string;
}

const TEMPLATE_HINTS: FileHints = {
  file: "填写好的 .xlsx 文件",
  tooBig: "请拆分后分批导入。",
  use: "请使用系统提供的模板填写后上传。",
  header: "请下载系统提供的模板，保持第1行表头不变后填写。",
};

/** Open an uploaded .xlsx file, or refuse it (empty, too large, .xls or encrypted, not .xlsx, unreadable) with a Chinese message. */
export async function openWorkbook(buffer: Uint8Array, hints: FileHints): Promise<{ ok: true; workbook: ExcelJS.Workbook } | { ok: false; message: string }> {
  if (buffer.length === 0) return { ok: false, message: `文件为空，请选择${hints.file}。` };
  if (buffer.length > MAX_IMPORT_BYTES) return { ok: false, message: `文件超过 5 MB，${hints.tooBig}` };
  if (startsWith(buffer, OLE_MAGIC)) {
    return { ok: false, message: "这是旧版 .xls 文件（或加了密码的 Excel 文件）。请在 Excel 中“另存为” .xlsx 格式（不设密码）后再导入。" };
  }
  if (!startsWith(buffer, ZIP_MAGIC)) {
    return { ok: false, message: `文件不是 .xlsx 格式（不支持 .xls、.csv、.txt 等），${hints.use}` };
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    return { ok: false, message: "无法读取该文件：它不是有效的 .xlsx 工作簿，或文件已损坏。请用 Excel 打开确认后另存为 .xlsx 再导入。" };
  }
  return { ok: true, workbook };
}

export interface WorksheetRow<F extends string> extends SheetRow<F> {
  /** Cells typed as numbers in Excel, as numbers. */
  numbers: Partial<Record<F, number>>;
}

/**
 * The records of one worksheet: row 1 is the header, matched to `columns` by its Chinese text;
 * every non-empty row after it becomes one record. A header naming a column twice, or lacking a
 * required one, is refused.
 */
export function readWorksheet<F extends string>(sheet: ExcelJS.Worksheet, columns: ColumnSpec<F>[], hints: FileHints): { ok: true; rows: WorksheetRow<F>[] } | { ok: false; message: string } {
  const columnIndex = new Map<F, number>();
  const seen = new Map<string, number>();
  const duplicated: string[] = [];
  sheet.getRow(1).eachCell((cell, col) => {
    const text = normaliseHeader(cellText(cell.value));
    if (!text) return;
    if (seen.has(text)) duplicated.push(text);
    seen.set(text, col);
  });
  for (const column of columns) {
    const col = seen.get(column.header);
    if (col !== undefined) columnIndex.set(column.field, col);
  }
  const duplicatedKnown = duplicated.filter((h) => columns.some((c) => c.header === h));
  if (duplicatedKnown.length) return { ok: false, message: `${sheetPlace(sheet.name, 1)}表头中“${[...new Set(duplicatedKnown)].join("”“")}”出现了不止一次，请只保留一列。` };
  const missing = columns.filter((c) => c.required && !columnIndex.has(c.field)).map((c) => c.header);
  if (missing.length) return { ok: false, message: `${sheetPlace(sheet.name, 1)}表头缺少必需的列：${missing.join("、")}。${hints.header}` };

  const rows: WorksheetRow<F>[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values = {} as Record<F, string>;
    const numbers: Partial<Record<F, number>> = {};
    let empty = true;
    for (const column of columns) {
      const col = columnIndex.get(column.field);
      const raw = col === undefined ? null : row.getCell(col).value;
      const text = cellText(raw);
      values[column.field] = text;
      if (typeof raw === "number") numbers[column.field] = raw;
      if (text) empty = false;
    }
    if (empty) continue;
    rows.push({ rowNumber: r, values, numbers });
    if (rows.length > MAX_IMPORT_ROWS) return { ok: false, message: `一次最多导入 ${MAX_IMPORT_ROWS} 行，请拆分后分批导入。` };
  }
  return { ok: true, rows };
}

/**
 * Read the first worksheet of an .xlsx file (the unit and user templates) into records, or refuse
 * the file with a Chinese message.
 */
export async function readSheet<F extends string>(buffer: Uint8Array, columns: ColumnSpec<F>[]): Promise<ReadResult<F>> {
  const opened = await openWorkbook(buffer, TEMPLATE_HINTS);
  if (!opened.ok) return opened;
  const sheet = opened.workbook.worksheets[0];
  if (!sheet) return { ok: false, message: "文件中没有工作表。" };
  const read = readWorksheet(sheet, columns, TEMPLATE_HINTS);
  if (!read.ok) return read;
  if (read.rows.length === 0) return { ok: false, message: `${sheetPlace(sheet.name, null)}中没有数据行：请从第2行开始填写。` };
  return { ok: true, sheet: sheet.name, rows: read.rows.map(({ rowNumber, values }) => ({ rowNumber, values })) };
}
