import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as sheetPage from "../../app/routes/review.$unitId.all";
import * as unitPage from "../../app/routes/review.$unitId._index";
import { getDb } from "../../db/client";
import { auditLog, evaluatorEntries } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import {
  assign,
  assignmentOf,
  cookies,
  loginAll,
  unitPost,
} from "../helpers/evaluation-actions";
import {
  createCycle,
  leafNodeId,
  SELF_INPUTS,
  unitIdOf,
  type FixtureCycle,
} from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";
import type { ReviewFormState } from "../../app/domain/review-input";

// Issue 15: the evaluator's batch work — 采纳单位自评 for selected leaves (confirmed; each leaf this
// evaluator's own entry, equal to the self answer) and the one-page sheet (same validation as the
// single-leaf page, saved per row or all at once).

useTempDataDir();

const db = () => getDb();
const entriesOf = (c: FixtureCycle, evaluator: string) =>
  db()
    .select()
    .from(evaluatorEntries)
    .where(
      eq(evaluatorEntries.assignmentId, assignmentOf(c, "JD001", evaluator).id)
    )
    .all();
const audits = (action: string) =>
  db().select().from(auditLog).where(eq(auditLog.action, action)).all().length;

let c: FixtureCycle;
beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001", "eval-002", "eval-003"]);
  c = createCycle(2043, "evaluating", { submittedUnitCodes: ["JD001"] });
  await assign(c, "JD001", "eval-001");
  await assign(c, "JD001", "eval-002");
});

const node = (code: string) => leafNodeId(c.cycleId, "JD001", code);
const unitId = () => String(unitIdOf("JD001"));

describe("采纳单位自评", () => {
  it("confirms the selected leaves, then records each as this evaluator's entry equal to the self answer", async () => {
    const query = `/review/${unitId()}?cycle=2043&adopt=1&node=${node(
      "1.1"
    )}&node=${node("1.3")}&node=${node("2.1")}`;
    const page = await run(
      unitPage.loader,
      makeRequest(query, { cookie: cookies["eval-001"] }),
      { unitId: unitId() }
    );
    expect(page.status).toBe(200);
    expect(page.data.adopt.leaves.map((l: { code: string }) => l.code)).toEqual(
      ["1.1", "1.3", "2.1"]
    );
    expect(page.data.adopt.leaves[0]).toMatchObject({
      self: ["评分 18 分"],
      replaces: null,
    });

    const before = audits("evaluation.entry.adopt");
    const r = await unitPost("eval-001", "JD001", {
      intent: "adopt",
      cycleId: String(c.cycleId),
      nodeId: [String(node("1.1")), String(node("1.3")), String(node("2.1"))],
    });
    expect(r.status).toBe(200);
    expect(r.data.message).toBe("已采纳单位自评3项。");
    expect(audits("evaluation.entry.adopt")).toBe(before + 3);
    const mine = entriesOf(c, "eval-001");
    expect(mine).toHaveLength(3);
    expect(mine.find((e) => e.nodeId === node("1.1"))!.input).toEqual(
      SELF_INPUTS["1.1"]
    );
    expect(mine.find((e) => e.nodeId === node("2.1"))!.input).toEqual(
      SELF_INPUTS["2.1"]
    );
    // Per evaluator: the other evaluator's entries are untouched.
    expect(entriesOf(c, "eval-002")).toEqual([]);
    // The unit page now shows them entered, not differing.
    const after = await run(
      unitPage.loader,
      makeRequest(`/review/${unitId()}?cycle=2043`, {
        cookie: cookies["eval-001"],
      }),
      { unitId: unitId() }
    );
    expect(after.data.entered).toBe(3);
    expect(
      after.data.leaves.filter((l: { differs: boolean }) => l.differs)
    ).toEqual([]);
    // Someone not assigned cannot adopt.
    const other = await unitPost("eval-003", "JD001", {
      intent: "adopt",
      cycleId: String(c.cycleId),
      nodeId: String(node("1.2")),
    });
    expect(other.status).toBe(403);
    expect(
      db()
        .select()
        .from(evaluatorEntries)
        .where(and(eq(evaluatorEntries.nodeId, node("1.2"))))
        .all()
    ).toEqual([]);
  });
});

