import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { categories, cycles, evaluatorAssignments, evaluatorEntries } from "../../db/schema";
import type { LeafInput, UnitResult } from "../../scoring";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { buildCyclePackage } from "../../app/services/cycle-package.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { exportSource } from "../../app/services/results-export/source.server";
import { rankingPage, scoreCard } from "../../app/services/results-pages.server";
import type { SessionUser } from "../../app/utils/auth.server";
import { writeResultsXlsx } from "../../app/services/results-export/xlsx.server";
import { writeScoreCardPdf } from "../../app/services/results-export/pdf.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { insertCycle, leafNodeId } from "../helpers/cycle-fixtures";
import { unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { useTempDataDir } from "../helpers/data-dir";
import { pdfText } from "../helpers/pdf-text";

// Issue 13 through the app's own results path: a cycle whose set uses the /2 rules is packaged as
// zwgk-assessment/2 (designated source by the evaluator's name, discretion with its reason), scored
// by the engine, and the 扣分明细 sheet, the 说明 sheet and the unit's PDF state the penalty part,
// the part veto, the checklist and the category's own weight.

useTempDataDir();

const TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 60,
    children: [
      { code: "1.1", name: "网站评价", points: 20, rule: { type: "score", designated: "评估员 李强" } },
      { code: "1.2", name: "栏目维护", points: 20, rule: { type: "deduction", faults: [{ code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 }] } },
      { code: "1.3", name: "年度任务", points: 20, rule: { type: "checklist", tasks: [{ code: "dir", label: "编制目录", points: 10 }, { code: "guide", label: "更新指南", points: 10 }] } },
    ],
  },
  {
    code: "2",
    name: "政策解读",
    dimension: "interpretation",
    points: 40,
    children: [
      { code: "2.1", name: "解读质量", points: 20, rule: { type: "score", discretionMax: 10 } },
      { code: "2.2", name: "解读时效", points: 20, rule: { type: "score" } },
    ],
  },
  { code: "3", name: "单项否决", part: "veto", points: 0, children: [{ code: "3.1", name: "解读与原文不符", points: 0, rule: { type: "veto", scope: "2" } }] },
  {
    code: "P",
    name: "倒扣分",
    part: "penalty",
    points: 0,
    cap: 5,
    children: [{ code: "P.1", name: "通报批评", points: 0, rule: { type: "deduction", faults: [{ code: "notice", label: "被上级通报批评", points: 2 }] } }],
  },
];

/** BM001: every rule at work. Lead 王敏, second 李强 (the designated source of 1.1). */
const LEAD: Record<string, LeafInput> = {
  "1.1": { scores: [18] },
  "1.2": { deductions: [{ fault: "miss", count: 4 }, { fault: "miss", count: 3 }] },
  "1.3": { tasks: [{ task: "dir", done: true, evidence: 2 }, { task: "guide", done: true }] },
  "2.1": { scores: [8], reason: "解读形式单一" },
  "2.2": { scores: [20] },
  "3.1": { triggered: true, reason: "解读材料与政策原文不符" },
  "P.1": { deductions: [{ fault: "notice", count: 3 }] },
};
const SECOND: Record<string, LeafInput> = { ...LEAD, "1.1": { scores: [12] }, "2.1": { scores: [9], reason: "未配图解" } };

let cycleId = 0;
let categoryId = 0;

beforeAll(() => {
  seedAccounts(getDb());
  categoryId = getDb().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id;
  cycleId = insertCycle(2026, TREE, {
    status: "evaluating",
    settings: { categoryRules: { [String(categoryId)]: { opennessWeightPct: 4 } } } as never,
  });
  const at = "2026-12-01T08:00:00.000Z";
  const db = getDb();
  (["eval-001", "eval-002"] as const).forEach((username, k) => {
    const a = db
      .insert(evaluatorAssignments)
      .values({ cycleId, unitId: unitIdOf("BM001"), evaluatorId: userIdOf(username), method: "manual", assignedAt: at, signedOffAt: at, lead: k === 0 })
      .returning()
      .get();
    for (const [leaf, input] of Object.entries(k === 0 ? LEAD : SECOND)) {
      db.insert(evaluatorEntries).values({ assignmentId: a.id, nodeId: leafNodeId(cycleId, "BM001", leaf), input: input as Record<string, unknown>, reason: "", updatedAt: at }).run();
    }
  });
});

async function collect(write: (s: PassThrough) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await write(stream);
  return Buffer.concat(chunks);
}

