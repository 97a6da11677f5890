import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import * as previewPage from "../../app/routes/cycles.$cycleId.sets.$setId.preview";
import { createCycle, findCycleByYear, getIndicatorSet, transitionCycle, updateCycle } from "../../app/services/cycles.server";
import { loadTree } from "../../app/services/indicator-tree.server";
import { mutate, verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, indicatorAmendments, indicatorNodes, submissionAnswers, submissions, units, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { evaluateEveryUnit } from "../helpers/results-fixtures";

useTempDataDir();

let admin = "";
const db = () => getDb();
const auditCount = () => db().select().from(auditLog).all().length;
const nodeCount = () => db().select().from(indicatorNodes).all().length;
const officeActor = () => {
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  return { id: u.id, name: `${u.displayName}（admin）`, role: "office" as const };
};

function newCycle(year: number): { cycleId: number; setId: number } {
  const cycleId = createCycle(getDb(), officeActor(), { year, source: "template" });
  // These years' holiday arrangements are not published yet: the office confirms the calendar as
  // it is, so that publishing depends on the indicator sets alone.
  updateCycle(getDb(), officeActor(), cycleId, { calendar: { ...findCycleByYear(year, getDb())!.calendar, emptyConfirmed: true } });
  const category = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!;
  return { cycleId, setId: getIndicatorSet(cycleId, category.id, getDb())!.id };
}

const idOf = (setId: number, code: string) =>
  db().select().from(indicatorNodes).where(and(eq(indicatorNodes.setId, setId), eq(indicatorNodes.code, code))).get()!.id;
const nodeOf = (setId: number, code: string) =>
  db().select().from(indicatorNodes).where(and(eq(indicatorNodes.setId, setId), eq(indicatorNodes.code, code))).get();
const childCodes = (setId: number, code: string) => {
  const tree = loadTree(db(), setId);
  const find = (nodes: typeof tree): (typeof tree)[number] | undefined => {
    for (const n of nodes) {
      if (n.code === code) return n;
      const f = find(n.children ?? []);
      if (f) return f;
    }
    return undefined;
  };
  return (find(tree)?.children ?? []).map((c) => c.code);
};

function editor(ids: { cycleId: number; setId: number }, query = "", cookie = admin) {
  return run(setPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}${query}`, { cookie }), {
    cycleId: String(ids.cycleId),
    setId: String(ids.setId),
  });
}
function act(ids: { cycleId: number; setId: number }, form: Record<string, string | string[]>, cookie = admin) {
  return run(setPage.action, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}`, { cookie, form }), {
    cycleId: String(ids.cycleId),
    setId: String(ids.setId),
  });
}
function publish(cycleId: number) {
  return run(cyclePage.action, makeRequest(`/cycles/${cycleId}`, { cookie: admin, form: { intent: "transition", to: "published" } }), {
    cycleId: String(cycleId),
  });
}

const LEAF = { code: "1.7", name: "政府信息公开工作年度报告按时发布", points: "2", dimension: "", guidance: "", criteria: "", basis: "" };

beforeAll(async () => {
  seedAccounts(getDb());
  admin = await sessionCookieFor("admin");
});

