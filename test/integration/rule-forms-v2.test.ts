import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as leafRoute from "../../app/routes/self.$nodeId";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { getDb } from "../../db/client";
import { evaluatorEntries, submissionAnswers, submissions } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { insertCycle } from "../helpers/cycle-fixtures";
import { useTempDataDir } from "../helpers/data-dir";
import { assign, cookies, formOf, loginAll, openLeaf, saveLeaf } from "../helpers/evaluation-actions";
import { leafNodeId, setCycleStatus } from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";

// Issue 13 in the self-inspection and evaluation forms, through the real loaders and actions: a
// score given at discretion is bounded and needs its reason (refused with a message, nothing
// saved); a designated-source leaf tells each evaluator whose value counts; checklist tasks are
// each marked 已完成/未完成, the department stating the evidence per task.

useTempDataDir();

const TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 60,
    children: [
      { code: "1.1", name: "网站评价", points: 20, rule: { type: "score", designated: "评估员 李强" } },
      { code: "1.2", name: "解读质量", points: 20, rule: { type: "score", discretionMax: 10 } },
      { code: "1.3", name: "年度任务", points: 20, rule: { type: "checklist", tasks: [{ code: "dir", label: "编制目录", points: 10 }, { code: "guide", label: "更新指南", points: 10 }] } },
    ],
  },
  {
    code: "2",
    name: "回应关切",
    dimension: "response",
    points: 40,
    children: [{ code: "2.1", name: "栏目维护", points: 40, rule: { type: "deduction", faults: [{ code: "miss", label: "栏目内容缺失", points: 1 }], discretionMax: 5 } }],
  },
];

let cycleId = 0;
const cycle = () => ({ cycleId, year: 2026 });
const node = (code: string) => leafNodeId(cycleId, "JD001", code);

async function selfSave(code: string, fields: Record<string, string>) {
  const nodeId = node(code);
  const page = await run(leafRoute.loader, makeRequest(`/self/${nodeId}`, { cookie: cookies["dept-001"] }), { nodeId: String(nodeId) });
  expect(page.status).toBe(200);
  const form = { intent: "save", version: String(page.data.version), submissionId: String(page.data.submissionId ?? ""), ...fields };
  return run(leafRoute.action, makeRequest(`/self/${nodeId}`, { cookie: cookies["dept-001"], form }), { nodeId: String(nodeId) });
}
const answerOf = (code: string) => getDb().select().from(submissionAnswers).where(eq(submissionAnswers.nodeId, node(code))).get()?.input ?? null;

beforeAll(async () => {
  seedAccounts(getDb());
  cycleId = insertCycle(2026, TREE, { status: "published", due: "2099-11-30" });
  await loginAll(["admin", "dept-001", "eval-001", "eval-002"]);
});

