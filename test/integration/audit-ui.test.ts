import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, units } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import * as auditRoute from "../../app/routes/admin.audit";
import * as unitRoute from "../../app/routes/admin.units.$unitId";
import { mutate, writeAudit } from "../../app/utils/audit.server";
import { beijingDayStart, beijingToday, formatBeijingTime } from "../../app/utils/beijing-time";

useTempDataDir();

let admin = "";
const total = () => getDb().select().from(auditLog).all().length;
const page = (query: string, cookie = admin) => run(auditRoute.loader, makeRequest(`/admin/audit${query}`, { cookie }));
type Row = {
  id: number;
  actorName: string;
  action: string;
  actionLabel: string;
  entityType: string;
  entityId: string | null;
  time: string;
  diff: { field: string; label: string; before: string | null; after: string | null }[];
};
const rowsOf = (res: { data: { log: { rows: Row[] } } }) => res.data.log.rows;

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
  // An edit through the real route, so the log holds a before/after pair.
  const bm003 = getDb().select().from(units).where(eq(units.code, "BM003")).get()!;
  const edited = await run(
    unitRoute.action,
    makeRequest(`/admin/units/${bm003.id}`, {
      cookie: admin,
      form: { code: "BM003", name: "区交通运输局（改名）", categoryId: String(bm003.categoryId), parentId: "", active: "on" },
    }),
    { unitId: String(bm003.id) },
  );
  expect(edited.status).toBe(200);
  // Enough further rows for several pages.
  mutate(getDb(), (tx) => {
    for (let i = 1; i <= 60; i++) writeAudit(tx, { id: null, name: "批量测试" }, { action: "probe.write", entityType: "probe", entityId: i, after: { n: i } });
  });
});

