import ExcelJS from "exceljs";

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export interface TemplateColumn {
  header: string;
  required: boolean;
  note: string;
  width: number;
  /** Offer a drop-down of these values in the data sheet (skipped when Excel cannot hold the list). */
  choices?: string[];
}

export interface TemplateSpec {
  sheetName: string;
  columns: TemplateColumn[];
  examples: string[][];
  instructions: string[];
}

const TEMPLATE_ROWS = 1000;

/** An inline list validation is a quoted, comma-separated formula of at most 255 characters. */
function listFitsExcel(choices: string[]): boolean {
  return choices.length > 0 && choices.every((c) => !/[,"]/.test(c)) && choices.join(",").length <= 250;
}

/** An import template: the data sheet first (the importer reads the first sheet), then 说明. */
export async function buildTemplate(spec: TemplateSpec): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "政务公开绩效考核平台";

  const sheet = workbook.addWorksheet(spec.sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = spec.columns.map((c) => ({ header: c.header, width: c.width, style: { numFmt: "@" } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  spec.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: c.required ? "FFFDE2E1" : "FFEEF1F4" } };
    cell.note = `${c.required ? "必填" : "选填"}：${c.note}`;
  });
  for (const example of spec.examples) sheet.addRow(example);
  spec.columns.forEach((c, i) => {
    if (!c.choices || !listFitsExcel(c.choices)) return;
    const letter = sheet.getColumn(i + 1).letter;
    for (let r = 2; r <= TEMPLATE_ROWS; r++) {
      sheet.getCell(`${letter}${r}`).dataValidation = {
        type: "list",
        allowBlank: !c.required,
        formulae: [`"${c.choices.join(",")}"`],
        showErrorMessage: true,
        errorTitle: "取值无效",
        error: `请从下拉列表中选择：${c.choices.join("、")}`,
      };
    }
  });

  const help = workbook.addWorksheet("说明");
  help.columns = [
    { header: "列名", width: 16 },
    { header: "是否必填", width: 10 },
    { header: "填写说明", width: 80 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of spec.columns) help.addRow([c.header, c.required ? "必填" : "选填", c.note]);
  help.addRow([]);
  const title = help.addRow(["导入须知"]);
  title.font = { bold: true };
  spec.instructions.forEach((line, i) => help.addRow([`${i + 1}.`, "", line]));
  help.getColumn(3).alignment = { wrapText: true, vertical: "top" };

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A download response for a generated workbook; the Chinese file name is RFC 5987-encoded. */
export function xlsxDownload(buffer: Buffer, fileName: string, asciiFallback: string): Response {
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": XLSX_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
