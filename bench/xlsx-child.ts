// Child process of bench:report: one xlsx export with its own peak RSS (sampled every 10 ms).
// argv: <mode: app|bare> <out.xlsx> [cycleId]; prints {"ms":…,"peakRssMb":…}.
import fs from "node:fs";
import { finished } from "node:stream/promises";
import ExcelJS from "exceljs";
import { exportSource } from "../app/services/results-export/source.server";
import { writeResultsXlsx } from "../app/services/results-export/xlsx.server";
import { closeDb, getDb, getSqlite } from "../db/client";

let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);

/** The same cells as the app's workbook, written straight from the stored rows with no formatting logic. */
async function bare(cycleId: number, out: fs.WriteStream): Promise<void> {
  const sqlite = getSqlite();
  const meta = sqlite.prepare("SELECT id FROM cycle_results WHERE cycle_id = ? ORDER BY kind DESC LIMIT 1").get(cycleId) as { id: number };
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  // The ranks are the row's columns (a unit that only moved keeps the text it was scored with).
  const rows = () =>
    sqlite.prepare("SELECT result, rank, category_rank AS categoryRank FROM unit_results WHERE cycle_result_id = ? ORDER BY rank").iterate(meta.id) as Iterable<{
      result: string;
      rank: number;
      categoryRank: number;
    }>;
  const rank = wb.addWorksheet("排名");
  for (const row of rows()) {
    const r = { ...JSON.parse(row.result), rank: row.rank, categoryRank: row.categoryRank };
    rank.addRow([r.rank, r.categoryRank, r.id, r.name, r.category, r.total, r.base, r.bonus, r.grade, r.pass ? "合格" : "不合格", r.contribution, r.vetoReasons.join("；")]).commit();
  }
  rank.commit();
  const items = wb.addWorksheet("分项得分");
  for (const row of rows()) {
    const r = JSON.parse(row.result);
    items.addRow([row.rank, r.id, r.name, r.category, ...Object.values(r.leaves as Record<string, { score: number }>).map((l) => l.score)]).commit();
  }
  items.commit();
  const dims = wb.addWorksheet("维度得分");
  for (const row of rows()) {
    const r = JSON.parse(row.result);
    dims.addRow([row.rank, r.id, r.name, r.category, ...Object.values(r.dimensions), r.total]).commit();
  }
  dims.commit();
  const lost = wb.addWorksheet("扣分明细");
  for (const row of rows()) {
    const r = JSON.parse(row.result);
    for (const [id, l] of Object.entries(r.leaves as Record<string, { score: number; max: number; explain: string; na: boolean }>)) {
      if (!l.na && l.max - l.score > 0) lost.addRow([r.id, r.name, r.category, id, "", l.max, l.score, l.max - l.score, l.explain]).commit();
    }
  }
  lost.commit();
  await wb.commit();
}

async function main() {
  const [mode, file, cycle] = process.argv.slice(2);
  const cycleId = Number(cycle);
  const out = fs.createWriteStream(file);
  const t0 = performance.now();
  if (mode === "app") await writeResultsXlsx(exportSource(getDb(), cycleId), out);
  else await bare(cycleId, out);
  await finished(out);
  const ms = performance.now() - t0;
  clearInterval(timer);
  closeDb();
  process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), peakRssMb: Math.round(peak / 1048576) })}\n`);
}

void main();
