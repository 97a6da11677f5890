import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import * as importPage from "../../app/routes/cycles.$cycleId.import";
import * as xlsxRoute from "../../app/routes/cycles.$cycleId.indicators[.]xlsx";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import * as previewPage from "../../app/routes/cycles.$cycleId.sets.$setId.preview";
import { createCycle, findCycleByYear, getIndicatorSet, updateCycle } from "../../app/services/cycles.server";
import { INDICATOR_COLUMNS } from "../../app/services/indicator-xlsx.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, indicatorSets, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Issue 13 item 9: a set lacking one of the four mandated dimensions is imported as a draft (never
// refused for that alone) and may be published once the office records why — audited, and shown on
// the set page, the preview and the 说明 sheet of the workbook.

useTempDataDir();

let admin = "";
const db = () => getDb();
const auditCount = () => db().select().from(auditLog).all().length;
const categoryId = (name: string) => db().select().from(categories).where(eq(categories.name, name)).get()!.id;
const cycleId = (year: number) => findCycleByYear(year, getDb())!.id;
const setIdOf = (year: number, category = "区级部门") => getIndicatorSet(cycleId(year), categoryId(category), getDb())!.id;
const gapOf = (year: number) => db().select().from(indicatorSets).where(eq(indicatorSets.id, setIdOf(year))).get()!.coverageGap;

const MISSING_ERROR =
  "指标体系未覆盖“回应关切”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标）；本地考核细则确未设置的，须在指标体系页面记录原因后方可发布";
const IMPORT_WARNING =
  "指标体系未覆盖“回应关切”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标），已作为草稿导入；发布前须在指标体系页面记录未覆盖的原因";
const REASON = "本区2026年度考核细则未设回应关切项，该项由区委宣传部另行考核";

async function workbook(year: number): Promise<Buffer> {
  const id = cycleId(year);
  const res = await xlsxRoute.loader({ request: makeRequest(`/cycles/${id}/indicators.xlsx`, { cookie: admin }), params: { cycleId: String(id) }, context: {} });
  return Buffer.from(await res.arrayBuffer());
}

/** Every row of the 区级部门 sheet whose 维度 is 回应关切 moved to 信息公开: the set no longer covers 回应关切. */
async function withoutResponse(buffer: Buffer): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const col = INDICATOR_COLUMNS.findIndex((c) => c.header === "维度") + 1;
  wb.getWorksheet("区级部门")!.eachRow((row) => {
    if (row.getCell(col).value === "回应关切") row.getCell(col).value = "信息公开";
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function helpLines(buffer: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const lines: string[] = [];
  wb.getWorksheet("说明")!.eachRow((row) => lines.push(String(row.getCell(3).value ?? "")));
  return lines;
}

function upload(year: number, buffer: Buffer) {
  const id = cycleId(year);
  const form = new FormData();
  form.append("category", "");
  form.append("file", new File([Uint8Array.from(buffer)], "本区考核细则.xlsx"));
  return run(importPage.action, makeRequest(`/cycles/${id}/import`, { cookie: admin, form }), { cycleId: String(id) });
}
const params = (year: number) => ({ cycleId: String(cycleId(year)), setId: String(setIdOf(year)) });
const setPageOf = (year: number) => run(setPage.loader, makeRequest(`/cycles/${cycleId(year)}/sets/${setIdOf(year)}`, { cookie: admin }), params(year));
const recordReason = (year: number, coverageReason: string, cookie = admin) =>
  run(setPage.action, makeRequest(`/cycles/${cycleId(year)}/sets/${setIdOf(year)}`, { cookie, form: { intent: "coverage", coverageReason } }), params(year));
const previewOf = (year: number) =>
  run(previewPage.loader, makeRequest(`/cycles/${cycleId(year)}/sets/${setIdOf(year)}/preview?mode=half`, { cookie: admin }), params(year));
const publish = (year: number) =>
  run(cyclePage.action, makeRequest(`/cycles/${cycleId(year)}`, { cookie: admin, form: { intent: "transition", to: "published" } }), { cycleId: String(cycleId(year)) });

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  const office = { id: u.id, name: u.displayName, role: "office" as const };
  for (const [year, source] of [[2026, "template"], [2027, "empty"]] as const) {
    const cycleId = createCycle(getDb(), office, { year, source });
    // Publishing here depends on the indicator sets alone: the office confirms the calendar as it is.
    updateCycle(getDb(), office, cycleId, { calendar: { ...findCycleByYear(year, getDb())!.calendar, emptyConfirmed: true } });
  }
});

