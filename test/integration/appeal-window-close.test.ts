import { and, eq, gt } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as appealsPage from "../../app/routes/appeals._index";
import { appealsSettled } from "../../app/services/arbitration.server";
import { transitionCycle } from "../../app/services/cycles.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { appeals, auditLog, cycles } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, leafNodeId, setCycleStatus, unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { evaluateUnits } from "../helpers/results-fixtures";

useTempDataDir();

/** 提前结束复核期: the office closes the appeal window early once every appeal filed so far is decided. */

const UNIT = DEMO_UNITS[0];
const DEPT = "dept-001";
let cycleId = 0;
const cookies: Record<string, string> = {};

const db = () => getDb();
const cycleRow = () => db().select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
const auditCount = () => db().select().from(auditLog).all().length;
const post = (user: string, form: Record<string, string>) => run(appealsPage.action, makeRequest("/appeals", { cookie: cookies[user], form }));
const close = (user: string, reason = "全部复核申请已处理完毕，经研究提前结束复核期") => post(user, { intent: "closeWindow", key: "closeWindow", cycleId: String(cycleId), reason });
const appeal = (leaf: string) =>
  post(DEPT, { intent: "appeal", key: "appeal", cycleId: String(cycleId), unitId: String(unitIdOf(UNIT.code)), nodeId: String(leafNodeId(cycleId, UNIT.code, leaf)), reason: "已补充佐证材料" });
const page = (user: string) => run(appealsPage.loader, makeRequest(`/appeals?cycle=2027`, { cookie: cookies[user] }));

beforeAll(async () => {
  seedAccounts(db());
  for (const u of ["admin", "leader", "eval-001", DEPT]) cookies[u] = await sessionCookieFor(u);
  cycleId = createCycle(2027, "evaluating").cycleId;
  evaluateUnits(cycleId, DEMO_UNITS.map((u) => u.code));
  // 初步结果 published just now: the window (5 days) is open.
  setCycleStatus(cycleId, "preliminary");
});

describe("提前结束复核期", () => {
  it("is refused while an appeal is pending, and changes nothing", async () => {
    expect((await appeal("1.1")).status).toBe(200);
    const before = auditCount();
    const res = await close("admin");
    expect(res.status).toBe(409);
    expect(res.data.fieldErrors._form).toBe("有1项复核申请尚未处理，处理完毕后方可提前结束复核期");
    expect(cycleRow().appealsClosedAt).toBeNull();
    expect(auditCount()).toBe(before);
  });

  it("is refused for every role but the office (403), and validates the reason; bad input changes nothing", async () => {
    const a = db().select().from(appeals).where(eq(appeals.cycleId, cycleId)).get()!;
    const decided = await post("admin", { intent: "decide", key: `decide:${a.id}`, appealId: String(a.id), decision: "upheld", value: "", reason: "原评分依据充分" });
    expect(decided.status).toBe(200);
    const before = auditCount();
    for (const user of [DEPT, "leader", "eval-001"]) expect((await close(user)).status).toBe(403);
    const empty = await close("admin", "   ");
    expect(empty.status).toBe(400);
    expect(empty.data.fieldErrors.reason).toBe("请填写提前结束复核期的理由");
    expect((await close("admin", "理".repeat(501))).data.fieldErrors.reason).toBe("理由最多500个字");
    expect(cycleRow().appealsClosedAt).toBeNull();
    expect(auditCount()).toBe(before);
    // The office sees the action while the window is open.
    const view = await page("admin");
    expect(view.data.window.open).toBe(true);
    expect(view.data.office.finaliseBlockers).toEqual([expect.stringMatching(/^复核申请期限至.*截止，期限届满前不能定稿/)]);
  });

  it("closes the window with who, when and why in one audited transaction; no new appeals; 定稿 is then allowed", async () => {
    const lastAudit = auditCount();
    const res = await close("admin");
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("复核期已提前结束，各单位不能再申请复核。");
    const row = cycleRow();
    expect(row).toMatchObject({ status: "preliminary", appealsClosedBy: userIdOf("admin"), appealsClosedReason: "全部复核申请已处理完毕，经研究提前结束复核期" });
    expect(row.appealsClosedAt).not.toBeNull();
    const audit = db().select().from(auditLog).where(gt(auditLog.id, lastAudit)).all();
    expect(audit.map((r) => r.action)).toEqual(["cycle.appeals.close"]);
    expect(audit[0]).toMatchObject({ entityType: "cycle", entityId: String(cycleId), actorId: userIdOf("admin") });
    expect(JSON.parse(audit[0].after!)).toEqual({ appealsClosedAt: row.appealsClosedAt, reason: "全部复核申请已处理完毕，经研究提前结束复核期" });
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);

    // Shown to the office and the department; departments can no longer appeal.
    const office = await page("admin");
    expect(office.data.window.open).toBe(false);
    expect(office.data.closedEarly).toMatchObject({ reason: "全部复核申请已处理完毕，经研究提前结束复核期", by: expect.stringContaining("admin") });
    expect(office.data.office.finaliseBlockers).toEqual([]);
    expect((await page(DEPT)).data.window.open).toBe(false);
    const late = await appeal("2.2");
    expect(late.status).toBe(409);
    expect(late.data.fieldErrors._form).toBe("政务公开办已提前结束复核期，不能再申请复核");
    expect(db().select().from(appeals).where(and(eq(appeals.cycleId, cycleId), eq(appeals.status, "pending"))).all()).toEqual([]);

    // A second close is refused; appealsSettled is satisfied, so the cycle may be finalised.
    expect((await close("admin")).data.fieldErrors._form).toBe("复核期已经提前结束");
    expect(appealsSettled(db(), cycleId)).toEqual([]);
    expect(transitionCycle(getDb(), cycleId, "final", { id: userIdOf("admin"), name: "admin", role: "office" })).toMatchObject({ ok: true });
    expect((await close("admin")).data.fieldErrors._form).toBe("只有在初步结果阶段才能提前结束复核期");
  });
});