describe("tree editor in a draft", () => {
  it("shows the tree, the node's fields and a clean validation panel", async () => {
    const ids = newCycle(2026);
    const page = await editor(ids, `?node=${idOf(ids.setId, "4.1")}`);
    expect(page.status).toBe(200);
    expect(page.data.mode).toBe("draft");
    expect(page.data.canEdit).toBe(true);
    expect(page.data.report).toEqual({ errors: [], warnings: [] });
    expect(page.data.rows.map((r: { code: string }) => r.code).slice(0, 4)).toEqual(["1", "1.1", "1.2", "1.3"]);
    expect(page.data.rows.find((r: { code: string }) => r.code === "1.3.1").level).toBe(3);
    expect(page.data.selected.state).toMatchObject({ code: "4.1", ruleType: "tiers", points: "5" });
    expect(page.data.selected.state.tiers.length).toBeGreaterThan(0);
    expect(page.data.selected.state.basis).toMatch(/《.+》/);
  });

  it("refuses bad rule parameters field by field in Chinese and writes nothing", async () => {
    const ids = { cycleId: findCycleByYear(2026, getDb())!.id, setId: getIndicatorSet(findCycleByYear(2026, getDb())!.id, db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id, getDb())!.id };
    const position = `child-${idOf(ids.setId, "1")}`;
    const before = [nodeCount(), auditCount()];
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ ruleType: "ratio", target: "-1" }, "target", "达标值必须大于0"],
      [{ ruleType: "ratio", target: "一半" }, "target", "达标值必须是数字，如 0.5"],
      [{ ruleType: "tiers", tierMin: ["1", "2"], tierPoints: ["1", "5"], tierLabel: ["", ""] }, "tiers.1.points", "得分不能超过指标分值2"],
      [{ ruleType: "timeliness", limitKind: "workingDays", limitValue: "" }, "limitValue", "请填写时限"],
      [{ ruleType: "timeliness", limitKind: "workingDays", limitValue: "1.5" }, "limitValue", "工作日时限须为整数"],
      [{ ruleType: "deduction", faultCode: ["late", "late"], faultLabel: ["逾期", "迟报"], faultPoints: ["1", "1"] }, "faults.1.code", "扣分项代码“late”与第1项重复"],
      [{ ruleType: "" }, "ruleType", "请选择评分规则"],
      [{ ruleType: "ratio", target: "1", points: "-2" }, "points", "分值不能为负数"],
    ];
    for (const [fields, key, message] of cases) {
      const res = await act(ids, { intent: "add", position, ...LEAF, ...fields });
      expect(res.status, key).toBe(400);
      expect(res.data.fieldErrors[key]).toBe(message);
      expect(res.data.values.code).toBe("1.7");
    }
    const clash = await act(ids, { intent: "add", position, ...LEAF, code: "1.1", ruleType: "ratio", target: "1" });
    expect(clash.data.fieldErrors.code).toBe("编码“1.1”已被指标“公文公开属性标注率”使用");
    expect([nodeCount(), auditCount()]).toEqual(before);
  });

  it("adds a leaf with its parameters, guidance and evidence; the panel then reports the bad sum and publishing is refused", async () => {
    const cycleId = findCycleByYear(2026, getDb())!.id;
    const ids = { cycleId, setId: getIndicatorSet(cycleId, db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id, getDb())!.id };
    const before = auditCount();
    const res = await act(ids, {
      intent: "add",
      position: `child-${idOf(ids.setId, "1")}`,
      ...LEAF,
      ruleType: "timeliness",
      limitKind: "workingDays",
      limitValue: "3",
      whenEmpty: "na",
      guidance: "年度报告于1月31日前发布",
      criteria: "逾期发布不得分",
      basis: "《中华人民共和国政府信息公开条例》第四十九条",
      evidenceRequired: "on",
      evidenceKinds: ["pdf", "jpeg"],
    });
    expect(res.status).toBe(302);
    const added = nodeOf(ids.setId, "1.7")!;
    expect(res.location).toBe(`/cycles/${cycleId}/sets/${ids.setId}?node=${added.id}&added=1`);
    expect(added).toMatchObject({
      name: LEAF.name,
      points: 2,
      rule: { type: "timeliness", limit: { workingDays: 3 }, whenEmpty: "na" },
      guidance: "年度报告于1月31日前发布",
      criteria: "逾期发布不得分",
      basis: "《中华人民共和国政府信息公开条例》第四十九条",
      evidenceRequired: true,
      evidenceKinds: ["pdf", "jpeg"],
    });
    expect(childCodes(ids.setId, "1").at(-1)).toBe("1.7");
    expect(auditCount()).toBe(before + 1);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "indicator.node.create")).all()).toHaveLength(1);

    const page = await editor(ids, `?node=${added.id}&added=1`);
    expect(page.data.added).toBe(`1.7 ${LEAF.name}`);
    const sumError = "分值30与下级指标分值之和32不一致";
    expect(page.data.report.errors).toEqual([{ message: sumError, nodeId: idOf(ids.setId, "1") }]);
    expect(page.data.rows.find((r: { code: string }) => r.code === "1").problems).toBe(1);

    const refused = await publish(cycleId);
    expect(refused.status).toBe(400);
    expect(refused.data.errors).toContain(`“区级部门”指标体系：${sumError}`);
    expect(findCycleByYear(2026, getDb())!.status).toBe("draft");

    // Raising the parent's points fixes the error; the base total is then a warning only.
    const parent = nodeOf(ids.setId, "1")!;
    const saved = await act(ids, { intent: "save", nodeId: String(parent.id), code: "1", name: parent.name, points: "32", dimension: "disclosure", part: "base", guidance: "", criteria: "", basis: parent.basis });
    expect(saved.status).toBe(200);
    expect(saved.data.message).toBe(`已保存指标“1 ${parent.name}”。`);
    const after = await editor(ids);
    expect(after.data.report.errors).toEqual([]);
    expect(after.data.report.warnings.map((w: { message: string }) => w.message)).toEqual(["基础指标分值合计为102分，不等于满分100分，得分将按比例折算"]);
  });

  it("reorders, moves and deletes nodes, each audited; a missing mandated dimension blocks publishing", async () => {
    const cycleId = findCycleByYear(2026, getDb())!.id;
    const ids = { cycleId, setId: getIndicatorSet(cycleId, db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id, getDb())!.id };
    const before = auditCount();

    expect((await act(ids, { intent: "reorder", nodeId: String(idOf(ids.setId, "1.2")), direction: "up" })).data.message).toBe("顺序已调整。");
    expect(childCodes(ids.setId, "1").slice(0, 2)).toEqual(["1.2", "1.1"]);
    const top = await act(ids, { intent: "reorder", nodeId: String(idOf(ids.setId, "1")), direction: "up" });
    expect(top.status).toBe(400);
    expect(top.data.fieldErrors._form).toBe("该指标已在同级最前面。");

    // Too deep: a two-level subtree under a second-level node would make a fourth level.
    const deep = await act(ids, { intent: "move", nodeId: String(idOf(ids.setId, "1.3")), parentId: String(idOf(ids.setId, "2.1")) });
    expect(deep.status).toBe(400);
    expect(deep.data.fieldErrors.parentId).toBe("移动后将超过三级指标，请选择更高层级的上级指标。");
    const moved = await act(ids, { intent: "move", nodeId: String(idOf(ids.setId, "1.7")), parentId: String(idOf(ids.setId, "5")) });
    expect(moved.data.message).toBe(`已将“1.7 ${LEAF.name}”移到“5 公众参与”之下。`);
    expect(childCodes(ids.setId, "5").at(-1)).toBe("1.7");
    const page = await editor(ids);
    expect(page.data.report.errors.map((e: { message: string }) => e.message)).toEqual(["分值32与下级指标分值之和30不一致", "分值8与下级指标分值之和10不一致"]);
    expect((await act(ids, { intent: "delete", nodeId: String(idOf(ids.setId, "1.7")) })).data.message).toBe(`已删除指标“1.7 ${LEAF.name}”。`);

    const media = await act(ids, { intent: "delete", nodeId: String(idOf(ids.setId, "4")) });
    expect(media.data.message).toBe("已删除指标“4 媒体参与”及其3个下级指标。");
    expect(nodeOf(ids.setId, "4.1")).toBeUndefined();
    const dimensionError = "指标体系未覆盖“媒体参与”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标）；本地考核细则确未设置的，须在指标体系页面记录原因后方可发布";
    expect((await editor(ids)).data.report.errors.map((e: { message: string }) => e.message)).toContain(dimensionError);
    const refused = await publish(cycleId);
    expect(refused.status).toBe(400);
    expect(refused.data.errors).toContain(`“区级部门”指标体系：${dimensionError}`);

    const actions = db().select({ action: auditLog.action }).from(auditLog).all().slice(before).map((a) => a.action);
    expect(actions).toEqual(["indicator.node.reorder", "indicator.node.move", "indicator.node.delete", "indicator.node.delete"]);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("reports bad rule parameters from any source (e.g. a stored tree) on their node and refuses publishing", async () => {
    const ids = newCycle(2029);
    const tier = nodeOf(ids.setId, "4.1")!; // tiers, 5 points
    mutate(db(), (tx) => {
      tx.update(indicatorNodes).set({ rule: { type: "tiers", tiers: [{ min: 1, points: 3 }, { min: 2, points: 8 }] } }).where(eq(indicatorNodes.id, tier.id)).run();
      tx.update(indicatorNodes).set({ evidenceKinds: ["pdf", "pdf"] }).where(eq(indicatorNodes.id, idOf(ids.setId, "1.1"))).run();
    });
    const page = await editor(ids);
    expect(page.data.report.errors).toHaveLength(2);
    expect(page.data.report.errors).toEqual(
      expect.arrayContaining([
        { message: "指标“公文公开属性标注率”的佐证材料类型“PDF文件”重复", nodeId: idOf(ids.setId, "1.1") },
        { message: "第2档分值8超过指标分值5", nodeId: tier.id },
      ]),
    );
    const refused = await publish(ids.cycleId);
    expect(refused.status).toBe(400);
    expect(refused.data.errors).toContain("“区级部门”指标体系：第2档分值8超过指标分值5");
    expect(findCycleByYear(2029, getDb())!.status).toBe("draft");
  });

  it("publishes with warnings shown: base points not summing to 100 do not block", async () => {
    const ids = newCycle(2033);
    const leaf = nodeOf(ids.setId, "7.2")!; // ratio, 3 points, under 7 (6 points)
    const parent = nodeOf(ids.setId, "7")!;
    const common = { guidance: "", criteria: "", basis: "" };
    expect((await act(ids, { intent: "save", nodeId: String(leaf.id), code: "7.2", name: leaf.name, points: "4", dimension: "", ruleType: "ratio", target: "0.5", ...common })).status).toBe(200);
    expect((await act(ids, { intent: "save", nodeId: String(parent.id), code: "7", name: parent.name, points: "7", dimension: parent.dimension!, part: "base", ...common })).status).toBe(200);
    const page = await editor(ids);
    expect(page.data.report.errors).toEqual([]);
    expect(page.data.report.warnings).toEqual([{ message: "基础指标分值合计为101分，不等于满分100分，得分将按比例折算", nodeId: null }]);
    const published = await publish(ids.cycleId);
    expect(published.status).toBe(200);
    expect(findCycleByYear(2033, getDb())!.status).toBe("published");
    expect((await editor(ids)).data.mode).toBe("amend");
  });

  it("lets leaders look but not edit, and gives departments 403", async () => {
    const ids = newCycle(2030);
    const leader = await sessionCookieFor("leader");
    const view = await editor(ids, "", leader);
    expect(view.status).toBe(200);
    expect(view.data.canEdit).toBe(false);
    const nodeId = String(idOf(ids.setId, "1.1"));
    expect((await act(ids, { intent: "delete", nodeId }, leader)).status).toBe(403);
    const dept = await sessionCookieFor("dept-001");
    expect((await editor(ids, "", dept)).status).toBe(403);
    expect((await act(ids, { intent: "delete", nodeId }, dept)).status).toBe(403);
    expect(nodeOf(ids.setId, "1.1")).toBeDefined();
  });
});

