import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { can, may, POLICY } from "../../app/policy.server";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { getDb } from "../../db/client";
import { cycles, evaluatorAssignments, spotCheckBatches, spotCheckUnits, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { chunksOf, pdfBytes } from "../helpers/evidence-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import type { RouteModule } from "../helpers/routes";

/**
 * The access policy (app/policy.server.ts) against a real database: each scope answers for the
 * objects it should and refuses the others; and a route's answer does not depend on which other
 * modules happen to have been imported (nothing is registered as a side effect of an import).
 */

useTempDataDir();

const db = () => getDb();
const unitId = (code: string) => db().select().from(units).where(eq(units.code, code)).get()!.id;
const user = (username: string) => {
  const u = db().select().from(users).where(eq(users.username, username)).get()!;
  return { id: u.id, role: u.role, unitId: u.unitId };
};
const at = () => new Date().toISOString();

let cycleId = 0;
let batchId = 0;

beforeAll(async () => {
  await seedDemo();
  cycleId = db().select().from(cycles).where(eq(cycles.status, "published")).get()?.id ?? db().select().from(cycles).get()!.id;
  const org = db().select().from(users).where(eq(users.username, "eval-001")).get()!.orgId;
  for (const username of ["eval-policy", "eval-lead", "eval-inspector"]) {
    db().insert(users).values({ username, displayName: username, role: "evaluator", orgId: org, passwordHash: "x" }).run();
  }
  db().insert(evaluatorAssignments).values({ cycleId, unitId: unitId("JD003"), evaluatorId: user("eval-policy").id, method: "manual", assignedAt: at() }).run();
  db()
    .insert(evaluatorAssignments)
    .values({ cycleId, unitId: unitId("JD004"), evaluatorId: user("eval-lead").id, method: "manual", lead: true, signedOffAt: at(), assignedAt: at() })
    .run();
  db().insert(evaluatorAssignments).values({ cycleId, unitId: unitId("JD005"), evaluatorId: user("eval-policy").id, method: "manual", lead: true, assignedAt: at() }).run();
  batchId = db().insert(spotCheckBatches).values({ cycleId, seed: "policy", size: "1", createdAt: at() }).returning().get().id;
  db().insert(spotCheckUnits).values({ batchId, unitId: unitId("JD006"), inspectorId: user("eval-inspector").id }).run();
});

describe("may: the role's answer for a kind", () => {
  it("follows the table: any scope but none admits the role to the kind", () => {
    expect(may({ role: "office" }, "write", "administration")).toBe(true);
    expect(may({ role: "leader" }, "write", "administration")).toBe(false);
    expect(may({ role: "leader" }, "read", "results")).toBe(true);
    expect(may({ role: "department" }, "read", "results")).toBe(false);
    expect(may({ role: "department" }, "read", "unitResults")).toBe(true);
    expect(may({ role: "evaluator" }, "read", "unitResults")).toBe(false);
    expect(may({ role: "evaluator" }, "decide", "rectification")).toBe(true);
    expect(may({ role: "department" }, "decide", "appeal")).toBe(false);
    expect(may({ role: "office" }, "write", "selfInspection")).toBe(false);
    expect(POLICY.selfInspection.write.department).toBe("ownUnit");
  });
});

describe("can: one object", () => {
  it("ownUnit: a department its own unit's objects only; a user without a unit none", () => {
    const dept = user("dept-001");
    expect(can(db(), dept, "read", { kind: "evidence", unitId: dept.unitId! })).toBe(true);
    expect(can(db(), dept, "read", { kind: "evidence", unitId: unitId("JD002") })).toBe(false);
    expect(can(db(), { ...dept, unitId: null }, "read", { kind: "evidence", unitId: dept.unitId! })).toBe(false);
    expect(can(db(), dept, "write", { kind: "appeal" })).toBe(false);
  });

  it("assignedUnit: an evaluator reads the units it is assigned to or drawn to inspect, nothing else", () => {
    expect(can(db(), user("eval-policy"), "read", { kind: "evidence", unitId: unitId("JD003") })).toBe(true);
    expect(can(db(), user("eval-inspector"), "read", { kind: "evidence", unitId: unitId("JD006") })).toBe(true);
    expect(can(db(), user("eval-policy"), "read", { kind: "evidence", unitId: unitId("JD002") })).toBe(false);
    expect(can(db(), user("eval-policy"), "read", { kind: "evidence" })).toBe(false);
  });

  it("inspector: the drawn inspector of the unit in the batch, or the finding's own inspector", () => {
    const inspector = user("eval-inspector");
    expect(can(db(), inspector, "read", { kind: "spotCheck", batchId })).toBe(true);
    expect(can(db(), inspector, "write", { kind: "spotCheck", batchId, unitId: unitId("JD006") })).toBe(true);
    expect(can(db(), inspector, "write", { kind: "spotCheck", batchId, unitId: unitId("JD002") })).toBe(false);
    expect(can(db(), user("eval-policy"), "read", { kind: "spotCheck", batchId })).toBe(false);
    expect(can(db(), user("eval-policy"), "decide", { kind: "rectification", unitId: unitId("JD002"), inspectorId: user("eval-policy").id })).toBe(true);
    expect(can(db(), inspector, "decide", { kind: "rectification", unitId: unitId("JD006"), batchId: batchId + 1 })).toBe(false);
    expect(can(db(), user("eval-inspector"), "read", { kind: "spotCheck" })).toBe(false);
  });

  it("leadEvaluator: only the unit's lead evaluator in that cycle, once signed off", () => {
    expect(can(db(), user("eval-lead"), "decide", { kind: "arbitration", cycleId, unitId: unitId("JD004") })).toBe(true);
    expect(can(db(), user("eval-lead"), "decide", { kind: "arbitration", cycleId: cycleId + 1000, unitId: unitId("JD004") })).toBe(false);
    // Lead, but not signed off yet.
    expect(can(db(), user("eval-policy"), "decide", { kind: "arbitration", cycleId, unitId: unitId("JD005") })).toBe(false);
    expect(can(db(), user("eval-policy"), "decide", { kind: "arbitration", cycleId, unitId: unitId("JD003") })).toBe(false);
  });

  it("all / none do not look at the object", () => {
    expect(can(db(), user("admin"), "decide", { kind: "rectification", unitId: unitId("JD002") })).toBe(true);
    expect(can(db(), user("leader"), "decide", { kind: "rectification", unitId: unitId("JD002") })).toBe(false);
  });
});

describe("a route's access does not depend on which modules were imported", () => {
  it("the evidence route, loaded alone in a fresh module graph, lets an assigned evaluator in and keeps another out", async () => {
    const file = await saveUploadedEvidence(getDb(), {
      actor: { id: user("dept-003").id, name: "西山街道办事处填报员（dept-003）" },
      unitId: unitId("JD003"),
      ownerType: "submission_leaf",
      ownerId: "1:1",
      part: { filename: "政策佐证.pdf", data: chunksOf(pdfBytes("政策佐证内容")) },
    });
    const assigned = await sessionCookieFor("eval-policy");
    const stranger = await sessionCookieFor("eval-inspector");
    vi.resetModules();
    const route = (await import("../../app/routes/evidence.$fileId")) as RouteModule;
    const params = { fileId: String(file.id) };
    const open = await run(route.loader!, makeRequest(`/evidence/${file.id}`, { cookie: assigned }), params);
    const refused = await run(route.loader!, makeRequest(`/evidence/${file.id}`, { cookie: stranger }), params);
    expect(open.status).toBe(200);
    expect(refused.status).toBe(403);
    expect(refused.data).toBe("您无权访问其他单位的数据。");
  });
});
