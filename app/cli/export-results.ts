/**
 * npm run export:results -- --cycle <year> --format xlsx|pdf|package|results --out <file> [--anonymise]
 * Writes the current results of a cycle in DATA_DIR (the final snapshot when there is one, else
 * the preliminary results) — the same bytes as the downloads in the UI. Exits 1 with a Chinese
 * message when the cycle does not exist or has no results.
 */
import path from "node:path";
import { EXPORT_FORMATS, isExportFormat } from "../domain/export-formats";
import { writeExport } from "../services/results-export/export.server";
import { exportSourceForYear } from "../services/results-export/source.server";
import { getDb } from "../utils/db.server";
import { refusalOf } from "../utils/http.server";
import { writeFileAtomically } from "../utils/atomic-file.server";
import { runCli } from "./run-cli";

const USAGE = `npm run export:results -- --cycle <年份> --format ${EXPORT_FORMATS.join("|")} --out <文件> [--anonymise]`;

async function main(argv: string[]): Promise<number> {
  let year: number | null = null;
  let format: string | null = null;
  let out: string | null = null;
  let anonymise = false;
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? "";
    if (a === "--cycle") {
      const v = next();
      if (/^\d{4}$/.test(v)) year = Number(v);
      else problems.push(`--cycle 应为四位年份，收到“${v}”`);
    } else if (a === "--format") format = next();
    else if (a === "--out") out = next() || null;
    else if (a === "--anonymise" || a === "--anonymize") anonymise = true;
    else problems.push(`无法识别的参数：${a}`);
  }
  if (year === null && !problems.some((p) => p.startsWith("--cycle"))) problems.push("缺少 --cycle <年份>");
  if (!isExportFormat(format)) problems.push(`--format 须为 ${EXPORT_FORMATS.join("、")} 之一`);
  if (!out) problems.push("缺少 --out <文件>");
  if (problems.length > 0 || !isExportFormat(format)) {
    for (const p of problems) console.error(p);
    console.error(`用法：${USAGE}`);
    return 2;
  }
  let source;
  try {
    source = exportSourceForYear(getDb(), year!);
  } catch (e) {
    const refusal = refusalOf(e);
    if (refusal) {
      console.error(refusal.message);
      return 1;
    }
    throw e;
  }
  const file = path.resolve(out!);
  await writeFileAtomically(file, (stream) => writeExport(source, format, stream, { anonymise }));
  console.log(`导出成功：${source.cycle.year}年度${source.meta.kind === "final" ? "定稿" : "初步"}结果（${format}）已写入 ${file}`);
  if (format === "package") console.log(`评估数据包 SHA-256：${anonymise ? "（匿名版本）" : source.meta.packageSha256}`);
  return 0;
}

runCli(() => main(process.argv.slice(2)), "导出失败");
