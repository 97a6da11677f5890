import fs from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults } from "../../app/services/results.server";
import { cycleLossAnalysis } from "../../app/services/loss-analysis.server";
import { exportSource } from "../../app/services/results-export/source.server";
import { writeResultsXlsx } from "../../app/services/results-export/xlsx.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle } from "../helpers/evaluation-fixtures";
import { addFinding, evaluateUnits } from "../helpers/results-fixtures";

/**
 * The results workbook as it prints (page setup read back with exceljs) and its 失分分析 sheet.
 * Three 街道 units are evaluated with the fixture's entries: on 1.2 公开差错 (20 points, fault
 * “更新不及时” 2 points each) JD001 has no fault, JD002 one (−2), JD003 two (−4) plus a spot-check
 * finding deducting 4 more (−8); one 部门 unit (BM001, index 3) has no fault on 1.2.
 */

const data = useTempDataDir();
let wb: ExcelJS.Workbook;
let cycleId: number;

beforeAll(async () => {
  seedAccounts(getDb());
  ({ cycleId } = createCycle(2026, "evaluating"));
  evaluateUnits(cycleId, ["JD001", "JD002", "JD003", "BM001"]);
  addFinding(cycleId, "JD003", "1.2", { kind: "deduction", points: 4, description: "多个栏目长期未更新" });
  const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!r.ok) throw new Error(r.message);
  const file = path.join(data.dir(), "results.xlsx");
  const out = fs.createWriteStream(file);
  await writeResultsXlsx(exportSource(getDb(), cycleId), out);
  await finished(out);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
});

describe("the results workbook prints", () => {
  it("every sheet landscape on A4, fitted to the page width, with its header rows on every page", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(["排名", "分项得分-街道办事处", "分项得分-区级部门", "维度得分", "扣分明细", "失分分析", "说明"]);
    for (const ws of wb.worksheets) {
      const p = ws.pageSetup;
      expect(p.orientation, ws.name).toBe("landscape");
      expect(p.paperSize, ws.name).toBe(9);
      expect(p.fitToPage, ws.name).toBe(true);
      expect(p.fitToWidth, ws.name).toBeGreaterThanOrEqual(1);
      // as many pages down as the rows need
      expect(p.fitToHeight, ws.name).toBe(0);
      expect(p.printTitlesRow, ws.name).toBe(ws.name.startsWith("分项得分") ? "1:2" : "1:1");
      expect(ws.headerFooter.oddFooter, ws.name).toContain("&P");
    }
  });

  it("the ranking on one page width; an item-score sheet repeats its unit columns", () => {
    expect(wb.getWorksheet("排名")!.pageSetup.fitToWidth).toBe(1);
    const items = wb.getWorksheet("分项得分-街道办事处")!;
    expect(items.pageSetup.printTitlesColumn).toBe("A:D");
    expect(items.pageSetup.fitToWidth).toBe(1);
  });
});

describe("失分分析", () => {
  const rows = () => {
    const ws = wb.getWorksheet("失分分析")!;
    const out: (string | number | null)[][] = [];
    ws.eachRow((row, n) => {
      if (n > 1) out.push((row.values as (string | number | null)[]).slice(1));
    });
    return { ws, out };
  };

  it("has a row per indicator and category with the hand-computed figures", () => {
    const { ws, out } = rows();
    expect((ws.getRow(1).values as string[]).slice(1)).toEqual(["类别", "指标编码", "指标名称", "分值", "参评单位数", "失分单位数", "失分单位占比（%）", "失分合计", "平均失分", "主要问题（单位数）", "抽查发现数"]);
    const jd = out.find((r) => r[0] === "街道办事处" && r[1] === "1.2")!;
    // 2 of 3 units lost 2 + 8 = 10 points: 66.67 %, 10 / 3 = 3.33 on average
    expect(jd.slice(2)).toEqual(["公开差错", 20, 3, 2, 66.67, 10, 3.33, "更新不及时（2）；多个栏目长期未更新（1，抽查发现1）", 1]);
    const bm = out.find((r) => r[0] === "区级部门" && r[1] === "1.2")!;
    expect(bm.slice(4, 9)).toEqual([1, 0, 0, 0, 0]);
    // bonus and veto items are not losses: 3.1 (veto) has no row
    expect(out.some((r) => r[1] === "3.1")).toBe(false);
  });

  it("matches the analysis the results pages show", () => {
    const analysis = cycleLossAnalysis(getDb(), currentResults(getDb(), cycleId)!);
    const { out } = rows();
    expect(out.length).toBe(analysis.reduce((n, c) => n + c.indicators.length, 0));
    const jd = analysis.find((c) => c.category === "街道办事处")!;
    expect(jd.units).toBe(3);
    expect(jd.indicators.find((i) => i.id === "1.2")).toMatchObject({ losing: 2, sharePct: 66.67, averageLost: 3.33, findings: 1 });
  });
});
