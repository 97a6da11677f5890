import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as appealsPage from "../../app/routes/appeals._index";
import * as boardPage from "../../app/routes/evaluation._index";
import * as divergencePage from "../../app/routes/evaluation.divergences";
import * as queuePage from "../../app/routes/review._index";
import * as unitPage from "../../app/routes/review.$unitId._index";
import { STALE_MESSAGE } from "../../app/domain/evaluation-labels";
import { scoreCycle } from "../../app/services/cycle-package.server";
import { transitionCycle } from "../../app/services/cycles.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, evaluatorAssignments, evaluatorEntries } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, leafNodeId, setCycleStatus, unitIdOf, userIdOf, type FixtureCycle } from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";
import { assign, assignmentOf, board, cookies, enterAll, enterLeaf, formOf, loginAll, openLeaf, saveLeaf, signOff, unitPost } from "../helpers/evaluation-actions";

useTempDataDir();

const db = () => getDb();
const audits = (action: string) => db().select().from(auditLog).where(eq(auditLog.action, action)).all();
const office = { id: 0, name: "admin", role: "office" as const };

beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001", "eval-002", "eval-003", "eval-004", "dept-001", "dept-002", "dept-007", "leader"]);
  office.id = userIdOf("admin");
});

// ---------------------------------------------------------------- assignment

describe("assignment (评估分配)", () => {
  it("draws evaluators with a stored, shown seed: N per unit, load-balanced, never one bound to the unit; the same seed re-derives it", async () => {
    const units = ["JD001", "JD002", "JD003", "BM001", "BM002", "BM003"];
    const a = createCycle(2031, "evaluating", { submittedUnitCodes: units, settings: { evaluatorsPerUnit: 2 } });
    const b = createCycle(2032, "evaluating", { submittedUnitCodes: units, settings: { evaluatorsPerUnit: 2 } });
    const r = await board(a, { intent: "random", seed: "公开种子-2031" });
    expect(r.status).toBe(200);
    expect(r.data.message).toContain("公开种子-2031");
    await board(b, { intent: "random", seed: "公开种子-2031" });

    const page = await run(boardPage.loader, makeRequest("/evaluation?cycle=2031", { cookie: cookies.admin }));
    expect(page.data.board.draws[0]).toMatchObject({ seed: "公开种子-2031", perUnit: 2, reproducible: true });
    const bm001 = page.data.board.units.find((u: { code: string }) => u.code === "BM001");
    expect(bm001.conflicts).toEqual([expect.objectContaining({ username: "eval-004" })]);
    expect(page.data.board.draws[0].units.find((u: { unitCode: string }) => u.unitCode === "BM001").excluded).toEqual([
      expect.objectContaining({ username: "eval-004", reason: "与该单位存在关联，须回避" }),
    ]);
    const load = new Map<string, number>();
    for (const u of page.data.board.units.filter((x: { code: string }) => units.includes(x.code))) {
      expect(u.assignments).toHaveLength(2);
      if (u.code === "BM001") expect(u.assignments.map((x: { username: string }) => x.username)).not.toContain("eval-004");
      for (const x of u.assignments) load.set(x.username, (load.get(x.username) ?? 0) + 1);
    }
    expect([...load.values()].sort()).toEqual([3, 3, 3, 3]);

    // Same seed, same population, another cycle: the very same assignments.
    const pairs = (c: FixtureCycle) =>
      db()
        .select()
        .from(evaluatorAssignments)
        .where(eq(evaluatorAssignments.cycleId, c.cycleId))
        .all()
        .map((x) => `${x.unitId}:${x.evaluatorId}`)
        .sort();
    expect(pairs(b)).toEqual(pairs(a));
    expect(audits("assignment.draw").length).toBe(2);
  });

  it("refuses to assign an evaluator bound to the unit by hand, with the reason, and changes nothing", async () => {
    const c = createCycle(2033, "evaluating", { submittedUnitCodes: ["BM001"] });
    const before = db().select().from(evaluatorAssignments).all().length;
    const r = await assign(c, "BM001", "eval-004");
    expect(r.status).toBe(400);
    expect(r.data.fieldErrors.evaluatorId).toBe("评估员 刘洋与“区教育局”存在关联，须回避，不能分配");
    expect(db().select().from(evaluatorAssignments).all().length).toBe(before);
    expect((await assign(c, "BM001", "eval-001")).status).toBe(200);
    // Only the office assigns.
    const denied = await run(boardPage.action, makeRequest("/evaluation", { cookie: cookies["eval-001"], form: { intent: "assign", cycleId: String(c.cycleId) } }));
    expect(denied.status).toBe(403);
  });
});

