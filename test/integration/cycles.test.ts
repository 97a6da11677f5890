import { and, eq } from "drizzle-orm";
import { currentCycle } from "../../app/services/self-inspection-context.server";
import { beforeAll, describe, expect, it } from "vitest";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import * as cyclesIndex from "../../app/routes/cycles._index";
import { defaultCycleSettings, MIN_WEIGHT_MESSAGE } from "../../app/domain/cycle-defaults";
import { defaultCalendar } from "../../app/services/holiday-arrangements.server";
import { CYCLE_PRECONDITIONS, CYCLE_TRANSITIONS } from "../../app/domain/cycle-status";
import { toPackageNodes } from "../../app/domain/indicator-spec";
import { PRECONDITION_CHECKS } from "../../app/services/cycle-preconditions.server";
import {
  addIndicatorSet,
  findCycleByYear,
  getIndicatorSet,
  listCycleSets,
  transitionCycle,
  updateCycle,
  type CycleActor,
} from "../../app/services/cycles.server";
import { loadTree, replaceTree, toSpecs } from "../../app/services/indicator-tree.server";
import { mutate, verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, cycles, cycleTransitions, submissions, units, users, type CycleStatus } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEFAULT_TEMPLATE } from "../../app/templates/default-indicators";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { refused } from "../helpers/refusal";
import { evaluateEveryUnit } from "../helpers/results-fixtures";

useTempDataDir();

let admin = "";
const db = () => getDb();
const auditCount = () => db().select().from(auditLog).all().length;
const cycleCount = () => db().select().from(cycles).all().length;
const cycleOf = (year: number) => findCycleByYear(year, getDb())!;
const categoryId = (name: string) => db().select().from(categories).where(eq(categories.name, name)).get()!.id;
const userId = (username: string) => db().select().from(users).where(eq(users.username, username)).get()!.id;

function create(form: Record<string, string>, cookie = admin) {
  return run(cyclesIndex.action, makeRequest("/cycles", { cookie, form }));
}
function post(cycleId: number, form: Record<string, string | string[]>, cookie = admin) {
  return run(cyclePage.action, makeRequest(`/cycles/${cycleId}`, { cookie, form }), { cycleId: String(cycleId) });
}
function page(cycleId: number, cookie = admin) {
  return run(cyclePage.loader, makeRequest(`/cycles/${cycleId}`, { cookie }), { cycleId: String(cycleId) });
}
const packageTree = (cycleId: number, category: string) => toPackageNodes(loadTree(db(), getIndicatorSet(cycleId, categoryId(category), getDb())!.id));

const SETTINGS_FORM = {
  intent: "settings",
  scale: "100",
  passMark: "60",
  bonusGate: "80",
  vetoScore: "0",
  divergence: "0.2",
  evaluatorsPerUnit: "2",
  reconcile: "mean",
  gradeName: ["优秀", "良好", "合格", "不合格", ""],
  gradeMin: ["90", "80", "60", "0", ""],
};

beforeAll(async () => {
  seedAccounts(getDb());
  admin = await sessionCookieFor("admin");
});

