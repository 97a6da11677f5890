import fs from "node:fs";
import path from "node:path";
import type { Actor } from "../utils/audit.server";
import { formatRowError, type RowError } from "../services/imports/xlsx-read.server";

/** The audit actor of command-line imports. */
export const CLI_IMPORT_ACTOR: Actor = { id: null, name: "命令行导入" };

/** The .xlsx file named on the command line, or null (with a Chinese message) when unusable. */
export function readImportFile(args: string[], usage: string): { buffer: Uint8Array; name: string } | null {
  const files = args.filter((a) => a !== "--");
  if (files.length !== 1) {
    console.error(`用法：${usage}`);
    return null;
  }
  const file = path.resolve(files[0]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    console.error(`找不到文件：${file}`);
    return null;
  }
  if (!/\.xlsx$/i.test(file)) {
    console.error(`文件“${path.basename(file)}”不是 .xlsx 格式（不支持 .xls、.csv 等），请使用系统提供的模板。`);
    return null;
  }
  return { buffer: fs.readFileSync(file), name: path.basename(file) };
}

export function printImportFailure(result: { message: string; errors: RowError[] }): void {
  console.error(`导入失败：${result.message}`);
  for (const e of result.errors) console.error(`  ${formatRowError(e)}`);
}