describe("amendments after publishing", () => {
  let ids = { cycleId: 0, setId: 0 };
  const answer = (code: string) =>
    db().select().from(submissionAnswers).where(eq(submissionAnswers.nodeId, idOf(ids.setId, code))).get()!;

  beforeAll(() => {
    ids = newCycle(2027);
    const result = transitionCycle(getDb(), ids.cycleId, "published", officeActor());
    if (!result.ok) throw new Error(result.errors.join("\n"));
    // A department has already answered three score items (its self-assessed points).
    mutate(db(), (tx) => {
      const unit = tx.select().from(units).where(eq(units.code, "BM001")).get()!;
      const now = new Date().toISOString();
      const sub = tx.insert(submissions).values({ cycleId: ids.cycleId, unitId: unit.id, status: "draft", lastActivityAt: now, createdAt: now }).returning().get();
      for (const [code, score] of [["2.4", 3], ["4.3", 3.5], ["3.4", 4]] as const) {
        tx.insert(submissionAnswers).values({ submissionId: sub.id, nodeId: idOf(ids.setId, code), input: { scores: [score] }, updatedAt: now }).run();
      }
    });
  });

  const leafForm = (code: string, points: string, extra: Record<string, string> = {}) => {
    const n = nodeOf(ids.setId, code)!;
    return {
      intent: "save",
      nodeId: String(n.id),
      code,
      name: n.name,
      points,
      dimension: n.dimension ?? "",
      ruleType: "score",
      reconcile: "",
      guidance: n.guidance,
      criteria: n.criteria,
      basis: n.basis,
      ...(n.evidenceRequired ? { evidenceRequired: "on" } : {}),
      ...extra,
    };
  };

  it("requires a reason, and a carry-over choice when scored items change points; nothing changes until both are given", async () => {
    const page = await editor(ids, `?node=${idOf(ids.setId, "2.4")}`);
    expect(page.data.mode).toBe("amend");
    expect(page.data.selected.dataCount).toBe(1);
    const before = [auditCount(), db().select().from(indicatorAmendments).all().length];

    const noReason = await act(ids, leafForm("2.4", "2"));
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.reason).toBe("请填写修订原因");
    const noCarry = await act(ids, leafForm("2.4", "2", { reason: "上级考核细则调整" }));
    expect(noCarry.status).toBe(400);
    expect(noCarry.data.fieldErrors.carry).toBe("已有1条填报或评分数据，分值由4改为2，请选择原有得分的处理方式");
    expect(nodeOf(ids.setId, "2.4")!.points).toBe(4);
    expect(answer("2.4").input).toEqual({ scores: [3] });
    expect([auditCount(), db().select().from(indicatorAmendments).all().length]).toEqual(before);
  });

  it("rescales existing scores proportionally, adjusts the parent, and records the amendment with its audit row", async () => {
    const res = await act(ids, leafForm("2.4", "2", { reason: "上级考核细则调整", carry: "rescale" }));
    expect(res.status).toBe(200);
    expect(res.data.message).toContain("分值4→2");
    expect(res.data.message).toContain("已有1条填报/评分数据按“按比例折算”处理");
    expect(nodeOf(ids.setId, "2.4")!.points).toBe(2);
    expect(nodeOf(ids.setId, "2")!.points).toBe(16);
    expect(answer("2.4")).toMatchObject({ input: { scores: [1.5] }, version: 2 });
    const amendment = db().select().from(indicatorAmendments).where(eq(indicatorAmendments.nodeId, idOf(ids.setId, "2.4"))).get()!;
    expect(amendment).toMatchObject({ reason: "上级考核细则调整", carry: "rescale" });
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "indicator.amend")).all().at(-1)!;
    expect(JSON.parse(audit.after!)).toMatchObject({ reason: "上级考核细则调整", carry: "rescale", op: "update" });
    const page = await editor(ids);
    expect(page.data.amendments[0]).toMatchObject({ reason: "上级考核细则调整", carryLabel: "按比例折算" });
    expect(page.data.report.warnings.map((w: { message: string }) => w.message)).toEqual(["基础指标分值合计为98分，不等于满分100分，得分将按比例折算"]);
  });

  it("clamps existing scores to the new points, or resets them to be entered again", async () => {
    expect((await act(ids, leafForm("4.3", "2", { reason: "分值下调", carry: "clamp" }))).status).toBe(200);
    expect(answer("4.3").input).toEqual({ scores: [2] });
    expect((await act(ids, leafForm("3.4", "6", { reason: "分值上调", carry: "reset" }))).status).toBe(200);
    expect(answer("3.4").input).toBeNull();
    const carries = db().select({ carry: indicatorAmendments.carry }).from(indicatorAmendments).all().map((a) => a.carry);
    expect(carries).toEqual(["rescale", "clamp", "reset"]);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("refuses an amendment that would leave the published tree invalid, and rolls it back", async () => {
    const before = [nodeCount(), auditCount(), db().select().from(indicatorAmendments).all().length];
    const res = await act(ids, { intent: "delete", nodeId: String(idOf(ids.setId, "1")), reason: "不再考核信息公开" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors._form).toContain("修订后的指标体系未通过校验，本次修订未保存");
    expect(res.data.problems).toContain("指标体系未覆盖“信息公开”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标）；本地考核细则确未设置的，须在指标体系页面记录原因后方可发布");
    expect(nodeOf(ids.setId, "1.3.1")).toBeDefined();
    expect([nodeCount(), auditCount(), db().select().from(indicatorAmendments).all().length]).toEqual(before);
  });

  it("refuses every change once the results are final", async () => {
    // Every unit evaluated; preliminary results published long ago: the appeal window has closed.
    evaluateEveryUnit(ids.cycleId);
    for (const to of ["evaluating", "preliminary", "final"] as const) {
      const r = transitionCycle(getDb(), ids.cycleId, to, officeActor(), undefined, { at: "2026-01-05T02:00:00.000Z" });
      expect(r).toMatchObject({ ok: true });
    }
    const res = await act(ids, { intent: "delete", nodeId: String(idOf(ids.setId, "1.1")), reason: "x" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors._form).toBe("本考核年度已公布结果或已定稿、归档，指标体系不能再修改。");
    expect((await editor(ids)).data.canEdit).toBe(false);
  });
});

describe("preview", () => {
  const preview = (ids: { cycleId: number; setId: number }, query: string) =>
    run(previewPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}/preview${query}`, { cookie: admin }), {
      cycleId: String(ids.cycleId),
      setId: String(ids.setId),
    });

  it("scores a sample unit with the current tree: full marks, half marks, typed values", async () => {
    const ids = { cycleId: findCycleByYear(2030, getDb())!.id, setId: 0 };
    ids.setId = getIndicatorSet(ids.cycleId, db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id, getDb())!.id;
    const full = await preview(ids, "?mode=full");
    expect(full.status).toBe(200);
    expect(full.data.preview.ok).toBe(true);
    expect(full.data.preview.units[0]).toMatchObject({ id: "sample", total: 105, base: 100, bonus: 5, grade: "优秀", vetoed: false });
    const half = await preview(ids, "?mode=half");
    expect(half.data.preview.units[0].total).toBeLessThan(100);
    expect(half.data.preview.units[0].total).toBeGreaterThan(0);

    const ratio = idOf(ids.setId, "1.1"); // 5 points, target 1
    const custom = await preview(ids, `?mode=custom&v.${ratio}=0.8`);
    const leaf = custom.data.preview.units[0].leaves.find((l: { code: string }) => l.code === "1.1");
    expect(leaf).toMatchObject({ score: 4, max: 5 });
    expect(custom.data.preview.units[0]).toMatchObject({ base: 99, total: 104 });
    const bad = await preview(ids, `?mode=custom&v.${ratio}=abc`);
    expect(bad.data.preview).toEqual({ ok: false, errors: ["1.1 公文公开属性标注率：比率“abc”须为非负数"] });
  });

  it("rescores last year's units of the category with the current tree", async () => {
    // 2027 (amended above) has BM001's answers; a 2028 cycle copied from it previews them.
    const copyId = createCycle(getDb(), officeActor(), { year: 2028, source: "copy", copyFromCycleId: findCycleByYear(2027, getDb())!.id });
    const category = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!;
    const ids = { cycleId: copyId, setId: getIndicatorSet(copyId, category.id, getDb())!.id };
    const res = await preview(ids, "");
    expect(res.data.preview.ok).toBe(true);
    expect(res.data.preview.previousYear).toBe(2027);
    const unit = res.data.preview.units.find((u: { kind: string }) => u.kind === "previous");
    expect(unit.name).toBe("区教育局（2027年度数据）");
    expect(unit.leaves.find((l: { code: string }) => l.code === "2.4")).toMatchObject({ score: 1.5, max: 2, na: false });
    expect(unit.leaves.find((l: { code: string }) => l.code === "4.3")).toMatchObject({ score: 2, max: 2, na: false });
    expect(unit.leaves.find((l: { code: string }) => l.code === "1.1")).toMatchObject({ na: true });
    expect(unit.notes[0]).toMatch(/^1\.1、.*在2027年度没有对应数据，按不适用计$/);
  });
});
