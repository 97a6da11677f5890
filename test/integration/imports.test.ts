import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { makeTempDir, useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import * as unitsImport from "../../app/routes/admin.units.import";
import * as usersImport from "../../app/routes/admin.users.import";
import * as unitsTemplate from "../../app/routes/admin.units.template[.]xlsx";
import * as usersTemplate from "../../app/routes/admin.users.template[.]xlsx";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { formatRowError, type RowError } from "../../app/services/imports/xlsx-read.server";
import { verifyPassword } from "../../app/utils/password.server";

useTempDataDir();

const UNIT_HEADERS = ["单位编码", "单位名称", "单位类别", "上级单位编码", "是否启用"];
const USER_HEADERS = ["用户名", "姓名", "角色", "所属单位编码", "评估机构", "初始密码"];
const ORG = "明湖政务公开第三方评估中心";

/** A one-sheet workbook named as the templates name theirs (单位 / 用户). */
async function workbook(headers: string[], rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(headers === USER_HEADERS ? "用户" : "单位");
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function upload(pathname: string, cookie: string, content: Buffer | string, fileName: string): Request {
  const form = new FormData();
  form.append("file", new File([typeof content === "string" ? content : new Uint8Array(content)], fileName));
  return makeRequest(pathname, { cookie, form });
}

let admin = "";
const unitCount = () => getDb().select().from(units).all().length;
const userCount = () => getDb().select().from(users).all().length;
const auditCount = () => getDb().select().from(auditLog).all().length;

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
});

