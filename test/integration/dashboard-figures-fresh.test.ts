// The dashboard keeps its figures between requests (results summaries by results row and hash,
// self scores per unit by a stamp of its submitted self-inspection): a new compute, a newly
// submitted and a returned self-inspection each show on the next request.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { units, users } from "../../db/schema";
import * as dashboard from "../../app/routes/dashboard";
import * as leafRoute from "../../app/routes/self.$nodeId";
import * as selfHome from "../../app/routes/self._index";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { returnSubmission } from "../../app/services/submissions.server";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { leafNodeId } from "../helpers/cycle-fixtures";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, SELF_INPUTS, setCycleStatus, submitSelfInspection, userIdOf } from "../helpers/evaluation-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

useTempDataDir();

let cycleId = 0;
let leader = "";
const admin = () => ({ id: userIdOf("admin"), name: "管理员" });

interface Unit {
  id: string;
  total: number;
  self: number | null;
}
const departmentOf = (unitCode: string) =>
  getDb()
    .select({ username: users.username })
    .from(users)
    .innerJoin(units, eq(units.id, users.unitId))
    .where(eq(units.code, unitCode))
    .get()!.username;

async function figures(): Promise<Map<string, Unit>> {
  const res = await run(dashboard.loader, makeRequest("/dashboard?cycle=2026", { cookie: leader }));
  return new Map((res.data.units as Unit[]).map((u) => [u.id, u]));
}

beforeAll(async () => {
  seedAccounts(getDb());
  leader = await sessionCookieFor("leader");
  cycleId = createCycle(2026, "evaluating", { submittedUnitCodes: ["BM001"] }).cycleId;
  evaluateUnits(
    cycleId,
    DEMO_UNITS.map((u) => u.code),
  );
  expect(computeCycleResults(getDb(), cycleId, admin()).ok).toBe(true);
});

describe("the dashboard's figures", () => {
  it("show a new compute's totals on the next request", async () => {
    const before = (await figures()).get("BM001")!;
    expect((await figures()).get("BM001")!.total).toBe(before.total);
    setLeadEntry(cycleId, "BM001", "1.1", { scores: [0] });
    expect(computeCycleResults(getDb(), cycleId, admin()).ok).toBe(true);
    const after = (await figures()).get("BM001")!;
    expect(after.total).toBeLessThan(before.total);
  });

  it("show a self-inspection submitted or returned since the last request", async () => {
    expect((await figures()).get("JD003")!.self).toBeNull();
    const submissionId = submitSelfInspection(cycleId, "JD003", SELF_INPUTS);
    const submitted = (await figures()).get("JD003")!.self;
    expect(submitted).toBe((await figures()).get("BM001")!.self);
    expect(submitted).toBeGreaterThan(0);

    // The office returns it while the self-inspection is still open.
    setCycleStatus(cycleId, "published");
    const form = new FormData();
    form.set(`comment.${leafNodeId(cycleId, "JD003", "1.1")}`, "请补充佐证材料");
    returnSubmission(getDb(), { actor: admin(), role: "office", submissionId, form });
    expect((await figures()).get("JD003")!.self).toBeNull();

    // The department lowers its own score on the returned leaf and submits again.
    const dept = await sessionCookieFor(departmentOf("JD003"));
    const nodeId = leafNodeId(cycleId, "JD003", "1.1");
    const page = await run(leafRoute.loader, makeRequest(`/self/${nodeId}`, { cookie: dept }), { nodeId: String(nodeId) });
    const fields = { intent: "save", version: String(page.data.version), submissionId: String(submissionId), narrative: "按意见修改", selfScore: "5" };
    expect((await run(leafRoute.action, makeRequest(`/self/${nodeId}`, { cookie: dept, form: fields }), { nodeId: String(nodeId) })).status).toBe(200);
    expect((await run(selfHome.action, makeRequest("/self", { cookie: dept, form: { intent: "submit", submissionId: String(submissionId) } }))).status).toBeLessThan(400);
    expect((await figures()).get("JD003")!.self).toBe(submitted! - 13);
  });
});
