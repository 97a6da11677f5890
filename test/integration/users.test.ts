import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, organizations, sessions, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import * as usersRoute from "../../app/routes/admin.users._index";
import * as userRoute from "../../app/routes/admin.users.$userId";
import * as login from "../../app/routes/login";
import * as home from "../../app/routes/_index";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { verifyPassword } from "../../app/utils/password.server";

useTempDataDir();

let admin = "";
const userRow = (username: string) => getDb().select().from(users).where(eq(users.username, username)).get()!;
const unitId = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!.id;
const orgId = () => getDb().select().from(organizations).get()!.id;
const counts = () => ({ users: getDb().select().from(users).all().length, audit: getDb().select().from(auditLog).all().length });

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
});

const create = (form: Record<string, string>) =>
  run(usersRoute.action, makeRequest("/admin/users", { cookie: admin, form: { passwordConfirm: form.password ?? "", unitId: "", orgId: "", ...form } }));

const onUser = (username: string, form: Record<string, string>, cookie = admin) => {
  const id = String(userRow(username).id);
  return run(userRoute.action, makeRequest(`/admin/users/${id}`, { cookie, form }), { userId: id });
};

let attempts = 0;
/** Each attempt from its own address, so the per-address throttle never interferes. */
const signIn = (username: string, password: string) =>
  run(login.action, makeRequest("/login", { form: { username, password, redirectTo: "/" } }), {}, { clientIp: `10.9.0.${++attempts}` });

describe("creating users", () => {
  it("creates a department user bound to one unit, audited without its password, able to log in", async () => {
    const before = counts();
    const res = await create({ username: "dept-101", displayName: "区教育局 第二填报员", role: "department", unitId: String(unitId("BM001")), password: "Initial#2026" });
    expect(res.status).toBe(200);
    expect(res.data.created).toMatchObject({ username: "dept-101" });
    const row = userRow("dept-101");
    expect(row).toMatchObject({ role: "department", unitId: unitId("BM001"), orgId: null, active: true });
    expect(await verifyPassword("Initial#2026", row.passwordHash)).toBe(true);
    expect(counts()).toEqual({ users: before.users + 1, audit: before.audit + 1 });
    const audit = getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "user"), eq(auditLog.entityId, String(row.id))))
      .all();
    expect(audit.map((a) => a.action)).toEqual(["user.create"]);
    expect(audit[0].actorName).toContain("admin");
    expect(audit[0].after).not.toContain("scrypt$");
    expect(audit[0].after).not.toContain("Initial#2026");
    expect((await signIn("dept-101", "Initial#2026")).status).toBe(302);
  });

  it("creates an evaluator in an organisation, optionally bound to a unit", async () => {
    const res = await create({ username: "eval-101", displayName: "评估员 周晓", role: "evaluator", orgId: String(orgId()), unitId: String(unitId("BM002")), password: "Initial#2026" });
    expect(res.status).toBe(200);
    expect(userRow("eval-101")).toMatchObject({ role: "evaluator", orgId: orgId(), unitId: unitId("BM002") });
  });

  it("refuses a duplicate username, whatever its letter case, and writes nothing", async () => {
    const before = counts();
    const res = await create({ username: "DEPT-001", displayName: "重名", role: "department", unitId: String(unitId("JD001")), password: "Initial#2026" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.username).toBe("用户名 DEPT-001 已存在");
    // The typed values come back (never the password).
    expect(res.data.values).toMatchObject({ username: "DEPT-001", displayName: "重名" });
    expect(res.data.values.password).toBeUndefined();
    expect(counts()).toEqual(before);
  });

  it("applies the role rules with field-level Chinese messages", async () => {
    const before = counts();
    const cases: [Record<string, string>, string, string][] = [
      [{ role: "department" }, "unitId", "部门填报员必须选择所属单位"],
      [{ role: "department", unitId: String(unitId("JD002")), orgId: String(orgId()) }, "orgId", "部门填报员不属于评估机构，请将“评估机构”选为“无”"],
      [{ role: "evaluator" }, "orgId", "评估员必须选择评估机构"],
      [{ role: "leader", unitId: String(unitId("JD002")) }, "unitId", "领导不绑定单位，请将“所属单位”选为“无”"],
      [{ role: "office", orgId: String(orgId()) }, "orgId", "政务公开办管理员不属于评估机构，请将“评估机构”选为“无”"],
      [{ role: "department", unitId: "999999" }, "unitId", "所选单位不存在"],
      [{ role: "department", unitId: "abc" }, "unitId", "请选择有效的单位"],
      [{ role: "superuser" }, "role", "请选择角色"],
      [{ role: "leader", password: "short" }, "password", "初始密码至少8位"],
      [{ role: "leader", passwordConfirm: "Other#20261" }, "passwordConfirm", "两次输入的初始密码不一致"],
      [{ role: "leader", username: "坏 名字" }, "username", "用户名只能包含字母、数字、点（.）、下划线（_）或短横线（-），并以字母或数字开头"],
      [{ role: "leader", displayName: "   " }, "displayName", "请填写姓名"],
    ];
    for (const [form, field, message] of cases) {
      const res = await create({ username: "new-user", displayName: "新用户", password: "Initial#2026", ...form });
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(res.data.fieldErrors[field], JSON.stringify(form)).toBe(message);
    }
    expect(counts()).toEqual(before);
  });

  it("refuses to bind a department user to an inactive unit", async () => {
    getSqlite().prepare("UPDATE units SET active = 0 WHERE code = 'BM008'").run();
    try {
      const res = await create({ username: "dept-108", displayName: "停用单位填报员", role: "department", unitId: String(unitId("BM008")), password: "Initial#2026" });
      expect(res.status).toBe(400);
      expect(res.data.fieldErrors.unitId).toBe("单位 BM008（区生态环境分局）已停用，不能为其添加填报员");
    } finally {
      getSqlite().prepare("UPDATE units SET active = 1 WHERE code = 'BM008'").run();
    }
  });
});