describe("a cycle using the /2 rules", () => {
  it("is packaged as zwgk-assessment/2: the designated evaluator named, each discretion reason kept, the category's weight on its set", () => {
    const { pkg } = buildCyclePackage(getDb(), cycleId, { unitIds: [unitIdOf("BM001")] });
    expect(pkg.format).toBe("zwgk-assessment/2");
    const unit = pkg.units[0];
    expect(unit.inputs["1.1"]).toEqual({ scores: [{ by: "评估员 王敏", value: 18 }, { by: "评估员 李强", value: 12 }] });
    expect(unit.inputs["2.1"]).toEqual({ scores: [{ by: "评估员 王敏", value: 8 }, { by: "评估员 李强", value: 9 }], reason: "解读形式单一；未配图解" });
    const set = (pkg.indicatorSets as { category: string; opennessWeightPct?: number }[]).find((s) => s.category === "区级部门")!;
    expect(set.opennessWeightPct).toBe(4);
  });

  it("scores by the rules: designated value, fault cap, checklist evidence, part veto, capped penalty, category weight", () => {
    const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!r.ok) throw new Error(r.message);
    const results = JSON.parse(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "results")) as { format: string; units: UnitResult[] };
    expect(results.format).toBe("zwgk-results/2");
    const u = results.units.find((x) => x.id === "BM001")!;
    // 1.1 = 12 (李强 designated); 1.2 = 20 − 2 (cap); 1.3 = 10 (guide without evidence); part 2 vetoed → 0.
    // base = 12 + 18 + 10 = 40; penalty 6 capped at 5 → 35; contribution 35 × 4% = 1.4.
    expect([u.base, u.penalty, u.total, u.contribution, u.vetoed]).toEqual([40, 5, 35, 1.4, false]);
  });

  it("lists the penalty part, the part veto and the checklist in 扣分明细, and the category's settings in 说明", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await collect((s) => writeResultsXlsx(exportSource(getDb(), cycleId), s))) as unknown as ExcelJS.Buffer);
    const lost = wb.getWorksheet("扣分明细")!;
    const rows: string[][] = [];
    lost.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v))));
    });
    const mine = rows.filter((r) => r[0] === "BM001");
    const byItem = (name: string) => mine.find((r) => r[4] === name);
    expect(byItem("扣分项合计（倒扣分）")?.slice(7)).toEqual(["5", "扣分项扣5.00分（扣分项合计6分，超过上限的部分不扣）"]);
    expect(byItem("部分否决：“政策解读”按0分计")?.[8]).toBe("解读与原文不符：触发单项否决：解读材料与政策原文不符");
    expect(byItem("年度任务")?.[8]).toContain("无佐证材料，不得分");
    expect(byItem("通报批评")?.slice(5)).toEqual(["0", "-6", "6", "被上级通报批评×3，扣6分，倒扣6.00分"]);
    const about = wb.getWorksheet("说明")!;
    const aboutRows: string[] = [];
    about.eachRow((row) => aboutRows.push((row.values as unknown[]).slice(1).join("|")));
    expect(aboutRows).toContain("区级部门类别设置|本类别政务公开工作分值权重为4%，绩效贡献按此折算");
  });

  it("shows what the 扣分项 part subtracted beside 加分 in the ranking page and the 排名 sheet", async () => {
    const cycle = { id: cycleId, year: 2026, title: "2026年度", status: "evaluating" as const };
    const page = rankingPage(getDb(), { role: "office" } as SessionUser, cycle);
    expect(page.penalty).toBe(true);
    const row = page.rows.find((r) => r.id === "BM001")!;
    expect([row.base, row.bonus, row.penalty, row.total]).toEqual([40, 0, 5, 35]);
    const card = scoreCard(getDb(), { role: "office" } as SessionUser, getDb().select().from(cycles).where(eq(cycles.id, cycleId)).get()!, unitIdOf("BM001")).card!;
    expect([card.base, card.penalty, card.total]).toEqual([40, 5, 35]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await collect((s) => writeResultsXlsx(exportSource(getDb(), cycleId), s))) as unknown as ExcelJS.Buffer);
    const rank = wb.getWorksheet("排名")!;
    const headers = (rank.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(5, 10)).toEqual(["总分", "基础分", "加分", "扣分项（倒扣）", "等次"]);
    let mine: unknown[] = [];
    rank.eachRow((r, n) => {
      if (n > 1 && (r.values as unknown[])[3] === "BM001") mine = (r.values as unknown[]).slice(1);
    });
    expect(mine.slice(5, 9)).toEqual([35, 40, 0, 5]);
  });

  it("states the penalty, the part veto and the category's weight on the unit's PDF", async () => {
    const source = exportSource(getDb(), cycleId);
    const results = JSON.parse(storedDocument(getDb(), source.meta.id, "results")) as { units: UnitResult[] };
    const u = results.units.find((x) => x.id === "BM001")!;
    const text = (await pdfText(await collect((s) => writeScoreCardPdf(source, u, {}, s)))).replace(/\s+/g, "");
    expect(text).toContain("扣分项−5.00");
    expect(text).toContain("按4%权重");
    expect(text).toContain("部分否决：解读与原文不符");
    expect(text).toContain("“政策解读”部分按0分计");
    expect(text).toContain("扣分项（倒扣分）：扣分项扣5.00分");
  });

  it("refuses to compute while the designated source's value is missing, naming the unit and the leaf", () => {
    const other = insertCycle(2027, TREE, { status: "evaluating" });
    const at = "2027-12-01T08:00:00.000Z";
    const a = getDb()
      .insert(evaluatorAssignments)
      .values({ cycleId: other, unitId: unitIdOf("BM001"), evaluatorId: userIdOf("eval-001"), method: "manual", assignedAt: at, signedOffAt: at, lead: true })
      .returning()
      .get();
    for (const [leaf, input] of Object.entries(LEAD)) {
      getDb().insert(evaluatorEntries).values({ assignmentId: a.id, nodeId: leafNodeId(other, "BM001", leaf), input: input as Record<string, unknown>, reason: "", updatedAt: at }).run();
    }
    const r = computeCycleResults(getDb(), other, SEED_ACTOR);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.message)).toContain("单位“区教育局”的指标“1.1”缺少指定来源“评估员 李强”的评分（该指标以“评估员 李强”评分为准）");
    expect(currentResults(getDb(), other)).toBeNull();
  });
});
