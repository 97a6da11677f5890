import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createAppeal } from "../../app/services/appeals.server";
import { actorOf, type SessionUser } from "../../app/utils/auth.server";
import { getDb } from "../../db/client";
import { appeals, auditLog, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, leafNodeId, setCycleStatus, unitIdOf } from "../helpers/evaluation-fixtures";
import { evaluateUnits } from "../helpers/results-fixtures";

useTempDataDir();

/** An appeal is stamped with the time it was filed at — the `now` its window was checked against. */

const UNIT = DEMO_UNITS[0];
let cycleId = 0;
let dept: SessionUser;

beforeAll(() => {
  seedAccounts(getDb());
  const row = getDb().select().from(users).where(eq(users.username, "dept-001")).get()!;
  dept = { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unitId: row.unitId, unitName: UNIT.name, orgId: null, orgName: null, sessionId: "test" };
  cycleId = createCycle(2027, "evaluating").cycleId;
  evaluateUnits(cycleId, [UNIT.code]);
  // 初步结果 from 1 March 2027 (Beijing): the appeal window runs to the end of 6 March.
  setCycleStatus(cycleId, "preliminary", "2027-03-01T02:00:00.000Z");
});

describe("createAppeal", () => {
  it("stores the time it was given as the appeal's filing time (and audits the same)", () => {
    const now = new Date("2027-03-04T03:04:05.678Z");
    const id = createAppeal(getDb(), actorOf(dept), dept, cycleId, { unitId: unitIdOf(UNIT.code), nodeId: leafNodeId(cycleId, UNIT.code, "1.1"), reason: "已补充佐证材料" }, now);
    const row = getDb().select().from(appeals).where(eq(appeals.id, id)).get()!;
    expect(row.createdAt).toBe("2027-03-04T03:04:05.678Z");
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "appeal.create")).all().at(-1)!;
    expect(JSON.parse(audit.after!).createdAt).toBe("2027-03-04T03:04:05.678Z");
  });
});
