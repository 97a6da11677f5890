/**
 * npm run restore -- <file.tar.gz> [--force]
 * Restores a backup made by `npm run backup` into DATA_DIR. Refuses a non-empty DATA_DIR unless
 * --force is given (the previous contents are then kept in DATA_DIR/.before-restore-<time>/).
 * Every file is checked against the manifest before anything is moved. Stop the server first.
 */
import { formatBeijingTime } from "../utils/beijing-time";
import { parseArgs } from "node:util";
import { config } from "../config.server";
import { restoreBackup } from "../services/restore.server";
import { DomainError } from "../domain/domain-error";

const USAGE = "用法：npm run restore -- <备份文件.tar.gz> [--force]";

async function main(): Promise<number> {
  let archive: string;
  let force = false;
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== "--"),
      options: { force: { type: "boolean", default: false } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new Error("one archive");
    archive = positionals[0];
    force = values.force ?? false;
  } catch {
    console.error(USAGE);
    return 1;
  }
  const result = await restoreBackup({ archive, dataDir: config().dataDir, force });
  console.log(`恢复完成：数据已恢复到 ${result.dataDir}`);
  console.log(`  备份时间：${formatBeijingTime(result.manifest.createdAt)}（北京时间，版本 ${result.manifest.appVersion}）`);
  console.log(`  佐证文件：${result.manifest.uploads.length} 个，均已通过 SHA-256 校验`);
  if (result.auditProblem) {
    console.warn(`警告：备份时数据库的${result.auditProblem}，已照原样恢复。`);
  } else {
    console.log(`  审计日志：${result.auditRows} 条，哈希链校验通过`);
  }
  if (result.previousMovedTo) console.log(`原有数据已移到 ${result.previousMovedTo}，确认恢复无误后可删除。`);
  return 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    if (error instanceof DomainError) console.error(`恢复失败：${error.message}`);
    else console.error("恢复失败：", error);
    process.exitCode = 1;
  });