describe("audit log page", () => {
  it("lists the newest rows first, 50 to a page, with readable time, actor, action and entity", async () => {
    const first = await page("");
    expect(first.status).toBe(200);
    expect(first.data.log.total).toBe(total());
    expect(first.data.log.pages).toBe(Math.ceil(total() / 50));
    const rows = rowsOf(first);
    expect(rows).toHaveLength(50);
    expect(rows[0].id).toBe(total());
    expect(rows[0]).toMatchObject({ actorName: "批量测试", action: "probe.write", entityType: "probe", entityId: "60" });
    expect(rows[0].time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const second = await page("?page=2");
    expect(rowsOf(second)[0].id).toBe(total() - 50);
    // A page past the end shows the last page rather than nothing.
    const beyond = await page("?page=999");
    expect(beyond.data.log.page).toBe(beyond.data.log.pages);
    expect(rowsOf(beyond).at(-1)!.id).toBe(1);
  });

  it("shows what an edit changed, field by field", async () => {
    const bm003 = getDb().select().from(units).where(eq(units.code, "BM003")).get()!;
    const res = await page(`?entityType=unit&entityId=${bm003.id}`);
    const rows = rowsOf(res);
    expect(rows.map((r) => r.action)).toEqual(["unit.update", "unit.create"]);
    expect(rows[0].actionLabel).toBe("单位：修改");
    expect(rows[0].actorName).toContain("admin");
    expect(rows[0].diff).toEqual(
      expect.arrayContaining([{ field: "name", label: "名称", before: "区交通运输局", after: "区交通运输局（改名）" }]),
    );
    expect(rows[0].diff.some((d) => d.field === "code")).toBe(false);
    // Instants read as Beijing time.
    expect(rows[0].diff.find((d) => d.field === "updatedAt")!.after).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // A creation lists the new state.
    expect(rows[1].diff).toEqual(expect.arrayContaining([{ field: "code", label: "编码", before: null, after: "BM003" }]));
  });

  it("filters by actor, entity type and date range", async () => {
    const byActor = await page(`?actor=${encodeURIComponent("演示数据")}`);
    expect(rowsOf(byActor).length).toBeGreaterThan(0);
    expect(rowsOf(byActor).every((r) => r.actorName === "演示数据")).toBe(true);
    const byUsername = await page("?actor=admin");
    // The demo seed also acts as admin (assignments, spot checks); the edit above is admin's newest row.
    const adminRows = getDb().select().from(auditLog).all().filter((r) => r.actorName.includes("admin"));
    expect(byUsername.data.log.total).toBe(adminRows.length);
    expect(rowsOf(byUsername).every((r) => r.actorName.includes("admin"))).toBe(true);
    expect(rowsOf(byUsername)[0].action).toBe("unit.update");
    const byType = await page("?entityType=user");
    expect(byType.data.log.total).toBe(getDb().select().from(auditLog).where(eq(auditLog.entityType, "user")).all().length);
    expect(rowsOf(byType).every((r) => r.entityType === "user")).toBe(true);
    expect(byType.data.entityTypes.map((t: { value: string }) => t.value)).toEqual(expect.arrayContaining(["user", "unit", "probe"]));

    // Everything was written just now (a two-day window, in case the test runs across midnight).
    const today = beijingToday();
    const [y, m, d] = today.split("-").map(Number);
    const day = (offset: number) => new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
    expect((await page(`?from=${day(-1)}&to=${today}`)).data.log.total).toBe(total());
    expect((await page(`?to=${day(-2)}`)).data.log.total).toBe(0);
    expect((await page(`?from=${day(1)}`)).data.log.total).toBe(0);
  });

  it("reads dates as Beijing calendar days", () => {
    expect(beijingDayStart("2026-03-01").toISOString()).toBe("2026-02-28T16:00:00.000Z");
    expect(formatBeijingTime("2026-02-28T16:00:00.000Z")).toBe("2026-03-01 00:00:00");
    expect(beijingToday(new Date("2026-02-28T16:00:00.000Z"))).toBe("2026-03-01");
    expect(beijingToday(new Date("2026-02-28T15:59:59.999Z"))).toBe("2026-02-28");
  });

  it("refuses bad filters with Chinese field messages instead of guessing", async () => {
    const bad = await page("?from=2026-02-30&to=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.data.log).toBeNull();
    expect(bad.data.fieldErrors.from).toContain("开始日期不是有效的日期");
    expect(bad.data.fieldErrors.to).toContain("结束日期不是有效的日期");
    const reversed = await page("?from=2026-03-02&to=2026-03-01");
    expect(reversed.status).toBe(400);
    expect(reversed.data.fieldErrors.to).toBe("结束日期不能早于开始日期");
    const type = await page("?entityType=" + encodeURIComponent("用户'; DROP TABLE"));
    expect(type.status).toBe(400);
    expect(type.data.fieldErrors.entityType).toBe("请选择有效的对象类型");
    // What was typed comes back into the form.
    expect(bad.data.typed.to).toBe("yesterday");
  });

  it("is for the office only", async () => {
    for (const username of ["dept-001", "eval-001", "leader"]) {
      const cookie = await sessionCookieFor(username);
      expect((await page("", cookie)).status).toBe(403);
      const verify = await run(auditRoute.action, makeRequest("/admin/audit", { cookie, form: { intent: "verify" } }));
      expect(verify.status).toBe(403);
    }
    expect((await page("", "")).status).toBe(302);
  });

  it("校验审计链 reports success, then names the row once someone edits it in the file", async () => {
    const ok = await run(auditRoute.action, makeRequest("/admin/audit", { cookie: admin, form: { intent: "verify" } }));
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ ok: true, message: `审计链校验通过：${total()} 条记录` });

    const sqlite = getSqlite();
    sqlite.exec("DROP TRIGGER audit_log_no_update");
    sqlite.prepare("UPDATE audit_log SET actor_name = '他人' WHERE id = 10").run();
    const broken = await run(auditRoute.action, makeRequest("/admin/audit", { cookie: admin, form: { intent: "verify" } }));
    expect(broken.data.ok).toBe(false);
    expect(broken.data.badId).toBe(10);
    expect(broken.data.message).toContain("id=10");
  });
});