describe("units import", () => {
  it("imports every row of a good file in one go, parents before children, with audit rows", async () => {
    const file = await workbook(UNIT_HEADERS, [
      ["XZ002", "桃源镇农业服务中心", "街道办事处", "XZ001", "否"],
      ["XZ001", "桃源镇人民政府", "街道办事处", "", "是"],
      ["BM009", "区文化和旅游局", "区级部门", "", ""],
      [],
      [101, "区医疗保障局", "区级部门", "BM002", "是"],
    ]);
    const before = { units: unitCount(), audit: auditCount() };
    const res = await run(unitsImport.action, upload("/admin/units/import", admin, file, "新单位=2026;终稿 \"正式\".xlsx"));
    expect(res.status).toBe(200);
    expect(res.data.message).toContain("导入 4 个单位");
    expect(unitCount()).toBe(before.units + 4);
    // One audit row per unit plus one for the import itself.
    expect(auditCount()).toBe(before.audit + 5);
    const xz1 = getDb().select().from(units).where(eq(units.code, "XZ001")).get()!;
    const xz2 = getDb().select().from(units).where(eq(units.code, "XZ002")).get()!;
    expect(xz2).toMatchObject({ parentId: xz1.id, active: false, name: "桃源镇农业服务中心" });
    expect(getDb().select().from(units).where(eq(units.code, "101")).get()!.name).toBe("区医疗保障局");
    const importRow = getDb().select().from(auditLog).where(eq(auditLog.action, "unit.import")).get()!;
    expect(JSON.parse(importRow.after!)).toMatchObject({ fileName: "新单位=2026;终稿 \"正式\".xlsx", count: 4 });
    expect(importRow.actorName).toContain("admin");
  });

  it("refuses a file with bad rows, naming each row, and imports nothing", async () => {
    const file = await workbook(UNIT_HEADERS, [
      ["BM020", "区审计局", "区级部门", "", "是"], // row 2: fine
      ["BM001", "区教育局（重复）", "区级部门", "", ""], // row 3: exists
      ["BM020", "区审计局二", "区级部门", "", ""], // row 4: duplicate of row 2
      ["BM021", "", "乡镇", "", ""], // row 5: no name, unknown category
      ["BM022", "区统计局", "区级部门", "NOPE", "也许"], // row 6: unknown parent, bad flag
      ["BM023", "甲", "区级部门", "BM024", ""], // row 7: cycle with row 8
      ["BM024", "乙", "区级部门", "BM023", ""], // row 8
      ["BM 25", "丙", "区级部门", "", ""], // row 9: bad code
    ]);
    const before = { units: unitCount(), audit: auditCount() };
    const res = await run(unitsImport.action, upload("/admin/units/import", admin, file, "bad.xlsx"));
    expect(res.status).toBe(400);
    expect(res.data.message).toContain("未导入任何数据");
    const texts = (res.data.errors as RowError[]).map(formatRowError);
    expect(texts).toEqual(
      expect.arrayContaining([
        "工作表“单位”第3行：单位编码 BM001 已存在（区教育局）",
        "工作表“单位”第4行：单位编码 BM020 与第2行重复",
        "工作表“单位”第5行：请输入单位名称",
        expect.stringMatching(/^工作表“单位”第5行：单位类别“乡镇”不存在。导入不会自动新建类别/),
        "工作表“单位”第6行：上级单位编码 NOPE 不存在（既不在系统中，也不在本文件中）",
        "工作表“单位”第6行：是否启用只能填“是”或“否”，不能是“也许”",
        "工作表“单位”第7行：上级单位关系形成循环：BM023 → BM024 → BM023",
        "工作表“单位”第8行：上级单位关系形成循环：BM024 → BM023 → BM024",
        "工作表“单位”第9行：单位编码只能包含字母、数字、下划线（_）或短横线（-）",
      ]),
    );
    expect(res.data.errors.some((e: { row: number }) => e.row === 2)).toBe(false);
    expect(unitCount()).toBe(before.units);
    expect(auditCount()).toBe(before.audit);
  });

  it("refuses a text file renamed .xlsx, an .xls name, a broken zip and a missing column", async () => {
    const before = unitCount();
    const text = await run(unitsImport.action, upload("/admin/units/import", admin, "单位编码,单位名称\nBM030,区档案馆\n", "units.xlsx"));
    expect(text.status).toBe(400);
    expect(text.data.message).toContain("不是 .xlsx 格式");

    const csvName = await run(unitsImport.action, upload("/admin/units/import", admin, await workbook(UNIT_HEADERS, [["BM030", "区档案馆", "区级部门"]]), "units.csv"));
    expect(csvName.status).toBe(400);
    expect(csvName.data.message).toContain("不是 .xlsx 格式");

    const brokenZip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const broken = await run(unitsImport.action, upload("/admin/units/import", admin, brokenZip, "units.xlsx"));
    expect(broken.status).toBe(400);
    expect(broken.data.message).toContain("无法读取该文件");

    const missing = await run(
      unitsImport.action,
      upload("/admin/units/import", admin, await workbook(["单位编码", "单位名称"], [["BM030", "区档案馆"]]), "units.xlsx"),
    );
    expect(missing.status).toBe(400);
    expect(missing.data.message).toContain("缺少必需的列：单位类别");

    const empty = await run(unitsImport.action, upload("/admin/units/import", admin, await workbook(UNIT_HEADERS, []), "units.xlsx"));
    expect(empty.data.message).toContain("没有数据行");

    const nothing = await run(unitsImport.action, makeRequest("/admin/units/import", { cookie: admin, form: { other: "x" } }));
    expect(nothing.status).toBe(400);
    expect(nothing.data.message).toBe("请选择要导入的 .xlsx 文件。");
    expect(unitCount()).toBe(before);
  });

  it("refuses a file over 5 MB", async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 0x41);
    const res = await run(unitsImport.action, upload("/admin/units/import", admin, big, "big.xlsx"));
    expect(res.status).toBe(413);
    expect(res.data.message).toContain("超过 5 MB");
  });

  it("offers a template with Chinese headers, an example row and a 说明 sheet, which re-imports cleanly", async () => {
    const res = await unitsTemplate.loader({ request: makeRequest("/admin/units/template.xlsx", { cookie: admin }), params: {}, context: {} });
    expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
    expect(res.headers.get("Content-Disposition")).toContain("attachment");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["单位", "说明"]);
    expect(wb.worksheets[0].getRow(1).values).toEqual([undefined, ...UNIT_HEADERS]);
    expect(wb.worksheets[0].getRow(2).getCell(1).value).toBe("BM009");
    // The example row is valid except for its code, which the first test already imported.
    wb.worksheets[0].getRow(2).getCell(1).value = "BM031";
    const again = await run(unitsImport.action, upload("/admin/units/import", admin, Buffer.from(await wb.xlsx.writeBuffer()), "模板.xlsx"));
    expect(again.status).toBe(200);
  });
});

