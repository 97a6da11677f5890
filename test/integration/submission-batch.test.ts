import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import * as submissionsPage from "../../app/routes/submissions._index";
import * as progressXlsx from "../../app/routes/submissions.progress[.]xlsx";
import { findCycleByYear } from "../../app/services/cycles.server";
import { getDb } from "../../db/client";
import {
  auditLog,
  deadlineExtensions,
  notifications,
  returnItems,
  submissions,
  units,
} from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { beijingDay, dayAfterDemoDeadline } from "../helpers/self-inspection-fixtures";

// Issue 15: the office's batch actions on 自查审核 — a confirmation listing the units, then one
// transaction with an audit row per unit; if any unit cannot take the action, nothing is written.

useTempDataDir();

const db = () => getDb();
const unitOf = (code: string) =>
  db().select().from(units).where(eq(units.code, code)).get()!;
const audits = (action: string) =>
  db().select().from(auditLog).where(eq(auditLog.action, action)).all();

let admin = "";
let cycleId = 0;
beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
  cycleId = findCycleByYear(2026, getDb())!.id;
}, 120_000);

const post = (form: Record<string, string | string[]>) =>
  run(
    submissionsPage.action,
    makeRequest("/submissions", {
      cookie: admin,
      form: { cycleId: String(cycleId), ...form },
    })
  );
const ids = (...codes: string[]) => codes.map((c) => String(unitOf(c).id));

