/**
 * npm run import:units -- <file.xlsx>
 * Imports units into the database under DATA_DIR: every row is checked first; on any error nothing
 * is written, every bad row is listed and the exit code is 1.
 */
import { importUnits } from "../services/imports/units-import.server";
import { CLI_IMPORT_ACTOR, printImportFailure, readImportFile } from "./import-file";
import { runCli } from "./run-cli";
import { getDb, configuredDatabaseFile } from "../utils/db.server";

async function main(): Promise<number> {
  const file = readImportFile(process.argv.slice(2), "npm run import:units -- <单位.xlsx>");
  if (!file) return 1;
  const result = await importUnits(getDb(), file.buffer, CLI_IMPORT_ACTOR, file.name);
  if (!result.ok) {
    printImportFailure(result);
    return 1;
  }
  console.log(`导入成功：${result.created} 个单位已写入 ${configuredDatabaseFile()}`);
  for (const c of result.byCategory) console.log(`  ${c.category}：${c.count} 个`);
  return 0;
}

runCli(main, "导入失败");