describe("users import", () => {
  it("imports every role, with hashed passwords and audit rows that never hold them", async () => {
    const file = await workbook(USER_HEADERS, [
      ["dept-101", "区文化和旅游局填报员", "部门填报员", "BM009", "", "Start#2026a"],
      ["eval-101", "评估员 周晓", "evaluator", "BM002", ORG, "Start#2026b"],
      ["office2", "政务公开办 李科长", "政务公开办管理员", "", "", "Start#2026c"],
      ["leader2", "区政府 钱区长", "领导", "", "", "Start#2026d"],
    ]);
    const before = { users: userCount(), audit: auditCount() };
    const res = await run(usersImport.action, upload("/admin/users/import", admin, file, "users.xlsx"));
    expect(res.status).toBe(200);
    expect(res.data.byRole).toEqual([
      { role: "政务公开办管理员", count: 1 },
      { role: "部门填报员", count: 1 },
      { role: "评估员", count: 1 },
      { role: "领导", count: 1 },
    ]);
    expect(userCount()).toBe(before.users + 4);
    expect(auditCount()).toBe(before.audit + 5);
    const dept = getDb().select().from(users).where(eq(users.username, "dept-101")).get()!;
    const bm009 = getDb().select().from(units).where(eq(units.code, "BM009")).get()!;
    expect(dept).toMatchObject({ role: "department", unitId: bm009.id, orgId: null, active: true });
    expect(await verifyPassword("Start#2026a", dept.passwordHash)).toBe(true);
    const evaluator = getDb().select().from(users).where(eq(users.username, "eval-101")).get()!;
    expect(evaluator.orgId).not.toBeNull();
    const logged = getDb().select().from(auditLog).all().map((a) => `${a.before ?? ""}${a.after ?? ""}`).join("\n");
    expect(logged).not.toContain("Start#2026");
    expect(logged).not.toContain("scrypt$");
  });

  it("refuses a file with bad rows, naming each row, and imports nothing", async () => {
    const file = await workbook(USER_HEADERS, [
      ["dept-201", "好的一行", "部门填报员", "BM003", "", "Good#20261"], // row 2: fine
      ["admin", "重名", "领导", "", "", "Good#20262"], // row 3: exists
      ["Dept-201", "重复", "部门填报员", "BM004", "", "Good#20263"], // row 4: duplicate of row 2 (case-insensitive)
      ["dept-202", "无单位", "部门填报员", "", "", "Good#20264"], // row 5: department without unit
      ["dept-203", "短密码", "部门填报员", "BM005", "", "short"], // row 6: password too short
      ["eval-201", "未知机构", "评估员", "", "不存在的机构", "Good#20265"], // row 7: unknown org
      ["x-1", "未知单位", "department", "ZZ999", "", "Good#20266"], // row 8: unknown unit
      ["boss", "未知角色", "局长", "", "", "Good#20267"], // row 9: unknown role
      ["eval-202", "缺机构", "评估员", "", "", "Good#20268"], // row 10: evaluator without org
      ["lead-3", "领导带单位", "leader", "BM001", "", "Good#20269"], // row 11: leader bound to a unit
      ["dept-204", "停用单位", "部门填报员", "XZ002", "", "Good#20270"], // row 12: inactive unit
      ["坏 名字", "", "部门填报员", "BM006", "", "Good#20271"], // row 13: bad username and no name
    ]);
    const before = { users: userCount(), audit: auditCount() };
    const res = await run(usersImport.action, upload("/admin/users/import", admin, file, "bad-users.xlsx"));
    expect(res.status).toBe(400);
    const texts = (res.data.errors as RowError[]).map(formatRowError);
    expect(texts).toEqual(
      expect.arrayContaining([
        "工作表“用户”第3行：用户名 admin 已存在",
        "工作表“用户”第4行：用户名 Dept-201 与第2行重复",
        "工作表“用户”第5行：部门填报员必须填写所属单位编码",
        "工作表“用户”第6行：初始密码至少8位",
        "工作表“用户”第7行：评估机构“不存在的机构”不存在，请先在“评估机构”页面添加",
        "工作表“用户”第8行：所属单位编码 ZZ999 不存在",
        expect.stringMatching(/^工作表“用户”第9行：角色“局长”无效/),
        "工作表“用户”第10行：评估员必须填写评估机构",
        "工作表“用户”第11行：领导不绑定单位，请清空“所属单位编码”",
        expect.stringMatching(/^工作表“用户”第12行：单位 XZ002（桃源镇农业服务中心）已停用/),
        expect.stringMatching(/^工作表“用户”第13行：用户名只能包含/),
        "工作表“用户”第13行：请填写姓名",
      ]),
    );
    expect(res.data.errors.some((e: { row: number }) => e.row === 2)).toBe(false);
    expect(userCount()).toBe(before.users);
    expect(auditCount()).toBe(before.audit);
  });

  it("refuses a missing password column and a non-xlsx file", async () => {
    const missing = await run(
      usersImport.action,
      upload("/admin/users/import", admin, await workbook(USER_HEADERS.slice(0, 5), [["u-1", "某人", "领导", "", ""]]), "users.xlsx"),
    );
    expect(missing.status).toBe(400);
    expect(missing.data.message).toContain("缺少必需的列：初始密码");
    const text = await run(usersImport.action, upload("/admin/users/import", admin, "用户名,姓名\n", "users.xlsx"));
    expect(text.data.message).toContain("不是 .xlsx 格式");
  });

  it("offers a users template with Chinese headers and a 说明 sheet", async () => {
    const res = await usersTemplate.loader({ request: makeRequest("/admin/users/template.xlsx", { cookie: admin }), params: {}, context: {} });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0].getRow(1).values).toEqual([undefined, ...USER_HEADERS]);
    expect(wb.worksheets[0].getRow(2).getCell(3).value).toBe("部门填报员");
    expect(wb.worksheets[1].name).toBe("说明");
  });
});

