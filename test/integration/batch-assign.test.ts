import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as boardPage from "../../app/routes/evaluation._index";
import { getDb } from "../../db/client";
import { auditLog, evaluatorAssignments } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { board, cookies, loginAll } from "../helpers/evaluation-actions";
import {
  createCycle,
  unitIdOf,
  userIdOf,
} from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";

// Issue 15: 批量分配 — one evaluator to the selected units after a confirmation listing them, in one
// transaction with an audit row per unit; a unit that cannot take the evaluator stops the whole batch.

useTempDataDir();

beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001"]);
});

const assignedTo = (cycleId: number, evaluator: string) =>
  getDb()
    .select()
    .from(evaluatorAssignments)
    .where(
      and(
        eq(evaluatorAssignments.cycleId, cycleId),
        eq(evaluatorAssignments.evaluatorId, userIdOf(evaluator))
      )
    )
    .all()
    .map((a) => a.unitId)
    .sort((a, b) => a - b);

describe("batch assignment (批量分配)", () => {
  it("confirms the units, then assigns one evaluator to all of them; a bound or unsubmitted unit refuses the whole batch", async () => {
    const c = createCycle(2042, "evaluating", {
      submittedUnitCodes: ["JD001", "JD002", "BM001"],
    });
    const ids = (...codes: string[]) =>
      codes.map((code) => String(unitIdOf(code)));
    const preview = await run(
      boardPage.loader,
      makeRequest(
        `/evaluation?cycle=2042&${[...ids("JD001", "JD002", "JD003")]
          .map((id) => `unit=${id}`)
          .join("&")}&evaluator=${userIdOf("eval-003")}`,
        { cookie: cookies.admin }
      )
    );
    expect(
      preview.data.batchAssign.units.map((u: { id: number }) => String(u.id))
    ).toEqual(ids("JD001", "JD002"));
    expect(preview.data.batchAssign.skipped).toEqual([
      expect.objectContaining({
        why: "该单位尚未提交自查（或不在本年度考核范围内），不能分配评估员",
      }),
    ]);

    const audits = () =>
      getDb()
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, "assignment.create"))
        .all().length;
    const before = audits();
    const refused = await board(c, {
      intent: "assignMany",
      evaluatorId: String(userIdOf("eval-003")),
      unitId: ids("JD001", "JD003"),
    });
    expect(refused.status).toBe(400);
    expect(refused.data.fieldErrors._form).toBe(
      "以下单位不能分配，所有单位均未分配：该单位尚未提交自查（或不在本年度考核范围内），不能分配评估员"
    );
    expect(assignedTo(c.cycleId, "eval-003")).toEqual([]);
    const noUnits = await board(c, {
      intent: "assignMany",
      evaluatorId: String(userIdOf("eval-003")),
    });
    expect(noUnits.data.fieldErrors.unitIds).toBe("请至少选择一个单位");

    const ok = await board(c, {
      intent: "assignMany",
      evaluatorId: String(userIdOf("eval-003")),
      unitId: ids("JD001", "JD002", "BM001"),
    });
    expect(ok.status).toBe(200);
    expect(ok.data.message).toBe("已将评估员分配到3个单位。");
    expect(assignedTo(c.cycleId, "eval-003")).toEqual(
      ids("JD001", "JD002", "BM001")
        .map(Number)
        .sort((a, b) => a - b)
    );
    expect(audits()).toBe(before + 3);
    // Again: already assigned, named, nothing added.
    const twice = await board(c, {
      intent: "assignMany",
      evaluatorId: String(userIdOf("eval-003")),
      unitId: ids("JD001"),
    });
    expect(twice.data.fieldErrors._form).toContain("已分配到“城关街道办事处”");
    expect(audits()).toBe(before + 3);
    // Only the office.
    const evaluator = await run(
      boardPage.action,
      makeRequest("/evaluation", {
        cookie: cookies["eval-001"],
        form: {
          intent: "assignMany",
          cycleId: String(c.cycleId),
          evaluatorId: String(userIdOf("eval-003")),
          unitId: ids("JD002"),
        },
      })
    );
    expect(evaluator.status).toBe(403);
  });
});
