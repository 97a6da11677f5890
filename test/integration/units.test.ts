import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, organizations, units } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import * as categoriesRoute from "../../app/routes/admin.categories";
import * as orgsRoute from "../../app/routes/admin.orgs";
import * as unitRoute from "../../app/routes/admin.units.$unitId";
import * as unitsRoute from "../../app/routes/admin.units._index";
import { verifyAuditChain } from "../../app/utils/audit.server";

useTempDataDir();

let admin = "";
const unitId = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!.id;
const categoryId = (name: string) => getDb().select().from(categories).where(eq(categories.name, name)).get()!.id;
const auditCount = () => getDb().select().from(auditLog).all().length;

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
});

describe("units admin", () => {
  it("lists units with category, status and search filters", async () => {
    const all = await run(unitsRoute.loader, makeRequest("/admin/units", { cookie: admin }));
    expect(all.status).toBe(200);
    expect(all.data.units).toHaveLength(14);
    const streets = await run(unitsRoute.loader, makeRequest(`/admin/units?category=${categoryId("街道办事处")}`, { cookie: admin }));
    expect(streets.data.units.map((u: { code: string }) => u.code)).toEqual(["JD001", "JD002", "JD003", "JD004", "JD005", "JD006"]);
    const search = await run(unitsRoute.loader, makeRequest(`/admin/units?q=${encodeURIComponent("教育")}`, { cookie: admin }));
    expect(search.data.units.map((u: { code: string }) => u.code)).toEqual(["BM001"]);
    const byCode = await run(unitsRoute.loader, makeRequest("/admin/units?q=bm00", { cookie: admin }));
    expect(byCode.data.units).toHaveLength(8);
    // A "%" in the search is a literal character, not a wildcard.
    const literal = await run(unitsRoute.loader, makeRequest("/admin/units?q=%25", { cookie: admin }));
    expect(literal.data.units).toHaveLength(0);
  });

  it("creates a unit with an audit row in the same transaction", async () => {
    const before = auditCount();
    const res = await run(
      unitsRoute.action,
      makeRequest("/admin/units", {
        cookie: admin,
        form: { code: "BM009", name: "区文化和旅游局", categoryId: String(categoryId("区级部门")), parentId: "", active: "on" },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.data.created.code).toBe("BM009");
    const row = getDb().select().from(units).where(eq(units.code, "BM009")).get()!;
    expect(row).toMatchObject({ name: "区文化和旅游局", active: true, parentId: null });
    expect(auditCount()).toBe(before + 1);
    const audit = getDb().select().from(auditLog).where(eq(auditLog.entityId, String(row.id))).all();
    expect(audit.some((a) => a.action === "unit.create" && a.actorName.includes("admin"))).toBe(true);
  });

  it("refuses a duplicate code (whatever its letter case) and echoes the typed values", async () => {
    const before = auditCount();
    const res = await run(
      unitsRoute.action,
      makeRequest("/admin/units", { cookie: admin, form: { code: "bm001", name: "重复的单位", categoryId: String(categoryId("区级部门")) } }),
    );
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.code).toContain("单位编码 bm001 已存在");
    expect(res.data.values.name).toBe("重复的单位");
    expect(auditCount()).toBe(before);
  });

  it("gives Chinese field messages for missing or malformed input", async () => {
    const res = await run(unitsRoute.action, makeRequest("/admin/units", { cookie: admin, form: { code: "BM 01", name: "", categoryId: "" } }));
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors).toMatchObject({
      code: "单位编码只能包含字母、数字、下划线（_）或短横线（-）",
      name: "请输入单位名称",
      categoryId: "请选择单位类别",
    });
  });

  it("edits name, code, category, parent and active flag", async () => {
    const id = unitId("BM009");
    const res = await run(
      unitRoute.action,
      makeRequest(`/admin/units/${id}`, {
        cookie: admin,
        form: { code: "BM010", name: "区文化旅游体育局", categoryId: String(categoryId("街道办事处")), parentId: String(unitId("BM001")) },
      }),
      { unitId: String(id) },
    );
    expect(res.status).toBe(200);
    const row = getDb().select().from(units).where(eq(units.id, id)).get()!;
    expect(row).toMatchObject({ code: "BM010", name: "区文化旅游体育局", categoryId: categoryId("街道办事处"), parentId: unitId("BM001"), active: false });
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "unit.update")).all();
    expect(JSON.parse(audit.at(-1)!.before!).code).toBe("BM009");
    expect(JSON.parse(audit.at(-1)!.after!).code).toBe("BM010");
    // Inactive units stay listed (kept, never deleted).
    const inactive = await run(unitsRoute.loader, makeRequest("/admin/units?status=inactive", { cookie: admin }));
    expect(inactive.data.units.map((u: { code: string }) => u.code)).toEqual(["BM010"]);
  });

  it("writes nothing, not even an audit row, for an edit that changes nothing", async () => {
    const id = unitId("BM010");
    const before = getDb().select().from(units).where(eq(units.id, id)).get()!;
    const audits = getDb().select().from(auditLog).all().length;
    const res = await run(
      unitRoute.action,
      makeRequest(`/admin/units/${id}`, {
        cookie: admin,
        form: { code: before.code, name: before.name, categoryId: String(before.categoryId), parentId: String(before.parentId) },
      }),
      { unitId: String(id) },
    );
    expect(res.status).toBe(200);
    expect(getDb().select().from(units).where(eq(units.id, id)).get()).toEqual(before);
    expect(getDb().select().from(auditLog).all()).toHaveLength(audits);
  });

  it("refuses a unit as its own parent and a parent cycle", async () => {
    const parent = unitId("BM001");
    const child = unitId("BM010"); // BM010's parent is BM001
    const self = await run(
      unitRoute.action,
      makeRequest(`/admin/units/${parent}`, { cookie: admin, form: { code: "BM001", name: "区教育局", categoryId: String(categoryId("区级部门")), parentId: String(parent), active: "on" } }),
      { unitId: String(parent) },
    );
    expect(self.status).toBe(400);
    expect(self.data.fieldErrors.parentId).toBe("单位不能以自己为上级单位");
    const cycle = await run(
      unitRoute.action,
      makeRequest(`/admin/units/${parent}`, { cookie: admin, form: { code: "BM001", name: "区教育局", categoryId: String(categoryId("区级部门")), parentId: String(child), active: "on" } }),
      { unitId: String(parent) },
    );
    expect(cycle.status).toBe(400);
    expect(cycle.data.fieldErrors.parentId).toContain("循环");
    // The edit page does not even offer the unit itself or its descendants as a parent.
    const page = await run(unitRoute.loader, makeRequest(`/admin/units/${parent}`, { cookie: admin }), { unitId: String(parent) });
    const offered = page.data.parents.map((p: { id: number }) => p.id);
    expect(offered).not.toContain(parent);
    expect(offered).not.toContain(child);
    expect(offered).toContain(unitId("BM002"));
    expect(getDb().select().from(units).where(eq(units.id, parent)).get()!.parentId).toBeNull();
  });

  it("answers 404 for an unknown unit id", async () => {
    const res = await run(unitRoute.loader, makeRequest("/admin/units/99999", { cookie: admin }), { unitId: "99999" });
    expect(res.status).toBe(404);
    const bad = await run(unitRoute.loader, makeRequest("/admin/units/abc", { cookie: admin }), { unitId: "abc" });
    expect(bad.status).toBe(404);
  });
});