describe("creating a cycle", () => {
  it("creates a draft from the default template: one set per category, defaults and the holiday calendar prefilled", async () => {
    const before = auditCount();
    const res = await create({ year: "2026", title: "", opennessWeightPct: "5", source: "template" });
    expect(res.status).toBe(302);
    const cycle = cycleOf(2026);
    expect(res.location).toBe(`/cycles/${cycle.id}`);
    expect(cycle).toMatchObject({
      title: "2026年度政务公开工作绩效考核",
      status: "draft",
      opennessWeightPct: 5,
      selfInspectionDue: "2026-11-30",
      spotCheckStart: "2026-12-01",
      spotCheckEnd: "2026-12-31",
      appealWindowDays: 5,
      copiedFromId: null,
    });
    expect(cycle.settings).toEqual(defaultCycleSettings());
    expect(cycle.calendar).toEqual(defaultCalendar(2026));
    expect(cycle.calendar.holidays).toContain("2026-10-01");

    expect(listCycleSets(cycle.id, getDb()).map((s) => s.categoryName)).toEqual(["街道办事处", "区级部门"]);
    for (const t of DEFAULT_TEMPLATE) expect(packageTree(cycle.id, t.category)).toEqual(toPackageNodes(t.indicators));
    const leaf = getIndicatorSet(cycle.id, categoryId("区级部门"), getDb())!.tree[0].children![0];
    expect(leaf).toMatchObject({ name: "公文公开属性标注率", evidenceRequired: true });
    expect(leaf.basis).toContain("《官渡区全面推进政务公开工作实施细则》一（一）");

    expect(auditCount()).toBe(before + 1);
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "cycle.create")).all().at(-1)!;
    expect(audit.actorName).toContain("admin");
    expect(JSON.parse(audit.after!).indicatorSets).toHaveLength(2);

    const list = await run(cyclesIndex.loader, makeRequest("/cycles", { cookie: admin }));
    expect(list.data.cycles).toEqual([expect.objectContaining({ year: 2026, statusLabel: "草稿", setCount: 2 })]);
  });

  it("refuses a weight below 4% with the policy's exact message, and writes nothing", async () => {
    const [before, cyclesBefore] = [auditCount(), cycleCount()];
    const res = await create({ year: "2027", opennessWeightPct: "3.5", source: "template" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.opennessWeightPct).toBe("政务公开工作分值权重不得低于4%");
    expect(res.data.fieldErrors.opennessWeightPct).toBe(MIN_WEIGHT_MESSAGE);
    expect(res.data.values.year).toBe("2027");
    expect([auditCount(), cycleCount()]).toEqual([before, cyclesBefore]);
  });

  it("refuses a second cycle for the same year", async () => {
    const before = auditCount();
    const res = await create({ year: "2026", opennessWeightPct: "5", source: "empty" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.year).toBe("2026年度的考核已存在，不能重复创建");
    expect(auditCount()).toBe(before);
  });

  it("gives Chinese field messages for a bad year, a missing source and a copy without its cycle", async () => {
    const bad = await create({ year: "二〇二七", opennessWeightPct: "abc", source: "" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors).toMatchObject({
      year: "考核年度须为数字",
      opennessWeightPct: "政务公开工作分值权重须为数字",
      source: "请选择指标体系来源",
    });
    const copy = await create({ year: "2027", opennessWeightPct: "5", source: "copy", copyFromCycleId: "" });
    expect(copy.data.fieldErrors.copyFromCycleId).toBe("请选择要复制的考核年度");
    const missing = await create({ year: "2027", opennessWeightPct: "5", source: "copy", copyFromCycleId: "9999" });
    expect(missing.data.fieldErrors.copyFromCycleId).toBe("所选的考核年度不存在");
    expect(findCycleByYear(2027, getDb())).toBeUndefined();
  });

  it("copies a previous cycle's trees and settings, not its submissions; the calendar is the new year's", async () => {
    const source = cycleOf(2026);
    // Change the source so the copy can be told from the template.
    const edited = await post(source.id, { ...SETTINGS_FORM, passMark: "65", gradeMin: ["92", "80", "65", "0", ""] });
    expect(edited.status).toBe(200);
    mutate(db(), (tx) => {
      const set = getIndicatorSet(source.id, categoryId("区级部门"), tx)!;
      const specs = toSpecs(set.tree);
      specs[0].name = "信息公开（本年度重点）";
      replaceTree(tx, set.id, specs);
    });
    const unit = db().select().from(units).where(eq(units.code, "BM001")).get()!;
    const at = new Date().toISOString();
    db().insert(submissions).values({ cycleId: source.id, unitId: unit.id, status: "draft", lastActivityAt: at, createdAt: at }).run();

    const res = await create({ year: "2027", opennessWeightPct: "6", source: "copy", copyFromCycleId: String(source.id) });
    expect(res.status).toBe(302);
    const copy = cycleOf(2027);
    expect(copy).toMatchObject({ copiedFromId: source.id, opennessWeightPct: 6, status: "draft", selfInspectionDue: "2027-11-30", spotCheckStart: "2027-12-01" });
    expect(copy.settings).toEqual(cycleOf(2026).settings);
    expect(copy.settings.passMark).toBe(65);
    expect(copy.calendar).toEqual(defaultCalendar(2027));
    for (const c of ["街道办事处", "区级部门"]) expect(packageTree(copy.id, c)).toEqual(packageTree(source.id, c));
    expect(packageTree(copy.id, "区级部门")[0].name).toBe("信息公开（本年度重点）");
    // Different node rows: editing the copy never touches last year's tree.
    expect(getIndicatorSet(copy.id, categoryId("区级部门"), getDb())!.tree[0].nodeId).not.toBe(getIndicatorSet(source.id, categoryId("区级部门"), getDb())!.tree[0].nodeId);
    expect(db().select().from(submissions).where(eq(submissions.cycleId, copy.id)).all()).toHaveLength(0);
    expect(db().select().from(submissions).where(eq(submissions.cycleId, source.id)).all()).toHaveLength(1);
  });

  it("starts blank with an empty set for every category that has active units", async () => {
    const res = await create({ year: "2028", opennessWeightPct: "4", source: "empty" });
    expect(res.status).toBe(302);
    const sets = listCycleSets(cycleOf(2028).id, getDb());
    expect(sets.map((s) => [s.categoryName, s.activeUnits])).toEqual([
      ["街道办事处", 6],
      ["区级部门", 8],
    ]);
    for (const s of sets) expect(loadTree(db(), s.id)).toEqual([]);
  });
});

describe("editing a cycle", () => {
  it("validates the scoring settings with Chinese messages (grades descending, lowest 0, marks within the scale)", async () => {
    const cycle = cycleOf(2028);
    const before = auditCount();
    const res = await post(cycle.id, { ...SETTINGS_FORM, passMark: "120", divergence: "2", gradeName: ["优秀", "良好", "合格", "不合格"], gradeMin: ["80", "85", "60", "10"] });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors).toMatchObject({
      "settings.passMark": "合格线不能高于满分100分",
      "settings.divergence": "评分分歧阈值须在0到1之间（如0.2表示该项分值的20%）",
      "settings.grades.1.min": "等次须按分数下限从高到低排列：“良好”的下限（85）须低于“优秀”（80）",
      "settings.grades.3.min": "最低等次“不合格”的分数下限须为0，否则低分单位将没有等次",
    });
    expect(res.data.grades).toHaveLength(4);
    expect(auditCount()).toBe(before);
    expect(cycleOf(2028).settings).toEqual(defaultCycleSettings());
  });

  it("validates the calendar line by line and refuses a date that is both holiday and workday", async () => {
    const cycle = cycleOf(2028);
    const bad = await post(cycle.id, { intent: "calendar", holidays: "2028-01-01\n2028-02-30\n", workdays: "2028-01-01" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors["calendar.holidays"]).toBe("节假日第2行“2028-02-30”不是有效日期，格式应为YYYY-MM-DD");
    const both = await post(cycle.id, { intent: "calendar", holidays: "2028-01-01", workdays: "2028-01-01\n2028-02-05" });
    expect(both.data.fieldErrors["calendar.workdays"]).toBe("2028-01-01不能同时列为节假日和调休上班日");

    const ok = await post(cycle.id, { intent: "calendar", holidays: "2028-10-02\n\n2028-10-01\n2028-10-01", workdays: "2028-09-30" });
    expect(ok.status).toBe(200);
    expect(cycleOf(2028).calendar).toEqual({ holidays: ["2028-10-01", "2028-10-02"], workdays: ["2028-09-30"] });
  });

  it("validates deadlines and saves them with an audit row holding before and after", async () => {
    const cycle = cycleOf(2028);
    const bad = await post(cycle.id, { intent: "schedule", selfInspectionDue: "2028/11/30", spotCheckStart: "2028-12-10", spotCheckEnd: "2028-12-01", appealWindowDays: "0" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors).toMatchObject({
      selfInspectionDue: "自查截止日期须为有效日期，格式为YYYY-MM-DD（如2026-11-30）",
      appealWindowDays: "复核申请期限须为1至60天",
    });
    const order = await post(cycle.id, { intent: "schedule", selfInspectionDue: "2028-11-25", spotCheckStart: "2028-12-10", spotCheckEnd: "2028-12-01", appealWindowDays: "7" });
    expect(order.data.fieldErrors.spotCheckEnd).toBe("抽查结束日期不能早于开始日期");

    const ok = await post(cycle.id, { intent: "schedule", selfInspectionDue: "2028-11-25", spotCheckStart: "2028-12-01", spotCheckEnd: "2028-12-20", appealWindowDays: "7" });
    expect(ok.status).toBe(200);
    expect(cycleOf(2028)).toMatchObject({ selfInspectionDue: "2028-11-25", spotCheckEnd: "2028-12-20", appealWindowDays: 7 });
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "cycle.update")).all().at(-1)!;
    expect(JSON.parse(audit.before!)).toEqual({ selfInspectionDue: "2028-11-30", spotCheckEnd: "2028-12-31", appealWindowDays: 5 });
    expect(JSON.parse(audit.after!)).toEqual({ selfInspectionDue: "2028-11-25", spotCheckEnd: "2028-12-20", appealWindowDays: 7 });
  });
});

