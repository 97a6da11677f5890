// Issue 13: two real published 政务公开考核细则 of different shape (test/fixtures/published-tables,
// cited in its README), typed into the indicator xlsx template, imported with the CLI into a fresh
// DATA_DIR (`npm run import:indicators -- --cycle <year> --create-categories <file.xlsx>`), then
// scored for several units with inputs defined here; every total is worked out by hand below.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { reloadConfig } from "../../app/config.server";
import { findCycleByYear } from "../../app/services/cycles.server";
import { packageSkeleton } from "../../app/services/indicator-package.server";
import { closeDb, getDb } from "../../db/client";
import { scorePackage, type IndicatorNode, type LeafInput, type Results } from "../../scoring";
import { makeTempDir } from "../helpers/data-dir";

const exec = promisify(execFile);
const FIXTURES = path.resolve(__dirname, "../fixtures/published-tables");
const dirs: string[] = [];

afterAll(() => {
  closeDb();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Import the table's workbook with the CLI into a fresh DATA_DIR and return that cycle's package skeleton. */
async function importFresh(folder: string, year: number) {
  const dataDir = makeTempDir("zwgk-published-");
  dirs.push(dataDir);
  const file = path.join(FIXTURES, folder, `${folder}.xlsx`);
  const r = await exec("npm", ["run", "--silent", "import:indicators", "--", "--cycle", String(year), "--create-categories", file], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" },
  });
  closeDb();
  process.env.DATA_DIR = dataDir;
  reloadConfig();
  return { stdout: r.stdout, pkg: packageSkeleton(getDb(), findCycleByYear(year, getDb())!.id) };
}

type Inputs = Record<string, LeafInput>;

function score(pkg: ReturnType<typeof packageSkeleton>, category: string, units: Array<[id: string, name: string, inputs: Inputs]>): Results {
  const r = scorePackage({ ...pkg, units: units.map(([id, name, inputs]) => ({ id, name, category, inputs })) });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.results;
}

const none = { deductions: [] };
const byId = (r: Results) => Object.fromEntries(r.units.map((u) => [u.id, u]));

describe("2020年泉州市鲤城区政务公开指数绩效考评标准表 (one level, per-occurrence and one-time faults)", () => {
  it("imports with the CLI into a fresh DATA_DIR and scores five units to the cent", async () => {
    const { stdout, pkg } = await importFresh("licheng-2020", 2020);
    expect(stdout).toContain("已新建单位类别：区直单位");
    expect(stdout).toContain("区直单位：4 个指标");
    // The stored copy stops before the table reaches 100 points: the 32 points transcribed are scaled to 100.
    expect(pkg.format).toBe("zwgk-assessment/2");
    expect((pkg.indicatorSets[0].indicators as IndicatorNode[]).map((n) => [n.id, n.points])).toEqual([["1", 10], ["2", 10], ["3", 6], ["4", 6]]);

    const r = score(pkg, "区直单位", [
      // 1: 超期公开 1×5 + 要素未规范 2×1 = 7 → 10−7 = 3; 2: 未及时公开 reported twice, one-time → 5 → 5;
      // 3: 6; 4: 6. Σ = 3+5+6+6 = 20 of 32 → 100×20/32 = 62.50
      ["jy", "区教育局", { "1": { deductions: [{ fault: "a1" }, { fault: "a2", count: 2 }] }, "2": { deductions: [{ fault: "b2" }, { fault: "b2", source: "抽查发现#1" }] }, "3": none, "4": none }],
      // 1: 正文未显示 3×1 → 7; 2: 10; 3: 行政复议被纠错 1×3 → 3; 4: 引用未处理 1×2 → 4. Σ = 24 → 100×24/32 = 75.00
      ["wj", "区卫健局", { "1": { deductions: [{ fault: "a3", count: 3 }] }, "2": none, "3": { deductions: [{ fault: "c2" }] }, "4": { deductions: [{ fault: "d3" }] } }],
      // 1: 10; 2: 备案 5 + 要素 5 + 退回 5 = 15 > 10 → 0 (扣完为止); 3: 超期办理 1×6 → 0;
      // 4: 保密审查不到位 reported twice, one-time 6 → 0. Σ = 10 → 100×10/32 = 31.25
      ["cz", "区财政局", { "1": none, "2": { deductions: [{ fault: "b1" }, { fault: "b3" }, { fault: "b5" }] }, "3": { deductions: [{ fault: "c1" }] }, "4": { deductions: [{ fault: "d1", count: 2 }] } }],
      // nothing found: Σ = 32 → 100.00
      ["zj", "区住建局", { "1": none, "2": none, "3": none, "4": none }],
      // 3 N/A (no application received): 1: 要素 1×1 → 9; 2: 10; 4: 转发 1×6 → 0. Σ = 19 of 26 → 100×19/26 = 73.0769… → 73.08
      ["mz", "区民政局", { "1": { deductions: [{ fault: "a2" }] }, "2": none, "3": { na: true, reason: "本年度未收到依申请公开件" }, "4": { deductions: [{ fault: "d2" }] } }],
    ]);
    const u = byId(r);
    expect(r.units.map((x) => [x.rank, x.id, x.total, x.grade])).toEqual([
      [1, "zj", 100, "优秀"],
      [2, "wj", 75, "合格"],
      [3, "mz", 73.08, "合格"],
      [4, "jy", 62.5, "合格"],
      [5, "cz", 31.25, "不合格"],
    ]);
    expect(u.jy.leaves["2"].explain).toBe("未及时公开×1，扣5分；未及时公开×1，扣5分（来源：抽查发现#1）；“未及时公开”为一次性扣分项，只扣5分；合计扣5分，得5.00/10分");
    expect(u.cz.leaves["2"].explain).toBe(
      "未及时向区政务公开办备案×1，扣5分；未按照要素撰写年度报告×1，扣5分；年度报告未按要求编写导致被退回且未及时修改×1，扣5分；合计扣15分（扣完为止），得0.00/10分",
    );
    expect(u.mz.explain).toBe("基础部分得分19/26分（1项不适用，不计入），折算为100分制：100×19÷26=73.08分；总分73.08分，按5%权重折合年度绩效考核3.65分");
  });
});

describe("玉环 2018 政务公开工作考核 (two levels, one-time faults, “在2分内酌情给分”)", () => {
  it("imports with the CLI into a fresh DATA_DIR and scores four units to the cent, ties ranked alike", async () => {
    const { stdout, pkg } = await importFresh("yuhuan-2018", 2018);
    expect(stdout).toContain("市直部门：8 个指标");
    const all4: Inputs = { "1.1": none, "1.2": none, "1.3": none, "1.4": none, "1.5": none, "2.1": none };
    const r = score(pkg, "市直部门", [
      // 1.1 未及时上报人员变动 → 2; 1.2 未及时公开 → 2; 1.3 未建立制度 2 项 × 2 = 4 → 0;
      // 1.4 酌情 1.5 (within 2) → 2.5; 1.5: 4; 2.1: 4. Σ = 2+2+0+2.5+4+4 = 14.5 of 24 → 100×14.5/24 = 60.4166… → 60.42
      ["jy", "市教育局", { ...all4, "1.1": { deductions: [{ fault: "e2" }] }, "1.2": { deductions: [{ fault: "f2" }] }, "1.3": { deductions: [{ fault: "g1", count: 2 }] }, "1.4": { deductions: [{ points: 1.5, reason: "未按照制度实施" }] } }],
      // nothing found: 24 of 24 → 100.00
      ["cz", "市财政局", all4],
      // 1.1 未明确 reported twice, one-time 4 → 0; 1.2 未公开 4 + 未及时公开 2 = 6 → 0 (扣完为止); rest 4 × 4 = 16 → 100×16/24 = 66.67
      ["mz", "市民政局", { ...all4, "1.1": { deductions: [{ fault: "e1", count: 2 }] }, "1.2": { deductions: [{ fault: "f1" }, { fault: "f2" }] } }],
      // 1.3 台账未建立 → 2; 1.4 酌情 2 → 2; 2.1 目录指南 2 + 未及时公开 2 → 0; 1.1, 1.2, 1.5: 4 each. Σ = 4+4+2+2+4+0 = 16 → 66.67
      ["wj", "市卫健局", { ...all4, "1.3": { deductions: [{ fault: "g2" }] }, "1.4": { deductions: [{ points: 2, reason: "登记簿要素不全" }] }, "2.1": { deductions: [{ fault: "j1" }, { fault: "j2" }] } }],
    ]);
    expect(r.units.map((x) => [x.rank, x.id, x.total])).toEqual([
      [1, "cz", 100],
      [2, "mz", 66.67],
      [2, "wj", 66.67],
      [4, "jy", 60.42],
    ]);
    const u = byId(r);
    expect(u.jy.leaves["1.4"].explain).toBe("未按照制度实施，扣1.5分；酌情扣分合计1.5分（最多2分）；合计扣1.5分，得2.50/4分");
    expect(u.mz.leaves["1.1"].explain).toBe("未明确×2，扣8分；“未明确”为一次性扣分项，只扣4分；合计扣4分，得0.00/4分");
    expect(u.jy.dimensions).toEqual({ mechanism: 52.5, disclosure: 100 });

    // “在2分内酌情给分”: more than 2 at discretion is refused, naming the unit's leaf.
    const over = scorePackage({ ...pkg, units: [{ id: "x", name: "市某局", category: "市直部门", inputs: { ...all4, "1.4": { deductions: [{ points: 2.5, reason: "未按照制度实施" }] } } }] });
    expect(over.ok ? [] : over.errors).toEqual([{ path: "units[0].inputs.1.4.deductions", message: "酌情扣分合计2.5分，超过上限2分" }]);
  });
});
