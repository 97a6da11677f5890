import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, sessions, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import * as unitsRoute from "../../app/routes/admin.units._index";
import * as userRoute from "../../app/routes/admin.users.$userId";
import * as passwordRoute from "../../app/routes/account.password";
import { verifyAuditChain } from "../../app/utils/audit.server";

// Every mutation writes its audit row in the same transaction as the change: when the audit row
// cannot be written, the change does not happen either.

useTempDataDir();

let admin = "";
const auditCount = () => getDb().select().from(auditLog).all().length;
const userRow = (username: string) => getDb().select().from(users).where(eq(users.username, username)).get()!;

/** Make every audit insert fail, as a full disk or a broken log would. */
function breakAuditLog(): void {
  getSqlite().exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END");
}

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
});

afterEach(() => {
  getSqlite().exec("DROP TRIGGER IF EXISTS audit_down");
});

describe("a change and its audit row are one transaction", () => {
  it("creating a unit: with the log unavailable the unit is not created; afterwards it is, with its audit row", async () => {
    const categoryId = String(getDb().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id);
    const form = { code: "BM077", name: "区医疗保障局", categoryId, parentId: "", active: "on" };
    const before = auditCount();
    breakAuditLog();
    await expect(run(unitsRoute.action, makeRequest("/admin/units", { cookie: admin, form }))).rejects.toThrow(/audit log unavailable/);
    expect(getDb().select().from(units).where(eq(units.code, "BM077")).get()).toBeUndefined();
    expect(auditCount()).toBe(before);

    getSqlite().exec("DROP TRIGGER audit_down");
    const ok = await run(unitsRoute.action, makeRequest("/admin/units", { cookie: admin, form }));
    expect(ok.status).toBe(200);
    const unit = getDb().select().from(units).where(eq(units.code, "BM077")).get()!;
    const rows = getDb().select().from(auditLog).where(eq(auditLog.entityId, String(unit.id))).all().filter((a) => a.entityType === "unit");
    expect(rows.map((a) => a.action)).toEqual(["unit.create"]);
    expect(auditCount()).toBe(before + 1);
  });

  it("deactivating a user: with the log unavailable the user stays active and keeps its session", async () => {
    const victim = userRow("dept-003");
    await sessionCookieFor("dept-003");
    const sessionsBefore = getDb().select().from(sessions).where(eq(sessions.userId, victim.id)).all().length;
    breakAuditLog();
    await expect(
      run(userRoute.action, makeRequest(`/admin/users/${victim.id}`, { cookie: admin, form: { intent: "deactivate" } }), { userId: String(victim.id) }),
    ).rejects.toThrow(/audit log unavailable/);
    expect(userRow("dept-003").active).toBe(true);
    expect(getDb().select().from(sessions).where(eq(sessions.userId, victim.id)).all().length).toBe(sessionsBefore);
  });

  it("changing one's own password: with the log unavailable the old password still holds", async () => {
    const cookie = await sessionCookieFor("dept-004");
    const hash = userRow("dept-004").passwordHash;
    breakAuditLog();
    await expect(
      run(passwordRoute.action, makeRequest("/account/password", { cookie, form: { currentPassword: "Demo#2026", newPassword: "Changed#2026", confirmPassword: "Changed#2026" } })),
    ).rejects.toThrow(/audit log unavailable/);
    expect(userRow("dept-004").passwordHash).toBe(hash);
  });

  it("leaves an intact chain", () => {
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });
});
