import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { formatBeijingTime } from "../../app/utils/beijing-time";
import { getDb } from "../../db/client";
import { auditLog, categories, cycles, evaluatorAssignments, evaluatorEntries, indicatorAmendments, indicatorSets, type CycleStatus } from "../../db/schema";
import type { UnitResult } from "../../scoring";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { insertCycle, leafNodeId } from "../helpers/cycle-fixtures";
import { unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Issue 13, per-category settings after publishing: the office corrects a category's weight while
// the results are not final — with a reason (修改原因), audited with the old and new values, listed on
// the set page in Beijing time, and used by the next recompute; without a reason, or once the
// results are final, the change is refused and nothing is written.

useTempDataDir();

const TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 100,
    children: [
      { code: "1.1", name: "网站评价", points: 50, rule: { type: "score" } },
      { code: "1.2", name: "解读质量", points: 50, rule: { type: "score" } },
    ],
  },
];

let admin = "";
let cycleId = 0;
let setId = 0;
let categoryId = 0;
const db = () => getDb();
const params = () => ({ cycleId: String(cycleId), setId: String(setId) });
const act = (form: Record<string, string | string[]>) => run(setPage.action, makeRequest(`/cycles/${cycleId}/sets/${setId}`, { cookie: admin, form }), params());
const page = () => run(setPage.loader, makeRequest(`/cycles/${cycleId}/sets/${setId}`, { cookie: admin }), params());
const settingsForm = (weight: string, extra: Record<string, string> = {}) => ({
  intent: "categoryRules",
  weight,
  passMark: "",
  gradeName: ["", ""],
  gradeMin: ["", ""],
  gateValue: "",
  gateComparison: "gt",
  gatePart: "",
  ...extra,
});
/** Everything a refused save must leave as it was. */
const written = () => ({
  rules: db().select().from(cycles).where(eq(cycles.id, cycleId)).get()!.settings.categoryRules,
  audit: db().select().from(auditLog).all().length,
  amendments: db().select().from(indicatorAmendments).all().length,
});
const setStatus = (status: CycleStatus) => db().update(cycles).set({ status }).where(eq(cycles.id, cycleId)).run();
const bm001 = () => {
  const doc = JSON.parse(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "results")) as { units: UnitResult[] };
  return doc.units.find((u) => u.id === "BM001")!;
};

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
  categoryId = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id;
  cycleId = insertCycle(2026, TREE, { status: "evaluating", settings: { categoryRules: { [String(categoryId)]: { opennessWeightPct: 4 } } } as never });
  setId = db().select().from(indicatorSets).where(and(eq(indicatorSets.cycleId, cycleId), eq(indicatorSets.categoryId, categoryId))).get()!.id;
  const at = "2026-12-01T08:00:00.000Z";
  (["eval-001", "eval-002"] as const).forEach((username, k) => {
    const a = db()
      .insert(evaluatorAssignments)
      .values({ cycleId, unitId: unitIdOf("BM001"), evaluatorId: userIdOf(username), method: "manual", assignedAt: at, signedOffAt: at, lead: k === 0 })
      .returning()
      .get();
    for (const [leaf, score] of [["1.1", 40], ["1.2", 45]] as const) {
      db().insert(evaluatorEntries).values({ assignmentId: a.id, nodeId: leafNodeId(cycleId, "BM001", leaf), input: { scores: [score] }, reason: "", updatedAt: at }).run();
    }
  });
  const computed = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!computed.ok) throw new Error(computed.message);
});

describe("a category's settings after publishing", () => {
  it("are computed with the category's weight before the change: 85 × 4% = 3.4", () => {
    expect([bm001().total, bm001().contribution]).toEqual([85, 3.4]);
  });

  it("refuse a change without a reason, writing nothing", async () => {
    const before = written();
    const res = await act(settingsForm("5"));
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.settingsReason).toBe("考核已发布，修改本类别考核设置须填写修改原因");
    expect(written()).toEqual(before);
  });

  it("take a change with its reason: audited old → new, listed on the set page, and the next recompute uses the new weight", async () => {
    const before = written();
    const loaded = await page();
    expect([loaded.data.categoryRules.canEdit, loaded.data.categoryRules.needsReason, loaded.data.categoryRules.changes]).toEqual([true, true, []]);

    const res = await act(settingsForm("5", { settingsReason: "区政府常务会议决定街道权重调整为5分" }));
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("已保存“区级部门”的类别考核设置。修改已记入修订记录，下次计算结果时按新设置计分。");
    expect(written()).toEqual({ rules: { [String(categoryId)]: { opennessWeightPct: 5 } }, audit: before.audit + 1, amendments: before.amendments + 1 });

    const audit = db().select().from(auditLog).all().at(-1)!;
    expect(audit.action).toBe("indicator_set.category_rules");
    expect(JSON.parse(audit.before!)).toEqual({ opennessWeightPct: 4 });
    expect(JSON.parse(audit.after!)).toMatchObject({
      opennessWeightPct: 5,
      reason: "区政府常务会议决定街道权重调整为5分",
      changes: ["政务公开工作分值权重：4% → 5%"],
    });

    const amendment = db().select().from(indicatorAmendments).all().at(-1)!;
    const shown = (await page()).data;
    expect(shown.categoryRules.changes).toEqual([
      { at: formatBeijingTime(amendment.at), actorName: "政务公开办 陈主任", reason: "区政府常务会议决定街道权重调整为5分", changes: ["政务公开工作分值权重：4% → 5%"] },
    ]);
    expect(shown.amendments[0]).toMatchObject({ reason: "区政府常务会议决定街道权重调整为5分", summary: "类别考核设置：政务公开工作分值权重：4% → 5%" });

    const recomputed = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!recomputed.ok) throw new Error(recomputed.message);
    expect(recomputed.rescored).toBe(recomputed.units);
    expect([bm001().total, bm001().contribution]).toEqual([85, 4.25]);
  });

  it("may still change in 初步结果 (results not final), with a reason", async () => {
    setStatus("preliminary");
    const res = await act(settingsForm("5", { passMark: "70", settingsReason: "合格线按上级通知调整" }));
    expect(res.status).toBe(200);
    expect(written().rules).toEqual({ [String(categoryId)]: { opennessWeightPct: 5, passMark: 70 } });
    expect((await page()).data.categoryRules.changes[0].changes).toEqual(["合格线：沿用考核年度 → 70分"]);
  });

  it("are refused once the results are final (已定稿), writing nothing", async () => {
    setStatus("final");
    expect((await page()).data.categoryRules.canEdit).toBe(false);
    const before = written();
    const res = await act(settingsForm("6", { settingsReason: "定稿后再改" }));
    expect(res.status).toBe(409);
    expect(res.data.fieldErrors._form).toBe("考核结果已定稿（已定稿），本类别的权重、等次、合格线和加分门槛不能再修改。");
    expect(written()).toEqual(before);
  });
});