describe("listing users", () => {
  it("filters by role, unit, status and text", async () => {
    const list = async (query: string) =>
      (await run(usersRoute.loader, makeRequest(`/admin/users${query}`, { cookie: admin }))).data.users.map((u: { username: string }) => u.username);
    expect(await list("?role=evaluator")).toEqual(["eval-001", "eval-002", "eval-003", "eval-004", "eval-101"]);
    expect(await list(`?unit=${unitId("BM001")}`)).toEqual(["dept-007", "dept-101", "eval-004"]);
    expect(await list(`?role=department&unit=${unitId("BM001")}`)).toEqual(["dept-007", "dept-101"]);
    expect(await list("?q=leader")).toEqual(["leader"]);
    // The display name is searched too; "_" and "%" are literal characters, not wildcards.
    expect(await list(`?q=${encodeURIComponent("副区长")}`)).toEqual(["leader"]);
    expect(await list("?q=_")).toEqual([]);
    expect(await list("?q=%25")).toEqual([]);
    expect(await list("?status=inactive")).toEqual([]);
    expect((await list("?status=active")).length).toBe(getDb().select().from(users).all().length);
    // Nonsense filters are ignored rather than failing.
    expect((await list("?role=boss&unit=x&status=maybe")).length).toBe(getDb().select().from(users).all().length);
  });
});

describe("editing users", () => {
  it("changes name, role and bindings with a before/after audit row", async () => {
    const id = userRow("dept-101").id;
    const res = await onUser("dept-101", { intent: "update", displayName: "区卫生健康局 填报员", role: "department", unitId: String(unitId("BM002")), orgId: "" });
    expect(res.status).toBe(200);
    expect(userRow("dept-101")).toMatchObject({ displayName: "区卫生健康局 填报员", unitId: unitId("BM002") });
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "user.update")).all().at(-1)!;
    expect(audit.entityId).toBe(String(id));
    expect(JSON.parse(audit.before!)).toMatchObject({ displayName: "区教育局 第二填报员", unitId: unitId("BM001") });
    expect(JSON.parse(audit.after!)).toMatchObject({ displayName: "区卫生健康局 填报员", unitId: unitId("BM002") });
    expect(audit.before).not.toContain("scrypt$");
  });

  it("refuses an edit that breaks the role rules, changing nothing", async () => {
    const before = { row: userRow("dept-101"), ...counts() };
    const res = await onUser("dept-101", { intent: "update", displayName: "x", role: "department", unitId: "", orgId: "" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.unitId).toBe("部门填报员必须选择所属单位");
    expect(userRow("dept-101")).toEqual(before.row);
    expect(counts().audit).toBe(before.audit);
  });

  it("does not let the office change its own role", async () => {
    const res = await onUser("admin", { intent: "update", displayName: "政务公开办 陈主任", role: "leader", unitId: "", orgId: "" });
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.role).toBe("不能修改自己的角色");
    expect(userRow("admin").role).toBe("office");
  });

  it("answers 404 for a user that does not exist", async () => {
    const res = await run(userRoute.loader, makeRequest("/admin/users/999999", { cookie: admin }), { userId: "999999" });
    expect(res.status).toBe(404);
    const post = await run(userRoute.action, makeRequest("/admin/users/999999", { cookie: admin, form: { intent: "deactivate" } }), { userId: "999999" });
    expect(post.status).toBe(404);
  });
});

