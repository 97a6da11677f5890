import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as home from "../../app/routes/_index";
import { departmentHome, evaluatorHome, officeHome } from "../../app/services/home.server";
import { findCycleByYear } from "../../app/services/cycles.server";
import type { SessionUser } from "../../app/utils/auth.server";
import { getDb } from "../../db/client";
import { evaluatorAssignments, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { DEMO_2026_EXTENSION, DEMO_2026_STATES } from "../../seeds/demo/self-inspection-2026";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// The to-do home (issue 15): every count against the demo's seeded 2026 states, at fixed instants
// (Beijing time) before and after the self-inspection deadline of 2026-11-30.

useTempDataDir();

const db = () => getDb();
const BEFORE_DUE = new Date("2026-11-23T02:00:00Z"); // 2026-11-23 10:00 Beijing
const AFTER_DUE = new Date("2026-12-03T02:00:00Z"); // 2026-12-03 10:00 Beijing

function sessionUser(username: string): SessionUser {
  const u = db().select().from(users).where(eq(users.username, username)).get()!;
  const unit = u.unitId === null ? undefined : db().select().from(units).where(eq(units.id, u.unitId)).get();
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, unitName: unit?.name ?? null, orgId: u.orgId, orgName: null, sessionId: "test" };
}
const nameOf = (code: string) => DEMO_UNITS.find((u) => u.code === code)!.name;
const codesIn = (state: string | undefined) => DEMO_UNITS.filter((u) => DEMO_2026_STATES[u.code] === state).map((u) => u.code);

beforeAll(async () => {
  await seedDemo();
}, 120_000);

describe("office home", () => {
  it("counts units not started, returned and extended, the next deadline and the cycle's progress", () => {
    const h = officeHome(db(), sessionUser("admin"), BEFORE_DUE);
    expect(h.cycle).toMatchObject({ year: 2026, statusLabel: "已发布" });
    expect(h.steps.map((s) => `${s.step}:${s.state}`)).toEqual(["自查:current", "评估:ahead", "抽查:ahead", "初步结果:ahead", "复核:ahead", "定稿:ahead"]);
    expect(h.deadlines[0]).toEqual({ label: "自查截止", date: "2026-11-30", daysLeftText: "还剩7天" });
    const todo = Object.fromEntries(h.todos.map((t) => [t.key, t]));
    const notStarted = codesIn(undefined).map(nameOf);
    expect(todo.notStarted).toMatchObject({ count: notStarted.length, names: notStarted.slice(0, 6), href: `/submissions?cycle=${h.cycle!.id}&filter=not_started` });
    expect(todo.overdue.count).toBe(0);
    expect(todo.returned).toMatchObject({ count: 2, names: codesIn("returned").map(nameOf) });
    expect(todo.extended).toMatchObject({ count: 1, names: [`${nameOf(DEMO_2026_EXTENSION.unitCode)}（至${DEMO_2026_EXTENSION.until}）`] });
    expect(todo.appeals.count).toBe(0);
  });

  it("after the deadline lists every unit still drafting or not started, without an extension, as overdue", () => {
    const h = officeHome(db(), sessionUser("admin"), AFTER_DUE);
    const todo = Object.fromEntries(h.todos.map((t) => [t.key, t]));
    // A returned submission is the office's to-do (退回修改), not the unit's lateness.
    const late = DEMO_UNITS.filter((u) => DEMO_2026_STATES[u.code] !== "submitted" && DEMO_2026_STATES[u.code] !== "returned" && u.code !== DEMO_2026_EXTENSION.unitCode);
    expect(todo.overdue.count).toBe(late.length);
    expect(todo.overdue.names).toEqual(late.slice(0, 6).map((u) => `${u.name}（已逾期3天）`));
    // Spot checks begin on 2026-12-01: the next deadline is their end.
    expect(h.deadlines.map((d) => d.label)).toEqual(["抽查结束"]);
  });

  it("counts units without evaluators, divergences awaiting arbitration and rectifications (open and overdue)", () => {
    const cycle = findCycleByYear(2026, getDb())!;
    const h = officeHome(db(), sessionUser("admin"), BEFORE_DUE);
    const todo = Object.fromEntries(h.todos.map((t) => [t.key, t]));
    const assigned = new Set(db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, cycle.id)).all().map((a) => a.unitId));
    const active = db().select().from(units).where(eq(units.active, true)).all();
    expect(todo.unassigned.count).toBe(active.filter((u) => !assigned.has(u.id)).length);
    expect(todo.unassigned.count).toBeGreaterThan(0);
    // The demo's evaluators disagree on 1.6 of 区卫生健康局, not yet arbitrated.
    expect(todo.divergences).toMatchObject({ count: 1, names: ["区卫生健康局 · 1.6"] });
    // Two spot-check findings await rectification; the one due 2026-11-19 is overdue on the 23rd,
    // the one due 2026-11-30 only after it.
    expect(todo.rectifications).toMatchObject({ count: 2, names: ["北城街道办事处 · 1.2", "区住房和城乡建设局 · 1.2"] });
    expect(todo.rectificationsOverdue).toMatchObject({ count: 1, names: ["北城街道办事处 · 1.2（限2026-11-19）"] });
    const later = Object.fromEntries(officeHome(db(), sessionUser("admin"), AFTER_DUE).todos.map((t) => [t.key, t]));
    expect(later.rectificationsOverdue.count).toBe(2);
  });

  it("drops a unit from 尚未分配评估员 once an evaluator is assigned (the count follows the data)", () => {
    const cycle = findCycleByYear(2026, getDb())!;
    const before = officeHome(db(), sessionUser("admin"), BEFORE_DUE).todos.find((t) => t.key === "unassigned")!.count;
    const unit = db().select().from(units).where(eq(units.code, "JD003")).get()!;
    const evaluator = db().select().from(users).where(eq(users.username, "eval-003")).get()!;
    const added = db()
      .insert(evaluatorAssignments)
      .values({ cycleId: cycle.id, unitId: unit.id, evaluatorId: evaluator.id, method: "manual", assignedAt: new Date().toISOString() })
      .returning()
      .get();
    const after = officeHome(db(), sessionUser("admin"), BEFORE_DUE).todos.find((t) => t.key === "unassigned")!;
    expect(after.count).toBe(before - 1);
    expect(after.names).not.toContain(unit.name);
    db().delete(evaluatorAssignments).where(eq(evaluatorAssignments.id, added.id)).run();
  });
});

