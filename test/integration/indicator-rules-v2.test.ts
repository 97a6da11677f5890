import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import * as previewPage from "../../app/routes/cycles.$cycleId.sets.$setId.preview";
import { createCycle, findCycleByYear, getIndicatorSet, updateCycle } from "../../app/services/cycles.server";
import { loadTree } from "../../app/services/indicator-tree.server";
import { packageSkeleton } from "../../app/services/indicator-package.server";
import { getDb } from "../../db/client";
import { auditLog, categories, cycles, indicatorNodes, users } from "../../db/schema";
import { validatePackage, type IndicatorNode } from "../../scoring";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Issue 13, rules 1–8 through the indicator editor's real loader and action: each saved with its
// audit row, bad input refused in Chinese with nothing written, the tree table and the preview
// reading the rule as a sentence, and the cycle's package becoming zwgk-assessment/2.

useTempDataDir();

let admin = "";
const db = () => getDb();
const auditRows = () => db().select().from(auditLog).all();
const officeActor = () => {
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  return { id: u.id, name: `${u.displayName}（admin）`, role: "office" as const };
};
let ids = { cycleId: 0, setId: 0 };
const params = () => ({ cycleId: String(ids.cycleId), setId: String(ids.setId) });
const act = (form: Record<string, string | string[]>) => run(setPage.action, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}`, { cookie: admin, form }), params());
const page = (query = "") => run(setPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}${query}`, { cookie: admin }), params());
const node = (code: string) => db().select().from(indicatorNodes).where(and(eq(indicatorNodes.setId, ids.setId), eq(indicatorNodes.code, code))).get()!;
const rowOf = async (code: string) => (await page()).data.rows.find((r: { code: string }) => r.code === code);
const NODE = { guidance: "", criteria: "", basis: "", dimension: "" };

beforeAll(async () => {
  seedAccounts(getDb());
  admin = await sessionCookieFor("admin");
  const cycleId = createCycle(getDb(), officeActor(), { year: 2026, source: "template" });
  updateCycle(getDb(), officeActor(), cycleId, { calendar: { ...findCycleByYear(2026, getDb())!.calendar, emptyConfirmed: true } });
  const category = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!;
  ids = { cycleId, setId: getIndicatorSet(cycleId, category.id, getDb())!.id };
});