describe("imports are office-only", () => {
  for (const username of ["dept-001", "eval-001", "leader"]) {
    it(`refuses ${username} with 403`, async () => {
      const cookie = await sessionCookieFor(username);
      const file = await workbook(UNIT_HEADERS, [["BM040", "越权单位", "区级部门", "", ""]]);
      const outcomes = [
        await run(unitsImport.action, upload("/admin/units/import", cookie, file, "u.xlsx")),
        await run(usersImport.action, upload("/admin/users/import", cookie, file, "u.xlsx")),
        await run(unitsImport.loader, makeRequest("/admin/units/import", { cookie })),
        await run(usersTemplate.loader as never, makeRequest("/admin/users/template.xlsx", { cookie })),
      ];
      expect(outcomes.map((o) => o.status)).toEqual([403, 403, 403, 403]);
      expect(getDb().select().from(units).where(eq(units.code, "BM040")).get()).toBeUndefined();
    });
  }
});

describe("import CLIs", () => {
  const exec = promisify(execFile);
  const cli = (script: string, file: string, dataDir: string) =>
    exec("npx", ["tsx", script, file], { cwd: process.cwd(), env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("imports units and users from the command line, and exits 1 listing every bad row with nothing written", async () => {
    const dataDir = makeTempDir("zwgk-cli-");
    const work = makeTempDir("zwgk-cli-files-");
    try {
      // A fresh database has no categories: unknown categories are refused, not created.
      const unitsFile = path.join(work, "units.xlsx");
      fs.writeFileSync(unitsFile, await workbook(UNIT_HEADERS, [["JD001", "城关街道办事处", "街道办事处", "", "是"]]));
      const refused = await cli("app/cli/import-units.ts", unitsFile, dataDir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("工作表“单位”第2行：单位类别“街道办事处”不存在");

      // Seed the demo district into this data dir, then import.
      await exec("npx", ["tsx", "seeds/cli/seed-demo.ts"], { cwd: process.cwd(), env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" } });
      fs.writeFileSync(
        unitsFile,
        await workbook(UNIT_HEADERS, [
          ["XZ101", "青山镇人民政府", "街道办事处", "", "是"],
          ["XZ102", "青山镇便民服务中心", "街道办事处", "XZ101", ""],
        ]),
      );
      const ok = await cli("app/cli/import-units.ts", unitsFile, dataDir);
      expect(ok.stderr).not.toContain("导入失败");
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain("导入成功：2 个单位");

      const badUsers = path.join(work, "users.xlsx");
      fs.writeFileSync(
        badUsers,
        await workbook(USER_HEADERS, [
          ["dept-301", "青山镇填报员", "部门填报员", "XZ101", "", "Qingshan#2026"],
          ["dept-001", "重名", "部门填报员", "XZ101", "", "Qingshan#2026"],
          ["dept-302", "无单位", "部门填报员", "", "", "Qingshan#2026"],
        ]),
      );
      const failed = await cli("app/cli/import-users.ts", badUsers, dataDir);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("工作表“用户”第3行：用户名 dept-001 已存在");
      expect(failed.stderr).toContain("工作表“用户”第4行：部门填报员必须填写所属单位编码");

      fs.writeFileSync(badUsers, await workbook(USER_HEADERS, [["dept-301", "青山镇填报员", "部门填报员", "XZ101", "", "Qingshan#2026"]]));
      const usersOk = await cli("app/cli/import-users.ts", badUsers, dataDir);
      expect(usersOk.code).toBe(0);
      expect(usersOk.stdout).toContain("导入成功：1 个用户");

      const notXlsx = path.join(work, "notes.txt");
      fs.writeFileSync(notXlsx, "hello");
      expect((await cli("app/cli/import-users.ts", notXlsx, dataDir)).code).toBe(1);

      // Check what the CLIs wrote, in that data dir, including the audit actor.
      const Database = (await import("better-sqlite3")).default;
      const db = new Database(path.join(dataDir, "app.db"), { readonly: true });
      try {
        const codes = db.prepare("SELECT code FROM units WHERE code LIKE 'XZ1%' ORDER BY code").all();
        expect(codes).toEqual([{ code: "XZ101" }, { code: "XZ102" }]);
        expect(db.prepare("SELECT count(*) AS n FROM users WHERE username IN ('dept-301','dept-302')").get()).toEqual({ n: 1 });
        const actors = db.prepare("SELECT DISTINCT actor_name AS a FROM audit_log WHERE action IN ('unit.import','user.import')").all();
        expect(actors).toEqual([{ a: "命令行导入" }]);
        expect(verifyAuditChain(db).ok).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("audit chain", () => {
  it("stays intact after all the imports", () => {
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });
});
