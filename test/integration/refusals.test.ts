import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as orgsRoute from "../../app/routes/admin.orgs";
import * as unitRoute from "../../app/routes/admin.units.$unitId";
import * as unitsRoute from "../../app/routes/admin.units._index";
import * as userRoute from "../../app/routes/admin.users.$userId";
import * as cycleRoute from "../../app/routes/cycles.$cycleId";
import { getDb } from "../../db/client";
import { auditLog, categories, organizations, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { rowCounts, useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Services refuse with a DomainError; the routes answer it as the page's 404 or as Chinese messages
// beside the form with the mapped status (app/utils/http.server.ts) — and nothing is written.

useTempDataDir();

let admin = "";
const unitId = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!.id;
const counts = () => rowCounts({ auditLog, organizations, units, users });

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
});

describe("a missing object", () => {
  it("is a 404 page naming what is missing, for loaders and actions alike", async () => {
    const unit = await run(unitRoute.loader, makeRequest("/admin/units/999999", { cookie: admin }), { unitId: "999999" });
    expect(unit).toMatchObject({ status: 404, data: "该单位不存在。" });
    const cycle = await run(cycleRoute.loader, makeRequest("/cycles/999999", { cookie: admin }), { cycleId: "999999" });
    expect(cycle).toMatchObject({ status: 404, data: "该考核年度不存在。" });
    const before = counts();
    const org = await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "update", id: "999999", name: "某机构", kind: "其他" } }));
    expect(org).toMatchObject({ status: 404, data: "该评估机构不存在。" });
    const unitPost = await run(
      unitRoute.action,
      makeRequest("/admin/units/999999", { cookie: admin, form: { code: "ZZ999", name: "不存在的单位", categoryId: "1", parentId: "" } }),
      { unitId: "999999" },
    );
    expect(unitPost).toMatchObject({ status: 404, data: "该单位不存在。" });
    expect(counts()).toEqual(before);
  });
});

describe("a refused form", () => {
  it("shows a taken organisation name beside the name field (400), and adds nothing", async () => {
    const taken = getDb().select().from(organizations).get()!.name;
    const before = counts();
    const res = await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "create", name: taken, kind: "其他" } }));
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors).toEqual({ name: `评估机构“${taken}”已存在` });
    expect(res.data.values.name).toBe(taken);
    expect(counts()).toEqual(before);
  });

  it("shows every refused field of a unit at once (400), and adds nothing", async () => {
    const category = getDb().select().from(categories).get()!;
    const before = counts();
    const res = await run(
      unitsRoute.action,
      makeRequest("/admin/units", { cookie: admin, form: { code: "JD001", name: "重复编码的单位", categoryId: String(category.id), parentId: "999999" } }),
    );
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors).toEqual({ code: expect.stringContaining("单位编码 JD001 已存在"), parentId: "所选上级单位不存在" });
    expect(counts()).toEqual(before);
  });

  it("answers the office resetting its own password with the page's message (400), changing nothing", async () => {
    const me = getDb().select().from(users).where(eq(users.username, "admin")).get()!;
    const before = counts();
    const res = await run(
      userRoute.action,
      makeRequest(`/admin/users/${me.id}`, { cookie: admin, form: { intent: "reset-password", password: "Reset#2026x", passwordConfirm: "Reset#2026x" } }),
      { userId: String(me.id) },
    );
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ ok: false, message: "不能在这里重置自己的密码，请使用“修改密码”页面。", fieldErrors: {} });
    expect(getDb().select().from(users).where(eq(users.id, me.id)).get()!.passwordHash).toBe(me.passwordHash);
    expect(counts()).toEqual(before);
  });
});
