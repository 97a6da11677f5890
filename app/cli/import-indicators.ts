/**
 * npm run import:indicators -- --cycle <year> [--category <name>] [--create-categories] <file.xlsx>
 * Imports an indicator workbook into the cycle of that year in DATA_DIR (each sheet replaces the
 * set of the category it names; with --category, that category's sheet or the only sheet).
 * A year without a cycle gets a new draft cycle; a published cycle is refused. A sheet naming a
 * category that does not exist is refused (the message names each one and the flag) unless
 * --create-categories is given, which creates them (audited) — so a fresh install can import.
 * Every row is checked first: on any error nothing is written, every problem is listed and the
 * exit code is 1.
 */
import { createCycle } from "../services/cycles.server";
import { CREATE_CATEGORIES_FLAG, formatProblem, importIndicators } from "../services/indicator-xlsx.server";
import { CLI_IMPORT_ACTOR, readImportFile } from "./import-file";
import { parseIndicatorArgs } from "./indicator-args";
import { runCli } from "./run-cli";
import { getDb, configuredDatabaseFile } from "../utils/db.server";

const USAGE = `npm run import:indicators -- --cycle <年份> [--category <单位类别>] [${CREATE_CATEGORIES_FLAG}] <文件.xlsx>`;

async function main(): Promise<number> {
  const args = parseIndicatorArgs(process.argv.slice(2));
  if (args.out) args.problems.push("导入不使用 --out");
  if (args.problems.length) {
    for (const p of args.problems) console.error(p);
    console.error(`用法：${USAGE}`);
    return 1;
  }
  const file = readImportFile(args.files, USAGE);
  if (!file) return 1;
  const result = await importIndicators(getDb(), 
    file.buffer,
    { year: args.year!, categoryName: args.category, createIfMissing: true, createCategories: args.createCategories },
    CLI_IMPORT_ACTOR,
    file.name,
    (actor, year) => createCycle(getDb(), actor, { year, source: "empty" }),
  );
  if (!result.ok) {
    console.error(`导入失败：${result.message}`);
    for (const p of result.problems) console.error(`  ${formatProblem(p)}`);
    return 1;
  }
  if (result.createdCycle) console.log(`${result.year}年度考核不存在，已新建为草稿。`);
  if (result.createdCategories.length) console.log(`已新建单位类别：${result.createdCategories.join("、")}`);
  console.log(`导入成功：${result.sets.length} 套指标体系已写入 ${result.year}年度考核（${configuredDatabaseFile()}）`);
  for (const s of result.sets) {
    console.log(`  ${s.category}：${s.nodes} 个指标`);
    for (const w of s.warnings) console.log(`    提示：${w}`);
  }
  return 0;
}

runCli(main, "导入失败");
