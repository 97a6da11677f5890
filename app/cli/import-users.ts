/**
 * npm run import:users -- <file.xlsx>
 * Imports users into the database under DATA_DIR: every row is checked first; on any error nothing
 * is written, every bad row is listed and the exit code is 1.
 */
import { importUsers } from "../services/imports/users-import.server";
import { CLI_IMPORT_ACTOR, printImportFailure, readImportFile } from "./import-file";
import { runCli } from "./run-cli";
import { getDb, configuredDatabaseFile } from "../utils/db.server";

async function main(): Promise<number> {
  const file = readImportFile(process.argv.slice(2), "npm run import:users -- <用户.xlsx>");
  if (!file) return 1;
  const result = await importUsers(getDb(), file.buffer, CLI_IMPORT_ACTOR, file.name);
  if (!result.ok) {
    printImportFailure(result);
    return 1;
  }
  console.log(`导入成功：${result.created} 个用户已写入 ${configuredDatabaseFile()}`);
  for (const c of result.byRole) console.log(`  ${c.role}：${c.count} 个`);
  return 0;
}

runCli(main, "导入失败");
