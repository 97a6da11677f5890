/**
 * npm run spotcheck:draw -- --cycle <year> --seed <text> --size <n or n%> [--category <name>]
 * Re-derives a spot-check draw (抽查，双随机一公开) from the cycle's population in DATA_DIR and prints
 * {"seed":"…","units":[{"code","name","category","inspector"}]} — the same function the platform
 * uses for its batches (app/domain/spotcheck-draw.ts). Nothing is saved. An impossible size (zero,
 * negative, larger than a category) or bad arguments exit non-zero with a Chinese message.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { DomainError } from "../domain/domain-error";
import { publishedDraw, type SpotCheckDraw } from "../domain/spotcheck-draw";
import { drawForYear } from "../services/spot-checks.server";
import { configuredDatabaseFile, getDb } from "../utils/db.server";

const USAGE = "用法：npm run spotcheck:draw -- --cycle <年度> --seed <随机种子> --size <数量或百分比> [--category <单位类别>]";

const OPTIONS = ["cycle", "seed", "size", "category"];

/** "--size -1" → "--size=-1": a value may start with a dash (a negative size is refused with its own message). */
function joinValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
    if (OPTIONS.includes(name) && i + 1 < argv.length) out.push(`--${name}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function main(argv: string[]): number {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: joinValues(argv),
      options: { cycle: { type: "string" }, seed: { type: "string" }, size: { type: "string" }, category: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    console.error(`参数有误：${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (!values.cycle || !/^\d{4}$/.test(values.cycle)) {
    console.error(`请用 --cycle 指定考核年度（如 2026）\n${USAGE}`);
    return 2;
  }
  if (values.seed === undefined || values.seed.trim() === "") {
    console.error(`请用 --seed 指定随机种子\n${USAGE}`);
    return 2;
  }
  if (values.size === undefined) {
    console.error(`请用 --size 指定抽查数量（如 3）或比例（如 20%）\n${USAGE}`);
    return 2;
  }
  const file = configuredDatabaseFile();
  if (!fs.existsSync(file)) {
    console.error(`找不到数据库文件：${file}（请检查 DATA_DIR）`);
    return 2;
  }
  let draw: SpotCheckDraw;
  try {
    draw = drawForYear(getDb(), Number(values.cycle), values.seed, values.size, values.category ?? null);
  } catch (error) {
    // A refusal (no such year, an impossible size) is the user's to fix: its message, exit 1.
    if (!(error instanceof DomainError)) throw error;
    console.error(error.message);
    return 1;
  }
  console.log(JSON.stringify(publishedDraw(draw)));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error("抽查复算出错：", error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
