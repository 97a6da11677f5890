/**
 * npm run audit:verify
 * Walks the hash chain of the audit log in DATA_DIR. Exit 0 when every row verifies; exit 1 naming
 * the first row that does not (a row edited, deleted or inserted behind the application's back).
 * The database is opened read-only and never migrated: verifying changes nothing.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { verifyAuditChain } from "../utils/audit.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { configuredDatabaseFile } from "../utils/db.server";

function main(): number {
  const file = configuredDatabaseFile();
  if (!fs.existsSync(file)) {
    console.error(`找不到数据库文件：${file}（请检查 DATA_DIR）`);
    return 2;
  }
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 5000");
    const result = verifyAuditChain(sqlite);
    if (result.ok) {
      console.log(`审计链校验通过：${result.rows} 条记录`);
      return 0;
    }
    console.error(`审计链校验失败：第一条未通过校验的记录 id=${result.badId}，时间 ${formatBeijingTime(result.badAt)}（${result.badAt}），操作 ${result.badAction}`);
    console.error(`原因：${result.reason}`);
    console.error(`此前 ${result.rows - 1} 条记录校验通过。数据库：${file}`);
    return 1;
  } finally {
    sqlite.close();
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error("审计链校验出错：", error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