describe("the department's self-inspection", () => {
  it("bounds a score given at discretion and requires its reason; nothing is saved when refused", async () => {
    const over = await selfSave("1.2", { selfScore: "12", discretionReason: "专栏改版" });
    expect(over.status).toBe(400);
    expect(over.data.fieldErrors.selfScore).toBe("本项在10分内酌情给分，自评分须在0到10分之间");
    const bare = await selfSave("1.2", { selfScore: "8" });
    expect(bare.status).toBe(400);
    expect(bare.data.fieldErrors.discretionReason).toBe("酌情给分须说明理由");
    expect(answerOf("1.2")).toBeNull();
    const ok = await selfSave("1.2", { selfScore: "8", discretionReason: "专栏改版" });
    expect(ok.status).toBe(200);
    expect(answerOf("1.2")).toEqual({ scores: [8], reason: "专栏改版" });
  });

  it("marks each checklist task done or not, with its evidence; an unmarked task is refused", async () => {
    const missing = await selfSave("1.3", { "task.0": "yes", "taskEvidence.0": "2" });
    expect(missing.status).toBe(400);
    expect(missing.data.fieldErrors["task.1"]).toBe("请选择“更新指南”是否完成");
    const bad = await selfSave("1.3", { "task.0": "yes", "taskEvidence.0": "两份", "task.1": "no" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors["taskEvidence.0"]).toMatch(/^“编制目录”的佐证材料份数/);
    expect(answerOf("1.3")).toBeNull();
    const ok = await selfSave("1.3", { "task.0": "yes", "taskEvidence.0": "2", "task.1": "yes" });
    expect(ok.status).toBe(200);
    expect(answerOf("1.3")).toEqual({
      tasks: [
        { task: "dir", done: true, evidence: 2 },
        { task: "guide", done: true, evidence: 0 },
      ],
    });
  });
});

describe("the evaluator's form", () => {
  beforeAll(async () => {
    // JD001 has submitted (the fixture's shortcut for the submission workflow, tested elsewhere).
    getDb().update(submissions).set({ status: "submitted", submittedAt: new Date().toISOString() }).where(eq(submissions.cycleId, cycleId)).run();
    setCycleStatus(cycleId, "evaluating");
    for (const e of ["eval-001", "eval-002"]) {
      const r = await assign(cycle(), "JD001", e);
      expect(r.status).toBe(200);
    }
  });

  it("tells each evaluator whose value counts on a designated-source leaf", async () => {
    const mine = await openLeaf("eval-002", "JD001", cycle(), "1.1");
    const other = await openLeaf("eval-001", "JD001", cycle(), "1.1");
    expect([mine.status, mine.data.designatedIsMe, other.data.designatedIsMe]).toEqual([200, true, false]);
  });

  it("bounds a discretion score and requires its reason", async () => {
    const page = await openLeaf("eval-001", "JD001", cycle(), "1.2");
    expect(page.data.form.values).toMatchObject({ score: "8" });
    const over = await saveLeaf("eval-001", "JD001", cycle(), "1.2", formOf(page.data.form, 0, { score: "11", discretionReason: "形式单一", reason: "核减" }));
    expect(over.status).toBe(400);
    expect(over.data.fieldErrors.score).toBe("本项在10分内酌情给分，评分须在0到10分之间");
    const bare = await saveLeaf("eval-001", "JD001", cycle(), "1.2", formOf(page.data.form, 0, { score: "6", discretionReason: "", reason: "核减" }));
    expect(bare.data.fieldErrors.discretionReason).toBe("酌情给分须说明理由");
    const ok = await saveLeaf("eval-001", "JD001", cycle(), "1.2", formOf(page.data.form, 0, { score: "6", discretionReason: "形式单一", reason: "核减" }));
    expect(ok.status).toBe(200);
    const entry = getDb()
      .select()
      .from(evaluatorEntries)
      .where(and(eq(evaluatorEntries.nodeId, node("1.2"))))
      .all();
    expect(entry.map((e) => e.input)).toEqual([{ scores: [6], reason: "形式单一" }]);
  });

  it("refuses ad-hoc deductions beyond the discretion bound", async () => {
    const page = await openLeaf("eval-001", "JD001", cycle(), "2.1");
    const over = await saveLeaf("eval-001", "JD001", cycle(), "2.1", formOf(page.data.form, 0, { adhocPoints: ["3", "3"], adhocReason: ["内容不规范", "更新不及时"] } as never));
    expect(over.status).toBe(400);
    expect(over.data.fieldErrors.adhoc).toBe("本项在5分内酌情扣分，临时扣分合计6分，超过上限");
  });

  it("shows the department's claim per checklist task and takes the evaluator's marks", async () => {
    const page = await openLeaf("eval-001", "JD001", cycle(), "1.3");
    expect(page.data.claimedTasks).toEqual({ dir: { done: true, evidence: 2 }, guide: { done: true, evidence: 0 } });
    const ok = await saveLeaf("eval-001", "JD001", cycle(), "1.3", formOf(page.data.form, 0, { "task.0": "yes", "task.1": "no", reason: "更新指南未完成" }));
    expect(ok.status).toBe(200);
    const entry = getDb().select().from(evaluatorEntries).where(eq(evaluatorEntries.nodeId, node("1.3"))).get()!;
    expect(entry.input).toEqual({ tasks: [{ task: "dir", done: true, evidence: 2 }, { task: "guide", done: false, evidence: 0 }] });
  });
});