describe("resetting passwords", () => {
  it("sets a new password and ends every session of that user", async () => {
    const victim = await sessionCookieFor("dept-002");
    expect((await run(home.loader, makeRequest("/", { cookie: victim }))).status).toBe(200);
    const res = await onUser("dept-002", { intent: "reset-password", password: "Reset#2026x", passwordConfirm: "Reset#2026x" });
    expect(res.status).toBe(200);
    expect(res.data.message).toContain("已重置");
    expect(getDb().select().from(sessions).where(eq(sessions.userId, userRow("dept-002").id)).all()).toEqual([]);
    expect((await run(home.loader, makeRequest("/", { cookie: victim }))).status).toBe(302);
    expect((await signIn("dept-002", "Demo#2026")).data.formError).toBe("用户名或密码错误");
    expect((await signIn("dept-002", "Reset#2026x")).status).toBe(302);
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "user.password.reset")).all();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain("Reset#2026x");
  });

  it("refuses a short or unconfirmed password and the office's own account", async () => {
    const hash = userRow("dept-003").passwordHash;
    const short = await onUser("dept-003", { intent: "reset-password", password: "abc", passwordConfirm: "abc" });
    expect(short.status).toBe(400);
    expect(short.data.fieldErrors.password).toBe("新密码至少8位");
    const mismatch = await onUser("dept-003", { intent: "reset-password", password: "Reset#2026x", passwordConfirm: "Reset#2026y" });
    expect(mismatch.data.fieldErrors.passwordConfirm).toBe("两次输入的新密码不一致");
    expect(userRow("dept-003").passwordHash).toBe(hash);
    const self = await onUser("admin", { intent: "reset-password", password: "Reset#2026x", passwordConfirm: "Reset#2026x" });
    expect(self.status).toBe(400);
    expect(self.data.message).toContain("修改密码");
  });
});

describe("deactivating users", () => {
  it("a deactivated user is signed out at once and cannot log in; reactivating restores access", async () => {
    const cookie = await sessionCookieFor("dept-004");
    const res = await onUser("dept-004", { intent: "deactivate" });
    expect(res.status).toBe(200);
    expect(userRow("dept-004").active).toBe(false);
    expect((await run(home.loader, makeRequest("/", { cookie }))).status).toBe(302);
    const refused = await signIn("dept-004", "Demo#2026");
    expect(refused.status).toBe(400);
    expect(refused.data.formError).toBe("用户名或密码错误");
    const listed = await run(usersRoute.loader, makeRequest("/admin/users?status=inactive", { cookie: admin }));
    expect(listed.data.users.map((u: { username: string }) => u.username)).toEqual(["dept-004"]);

    expect((await onUser("dept-004", { intent: "activate" })).status).toBe(200);
    expect((await signIn("dept-004", "Demo#2026")).status).toBe(302);
    const actions = getDb().select().from(auditLog).where(eq(auditLog.entityId, String(userRow("dept-004").id))).all().map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["user.deactivate", "user.activate"]));
  });

  it("the office cannot deactivate itself", async () => {
    const res = await onUser("admin", { intent: "deactivate" });
    expect(res.status).toBe(400);
    expect(res.data.message).toBe("不能停用自己的账号。");
    expect(userRow("admin").active).toBe(true);
  });

  it("will not reactivate a department user whose unit has been deactivated", async () => {
    expect((await onUser("dept-005", { intent: "deactivate" })).status).toBe(200);
    getSqlite().prepare("UPDATE units SET active = 0 WHERE code = 'JD005'").run();
    const res = await onUser("dept-005", { intent: "activate" });
    expect(res.status).toBe(409);
    expect(res.data.message).toContain("已停用");
    expect(userRow("dept-005").active).toBe(false);
  });

  it("refuses an unknown intent", async () => {
    const res = await onUser("dept-006", { intent: "promote" });
    expect(res.status).toBe(400);
  });
});

describe("audit chain", () => {
  it("stays intact after every user change", () => {
    expect(verifyAuditChain(getSqlite())).toEqual({ ok: true, rows: getDb().select().from(auditLog).all().length });
  });
});