describe("categories admin", () => {
  it("creates, renames, reorders and deletes only unused categories", async () => {
    const created = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "create", name: "乡镇" } }));
    expect(created.status).toBe(200);
    const dup = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "create", name: "乡镇" } }));
    expect(dup.status).toBe(400);
    expect(dup.data.fieldErrors.name).toBe("类别“乡镇”已存在");
    const id = categoryId("乡镇");

    const renamed = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "rename", id: String(id), name: "乡镇人民政府" } }));
    expect(renamed.status).toBe(200);
    const clash = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "rename", id: String(id), name: "区级部门" } }));
    expect(clash.status).toBe(400);

    await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "move", id: String(id), direction: "up" } }));
    const list = await run(categoriesRoute.loader, makeRequest("/admin/categories", { cookie: admin }));
    expect(list.data.categories.map((c: { name: string }) => c.name)).toEqual(["街道办事处", "乡镇人民政府", "区级部门"]);

    const inUse = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "delete", id: String(categoryId("区级部门")) } }));
    expect(inUse.status).toBe(409);
    expect(inUse.data.fieldErrors._form).toContain("不能删除");
    expect(getDb().select().from(categories).all()).toHaveLength(3);

    const deleted = await run(categoriesRoute.action, makeRequest("/admin/categories", { cookie: admin, form: { intent: "delete", id: String(id) } }));
    expect(deleted.status).toBe(200);
    expect(getDb().select().from(categories).all()).toHaveLength(2);
    const actions = getDb().select({ action: auditLog.action }).from(auditLog).all().map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["category.create", "category.rename", "category.reorder", "category.delete"]));
  });
});