describe("a set without one of the four dimensions", () => {
  it("is imported as a draft with a warning, not refused", async () => {
    const res = await upload(2027, await withoutResponse(await workbook(2026)));
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("已从“本区考核细则.xlsx”导入 2 套指标体系。");
    const dept = res.data.sets.find((s: { category: string }) => s.category === "区级部门");
    expect(dept.warnings).toContain(IMPORT_WARNING);
    expect(findCycleByYear(2027, getDb())!.status).toBe("draft");
    expect(gapOf(2027)).toBeNull();
  });

  it("cannot be published until the office records a reason; the set page says what is missing", async () => {
    const page = await setPageOf(2027);
    expect(page.data.coverage).toEqual({ missing: ["回应关切"], reason: null });
    expect(page.data.report.errors.map((e: { message: string }) => e.message)).toEqual([MISSING_ERROR]);
    const refused = await publish(2027);
    expect(refused.status).toBe(400);
    expect(refused.data.errors).toEqual([`“区级部门”指标体系：${MISSING_ERROR}`]);
    expect(findCycleByYear(2027, getDb())!.status).toBe("draft");
  });

  it("refuses an empty reason, or a reason from a leader, and changes nothing", async () => {
    const before = auditCount();
    const empty = await recordReason(2027, "   ");
    expect(empty.status).toBe(400);
    expect(empty.data.fieldErrors.coverageReason).toBe("请填写未覆盖的原因");
    const tooLong = await recordReason(2027, "理".repeat(501));
    expect(tooLong.data.fieldErrors.coverageReason).toBe("原因不能超过500个字");
    expect((await recordReason(2027, REASON, await sessionCookieFor("leader"))).status).toBe(403);
    expect(gapOf(2027)).toBeNull();
    expect(auditCount()).toBe(before);
  });

  it("records the reason with its audit row; the set page, the preview and the 说明 sheet show it; publishing passes", async () => {
    const before = auditCount();
    const res = await recordReason(2027, REASON);
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("已记录指标体系未覆盖“回应关切”维度的原因。");
    expect(gapOf(2027)).toEqual({ dimensions: ["response"], reason: REASON });
    const rows = db().select().from(auditLog).all().slice(before);
    expect(rows.map((r) => r.action)).toEqual(["indicator_set.coverage_reason"]);
    expect(JSON.parse(rows[0].after!)).toMatchObject({ dimensions: ["response"], reason: REASON, category: "区级部门" });
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);

    const page = await setPageOf(2027);
    expect(page.data.coverage).toEqual({ missing: ["回应关切"], reason: REASON });
    expect(page.data.report.errors).toEqual([]);
    expect(page.data.report.warnings.map((w: { message: string }) => w.message)).toContain(`指标体系未覆盖“回应关切”维度，已记录原因：${REASON}`);

    const preview = await previewOf(2027);
    expect(preview.data.coverageNote).toBe(`未覆盖“回应关切”维度，原因：${REASON}`);
    expect(preview.data.preview.ok).toBe(true);

    expect(await helpLines(await workbook(2027))).toContain(`“区级部门”指标体系未覆盖“回应关切”维度，原因：${REASON}`);
    expect(await helpLines(await workbook(2026))).not.toContain(expect.stringContaining("未覆盖"));

    const published = await publish(2027);
    expect(published.status).toBe(200);
    expect(findCycleByYear(2027, getDb())!.status).toBe("published");
  });

  it("refuses a reason for a set that covers all four dimensions", async () => {
    const before = auditCount();
    const res = await recordReason(2026, REASON);
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors.coverageReason).toBe("本指标体系已覆盖四个维度，无需记录原因");
    expect(auditCount()).toBe(before);
    const page = await setPageOf(2026);
    expect(page.data.coverage).toEqual({ missing: [], reason: null });
  });
});

describe("import errors name the sheet", () => {
  it("says 工作表“区级部门”第3行：分值“五”不是数字", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await workbook(2026)) as unknown as ExcelJS.Buffer);
    wb.getWorksheet("区级部门")!.getRow(3).getCell(INDICATOR_COLUMNS.findIndex((c) => c.header === "分值") + 1).value = "五";
    const before = auditCount();
    const res = await upload(2026, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status).toBe(400);
    expect(res.data.problems).toEqual(["工作表“区级部门”第3行：分值“五”不是数字"]);
    expect(auditCount()).toBe(before);
    expect(db().select().from(indicatorSets).where(and(eq(indicatorSets.cycleId, cycleId(2026)))).all()).toHaveLength(2);
  });
});