describe("the progress table in Excel (自查进度表)", () => {
  it("lists every unit with status, counts and days overdue, Beijing times, landscape and fit to the page width", async () => {
    const res = (await progressXlsx.loader({
      request: makeRequest(`/submissions/progress.xlsx?cycle=${cycleId}`, {
        cookie: admin,
      }),
      params: {},
      context: {},
    })) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toContain(
      encodeURIComponent("2026年度自查进度")
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const sheet = wb.getWorksheet("自查进度")!;
    expect(sheet.getCell("A1").value).toBe("2026年度政务公开自查进度表");
    expect(String(sheet.getCell("A2").value)).toMatch(
      /^导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间） · 自查截止：2026-11-30 24:00（北京时间）$/
    );
    expect(sheet.getRow(3).values).toContain("逾期天数");
    const byCode = new Map<string, ExcelJS.Row>();
    for (let n = 4; n <= sheet.rowCount; n++)
      byCode.set(String(sheet.getRow(n).getCell(2).value), sheet.getRow(n));
    expect(byCode.get("JD001")!.getCell(5).value).toBe("已提交");
    expect(byCode.get("JD001")!.getCell(11).value).toBe(0);
    // A draft without extension is overdue by the days since 2026-11-30 (Beijing), if that has passed.
    const late = Math.round(
      (Date.parse(beijingDay(0)) - Date.parse("2026-11-30")) / 86_400_000
    );
    expect(byCode.get("JD003")!.getCell(11).value).toBe(Math.max(0, late));
    expect(byCode.get("JD004")!.getCell(10).value).toBe("是");
    expect(sheet.pageSetup).toMatchObject({
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: "1:3",
    });
    const summary = wb.getWorksheet("统计")!;
    expect(summary.getRow(4).values).toEqual([
      undefined,
      "全部",
      sheet.rowCount - 3,
    ]);
    expect(summary.pageSetup.orientation).toBe("landscape");
    // Office only.
    const dept = await run(
      progressXlsx.loader,
      makeRequest(`/submissions/progress.xlsx?cycle=${cycleId}`, {
        cookie: await sessionCookieFor("dept-001"),
      })
    );
    expect(dept.status).toBe(403);
  });
});

describe("batch extension (批量延期)", () => {
  it("confirms the selected units, then extends them all to one date with one reason, audited per unit", async () => {
    const query = `/submissions?cycle=${cycleId}&batch=extend&${ids(
      "JD003",
      "BM006",
      "JD001"
    )
      .map((id) => `unit=${id}`)
      .join("&")}`;
    const page = await run(
      submissionsPage.loader,
      makeRequest(query, { cookie: admin })
    );
    const listed = page.data.batch.units.map(
      (u: { unitName: string }) => u.unitName
    );
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(
      expect.arrayContaining([unitOf("JD003").name, unitOf("BM006").name])
    );
    expect(page.data.batch.skipped).toEqual([
      expect.objectContaining({
        unitName: unitOf("JD001").name,
        why: "已提交，无需延期",
      }),
    ]);

    const before = db().select().from(deadlineExtensions).all().length;
    // A submitted unit among them: refused, named, nothing written.
    const mixed = await post({
      intent: "batchExtend",
      unitId: ids("JD003", "JD001"),
      until: dayAfterDemoDeadline(4),
      reason: "系统升级",
    });
    expect(mixed.status).toBe(409);
    expect(mixed.data.fieldErrors._form).toBe(
      `以下单位不能执行此操作，所有单位均未处理：${
        unitOf("JD001").name
      }已提交自查，无需延期`
    );
    const noReason = await post({
      intent: "batchExtend",
      unitId: ids("JD003"),
      until: dayAfterDemoDeadline(4),
      reason: "",
    });
    expect(noReason.data.fieldErrors.reason).toBe("请填写延期理由");
    const none = await post({
      intent: "batchExtend",
      until: dayAfterDemoDeadline(4),
      reason: "系统升级",
    });
    expect(none.data.fieldErrors.unitIds).toBe("请至少选择一个单位");
    expect(db().select().from(deadlineExtensions).all()).toHaveLength(before);

    const auditsBefore = audits("submission.extension").length;
    const ok = await post({
      intent: "batchExtend",
      unitId: ids("JD003", "BM006"),
      until: dayAfterDemoDeadline(4),
      reason: "系统升级，统一延期",
    });
    expect(ok.status).toBe(200);
    expect(ok.data.message).toBe(`已批准2个单位延期至${dayAfterDemoDeadline(4)}。`);
    expect(audits("submission.extension")).toHaveLength(auditsBefore + 2);
    const overview = await run(
      submissionsPage.loader,
      makeRequest(`/submissions?cycle=${cycleId}`, { cookie: admin })
    );
    for (const code of ["JD003", "BM006"]) {
      expect(
        overview.data.rows.find(
          (r: { unitId: number }) => r.unitId === unitOf(code).id
        )
      ).toMatchObject({ due: dayAfterDemoDeadline(4), extended: true, overdue: false });
      expect(
        db()
          .select()
          .from(notifications)
          .where(
            and(
              eq(notifications.unitId, unitOf(code).id),
              eq(notifications.kind, "extension_decided")
            )
          )
          .all().length
      ).toBeGreaterThan(0);
    }
  });
});

describe("batch return (批量退回)", () => {
  const openItems = (code: string) => {
    const sub = db()
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.cycleId, cycleId),
          eq(submissions.unitId, unitOf(code).id)
        )
      )
      .get()!;
    return db()
      .select()
      .from(returnItems)
      .where(
        and(
          eq(returnItems.submissionId, sub.id),
          isNull(returnItems.resolvedAt)
        )
      )
      .all();
  };

  it("returns the selected submitted units with one comment (all leaves, or the codes given); any refusal writes nothing", async () => {
    const status = (code: string) =>
      db()
        .select()
        .from(submissions)
        .where(
          and(
            eq(submissions.cycleId, cycleId),
            eq(submissions.unitId, unitOf(code).id)
          )
        )
        .get()!.status;
    const draftToo = await post({
      intent: "batchReturn",
      unitId: ids("BM001", "JD003"),
      comment: "佐证材料不清晰",
    });
    expect(draftToo.status).toBe(409);
    expect(draftToo.data.fieldErrors._form).toContain(
      `${unitOf("JD003").name}：自查当前为“草稿”状态，不能退回`
    );
    const unknownCode = await post({
      intent: "batchReturn",
      unitId: ids("BM001", "BM002"),
      comment: "佐证材料不清晰",
      codes: "9.9",
    });
    expect(unknownCode.data.fieldErrors._form).toContain(
      `${unitOf("BM001").name}：指标体系中没有9.9`
    );
    const noComment = await post({
      intent: "batchReturn",
      unitId: ids("BM001"),
      comment: " ",
    });
    expect(noComment.data.fieldErrors.comment).toBe("请填写退回意见");
    expect([status("BM001"), status("BM002")]).toEqual([
      "submitted",
      "submitted",
    ]);

    const before = audits("submission.return").length;
    const ok = await post({
      intent: "batchReturn",
      unitId: ids("BM001", "BM002"),
      comment: "请补充政府网站专栏截图",
      codes: "1.1",
    });
    expect(ok.status).toBe(200);
    expect([status("BM001"), status("BM002")]).toEqual([
      "returned",
      "returned",
    ]);
    expect(audits("submission.return")).toHaveLength(before + 2);
    for (const code of ["BM001", "BM002"])
      expect(openItems(code).map((i) => i.comment)).toEqual([
        "请补充政府网站专栏截图",
      ]);

    const all = await post({
      intent: "batchReturn",
      unitId: ids("BM004"),
      comment: "全部重新核对",
    });
    expect(all.status).toBe(200);
    expect(all.data.message).toBe("已退回1个单位的自查（全部指标）。");
    expect(openItems("BM004").length).toBeGreaterThan(1);
  });
});