// ---------------------------------------------------------------- workspace

describe("scoring workspace (评估录入)", () => {
  let c: FixtureCycle;
  beforeAll(async () => {
    c = createCycle(2034, "evaluating", { submittedUnitCodes: ["JD001", "JD002"] });
    await assign(c, "JD001", "eval-001");
    await assign(c, "JD001", "eval-002");
    await assign(c, "JD002", "eval-003");
  });

  it("shows an evaluator only their own units, with progress; another unit is 403", async () => {
    const q = await run(queuePage.loader, makeRequest("/review", { cookie: cookies["eval-001"] }));
    const mine = q.data.assignments.filter((a: { cycleYear: number }) => a.cycleYear === 2034);
    expect(mine.map((a: { unitCode: string; entered: number; total: number }) => [a.unitCode, a.entered, a.total])).toEqual([["JD001", 0, 7]]);
    // Every row of the queue is one of eval-001's own assignments.
    const own = db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.evaluatorId, userIdOf("eval-001"))).all();
    expect(q.data.assignments.map((a: { assignmentId: number }) => a.assignmentId).sort()).toEqual(own.map((a) => a.id).sort());
    const other = await run(unitPage.loader, makeRequest(`/review/${unitIdOf("JD002")}?cycle=2034`, { cookie: cookies["eval-001"] }), { unitId: String(unitIdOf("JD002")) });
    expect(other.status).toBe(403);
    expect(other.data).toBe("您未被分配评估该单位，无权访问。");
    expect((await openLeaf("eval-001", "JD002", c, "1.1")).status).toBe(403);
    const save = await saveLeaf("eval-001", "JD002", c, "1.1", { version: "0", score: "10" });
    expect(save.status).toBe(403);
    expect(db().select().from(evaluatorEntries).all().filter((e) => e.nodeId === leafNodeId(c.cycleId, "JD002", "1.1"))).toEqual([]);
  });

  it("shows the guidance, the self-assessment with its narrative, and refuses bad values with clear messages", async () => {
    const page = await openLeaf("eval-001", "JD001", c, "1.1");
    expect(page.data.leaf.guidance).toBe("按要求主动公开政府信息");
    expect(page.data.self.summary).toEqual(["评分 18 分"]);
    expect(page.data.self.narrative).toBe("1.1 自查说明");
    expect(page.data.form.values.score).toBe("18");
    const tooHigh = await saveLeaf("eval-001", "JD001", c, "1.1", formOf(page.data.form, 0, { score: "25" }));
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.data.fieldErrors.score).toBe("评分须在0到20分之间");
    const noReason = await saveLeaf("eval-001", "JD001", c, "1.1", formOf(page.data.form, 0, { score: "15", reason: "" }));
    expect(noReason.data.fieldErrors.reason).toBe("评估结果与单位自评不一致，请说明理由");
    const veto = await enterLeaf("eval-001", "JD001", c, "3.1", { vetoTriggered: "yes", vetoReason: "" });
    expect(veto.data.fieldErrors.vetoReason).toBe("认定存在否决情形时须说明理由");
    expect(db().select().from(evaluatorEntries).all().filter((e) => e.assignmentId === assignmentOf(c, "JD001", "eval-001").id)).toEqual([]);
    const ok = await saveLeaf("eval-001", "JD001", c, "1.1", formOf(page.data.form, 0, { score: "15", reason: "部分栏目未及时更新" }));
    expect(ok.status).toBe(200);
  });

  it("refuses a stale save with the exact message — never a silent overwrite", async () => {
    const first = await openLeaf("eval-001", "JD001", c, "2.2");
    const second = await openLeaf("eval-001", "JD001", c, "2.2");
    expect((await saveLeaf("eval-001", "JD001", c, "2.2", formOf(first.data.form, first.data.version, { score: "17", reason: "解读不够深入" }))).status).toBe(200);
    const stale = await saveLeaf("eval-001", "JD001", c, "2.2", formOf(second.data.form, second.data.version, { score: "12", reason: "另一窗口" }));
    expect(stale.status).toBe(409);
    expect(stale.data.fieldErrors._form).toBe(STALE_MESSAGE);
    expect(stale.data.fieldErrors._form).toBe("该项已被他人修改，请刷新后再试");
    const now = await openLeaf("eval-001", "JD001", c, "2.2");
    expect(now.data.entry.summary).toEqual(["评分 17 分"]);
    expect(now.data.version).toBe(1);
  });

  it("signs off only when every leaf is entered; then read-only; peers hidden until own sign-off; the office reopens (audited)", async () => {
    const early = await signOff("eval-001", "JD001", c);
    expect(early.status).toBe(409);
    expect(early.data.fieldErrors._form).toMatch(/^还不能签署。以下5项指标尚未录入：1\.2 公开差错/);
    for (const code of ["1.2", "1.3", "1.4", "2.1", "3.1"]) expect((await enterLeaf("eval-001", "JD001", c, code)).status).toBe(200);
    // eval-002 has entered nothing and has not signed: eval-001's entries stay hidden from them.
    expect((await openLeaf("eval-002", "JD001", c, "1.1", "?peers=1")).status).toBe(403);
    expect((await openLeaf("eval-001", "JD001", c, "1.1", "?peers=1")).status).toBe(403);
    expect((await signOff("eval-001", "JD001", c)).status).toBe(200);
    const peersView = await openLeaf("eval-001", "JD001", c, "1.1", "?peers=1");
    expect(peersView.status).toBe(200);
    expect(peersView.data.peers).toEqual([{ name: "评估员 李强", signedOff: false, entry: null, reason: "" }]);
    expect((await openLeaf("eval-002", "JD001", c, "1.1", "?peers=1")).status).toBe(403);

    const page = await openLeaf("eval-001", "JD001", c, "1.1");
    expect(page.data.readOnly).toBe("您已签署本单位评分，录入只读；如需修改，请联系政务公开办退回签署。");
    const locked = await saveLeaf("eval-001", "JD001", c, "1.1", formOf(page.data.form, page.data.version, { score: "16", reason: "改" }));
    expect(locked.status).toBe(409);

    const a = assignmentOf(c, "JD001", "eval-001");
    const noReason = await board(c, { intent: "reopen", assignmentId: String(a.id), reason: "" });
    expect(noReason.data.fieldErrors.reason).toBe("请说明退回签署的理由");
    expect(assignmentOf(c, "JD001", "eval-001").signedOffAt).not.toBeNull();
    expect((await board(c, { intent: "reopen", assignmentId: String(a.id), reason: "1.1评分依据需补充" })).status).toBe(200);
    expect(audits("assignment.reopen").at(-1)!.after).toContain("1.1评分依据需补充");
    expect((await saveLeaf("eval-001", "JD001", c, "1.1", formOf(page.data.form, page.data.version, { score: "16", reason: "补充依据后改为16分" }))).status).toBe(200);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("keeps an N/A claim's decision and event corrections beside the department's claim", async () => {
    const n = createCycle(2035, "evaluating");
    const { submitSelfInspection, SELF_INPUTS } = await import("../helpers/evaluation-fixtures");
    submitSelfInspection(n.cycleId, "JD003", { ...SELF_INPUTS, "1.4": { na: true, reason: "本年度未召开新闻发布会" } });
    await assign(n, "JD003", "eval-001");
    const na = await openLeaf("eval-001", "JD003", n, "1.4");
    expect(na.data.self.claimsNa).toBe(true);
    const missing = await saveLeaf("eval-001", "JD003", n, "1.4", formOf(na.data.form, 0));
    expect(missing.data.fieldErrors.naDecision).toBe("请选择是否认可该单位“不适用”的申报");
    const rejected = await saveLeaf("eval-001", "JD003", n, "1.4", formOf(na.data.form, 0, { naDecision: "reject", value: "1", reason: "经查本年度召开过1次" }));
    expect(rejected.status).toBe(200);
    const ev = await openLeaf("eval-001", "JD003", n, "2.1");
    const corrected = await saveLeaf("eval-001", "JD003", n, "2.1", formOf(ev.data.form, 0, { eventEnd: "2026-03-02T16:00", reason: "回应时间以发布记录为准" }));
    expect(corrected.status).toBe(200);
    const after = await openLeaf("eval-001", "JD003", n, "2.1");
    expect(after.data.entry.corrections.events).toEqual([
      {
        claim: 0,
        label: "暴雨预警舆情",
        claimed: { start: "2026-03-02T09:00:00+08:00", end: "2026-03-02T12:00:00+08:00" },
        verified: { start: "2026-03-02T09:00:00+08:00", end: "2026-03-02T16:00:00+08:00" },
      },
    ]);
  });
});