describe("the status machine", () => {
  it("is data: every step names a known precondition that has a check, and the statuses run 草稿 → 已归档", () => {
    for (const t of CYCLE_TRANSITIONS) for (const p of t.preconditions) expect(PRECONDITION_CHECKS[p]).toBeTypeOf("function");
    expect(Object.keys(PRECONDITION_CHECKS).sort()).toEqual(Object.keys(CYCLE_PRECONDITIONS).sort());
    expect(CYCLE_TRANSITIONS.map((t) => `${t.from}>${t.to}`)).toEqual([
      "draft>published",
      "published>evaluating",
      "evaluating>preliminary",
      "preliminary>final",
      "final>archived",
    ]);
  });

  it("refuses to publish while a set has errors or a category in use has no set, listing every problem", async () => {
    const cycle = cycleOf(2028);
    // A new category with an active unit, created after the cycle: it has no indicator set.
    mutate(db(), (tx) => {
      const cat = tx.insert(categories).values({ name: "乡镇", sortOrder: 9 }).returning().get();
      tx.insert(units).values({ code: "XZ001", name: "青石镇人民政府", categoryId: cat.id, sortOrder: 99 }).run();
    });
    const before = auditCount();
    const res = await post(cycle.id, { intent: "transition", to: "published" });
    expect(res.status).toBe(400);
    expect(res.data.message).toBe("不能发布考核：未满足“每个有在用单位的类别都已配置指标体系”；未满足“所有指标体系通过校验，没有错误”");
    expect(res.data.errors).toContain("类别“乡镇”有1个在用单位，但尚未配置指标体系");
    expect(res.data.errors).toContain(
      "“街道办事处”指标体系：指标体系未覆盖“信息公开”、“政策解读”、“回应关切”、“媒体参与”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标）；本地考核细则确未设置的，须在指标体系页面记录原因后方可发布",
    );
    expect(res.data.errors.some((e: string) => e.startsWith("“区级部门”指标体系："))).toBe(true);
    expect(cycleOf(2028).status).toBe("draft");
    expect(db().select().from(cycleTransitions).where(eq(cycleTransitions.cycleId, cycle.id)).all()).toHaveLength(0);
    expect(auditCount()).toBe(before);

    // The page shows the same checklist before the button is pressed.
    const view = await page(cycle.id);
    const publish = view.data.transitions.find((t: { to: string }) => t.to === "published");
    // The office entered 2028's holidays above, so the calendar is not among the problems.
    expect(publish.preconditions.map((p: { problems: string[] }) => p.problems.length > 0)).toEqual([true, true, false]);
  });

  it("publishes once every set is fixed, then records actor and time and audits the step", async () => {
    const cycle = cycleOf(2028);
    const added = await post(cycle.id, { intent: "addSet", categoryId: String(categoryId("乡镇")), from: "template" });
    expect(added.status).toBe(200);
    expect(packageTree(cycle.id, "乡镇")).toEqual(toPackageNodes(DEFAULT_TEMPLATE[0].indicators));
    // Fill the two empty sets (what the tree editor or an import would do).
    mutate(db(), (tx) => {
      for (const t of DEFAULT_TEMPLATE) replaceTree(tx, getIndicatorSet(cycle.id, categoryId(t.category), tx)!.id, t.indicators);
    });

    const before = auditCount();
    const res = await post(cycle.id, { intent: "transition", to: "published", comment: "经主任办公会研究" });
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("考核已变更为“已发布”。");
    const after = cycleOf(2028);
    expect(after.status).toBe("published");
    expect(after.publishedAt).toBeTruthy();
    const steps = db().select().from(cycleTransitions).where(eq(cycleTransitions.cycleId, cycle.id)).all();
    expect(steps).toEqual([
      expect.objectContaining({ fromStatus: "draft", toStatus: "published", actorId: userId("admin"), comment: "经主任办公会研究" }),
    ]);
    expect(Date.parse(steps[0].at)).not.toBeNaN();
    expect(auditCount()).toBe(before + 1);
    const audit = db().select().from(auditLog).where(and(eq(auditLog.action, "cycle.transition"), eq(auditLog.entityId, String(cycle.id)))).get()!;
    expect(audit.actorName).toContain("admin");
    expect(JSON.parse(audit.before!)).toEqual({ status: "draft" });
    expect(JSON.parse(audit.after!)).toMatchObject({ status: "published" });

    const view = await page(cycle.id);
    expect(view.data.statusLabel).toBe("已发布");
    expect(view.data.history).toEqual([expect.objectContaining({ fromLabel: "草稿", toLabel: "已发布", actorName: "政务公开办 陈主任" })]);
    expect(view.data.transitions.map((t: { label: string }) => t.label)).toEqual(["进入评审"]);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("refuses steps the machine does not list", async () => {
    const cycle = cycleOf(2028);
    const skip = await post(cycle.id, { intent: "transition", to: "final" });
    expect(skip.status).toBe(400);
    expect(skip.data.message).toBe("考核当前为“已发布”，不能变更为“已定稿”");
    const back = await post(cycle.id, { intent: "transition", to: "draft" });
    expect(back.data.message).toBe("考核当前为“已发布”，不能变更为“草稿”");
    const same = await post(cycle.id, { intent: "transition", to: "published" });
    expect(same.data.message).toBe("考核已是“已发布”状态");
    const draftToEval = await post(cycleOf(2027).id, { intent: "transition", to: "evaluating" });
    expect(draftToEval.data.message).toBe("考核当前为“草稿”，不能变更为“评审中”");
    expect(cycleOf(2028).status).toBe("published");
    // A role the step does not list is refused even when the service is called directly.
    const leader: CycleActor = { id: userId("leader"), name: "领导", role: "leader" };
    expect(transitionCycle(getDb(), cycle.id, "evaluating", leader)).toMatchObject({ ok: false, message: "您无权执行“进入评审”操作" });
  });

  it("after publishing freezes the weight, settings and sets but keeps the title, deadlines and calendar editable", async () => {
    const cycle = cycleOf(2028);
    const weight = await post(cycle.id, { intent: "basics", title: "2028年度考核", opennessWeightPct: "8" });
    expect(weight.status).toBe(400);
    expect(weight.data.fieldErrors.opennessWeightPct).toBe("考核已发布，政务公开工作分值权重不能再修改");
    const settings = await post(cycle.id, { ...SETTINGS_FORM, passMark: "70" });
    expect(settings.data.fieldErrors.settings).toBe("考核已发布，评分设置不能再修改");
    const title = await post(cycle.id, { intent: "basics", title: "2028年度考核", opennessWeightPct: "4" });
    expect(title.status).toBe(200);
    const schedule = await post(cycle.id, { intent: "schedule", selfInspectionDue: "2028-12-05", spotCheckStart: "2028-12-06", spotCheckEnd: "2028-12-20", appealWindowDays: "7" });
    expect(schedule.status).toBe(200);
    const reset = await post(cycle.id, { intent: "calendar", reset: "1" });
    expect(reset.status).toBe(200);
    expect(cycleOf(2028)).toMatchObject({ title: "2028年度考核", selfInspectionDue: "2028-12-05", opennessWeightPct: 4, calendar: defaultCalendar(2028) });
    expect(refused(() => addIndicatorSet(getDb(), { id: null, name: "测试" }, cycle.id, categoryId("区级部门"), "empty"))).toEqual({
      code: "conflict",
      fieldErrors: { categoryId: "考核已发布，不能再新增指标体系" },
    });
  });

  it("walks on to 已归档, after which nothing changes; the current cycle is the latest one in progress", () => {
    const office: CycleActor = { id: userId("admin"), name: "admin", role: "office" };
    const cycle = cycleOf(2028);
    expect(currentCycle(getDb())?.year).toBe(2028);
    for (const to of ["evaluating", "preliminary"] as CycleStatus[]) expect(transitionCycle(getDb(), cycle.id, to, office).ok).toBe(true);
    // 定稿 waits for the appeal window (issue 6): let 初步结果 lie long enough in the past.
    db().update(cycleTransitions).set({ at: "2020-01-01T00:00:00.000Z" }).where(and(eq(cycleTransitions.cycleId, cycle.id), eq(cycleTransitions.toStatus, "preliminary"))).run();
    // …and for every unit's evaluation (it takes the final snapshot).
    const unevaluated = transitionCycle(getDb(), cycle.id, "final", office);
    expect(unevaluated).toMatchObject({ ok: false, message: "不能结果定稿：未满足“所有在用单位均已评估完成（每项指标都有已签署的评估结果）”" });
    evaluateEveryUnit(cycle.id);
    expect(transitionCycle(getDb(), cycle.id, "final", office)).toMatchObject({ ok: true, snapshot: { units: db().select().from(units).where(eq(units.active, true)).all().length } });
    expect(refused(() => updateCycle(getDb(), office, cycle.id, { selfInspectionDue: "2028-12-10" }))).toEqual({
      code: "invalid",
      fieldErrors: { selfInspectionDue: "考核已定稿，自查截止日期不能再修改" },
    });
    expect(currentCycle(getDb())?.year).toBe(2028);
    expect(transitionCycle(getDb(), cycle.id, "archived", office).ok).toBe(true);
    // 2026 and 2027 are still drafts: nothing is in progress.
    expect(currentCycle(getDb())).toBeNull();
    expect(db().select().from(cycleTransitions).where(eq(cycleTransitions.cycleId, cycle.id)).all().map((t) => t.toStatus)).toEqual([
      "published",
      "evaluating",
      "preliminary",
      "final",
      "archived",
    ]);
  });
});

describe("access to the cycle pages", () => {
  it("gives department and evaluator users 403 on every loader and action, and changes nothing", async () => {
    const cycle = cycleOf(2026);
    const before = [auditCount(), cycleCount()];
    for (const username of ["dept-001", "eval-001"]) {
      const cookie = await sessionCookieFor(username);
      expect((await run(cyclesIndex.loader, makeRequest("/cycles", { cookie }))).status).toBe(403);
      expect((await create({ year: "2030", opennessWeightPct: "5", source: "template" }, cookie)).status).toBe(403);
      expect((await page(cycle.id, cookie)).status).toBe(403);
      expect((await post(cycle.id, { intent: "transition", to: "published" }, cookie)).status).toBe(403);
      expect((await post(cycle.id, { intent: "basics", title: "越权", opennessWeightPct: "5" }, cookie)).status).toBe(403);
    }
    expect([auditCount(), cycleCount()]).toEqual(before);
    expect(cycleOf(2026).status).toBe("draft");
  });

  it("lets leaders read but never write", async () => {
    const cookie = await sessionCookieFor("leader");
    const list = await run(cyclesIndex.loader, makeRequest("/cycles", { cookie }));
    expect(list.status).toBe(200);
    expect(list.data.canEdit).toBe(false);
    const cycle = cycleOf(2026);
    const view = await page(cycle.id, cookie);
    expect(view.status).toBe(200);
    expect(view.data.canEdit).toBe(false);
    expect(Object.values(view.data.editable).every((v) => v === false)).toBe(true);
    expect(view.data.transitions.every((t: { allowed: boolean }) => !t.allowed)).toBe(true);
    expect((await post(cycle.id, { intent: "transition", to: "published" }, cookie)).status).toBe(403);
    expect((await create({ year: "2031", opennessWeightPct: "5", source: "template" }, cookie)).status).toBe(403);
  });

  it("answers 404 for a cycle that does not exist", async () => {
    expect((await page(99999)).status).toBe(404);
    expect((await page(Number.NaN)).status).toBe(404);
  });
});

describe("a year whose holiday arrangement is not known (issue 14, item 6)", () => {
  const YEAR = 2040;
  const calendarCheck = async (cycleId: number) => {
    const view = await page(cycleId);
    const publish = view.data.transitions.find((t: { to: string }) => t.to === "published");
    return { status: view.data.calendarStatus, problems: publish.preconditions.find((p: { id: string }) => p.id === "calendarArranged").problems };
  };
  const MISSING = `工作日历中没有${YEAR}年的节假日安排（系统尚未收录国务院办公厅${YEAR}年节假日安排的通知）：请按通知录入节假日和调休上班日，或确认${YEAR}年按无节假日的日历执行`;

  it("says plainly that the arrangement is missing instead of claiming a prefilled calendar, and refuses to publish", async () => {
    expect((await create({ year: String(YEAR), opennessWeightPct: "5", source: "template" })).status).toBe(302);
    const cycle = cycleOf(YEAR);
    expect(cycle.calendar).toEqual({ holidays: [], workdays: [] });
    const { status, problems } = await calendarCheck(cycle.id);
    expect(status).toEqual({ year: YEAR, knownYears: [], yearMissing: true, emptyConfirmed: false, nextYearMissing: true });
    expect(problems).toEqual([MISSING]);
    const res = await post(cycle.id, { intent: "transition", to: "published" });
    expect(res.status).toBe(400);
    expect(res.data.message).toContain("未满足“工作日历已录入本年度节假日安排（或已确认按无节假日的日历执行）”");
    expect(res.data.errors).toContain(MISSING);
    expect(cycleOf(YEAR).status).toBe("draft");
  });

  it("is satisfied once the office confirms an empty calendar (audited), or enters the year's holidays", async () => {
    const cycle = cycleOf(YEAR);
    const before = auditCount();
    const confirmed = await post(cycle.id, { intent: "calendar", holidays: "", workdays: "", emptyConfirmed: "1" });
    expect(confirmed.status).toBe(200);
    expect(cycleOf(YEAR).calendar).toEqual({ holidays: [], workdays: [], emptyConfirmed: true });
    expect(auditCount()).toBe(before + 1);
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "cycle.update")).all().at(-1)!;
    expect(JSON.parse(audit.after!)).toEqual({ calendar: { holidays: [], workdays: [], emptyConfirmed: true } });
    expect(await calendarCheck(cycle.id)).toEqual({
      status: { year: YEAR, knownYears: [], yearMissing: false, emptyConfirmed: true, nextYearMissing: true },
      problems: [],
    });

    // Unticking the confirmation brings the refusal back; entering one holiday of the year satisfies it.
    await post(cycle.id, { intent: "calendar", holidays: "", workdays: "" });
    expect((await calendarCheck(cycle.id)).problems).toEqual([MISSING]);
    await post(cycle.id, { intent: "calendar", holidays: `${YEAR}-10-01`, workdays: "" });
    expect(await calendarCheck(cycle.id)).toEqual({
      status: { year: YEAR, knownYears: [], yearMissing: false, emptyConfirmed: false, nextYearMissing: true },
      problems: [],
    });
  });

  it("prefills a known year from the official arrangement and says where it comes from", async () => {
    const view = await page(cycleOf(2026).id);
    expect(view.data.calendarStatus).toMatchObject({ year: 2026, knownYears: [2026], yearMissing: false, emptyConfirmed: false });
  });
});