describe("evaluation organisations admin", () => {
  it("lists organisations with their evaluator count; creates, edits, deactivates", async () => {
    const list = await run(orgsRoute.loader, makeRequest("/admin/orgs", { cookie: admin }));
    expect(list.data.orgs).toHaveLength(1);
    expect(list.data.orgs[0].evaluatorCount).toBe(4);

    const created = await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "create", name: "省社会科学院评估组", kind: "高校科研机构" } }));
    expect(created.status).toBe(200);
    const dup = await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "create", name: "省社会科学院评估组", kind: "其他" } }));
    expect(dup.status).toBe(400);
    expect(dup.data.fieldErrors.name).toContain("已存在");
    const badKind = await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "create", name: "新机构", kind: "随便" } }));
    expect(badKind.data.fieldErrors.kind).toBe("请选择机构类型");

    const id = created.data.id as number;
    await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "update", id: String(id), name: "省社科院评估组", kind: "高校科研机构" } }));
    await run(orgsRoute.action, makeRequest("/admin/orgs", { cookie: admin, form: { intent: "deactivate", id: String(id) } }));
    const row = getDb().select().from(organizations).where(eq(organizations.id, id)).get()!;
    expect(row).toMatchObject({ name: "省社科院评估组", active: false });
  });
});

describe("admin pages are office-only", () => {
  for (const username of ["dept-001", "eval-001", "leader"]) {
    it(`refuses ${username} (403) on every admin loader and action, changing nothing`, async () => {
      const cookie = await sessionCookieFor(username);
      const before = auditCount();
      const id = String(unitId("BM001"));
      const outcomes = await Promise.all([
        run(unitsRoute.loader, makeRequest("/admin/units", { cookie })),
        run(unitsRoute.action, makeRequest("/admin/units", { cookie, form: { code: "X1", name: "越权单位", categoryId: String(categoryId("区级部门")), active: "on" } })),
        run(unitRoute.loader, makeRequest(`/admin/units/${id}`, { cookie }), { unitId: id }),
        run(unitRoute.action, makeRequest(`/admin/units/${id}`, { cookie, form: { code: "BM001", name: "改名", categoryId: String(categoryId("区级部门")) } }), { unitId: id }),
        run(categoriesRoute.loader, makeRequest("/admin/categories", { cookie })),
        run(categoriesRoute.action, makeRequest("/admin/categories", { cookie, form: { intent: "create", name: "越权类别" } })),
        run(orgsRoute.loader, makeRequest("/admin/orgs", { cookie })),
        run(orgsRoute.action, makeRequest("/admin/orgs", { cookie, form: { intent: "deactivate", id: "1" } })),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill(403));
      expect(auditCount()).toBe(before);
      expect(getDb().select().from(units).where(eq(units.code, "BM001")).get()!.name).toBe("区教育局");
    });
  }

  it("sends an anonymous visitor to the login page", async () => {
    const res = await run(unitsRoute.loader, makeRequest("/admin/units"));
    expect(res.status).toBe(302);
    expect(res.location).toContain("/login");
  });

  it("leaves an intact audit chain", () => {
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });
});