// ---------------------------------------------------------------- reconciliation, divergence, arbitration

describe("reconciliation and divergence through to arbitration", () => {
  it("reconciles three evaluators' scores with the cycle's mean or median (engine)", async () => {
    for (const [year, reconcile, expected] of [
      [2036, "mean", 15],
      [2037, "median", 17],
    ] as const) {
      const c = createCycle(year, "evaluating", { submittedUnitCodes: ["JD001"], settings: { reconcile, divergence: 0.5, evaluatorsPerUnit: 3 } });
      for (const e of ["eval-001", "eval-002", "eval-003"]) await assign(c, "JD001", e);
      await enterAll("eval-001", "JD001", c, { "1.1": "18" });
      await enterAll("eval-002", "JD001", c, { "1.1": "17" });
      await enterAll("eval-003", "JD001", c, { "1.1": "10" });
      const leaf = scoreCycle(db(), c.cycleId).results.units[0].leaves["1.1"];
      expect(leaf.score).toBe(expected);
      expect(leaf.divergent).toBe(false);
      expect(leaf.explain).toContain(reconcile === "mean" ? "取平均值" : "取中位数");
    }
  });

  it("lists a divergent leaf, blocks 初步结果 until it is arbitrated with a reason, and the arbitrated value replaces the reconciled one", async () => {
    const c = createCycle(2038, "evaluating", { submittedUnitCodes: ["JD001"], settings: { divergence: 0.2 } });
    await assign(c, "JD001", "eval-001");
    await assign(c, "JD001", "eval-002");
    await enterAll("eval-001", "JD001", c, { "1.1": "18" });
    await enterAll("eval-002", "JD001", c, { "1.1": "10" });

    const page = await run(divergencePage.loader, makeRequest("/evaluation/divergences?cycle=2038", { cookie: cookies.admin }));
    expect(page.data.divergences).toHaveLength(1);
    expect(page.data.divergences[0]).toMatchObject({ code: "1.1", spread: 8, allowed: 4, arbitration: null });
    expect(page.data.divergences[0].scores.map((s: { value: number }) => s.value)).toEqual([18, 10]);

    const blocked = transitionCycle(getDb(), c.cycleId, "preliminary", office);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.errors[0]).toBe("有1项评分分歧尚未仲裁：城关街道办事处 1.1 主动公开");

    const post = (form: Record<string, string>, cookie = cookies.admin) =>
      run(divergencePage.action, makeRequest("/evaluation/divergences", { cookie, form: { intent: "arbitrate", cycleId: String(c.cycleId), unitId: String(unitIdOf("JD001")), nodeId: String(leafNodeId(c.cycleId, "JD001", "1.1")), ...form } }));
    const noReason = await post({ value: "15", reason: "  " });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.reason).toBe("请填写仲裁理由");
    const outOfRange = await post({ value: "25", reason: "复核" });
    expect(outOfRange.data.fieldErrors.value).toBe("仲裁分值须在0到20分之间");
    expect((await post({ value: "15", reason: "x" }, cookies["eval-001"])).status).toBe(403);

    // The designated lead evaluator (signed off) may arbitrate too, from the unit page.
    await board(c, { intent: "lead", assignmentId: String(assignmentOf(c, "JD001", "eval-002").id) });
    const lead = await unitPost("eval-002", "JD001", { intent: "arbitrate", cycleId: String(c.cycleId), unitId: String(unitIdOf("JD001")), nodeId: String(leafNodeId(c.cycleId, "JD001", "1.1")), value: "14", reason: "依据佐证材料折中评定" });
    expect(lead.status).toBe(200);
    expect((await unitPost("eval-001", "JD001", { intent: "arbitrate", cycleId: String(c.cycleId), unitId: String(unitIdOf("JD001")), nodeId: String(leafNodeId(c.cycleId, "JD001", "1.1")), value: "18", reason: "x" })).data.fieldErrors._form).toBe(
      "只有政务公开办或该单位的牵头评估员（签署后）可以仲裁",
    );

    const after = await run(divergencePage.loader, makeRequest("/evaluation/divergences?cycle=2038", { cookie: cookies.admin }));
    expect(after.data.divergences[0].arbitration).toMatchObject({ value: 14, reason: "依据佐证材料折中评定", decidedBy: "评估员 李强" });
    const leaf = scoreCycle(db(), c.cycleId).results.units[0].leaves["1.1"];
    expect(leaf.score).toBe(14);
    expect(leaf.explain).toContain("依据佐证材料折中评定");
    expect(transitionCycle(getDb(), c.cycleId, "preliminary", office).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- visibility by phase

describe("visibility by phase", () => {
  it("shows a department nothing of the evaluation before 初步结果, then its own unit's results with the reason for every lost point", async () => {
    const c = createCycle(2039, "evaluating", { submittedUnitCodes: ["JD001", "JD002"] });
    await assign(c, "JD001", "eval-001");
    await enterAll("eval-001", "JD001", c, { "1.1": "15" });
    const view = () => run(appealsPage.loader, makeRequest("/appeals?cycle=2039", { cookie: cookies["dept-001"] }));
    const before = await view();
    expect(before.status).toBe(200);
    expect(before.data.unit).toEqual(expect.objectContaining({ visible: false }));
    expect(before.data.unit.leaves).toBeUndefined();
    expect(before.data.unit.summary).toBeUndefined();
    expect(JSON.stringify(before.data)).not.toContain("按核实情况评分");

    setCycleStatus(c.cycleId, "preliminary");
    const after = await view();
    expect(after.data.unit.visible).toBe(true);
    expect(after.data.unit.unit.code).toBe("JD001");
    const l11 = after.data.unit.leaves.find((l: { code: string }) => l.code === "1.1");
    expect(l11).toMatchObject({ score: 15, max: 20, lost: 5 });
    expect(l11.explain).toBe("评分：评估员 王敏 15分，得15.00/20分");
    const l12 = after.data.unit.leaves.find((l: { code: string }) => l.code === "1.2");
    expect(l12.lost).toBe(2);
    expect(l12.explain).toContain("更新不及时×1");
    // Evaluators and leaders do not use this page; a department never sees another unit.
    expect((await run(appealsPage.loader, makeRequest("/appeals", { cookie: cookies["eval-001"] }))).status).toBe(403);
    const other = await run(appealsPage.action, makeRequest("/appeals", { cookie: cookies["dept-002"], form: { intent: "appeal", cycleId: String(c.cycleId), unitId: String(unitIdOf("JD001")), nodeId: String(leafNodeId(c.cycleId, "JD001", "1.1")), reason: "x" } }));
    expect(other.status).toBe(403);
  });
});
