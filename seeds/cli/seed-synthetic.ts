/**
 * npm run seed:synthetic -- --units <n> [--leaves <n>] [--year <year>] [--seed <text>]
 * Adds a realistic synthetic cycle to DATA_DIR (see seeds/synthetic/generate.ts) and computes its
 * preliminary results through the results service. Exit code 1 with a Chinese message on bad input.
 */
import { closeDb, getDb } from "../../db/client";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { seedSynthetic, SYNTHETIC_ACTOR } from "../synthetic/generate";

const USAGE = "npm run seed:synthetic -- --units <单位数> [--leaves <每套指标的末级指标数>] [--year <年份>] [--seed <种子>]";

function positive(v: string | undefined, name: string, max: number): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n <= 0 || n > max) throw new Error(`${name} 须为 1 到 ${max} 之间的整数`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let units: number | undefined;
  let leaves: number | undefined;
  let year: number | undefined;
  let seed: string | undefined;
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "--units") units = positive(argv[++i], "--units", 100_000);
      else if (a === "--leaves") leaves = positive(argv[++i], "--leaves", 1000);
      else if (a === "--year") year = positive(argv[++i], "--year", 9999);
      else if (a === "--seed") seed = argv[++i];
      else throw new Error(`无法识别的参数：${a}`);
    }
    if (units === undefined) throw new Error("缺少 --units <单位数>");
  } catch (e) {
    console.error((e as Error).message);
    console.error(`用法：${USAGE}`);
    return 1;
  }
  const started = Date.now();
  const made = await seedSynthetic(getDb(), { units, leaves, year, seed });
  console.log(`已生成 ${made.year} 年度合成考核：${made.units} 个单位 × ${made.leaves} 项指标，评估录入 ${made.entries} 条（${Date.now() - started} ms）`);
  const out = computeCycleResults(getDb(), made.cycleId, SYNTHETIC_ACTOR);
  if (!out.ok) {
    console.error(`结果计算失败：${out.message}`);
    for (const e of out.errors.slice(0, 10)) console.error(`  ${e.path}：${e.message}`);
    return 1;
  }
  console.log(`初步结果已计算：${out.units} 个单位，评估数据包 SHA-256 ${out.packageSha256}（共 ${Date.now() - started} ms）`);
  return 0;
}

main(process.argv.slice(2))
  .then((code) => {
    closeDb();
    process.exit(code);
  })
  .catch((e: unknown) => {
    console.error(`生成失败：${(e as Error).message}`);
    closeDb();
    process.exit(1);
  });
