/**
 * npm run backup -- --out <file.tar.gz>
 * Backs up DATA_DIR (database via SQLite's online backup, plus the uploaded evidence) into one
 * archive with a manifest of SHA-256 sums. Safe while the server runs. Exit 0 on success, 1 on failure.
 */
import { parseArgs } from "node:util";
import { config } from "../config.server";
import { createBackup } from "../services/backup.server";
import { DomainError } from "../domain/domain-error";

const USAGE = "用法：npm run backup -- --out <备份文件.tar.gz>";

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} 字节`;
}

async function main(): Promise<number> {
  let out: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== "--"), options: { out: { type: "string" } } });
    if (positionals.length) throw new Error("unexpected arguments");
    out = values.out;
  } catch {
    console.error(USAGE);
    return 1;
  }
  if (!out) {
    console.error(USAGE);
    return 1;
  }
  const dataDir = config().dataDir;
  const result = await createBackup({ dataDir, out });
  const uploadBytes = result.manifest.uploads.reduce((sum, u) => sum + u.size, 0);
  console.log(`备份完成：${result.file}（${formatBytes(result.bytes)}）`);
  console.log(`  数据目录：${dataDir}`);
  console.log(`  数据库：${formatBytes(result.manifest.database.size)}，审计日志 ${result.manifest.database.auditRows} 条`);
  console.log(`  佐证文件：${result.manifest.uploads.length} 个，共 ${formatBytes(uploadBytes)}`);
  if (result.auditProblem) console.warn(`警告：当前数据库的${result.auditProblem}。备份已照原样保存，请运行 npm run audit:verify 排查。`);
  return 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    console.error(error instanceof DomainError ? `备份失败：${error.message}` : "备份失败：", error instanceof DomainError ? "" : error);
    process.exitCode = 1;
  });