/** The sheet's form as the browser would post it, from the loader's rows (with changes). */
function sheetForm(
  rows: { nodeId: number; version: number; form: ReviewFormState }[],
  change: Record<string, string> = {}
): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = {
    cycleId: String(c.cycleId),
    nodeId: rows.map((r) => String(r.nodeId)),
  };
  for (const r of rows) {
    const p = `n${r.nodeId}.`;
    f[`${p}version`] = String(r.version);
    for (const [k, v] of Object.entries(r.form.values)) f[p + k] = v;
    if (r.form.adhoc.length > 0) {
      f[`${p}adhocPoints`] = r.form.adhoc.map((a) => a.points);
      f[`${p}adhocReason`] = r.form.adhoc.map((a) => a.reason);
    }
    if (r.form.events.length > 0) {
      f[`${p}eventClaim`] = r.form.events.map((e) => e.claim);
      f[`${p}eventLabel`] = r.form.events.map((e) => e.label);
      f[`${p}eventStart`] = r.form.events.map((e) => e.start);
      f[`${p}eventEnd`] = r.form.events.map((e) => e.end);
    }
  }
  return { ...f, ...change };
}

describe("the one-page scoring sheet", () => {
  const load = (user = "eval-002") =>
    run(
      sheetPage.loader,
      makeRequest(`/review/${unitId()}/all?cycle=2043`, {
        cookie: cookies[user],
      }),
      { unitId: unitId() }
    );
  const post = (form: Record<string, string | string[]>) =>
    run(
      sheetPage.action,
      makeRequest(`/review/${unitId()}/all`, {
        cookie: cookies["eval-002"],
        form,
      }),
      { unitId: unitId() }
    );

  it("shows every leaf prefilled; validates each row as the single-leaf page does; saves one row or all, nothing when any row is wrong", async () => {
    const page = await load();
    expect(page.status).toBe(200);
    expect(page.data.rows.map((r: { code: string }) => r.code)).toEqual([
      "1.1",
      "1.2",
      "1.3",
      "1.4",
      "2.1",
      "2.2",
      "3.1",
    ]);
    expect(page.data.rows[0].form.values.score).toBe("18");
    const rows = page.data.rows;
    const p = (code: string) => `n${node(code)}.`;

    const tooHigh = await post(
      sheetForm(rows, { row: String(node("1.1")), [`${p("1.1")}score`]: "25" })
    );
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.data.rowErrors[String(node("1.1"))].score).toBe(
      "评分须在0到20分之间"
    );
    const noReason = await post(
      sheetForm(rows, { row: String(node("1.1")), [`${p("1.1")}score`]: "15" })
    );
    expect(noReason.data.rowErrors[String(node("1.1"))].reason).toBe(
      "评估结果与单位自评不一致，请说明理由"
    );
    // Save all with one wrong row: every row refused, nothing saved, the typed text comes back.
    const oneWrong = await post(
      sheetForm(rows, { intent: "saveAll", [`${p("2.2")}score`]: "abc" })
    );
    expect(oneWrong.status).toBe(400);
    expect(Object.keys(oneWrong.data.rowErrors)).toEqual([String(node("2.2"))]);
    expect(oneWrong.data.values[`${p("2.2")}score`]).toEqual(["abc"]);
    expect(entriesOf(c, "eval-002")).toEqual([]);

    const one = await post(
      sheetForm(rows, {
        row: String(node("1.1")),
        [`${p("1.1")}score`]: "15",
        [`${p("1.1")}reason`]: "专栏栏目不全",
      })
    );
    expect(one.status).toBe(200);
    expect(one.data.message).toBe("已保存该项。");
    expect(
      entriesOf(c, "eval-002").map((e) => [e.nodeId, e.input, e.reason])
    ).toEqual([[node("1.1"), { scores: [15] }, "专栏栏目不全"]]);

    // A stale sheet (1.1 saved since it was loaded) is refused as a whole.
    const stale = await post(sheetForm(rows, { intent: "saveAll" }));
    expect(stale.status).toBe(409);
    expect(entriesOf(c, "eval-002")).toHaveLength(1);

    const fresh = await load();
    const all = await post(sheetForm(fresh.data.rows, { intent: "saveAll" }));
    expect(all.status).toBe(200);
    expect(all.data.message).toBe("已保存全部7项。");
    const saved = entriesOf(c, "eval-002");
    expect(saved).toHaveLength(7);
    expect(saved.find((e) => e.nodeId === node("1.1"))).toMatchObject({
      input: { scores: [15] },
      version: 2,
    });
    expect(saved.find((e) => e.nodeId === node("2.1"))!.input).toEqual(
      SELF_INPUTS["2.1"]
    );
    expect(saved.find((e) => e.nodeId === node("1.2"))!.input).toEqual(
      SELF_INPUTS["1.2"]
    );
  });

  it("is refused to an evaluator not assigned to the unit", async () => {
    expect((await load("eval-003")).status).toBe(403);
  });
});
