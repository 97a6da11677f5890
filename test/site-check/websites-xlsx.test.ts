import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as importPage from "../../app/routes/site-checks.import";
import * as exportRoute from "../../app/routes/site-checks.websites[.]xlsx";
import { getDb } from "../../db/client";
import { auditLog, unitWebsites, websiteColumns } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// The units' websites and key columns from and to Excel, like the units import: every row checked
// first, all rows or none, export → import changes nothing.

useTempDataDir();
const cookies: Record<string, string> = {};
const count = (table: typeof unitWebsites | typeof websiteColumns | typeof auditLog) => getDb().select().from(table).all().length;

async function workbook(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("单位网站");
  sheet.addRow(["单位编码", "网站名称", "网站首页", "栏目类型", "栏目名称", "栏目地址"]);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function upload(cookie: string, content: Buffer, fileName = "网站.xlsx") {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(content)], fileName));
  return run(importPage.action, makeRequest("/site-checks/import", { cookie, form }));
}

async function exported(cookie: string, query = ""): Promise<{ status: number; rows: string[][] }> {
  const res = (await exportRoute.loader({ request: makeRequest(`/site-checks/websites.xlsx${query}`, { cookie }), params: {}, context: {} })) as Response;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row, n) => {
    if (n > 1) rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? "")));
  });
  return { status: res.status, rows };
}

beforeAll(async () => {
  seedAccounts(getDb());
  cookies.admin = await sessionCookieFor("admin");
  cookies.eval = await sessionCookieFor("eval-001");
});

describe("units' websites in Excel", () => {
  it("refuses a file with bad rows, listing each by row, and writes nothing", async () => {
    const before = count(auditLog);
    const r = await upload(
      cookies.admin,
      await workbook([
        ["JD001", "城关街道门户网站", "https://cgjd.example.gov.cn/", "通知公告", "通知公告", "https://cgjd.example.gov.cn/tzgg/"],
        ["XX999", "不存在的单位", "https://x.example.gov.cn/", "", "", ""],
        ["JD002", "东城街道网站", "cgjd.example.gov.cn", "", "", ""],
        ["JD002", "东城街道网站", "https://dc.example.gov.cn/", "新闻", "新闻", "https://dc.example.gov.cn/xw/"],
      ]),
    );
    expect(r.status).toBe(400);
    expect(r.data.message).toBe("未导入任何数据：共 4 行数据，其中 3 行有错误，请按下列原因修改后重新导入。");
    expect(r.data.errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([
      [3, "单位编码“XX999”不存在"],
      [4, "网址格式不正确：“cgjd.example.gov.cn”（应以 http:// 或 https:// 开头）"],
      [5, "栏目类型须为 动态要闻、通知公告、政策文件、政策解读、互动回应、其他 之一"],
    ]);
    expect([count(unitWebsites), count(websiteColumns), count(auditLog)]).toEqual([0, 0, before]);
  });

  it("imports websites and columns; export → import changes nothing; only the office may", async () => {
    const rows = [
      ["JD001", "城关街道门户网站", "https://cgjd.example.gov.cn/", "通知公告", "通知公告", "https://cgjd.example.gov.cn/tzgg/"],
      ["JD001", "城关街道门户网站", "https://cgjd.example.gov.cn/", "互动回应", "领导信箱", "https://cgjd.example.gov.cn/ldxx/"],
      ["BM001", "区发展改革局网站", "https://fgj.example.gov.cn/", "", "", ""],
    ];
    const r = await upload(cookies.admin, await workbook(rows));
    expect(r.data).toMatchObject({ ok: true, message: "已从“网站.xlsx”新增 2 个网站、2 个栏目。" });
    const out = await exported(cookies.admin);
    expect(out.rows).toEqual(rows.sort((a, b) => a[0].localeCompare(b[0])));
    const again = await upload(cookies.admin, await workbook(out.rows), "导出.xlsx");
    expect(again.data).toMatchObject({ ok: true, message: "已从“导出.xlsx”新增 0 个网站、0 个栏目。" });
    expect([count(unitWebsites), count(websiteColumns)]).toEqual([2, 2]);
    expect((await exported(cookies.admin, "?template=1")).rows[0][0]).toBe("JD001");
    expect((await upload(cookies.eval, await workbook(rows))).status).toBe(403);
  });
});
