import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as importPage from "../../app/routes/cycles.$cycleId.import";
import * as xlsxRoute from "../../app/routes/cycles.$cycleId.indicators[.]xlsx";
import * as packageRoute from "../../app/routes/cycles.$cycleId.package[.]json";
import { createCycle, findCycleByYear, getIndicatorSet, transitionCycle } from "../../app/services/cycles.server";
import { INDICATOR_COLUMNS } from "../../app/services/indicator-xlsx.server";
import { loadTree, toSpecs } from "../../app/services/indicator-tree.server";
import { getDb } from "../../db/client";
import { auditLog, categories, indicatorNodes, users } from "../../db/schema";
import { PACKAGE_FORMAT, validatePackage } from "../../scoring";
import { seedAccounts } from "../../seeds/demo/accounts";
import { makeTempDir, useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { sheetsOf } from "../helpers/xlsx-sheets";

const dataDir = useTempDataDir();
const exec = promisify(execFile);

let admin = "";
const db = () => getDb();
const auditCount = () => db().select().from(auditLog).all().length;
const office = () => {
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  return { id: u.id, name: u.displayName, role: "office" as const };
};
const categoryId = (name: string) => db().select().from(categories).where(eq(categories.name, name)).get()!.id;
const specsOf = (year: number, category: string) => toSpecs(loadTree(db(), getIndicatorSet(findCycleByYear(year, getDb())!.id, categoryId(category), getDb())!.id));

async function download(year: number, query = "") {
  const cycleId = findCycleByYear(year, getDb())!.id;
  const res = await xlsxRoute.loader({ request: makeRequest(`/cycles/${cycleId}/indicators.xlsx${query}`, { cookie: admin }), params: { cycleId: String(cycleId) }, context: {} });
  return { res, buffer: Buffer.from(await res.arrayBuffer()) };
}

/** Change cells of a workbook: sheet → code → column header → value. */
async function edit(buffer: Buffer, sheetName: string, changes: Record<string, Record<string, string | number | null>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const sheet = wb.getWorksheet(sheetName)!;
  const col = (header: string) => INDICATOR_COLUMNS.findIndex((c) => c.header === header) + 1;
  sheet.eachRow((row) => {
    const change = changes[String(row.getCell(col("编码")).value)];
    if (!change) return;
    for (const [header, value] of Object.entries(change)) row.getCell(col(header)).value = value;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const rowOf = (rows: string[][], code: string) => rows.findIndex((r) => r[1] === code) + 1;

function upload(year: number, buffer: Buffer, category = "", cookie = admin) {
  const cycleId = findCycleByYear(year, getDb())!.id;
  const form = new FormData();
  form.append("category", category);
  form.append("file", new File([Uint8Array.from(buffer)], "指标体系.xlsx"));
  return run(importPage.action, makeRequest(`/cycles/${cycleId}/import`, { cookie, form }), { cycleId: String(cycleId) });
}

function cli(script: string, args: string[]) {
  return exec("npx", ["tsx", script, ...args], { cwd: process.cwd(), env: { ...process.env, DATA_DIR: dataDir.dir(), NODE_ENV: "test" } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
  for (const [year, source] of [[2026, "template"], [2025, "empty"], [2024, "template"]] as const) createCycle(getDb(), office(), { year, source });
  const published = transitionCycle(getDb(), findCycleByYear(2024, getDb())!.id, "published", office());
  if (!published.ok) throw new Error(published.errors.join("\n"));
});

describe("indicator sets as Excel", () => {
  it("downloads one row per node with Chinese headers, readable rule columns and a 说明 sheet", async () => {
    const { res, buffer } = await download(2026);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
    const sheets = await sheetsOf(buffer);
    expect(Object.keys(sheets)).toEqual(["街道办事处", "区级部门", "说明"]);
    const rows = sheets["区级部门"];
    expect(rows[0]).toEqual(["层级", "编码", "上级编码", "名称", "维度", "类别", "分值", "评分规则", "扣分项", "达标值", "档位", "时限", "无事项时", "评分汇总", "任务", "酌情上限", "指定评分来源", "否决范围", "扣分项上限", "考核要点", "评分标准", "政策依据", "佐证要求", "佐证类型"]);
    const byCode = (code: string) => rows[rowOf(rows, code) - 1];
    expect(byCode("1.3.1").slice(0, 4)).toEqual(["3", "1.3.1", "1.3", "财政预决算和“三公”经费信息公开"]);
    expect(byCode("3.1")[7]).toBe("时效");
    expect(byCode("3.1")[11]).toBe("5小时");
    expect(byCode("2.2")[11]).toBe("3个工作日");
    expect(byCode("7.2").slice(7, 10)).toEqual(["比率达标", "", "0.5"]);
    expect(sheets["说明"].map((r) => r[0])).toContain("扣分项");

    const one = await download(2026, `?category=${categoryId("区级部门")}`);
    expect(Object.keys(await sheetsOf(one.buffer))).toEqual(["区级部门", "说明"]);
  });

  it("round-trips exactly: export → import → export gives the same sheets and the same trees", async () => {
    const first = await download(2026);
    const res = await upload(2025, first.buffer);
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("已从“指标体系.xlsx”导入 2 套指标体系。");
    expect(specsOf(2025, "区级部门")).toEqual(specsOf(2026, "区级部门"));
    expect(specsOf(2025, "街道办事处")).toEqual(specsOf(2026, "街道办事处"));
    const second = await download(2025);
    expect(await sheetsOf(second.buffer)).toEqual(await sheetsOf(first.buffer));
    expect(db().select().from(auditLog).where(eq(auditLog.action, "indicator_set.import")).all()).toHaveLength(2);
  });

  it("refuses a broken sheet naming each bad row, and writes nothing", async () => {
    const { buffer } = await download(2026, `?category=${categoryId("区级部门")}`);
    const rows = (await sheetsOf(buffer))["区级部门"];
    const before = { tree: specsOf(2025, "区级部门"), audit: auditCount(), nodes: db().select().from(indicatorNodes).all().length };

    const broken = await edit(buffer, "区级部门", { "2.3": { 评分规则: "乱写" }, "4.1": { 名称: null }, "1.1": { 达标值: "全部" } });
    const res = await upload(2025, broken, "区级部门");
    expect(res.status).toBe(400);
    expect(res.data.message).toBe("未导入任何数据：发现 3 处错误（涉及 3 行），请按下列原因修改后重新导入。");
    expect(res.data.problems).toHaveLength(3);
    expect(res.data.problems[0]).toMatch(new RegExp(`^工作表“区级部门”第${rowOf(rows, "1.1")}行：`));
    expect(res.data.problems[1]).toMatch(new RegExp(`^工作表“区级部门”第${rowOf(rows, "2.3")}行：.*乱写`));
    expect(res.data.problems[2]).toMatch(new RegExp(`^工作表“区级部门”第${rowOf(rows, "4.1")}行：.*名称`));

    const badSum = await edit(buffer, "区级部门", { "1.1": { 分值: 7 } });
    const sum = await upload(2025, badSum, "区级部门");
    expect(sum.status).toBe(400);
    expect(sum.data.problems).toEqual([`工作表“区级部门”第${rowOf(rows, "1")}行：子指标分值之和(32)不等于上级分值(30)`]);

    expect(specsOf(2025, "区级部门")).toEqual(before.tree);
    expect(auditCount()).toBe(before.audit);
    expect(db().select().from(indicatorNodes).all()).toHaveLength(before.nodes);
  });

  it("shows the import page to the office only, and says when the cycle is frozen", async () => {
    const page = (year: number, cookie = admin) =>
      run(importPage.loader, makeRequest(`/cycles/${findCycleByYear(year, getDb())!.id}/import`, { cookie }), { cycleId: String(findCycleByYear(year, getDb())!.id) });
    const draft = await page(2025);
    expect(draft.status).toBe(200);
    expect(draft.data).toMatchObject({ editable: true, sets: ["街道办事处", "区级部门"] });
    expect(draft.data.categories.map((c: { name: string }) => c.name)).toEqual(["街道办事处", "区级部门"]);
    expect((await page(2024)).data.editable).toBe(false);
    expect((await page(2025, await sessionCookieFor("leader"))).status).toBe(403);
    const before = auditCount();
    expect((await upload(2025, (await download(2026)).buffer, "", await sessionCookieFor("leader"))).status).toBe(403);
    expect(auditCount()).toBe(before);
  });

  it("refuses to import into a published cycle", async () => {
    const { buffer } = await download(2026);
    const before = specsOf(2024, "区级部门");
    const res = await upload(2024, buffer);
    expect(res.status).toBe(400);
    expect(res.data.message).toBe(
      "2024年度考核当前状态为“已发布”，指标体系已冻结，不能导入。发布后的调整须在指标体系页面以修订方式逐项进行并说明理由。",
    );
    expect(specsOf(2024, "区级部门")).toEqual(before);
  });
});

describe("package skeleton", () => {
  it("exports a cycle as a zwgk-assessment/1 package with settings and indicator sets, no units", async () => {
    const cycleId = findCycleByYear(2026, getDb())!.id;
    const res = await packageRoute.loader({ request: makeRequest(`/cycles/${cycleId}/package.json`, { cookie: admin }), params: { cycleId: String(cycleId) }, context: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toContain("assessment-2026.json");
    const pkg = JSON.parse(await res.text());
    expect(pkg).toMatchObject({ format: PACKAGE_FORMAT, title: "2026年度政务公开工作绩效考核", opennessWeightPct: 5, scale: 100, units: [] });
    expect(pkg.indicatorSets.map((s: { category: string }) => s.category)).toEqual(["街道办事处", "区级部门"]);
    expect(pkg.calendar.holidays.length).toBeGreaterThan(0);
    expect(validatePackage(pkg).ok).toBe(true);
    const dept = await sessionCookieFor("dept-001");
    const denied = await run(packageRoute.loader, makeRequest(`/cycles/${cycleId}/package.json`, { cookie: dept }), { cycleId: String(cycleId) });
    expect(denied.status).toBe(403);
  });
});

describe("command line", () => {
  it("exports a cycle's sets (all, or one category) and refuses a missing year with exit code 1", async () => {
    const out = makeTempDir("zwgk-ind-");
    const all = await cli("app/cli/export-indicators.ts", ["--cycle", "2026", "--out", path.join(out, "all.xlsx")]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("2026年度 2 套指标体系已写入");
    expect(Object.keys(await sheetsOf(fs.readFileSync(path.join(out, "all.xlsx"))))).toEqual(["街道办事处", "区级部门", "说明"]);
    const one = await cli("app/cli/export-indicators.ts", ["--cycle", "2026", "--category", "区级部门", "--out", path.join(out, "one.xlsx")]);
    expect(one.code).toBe(0);
    expect(await sheetsOf(fs.readFileSync(path.join(out, "one.xlsx")))).toEqual(await sheetsOf((await download(2026, `?category=${categoryId("区级部门")}`)).buffer));
    const missing = await cli("app/cli/export-indicators.ts", ["--cycle", "2099", "--out", path.join(out, "x.xlsx")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("找不到2099年度的考核。");
    const usage = await cli("app/cli/export-indicators.ts", ["--out", path.join(out, "x.xlsx")]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("缺少 --cycle <年份>");
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("imports into a new year as a draft, refuses a published cycle and a broken file with exit code 1", async () => {
    const out = makeTempDir("zwgk-ind-");
    const file = path.join(out, "sets.xlsx");
    fs.writeFileSync(file, (await download(2026)).buffer);

    const created = await cli("app/cli/import-indicators.ts", ["--cycle", "2032", file]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("2032年度考核不存在，已新建为草稿。");
    expect(findCycleByYear(2032, getDb())!.status).toBe("draft");
    expect(specsOf(2032, "区级部门")).toEqual(specsOf(2026, "区级部门"));

    const published = await cli("app/cli/import-indicators.ts", ["--cycle", "2024", file]);
    expect(published.code).toBe(1);
    expect(published.stderr).toContain("2024年度考核当前状态为“已发布”，指标体系已冻结，不能导入。");

    const rows = (await sheetsOf(fs.readFileSync(file)))["区级部门"];
    const brokenFile = path.join(out, "broken.xlsx");
    fs.writeFileSync(brokenFile, await edit(fs.readFileSync(file), "区级部门", { "1.1": { 分值: 7 } }));
    const before = auditCount();
    const broken = await cli("app/cli/import-indicators.ts", ["--cycle", "2033", "--category", "区级部门", brokenFile]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`工作表“区级部门”第${rowOf(rows, "1")}行：子指标分值之和(32)不等于上级分值(30)`);
    expect(findCycleByYear(2033, getDb())).toBeUndefined();
    expect(auditCount()).toBe(before);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