describe("department home", () => {
  it("shows days left, the items returned with the office's comments, and its own unit only", () => {
    const code = codesIn("returned")[0];
    const user = sessionUser(`dept-${String(DEMO_UNITS.findIndex((u) => u.code === code) + 1).padStart(3, "0")}`);
    const h = departmentHome(db(), user, BEFORE_DUE);
    // Resubmitting a returned self-inspection is not bound to the deadline: no countdown.
    expect(h.selfInspection).toMatchObject({ statusLabel: "退回修改", due: "2026-11-30", returned: true, daysLeftText: null, extended: false });
    const drafting = sessionUser(`dept-${String(DEMO_UNITS.findIndex((u) => u.code === codesIn("draft")[0]) + 1).padStart(3, "0")}`);
    expect(departmentHome(db(), drafting, BEFORE_DUE).selfInspection).toMatchObject({ statusLabel: "草稿", daysLeftText: "还剩7天" });
    expect(departmentHome(db(), drafting, AFTER_DUE).selfInspection).toMatchObject({ daysLeftText: "已逾期3天" });
    expect(h.returned.length).toBeGreaterThan(0);
    for (const r of h.returned) expect(r.comment.length).toBeGreaterThan(0);
    expect(JSON.stringify(h)).not.toMatch(new RegExp(DEMO_UNITS.filter((u) => u.code !== code).map((u) => u.name).join("|")));
  });

  it("shows the unit's own extended deadline and its open rectifications", () => {
    const extended = sessionUser(`dept-${String(DEMO_UNITS.findIndex((u) => u.code === DEMO_2026_EXTENSION.unitCode) + 1).padStart(3, "0")}`);
    expect(departmentHome(db(), extended, AFTER_DUE).selfInspection).toMatchObject({ due: DEMO_2026_EXTENSION.until, extended: true, daysLeftText: "还剩7天" });
    const beicheng = sessionUser(`dept-${String(DEMO_UNITS.findIndex((u) => u.name === "北城街道办事处") + 1).padStart(3, "0")}`);
    expect(departmentHome(db(), beicheng, BEFORE_DUE).rectifications).toEqual([expect.objectContaining({ nodeCode: "1.2", due: "2026-11-19", overdue: true })]);
  });

  it("links the latest released results to the unit's own score card", () => {
    const user = sessionUser("dept-001");
    expect(departmentHome(db(), user, BEFORE_DUE).results).toMatchObject({ year: 2025, href: `/results/2025/units/${user.unitId}`, appealOpen: false });
  });
});

describe("evaluator home", () => {
  it("lists assigned units with progress, sign-offs awaited and spot-check tasks", () => {
    const h = evaluatorHome(db(), sessionUser("eval-002"));
    const mine = db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.evaluatorId, sessionUser("eval-002").id)).all();
    const cycle = findCycleByYear(2026, getDb())!;
    expect(h.units.map((u) => u.unitId).sort()).toEqual(mine.filter((a) => a.cycleId === cycle.id).map((a) => a.unitId).sort());
    for (const u of h.units) expect(u.entered).toBeLessThanOrEqual(u.total);
    expect(h.awaitingSignOff).toEqual(h.units.filter((u) => !u.signedOff && u.entered >= u.total));
    expect(h.inspections).toEqual([{ batchId: expect.any(Number), unitName: "北城街道办事处", year: 2026 }]);
  });
});

describe("the home page for every role", () => {
  it("answers each role with its own to-dos", async () => {
    for (const [username, role, key] of [
      ["admin", "office", "office"],
      ["dept-001", "department", "department"],
      ["eval-001", "evaluator", "evaluator"],
      ["leader", "leader", "leader"],
    ] as const) {
      const res = await run(home.loader, makeRequest("/", { cookie: await sessionCookieFor(username) }));
      expect(res.status, username).toBe(200);
      expect(res.data.role).toBe(role);
      expect(res.data[key], username).toBeTruthy();
      for (const other of ["office", "department", "evaluator", "leader"].filter((k) => k !== key)) expect(res.data[other]).toBeUndefined();
    }
    const leader = await run(home.loader, makeRequest("/", { cookie: await sessionCookieFor("leader") }));
    expect(leader.data.leader.cycle).toMatchObject({ year: 2026, kindLabel: "初步结果" });
    expect(leader.data.leader.unitCount).toBeGreaterThan(0);
  });
});