describe("the editor saves each new rule with its audit row and shows it as a sentence", () => {
  it("rule 1: a fault's maximum and a one-time fault", async () => {
    const before = auditRows().length;
    const res = await act({
      intent: "save",
      nodeId: String(node("1.2").id),
      ...NODE,
      code: "1.2",
      name: "主动公开目录",
      points: "4",
      ruleType: "deduction",
      faultCode: ["miss", "nodir"],
      faultLabel: ["栏目内容缺失", "未编制目录"],
      faultPoints: ["0.5", "1"],
      faultMode: ["each", "once"],
      faultMax: ["2", ""],
    });
    expect(res.status).toBe(200);
    expect(node("1.2").rule).toEqual({
      type: "deduction",
      faults: [
        { code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 },
        { code: "nodir", label: "未编制目录", points: 1, once: true },
      ],
    });
    expect(auditRows().length).toBe(before + 1);
    expect(auditRows().at(-1)!.action).toBe("indicator.node.update");
    expect((await rowOf("1.2")).rule).toBe("栏目内容缺失每处扣0.5分，最多扣2分；未编制目录一次性扣1分；最多扣4分（扣完为止）");
  });

  it("refuses a bad maximum, a discretion bound above the points and a cap below zero, writing nothing", async () => {
    const before = [auditRows().length, JSON.stringify(node("1.2").rule)];
    const bad = await act({ intent: "save", nodeId: String(node("1.2").id), ...NODE, code: "1.2", name: "目录", points: "4", ruleType: "deduction", faultLabel: "缺失", faultPoints: "1", faultMode: "each", faultMax: "0.5" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors["faults.0.max"]).toBe("最多扣分0.5不能小于每次扣分1");
    const over = await act({ intent: "save", nodeId: String(node("1.2").id), ...NODE, code: "1.2", name: "目录", points: "4", ruleType: "deduction", deductionDiscretionMax: "5" });
    expect(over.data.fieldErrors.deductionDiscretionMax).toBe("酌情扣分上限5不能超过指标分值4");
    expect([auditRows().length, JSON.stringify(node("1.2").rule)]).toEqual(before);
  });

  it("rules 2 and 7: discretion and a designated source on a score leaf", async () => {
    const code = "2.4";
    const res = await act({ intent: "save", nodeId: String(node(code).id), ...NODE, code, name: "解读质量", points: "4", ruleType: "score", scoreDiscretionMax: "2", designated: "县外网办" });
    expect(res.status).toBe(200);
    expect(node(code).rule).toEqual({ type: "score", designated: "县外网办", discretionMax: 2 });
    expect((await rowOf(code)).rule).toBe("在2分内酌情给分，须说明理由；以“县外网办”的评分为准");
  });

  it("rule 3: a penalty part with its cap", async () => {
    const before = auditRows().length;
    const added = await act({ intent: "add", position: "top", ...NODE, code: "P", name: "倒扣分", points: "0", part: "penalty", ruleType: "deduction", faultLabel: "被上级通报批评", faultPoints: "2", faultMode: "each" });
    expect(added.status).toBe(302);
    const child = await act({ intent: "add", position: `child-${node("P").id}`, ...NODE, code: "P.1", name: "通报批评", points: "0", ruleType: "deduction", faultLabel: "被上级通报批评", faultPoints: "2", faultMode: "each" });
    expect(child.status).toBe(302);
    await act({ intent: "add", position: `child-${node("P").id}`, ...NODE, code: "P.2", name: "失泄密", points: "0", ruleType: "deduction", faultLabel: "发生失泄密事件", faultPoints: "5", faultMode: "once" });
    const capped = await act({ intent: "save", nodeId: String(node("P").id), ...NODE, code: "P", name: "倒扣分", points: "0", part: "penalty", cap: "5" });
    expect(capped.status).toBe(200);
    const top = loadTree(db(), ids.setId).find((n) => n.code === "P")!;
    expect([top.part, top.cap, top.rule, top.children!.map((c) => c.code)]).toEqual(["penalty", 5, undefined, ["P.1", "P.2"]]);
    expect(auditRows().length).toBe(before + 4);
    expect((await rowOf("P")).rule).toBe("扣分项在总分之外倒扣，合计最多扣5分（总分不低于0分）");
    expect((await rowOf("P.1")).rule).toBe("被上级通报批评每处扣2分；在总分之外倒扣");
    expect((await rowOf("P.2")).rule).toBe("发生失泄密事件一次性扣5分；在总分之外倒扣");
    const refused = await act({ intent: "save", nodeId: String(node("P").id), ...NODE, code: "P", name: "倒扣分", points: "0", part: "penalty", cap: "很多" });
    expect(refused.data.fieldErrors.cap).toBe("扣分项上限必须是大于0的数字，如 5；不设上限请留空");
    expect(loadTree(db(), ids.setId).find((n) => n.code === "P")!.cap).toBe(5);
  });

  it("rule 4: a part veto names the part it zeroes", async () => {
    const vetoTop = loadTree(db(), ids.setId).find((n) => n.part === "veto")!;
    const leaf = vetoTop.children![0];
    const res = await act({ intent: "save", nodeId: String(leaf.nodeId), ...NODE, code: leaf.code, name: leaf.name, points: "0", ruleType: "veto", vetoScope: "2" });
    expect(res.status).toBe(200);
    expect(node(leaf.code).rule).toEqual({ type: "veto", scope: "2" });
    expect((await rowOf(leaf.code)).rule).toBe("发生即“2 政策解读”部分按0分计，不影响其他部分，也不因此整体否决");
    const loaded = await page(`?node=${leaf.nodeId}`);
    expect(loaded.data.baseParts.map((p: { code: string }) => p.code)).toContain("2");
    expect(loaded.data.selected.state.vetoScope).toBe("2");
  });

  it("rule 8: checklist tasks", async () => {
    const code = "1.6";
    const res = await act({ intent: "save", nodeId: String(node(code).id), ...NODE, code, name: "执行公开", points: "2", ruleType: "checklist", taskCode: ["dir", "guide"], taskLabel: ["编制目录", "更新指南"], taskPoints: ["1", "1"] });
    expect(res.status).toBe(200);
    expect(node(code).rule).toEqual({ type: "checklist", tasks: [{ code: "dir", label: "编制目录", points: 1 }, { code: "guide", label: "更新指南", points: 1 }] });
    expect((await rowOf(code)).rule).toBe("完成以下任务的按项计分：编制目录1分；更新指南1分，最多得2分；已完成但无佐证材料的不得分");
  });

  it("rules 5 and 6: the category's weight, grades, pass mark and part bonus gate, audited; a weight below 4% is refused", async () => {
    const before = auditRows().length;
    const settings = () => db().select().from(cycles).where(eq(cycles.id, ids.cycleId)).get()!.settings;
    const low = await act({ intent: "categoryRules", weight: "3", passMark: "", gradeName: ["", ""], gradeMin: ["", ""], gateValue: "", gateComparison: "gt", gatePart: "" });
    expect(low.status).toBe(400);
    expect(low.data.fieldErrors.weight).toBe("政务公开工作分值权重不得低于4%");
    expect([auditRows().length, settings().categoryRules]).toEqual([before, undefined]);
    const res = await act({
      intent: "categoryRules",
      weight: "4",
      passMark: "70",
      gradeName: ["优秀", "合格", "不合格", ""],
      gradeMin: ["90", "70", "0", ""],
      gateValue: "20",
      gateComparison: "gte",
      gatePart: "1",
    });
    expect(res.status).toBe(200);
    const categoryId = String(db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id);
    expect(settings().categoryRules![categoryId]).toEqual({
      opennessWeightPct: 4,
      passMark: 70,
      grades: [
        { name: "优秀", min: 90 },
        { name: "合格", min: 70 },
        { name: "不合格", min: 0 },
      ],
      bonusGate: { value: 20, comparison: "gte", part: "1" },
    });
    const audit = auditRows().at(-1)!;
    expect([auditRows().length, audit.action]).toEqual([before + 1, "indicator_set.category_rules"]);
    const loaded = await page();
    expect(loaded.data.categoryRules.state).toMatchObject({ weight: "4", passMark: "70", gateComparison: "gte", gatePart: "1" });
    // Saving the cycle's own settings keeps the category's.
    updateCycle(getDb(), officeActor(), ids.cycleId, { title: "2026年度政务公开考核（修订）" });
    expect(findCycleByYear(2026, getDb())!.title).toBe("2026年度政务公开考核（修订）");
    expect(settings().categoryRules![categoryId].opennessWeightPct).toBe(4);
  });
});

describe("the package and the preview follow the rules", () => {
  it("the cycle's package is zwgk-assessment/2 with the category's settings and the penalty cap, and validates", () => {
    const pkg = packageSkeleton(db(), ids.cycleId);
    expect(pkg.format).toBe("zwgk-assessment/2");
    const set = pkg.indicatorSets.find((s) => s.category === "区级部门")!;
    expect([set.opennessWeightPct, set.passMark, set.bonusGate]).toEqual([4, 70, { value: 20, comparison: "gte", part: "1" }]);
    expect((set.indicators as IndicatorNode[]).find((n) => n.id === "P")).toMatchObject({ part: "penalty", cap: 5, points: 0 });
    const checked = validatePackage(pkg);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it("the preview scores a sample unit with the penalty subtracted and the rules as sentences", async () => {
    const res = await run(previewPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}/preview?mode=half`, { cookie: admin }), params());
    expect(res.status).toBe(200);
    expect(res.data.preview.ok).toBe(true);
    const sample = res.data.preview.units.find((u: { kind: string }) => u.kind === "sample");
    // half: each penalty fault found once — 2 + 5 = 7, capped at 5.
    expect(sample.penalty).toBe(5);
    expect(sample.explain).toContain("扣分项扣5.00分");
    expect(res.data.leaves.find((l: { code: string }) => l.code === "P.2").rule).toBe("发生失泄密事件一次性扣5分；在总分之外倒扣");
  });
});
