/**
 * npm run export:indicators -- --cycle <year> [--category <name>] --out <file.xlsx>
 * Writes the indicator sets of a cycle in DATA_DIR to an .xlsx workbook: one sheet per unit
 * category (all categories when none is given) and a 说明 sheet. Exit code 1 on any error.
 */
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "../utils/db.server";
import { categories, cycles } from "../../db/schema";
import { buildIndicatorWorkbook, cycleExportSets } from "../services/indicator-xlsx.server";
import { parseIndicatorArgs } from "./indicator-args";
import { writeFileAtomically } from "../utils/atomic-file.server";
import { runCli } from "./run-cli";

const USAGE = "npm run export:indicators -- --cycle <年份> [--category <单位类别>] --out <文件.xlsx>";

async function main(): Promise<number> {
  const args = parseIndicatorArgs(process.argv.slice(2));
  if (!args.out) args.problems.push("缺少 --out <文件.xlsx>");
  if (args.files.length) args.problems.push(`多余的参数：${args.files.join(" ")}`);
  if (args.createCategories) args.problems.push("导出不使用 --create-categories");
  if (args.problems.length) {
    for (const p of args.problems) console.error(p);
    console.error(`用法：${USAGE}`);
    return 1;
  }
  const out = path.resolve(args.out!);
  if (!/\.xlsx$/i.test(out)) {
    console.error(`输出文件“${path.basename(out)}”须以 .xlsx 结尾。`);
    return 1;
  }
  const db = getDb();
  const cycle = db.select().from(cycles).where(eq(cycles.year, args.year!)).get();
  if (!cycle) {
    console.error(`找不到${args.year}年度的考核。`);
    return 1;
  }
  let categoryId: number | undefined;
  if (args.category !== undefined) {
    const category = db.select().from(categories).where(eq(categories.name, args.category)).get();
    if (!category) {
      console.error(`单位类别“${args.category}”不存在。`);
      return 1;
    }
    categoryId = category.id;
  }
  const sets = cycleExportSets(db, cycle.id, categoryId);
  if (sets.length === 0) {
    console.error(args.category ? `${cycle.year}年度考核没有“${args.category}”的指标体系。` : `${cycle.year}年度考核还没有指标体系。`);
    return 1;
  }
  const buffer = await buildIndicatorWorkbook(sets, `${cycle.title} 指标体系`);
  // Written aside and renamed into place, so an interrupted export never leaves a half-written file.
  await writeFileAtomically(out, async (stream) => {
    stream.end(buffer);
  });
  console.log(`导出成功：${cycle.year}年度 ${sets.length} 套指标体系已写入 ${out}`);
  for (const s of sets) console.log(`  ${s.category}`);
  return 0;
}

runCli(main, "导出失败");
