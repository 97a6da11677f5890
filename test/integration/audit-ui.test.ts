import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import ExcelJS from "exceljs";
import { auditLog, cycles, units } from "../../db/schema";
import { setPublicPage } from "../../app/services/public-results.server";
import * as xlsxRoute from "../../app/routes/admin.audit[.]xlsx";
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
  entityTypeLabel: string;
  objectName: string | null;
  diff: { field: string; label: string; before: string | null; after: string | null; long: boolean; summary: string | null }[];
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
    expect(rows[0].actionLabel).toBe("修改单位");
    expect(rows[0].entityTypeLabel).toBe("单位");
    expect(rows[0].objectName).toBe("区交通运输局（改名）");
    expect(rows[0].actorName).toContain("admin");
    expect(rows[0].diff).toEqual(
      expect.arrayContaining([{ field: "name", label: "名称", before: "区交通运输局", after: "区交通运输局（改名）", long: false, summary: null }]),
    );
    expect(rows[0].diff.some((d) => d.field === "code")).toBe(false);
    // Instants read as Beijing time.
    expect(rows[0].diff.find((d) => d.field === "updatedAt")!.after).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // A creation lists the new state.
    expect(rows[1].diff).toEqual(expect.arrayContaining([{ field: "code", label: "编码", before: null, after: "BM003", long: false, summary: null }]));
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

describe("audit log in Chinese, objects named, long payloads folded, Excel export", () => {
  const cycleOf = (year: number) => getDb().select().from(cycles).where(eq(cycles.year, year)).get()!;

  it("names actions and objects as a person reads them: 启用公开通报 · 2025年度; 城关街道办事处 · 1.1", async () => {
    const cycle = cycleOf(2025);
    setPublicPage(getDb(), { id: null, name: "审计测试" }, cycle.id, true);
    const answer = getSqlite()
      .prepare(
        "SELECT a.id FROM submission_answers a JOIN submissions s ON s.id = a.submission_id JOIN units u ON u.id = s.unit_id JOIN indicator_nodes n ON n.id = a.node_id WHERE u.name = '城关街道办事处' AND n.code = '1.1' LIMIT 1",
      )
      .get() as { id: number };
    mutate(getDb(), (tx) => writeAudit(tx, { id: null, name: "审计测试" }, { action: "submission.answer.save", entityType: "submission_answer", entityId: answer.id, after: { narrative: "已更新" } }));

    const rows = rowsOf(await page(`?actor=${encodeURIComponent("审计测试")}`));
    const enable = rows.find((r) => r.action === "results.public.enable")!;
    expect(enable).toMatchObject({ actionLabel: "启用公开通报", entityTypeLabel: "考核年度", objectName: "2025年度" });
    expect(enable.diff).toEqual([{ field: "enabled", label: "公开", before: null, after: "是", long: false, summary: null }]);
    const saved = rows.find((r) => r.action === "submission.answer.save")!;
    expect(saved).toMatchObject({ actionLabel: "保存自查填报", entityTypeLabel: "自查填报项", objectName: "城关街道办事处 · 1.1" });

    // Filters list actions and object types in Chinese, never as codes.
    const res = await page("");
    const actionOptions = res.data.actions as { value: string; label: string }[];
    expect(actionOptions).toContainEqual({ value: "results.public.enable", label: "启用公开通报" });
    expect(actionOptions.every((o) => /[\u4e00-\u9fff]/.test(o.label) && !o.label.includes(o.value))).toBe(true);
    const typeOptions = res.data.entityTypes as { value: string; label: string }[];
    expect(typeOptions).toContainEqual({ value: "cycle", label: "考核年度" });
    expect(typeOptions.filter((o) => o.value !== "probe").every((o) => !o.label.includes(o.value))).toBe(true);
    // Filtering by action.
    const byAction = await page("?action=results.public.enable");
    expect(rowsOf(byAction).map((r) => r.action)).toEqual(["results.public.enable"]);
  });

  it("folds a long payload (an imported tree) behind a short summary", async () => {
    const rows = rowsOf(await page("?action=cycle.create"));
    expect(rows.length).toBeGreaterThan(0);
    const long = rows.flatMap((r) => r.diff).filter((d) => d.long);
    expect(long.length).toBeGreaterThan(0);
    for (const d of long) {
      expect(d.summary).toMatch(/^现共 \d+ (项|个字段)/);
      expect(d.summary!.length).toBeLessThan(40);
    }
    // Short values are not folded.
    expect(rows[0].diff.find((d) => d.field === "year")).toMatchObject({ after: expect.stringMatching(/^20\d\d$/), long: false });
  });

  it("exports the filtered log to Excel, in Chinese and Beijing time", async () => {
    const response = (await xlsxRoute.loader({ request: makeRequest("/admin/audit.xlsx?action=results.public.enable", { cookie: admin }), params: {}, context: {} })) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toContain(encodeURIComponent("审计日志"));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("审计日志")!;
    expect(sheet.getRow(1).values).toEqual([undefined, "编号", "时间（北京时间）", "操作人", "操作", "对象类型", "对象", "对象编号", "变更内容"]);
    expect(sheet.rowCount).toBe(2);
    const row = getDb().select().from(auditLog).where(eq(auditLog.action, "results.public.enable")).get()!;
    expect(sheet.getRow(2).values).toEqual([undefined, row.id, formatBeijingTime(row.at), "审计测试", "启用公开通报", "考核年度", "2025年度", row.entityId, "公开：是"]);
    // Beijing time: eight hours ahead of the stored UTC instant.
    expect(formatBeijingTime(row.at)).not.toBe(row.at.slice(0, 19).replace("T", " "));

    // Bad filters are refused in Chinese; other roles may not export.
    const bad = await run(xlsxRoute.loader, makeRequest("/admin/audit.xlsx?from=2026-02-30", { cookie: admin }));
    expect(bad.status).toBe(400);
    expect(bad.data).toContain("开始日期不是有效的日期");
    expect((await run(xlsxRoute.loader, makeRequest("/admin/audit.xlsx", { cookie: await sessionCookieFor("leader") }))).status).toBe(403);
  });
});
