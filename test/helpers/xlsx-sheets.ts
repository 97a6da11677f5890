import ExcelJS from "exceljs";

/** Every sheet of a workbook by name, its cell values as text, row by row (empty rows kept). */
export async function sheetsOf(buffer: Uint8Array): Promise<Record<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(buffer) as unknown as ExcelJS.Buffer);
  const out: Record<string, string[][]> = {};
  wb.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= sheet.columnCount; c++) cells.push(String(row.getCell(c).value ?? ""));
      rows.push(cells);
    });
    out[sheet.name] = rows;
  });
  return out;
}
