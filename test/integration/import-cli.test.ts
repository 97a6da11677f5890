import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/data-dir";

// The import commands exactly as issue 2 and the README name them:
//   npm run import:units -- <file.xlsx>      npm run import:users -- <file.xlsx>
// operating on DATA_DIR; a file that is not .xlsx, or lacks required columns, is refused with a
// Chinese message, exit 1, and nothing is written.

const exec = promisify(execFile);
let dataDir = "";
let work = "";

function npmRun(script: string, ...args: string[]) {
  return exec("npm", ["run", "--silent", script, "--", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function xlsx(name: string, headers: string[], rows: string[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("数据");
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  const file = path.join(work, name);
  fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

function count(table: string): number {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dataDir = makeTempDir("zwgk-import-cli-");
  work = makeTempDir("zwgk-import-cli-files-");
  const seeded = await exec("npm", ["run", "--silent", "seed:demo"], { cwd: process.cwd(), env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" } });
  expect(seeded.stdout).toContain("演示数据已写入");
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

describe("npm run import:units -- <file.xlsx>", () => {
  it("imports a good file into DATA_DIR", async () => {
    const before = count("units");
    const file = await xlsx("units.xlsx", ["单位编码", "单位名称", "单位类别", "上级单位编码", "是否启用"], [["BM090", "区统计局", "区级部门", "", "是"]]);
    const r = await npmRun("import:units", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("导入成功：1 个单位");
    expect(count("units")).toBe(before + 1);
  });

  it("refuses a file that is not .xlsx (a CSV, an .xls name, a text file renamed .xlsx), writing nothing", async () => {
    const before = { units: count("units"), audit: count("audit_log") };
    const csv = path.join(work, "units.csv");
    fs.writeFileSync(csv, "单位编码,单位名称,单位类别\nBM091,区审计局,区级部门\n");
    const xls = path.join(work, "units.xls");
    fs.writeFileSync(xls, "not really excel");
    for (const file of [csv, xls]) {
      const r = await npmRun("import:units", file);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toContain("不是 .xlsx 格式");
    }
    const fake = path.join(work, "fake.xlsx");
    fs.writeFileSync(fake, "单位编码,单位名称\n");
    const r = await npmRun("import:units", fake);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/导入失败：.+/);
    expect({ units: count("units"), audit: count("audit_log") }).toEqual(before);
  });

  it("refuses a file that lacks required columns, naming them, writing nothing", async () => {
    const before = count("units");
    const file = await xlsx("no-category.xlsx", ["单位编码", "单位名称"], [["BM092", "区档案馆"]]);
    const r = await npmRun("import:units", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("工作表“数据”第1行表头缺少必需的列：单位类别");
    expect(count("units")).toBe(before);
  });

  it("without a file: usage and exit 1", async () => {
    const r = await npmRun("import:units");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("用法：npm run import:units -- <单位.xlsx>");
  });
});

describe("npm run import:users -- <file.xlsx>", () => {
  const HEADERS = ["用户名", "姓名", "角色", "所属单位编码", "评估机构", "初始密码"];

  it("imports a good file into DATA_DIR", async () => {
    const before = count("users");
    const file = await xlsx("users.xlsx", HEADERS, [["leader-2", "区政府 钱区长", "领导", "", "", "Leader#2026x"]]);
    const r = await npmRun("import:users", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("导入成功：1 个用户");
    expect(count("users")).toBe(before + 1);
  });

  it("refuses a non-xlsx file and a file without the password column, writing nothing", async () => {
    const before = { users: count("users"), audit: count("audit_log") };
    const txt = path.join(work, "users.txt");
    fs.writeFileSync(txt, "用户名\nx\n");
    const notXlsx = await npmRun("import:users", txt);
    expect(notXlsx.code).toBe(1);
    expect(notXlsx.stderr).toContain("不是 .xlsx 格式");

    const file = await xlsx("no-password.xlsx", HEADERS.slice(0, 5), [["leader-3", "区政府 孙区长", "领导", "", ""]]);
    const missing = await npmRun("import:users", file);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("工作表“数据”第1行表头缺少必需的列：初始密码");
    expect({ users: count("users"), audit: count("audit_log") }).toEqual(before);
  });

  it("refuses a file with bad rows, naming each row, importing none of the good ones", async () => {
    const before = count("users");
    const file = await xlsx("mixed.xlsx", HEADERS, [
      ["leader-4", "区政府 周区长", "领导", "", "", "Leader#2026x"],
      ["admin", "重名", "政务公开办管理员", "", "", "Admin#2026xx"],
      ["eval-099", "评估员 吴", "评估员", "", "", "Eval#2026xxx"],
    ]);
    const r = await npmRun("import:users", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("工作表“数据”第3行：用户名 admin 已存在");
    expect(r.stderr).toMatch(/工作表“数据”第4行：.*评估机构/);
    expect(count("users")).toBe(before);
  });
});
