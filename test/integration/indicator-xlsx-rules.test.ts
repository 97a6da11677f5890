// Issue 13: the indicator workbook carries every rule of zwgk-assessment/2 — a fault's cap or
// once, discretion, designated source, part veto, checklist tasks, the penalty part and its cap,
// and each category's own weight, grades, pass mark and bonus gate (the 设置 sheet). Export →
// import → export is identical; bad input of each new field is named by sheet and row and nothing
// is imported; a workbook exported before these columns existed still imports unchanged.
import fs from "node:fs";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCycle, findCycleByYear } from "../../app/services/cycles.server";
import { packageSkeleton } from "../../app/services/indicator-package.server";
import { loadTree, toSpecs } from "../../app/services/indicator-tree.server";
import { buildIndicatorWorkbook, cycleExportSets, formatProblem, importIndicators, type ExportSet } from "../../app/services/indicator-xlsx.server";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import type { CategoryRules } from "../../app/domain/category-rules";
import { getDb } from "../../db/client";
import { auditLog, categories, cycles, indicatorSets, users } from "../../db/schema";
import { PACKAGE_FORMAT, PACKAGE_FORMAT_2, validatePackage } from "../../scoring";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { sheetsOf } from "../helpers/xlsx-sheets";

useTempDataDir();
const db = () => getDb();
const office = () => {
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  return { id: u.id, name: u.displayName, role: "office" as const };
};
const auditCount = () => db().select().from(auditLog).all().length;
const categoryId = (name: string) => db().select().from(categories).where(eq(categories.name, name)).get()!.id;
const specsOf = (year: number, category: string) => {
  const set = db().select().from(indicatorSets).where(eq(indicatorSets.cycleId, findCycleByYear(year, getDb())!.id)).all().find((s) => s.categoryId === categoryId(category))!;
  return toSpecs(loadTree(db(), set.id));
};
const rulesOf = (year: number) => db().select().from(cycles).where(eq(cycles.year, year)).get()!.settings.categoryRules;

const leaf = (code: string, name: string, points: number, rule: IndicatorSpec["rule"], extra: Partial<IndicatorSpec> = {}): IndicatorSpec => ({ code, name, points, rule, evidenceRequired: false, ...extra });
const node = (code: string, name: string, points: number, children: IndicatorSpec[], extra: Partial<IndicatorSpec> = {}): IndicatorSpec => ({
  code,
  name,
  points,
  children,
  evidenceRequired: false,
  ...extra,
});

/** Every new rule on one 区级部门 set. */
const DEPARTMENT: IndicatorSpec[] = [
  node(
    "1",
    "信息公开",
    40,
    [
      leaf("1.1", "主动公开", 20, {
        type: "deduction",
        faults: [
          { code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 },
          { code: "nodir", label: "未编制目录", points: 1, once: true },
          { code: "late", label: "超期公开", points: 1 },
        ],
        discretionMax: 3,
      }),
      leaf("1.2", "门户网站建设", 10, { type: "score", designated: "县外网办", designatedKind: "outside" }),
      leaf("1.3", "重点任务落实", 10, {
        type: "checklist",
        tasks: [
          { code: "ml", label: "编制政府信息公开目录", points: 4 },
          { code: "zn", label: "更新政府信息公开指南", points: 3 },
          { code: "nb", label: "按时发布年度报告", points: 3 },
        ],
      }),
    ],
    { dimension: "disclosure", part: "base" },
  ),
  node("2", "政策解读", 30, [leaf("2.1", "解读质量", 20, { type: "score", reconcile: "median" }), leaf("2.2", "解读形式", 10, { type: "score", discretionMax: 6 })], { dimension: "interpretation", part: "base" }),
  node("3", "回应关切", 20, [leaf("3.1", "舆情回应", 20, { type: "score", designated: "区级抽查", designatedKind: "spotcheck" })], { dimension: "response", part: "base" }),
  node("4", "媒体参与", 10, [leaf("4.1", "媒体参与情况", 10, { type: "score", designated: "王敏" })], { dimension: "media", part: "base" }),
  node("5", "加分项", 5, [leaf("5.1", "工作创新", 5, { type: "score" })], { part: "bonus" }),
  node("6", "否决项", 0, [leaf("6.1", "解读否决", 0, { type: "veto", scope: "2" }), leaf("6.2", "失泄密", 0, { type: "veto" })], { part: "veto" }),
  node(
    "7",
    "倒扣分",
    0,
    [
      leaf("7.1", "通报批评", 0, { type: "deduction", faults: [{ code: "notice", label: "被上级通报批评", points: 2 }] }),
      leaf("7.2", "失泄密事件", 0, { type: "deduction", faults: [{ code: "leak", label: "发生失泄密事件", points: 5, once: true }] }),
    ],
    { part: "penalty", cap: 5 },
  ),
];

const STREET: IndicatorSpec[] = [
  node("1", "信息公开", 50, [leaf("1.1", "主动公开", 50, { type: "score" })], { dimension: "disclosure", part: "base" }),
  node("2", "政策解读", 20, [leaf("2.1", "解读", 20, { type: "score" })], { dimension: "interpretation", part: "base" }),
  node("3", "回应关切", 20, [leaf("3.1", "回应", 20, { type: "score" })], { dimension: "response", part: "base" }),
  node("4", "媒体参与", 10, [leaf("4.1", "媒体", 10, { type: "score" })], { dimension: "media", part: "base" }),
];

const DEPARTMENT_RULES: CategoryRules = {
  opennessWeightPct: 5,
  grades: [
    { name: "优秀", min: 90 },
    { name: "良好", min: 80 },
    { name: "合格", min: 60 },
    { name: "不合格", min: 0 },
  ],
  passMark: 60,
  bonusGate: { value: 36, comparison: "gte", part: "1" },
};
const STREET_RULES: CategoryRules = { opennessWeightPct: 4, bonusGate: { value: 85, comparison: "gt" } };

// In the order of the seeded categories (the export lists sets in category order).
const SETS: ExportSet[] = [
  { category: "街道办事处", specs: STREET, coverageGap: null, rules: STREET_RULES },
  { category: "区级部门", specs: DEPARTMENT, coverageGap: null, rules: DEPARTMENT_RULES },
];

function importInto(year: number, buffer: Uint8Array) {
  return importIndicators(getDb(), buffer, { year, createIfMissing: true, createCategories: true }, office(), "考核细则.xlsx", (actor, y) =>
    createCycle(getDb(), actor, { year: y, source: "empty" }),
  );
}

/** Change cells: sheet → key (编码 on a data sheet, 单位类别 on 设置) → column header → value. */
async function edit(buffer: Uint8Array, sheetName: string, changes: Record<string, Record<string, string | number | null>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(buffer) as unknown as ExcelJS.Buffer);
  const sheet = wb.getWorksheet(sheetName)!;
  const headers = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ""));
  const col = (h: string) => {
    const i = headers.indexOf(h);
    if (i < 1) throw new Error(`no column ${h}`);
    return i;
  };
  const keyCol = col(sheetName === "设置" ? "单位类别" : "编码");
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const change = changes[String(row.getCell(keyCol).value)];
    if (!change) return;
    for (const [h, value] of Object.entries(change)) row.getCell(col(h)).value = value;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let exported: Buffer;

beforeAll(async () => {
  seedAccounts(db());
  exported = await buildIndicatorWorkbook(SETS, "考核细则");
});

describe("every new rule in the workbook", () => {
  it("writes readable columns, a 设置 sheet and explains both on the 说明 sheet", async () => {
    const sheets = await sheetsOf(exported);
    expect(Object.keys(sheets)).toEqual(["街道办事处", "区级部门", "设置", "说明"]);
    const rows = sheets["区级部门"];
    const head = rows[0];
    const cell = (code: string, h: string) => rows.find((r) => r[1] === code)![head.indexOf(h)];
    expect(cell("1.1", "扣分项")).toBe("miss:栏目内容缺失:0.5（最多扣2分）; nodir:未编制目录:1（只扣一次）; late:超期公开:1");
    expect(cell("1.1", "酌情上限")).toBe("3");
    // The kind of source before its name; an evaluator's name alone, as earlier workbooks wrote it.
    expect([cell("1.2", "指定评分来源"), cell("3.1", "指定评分来源"), cell("4.1", "指定评分来源")]).toEqual(["外部单位评价：县外网办", "抽查结果：区级抽查", "王敏"]);
    expect(cell("1.3", "评分规则")).toBe("任务清单");
    expect(cell("1.3", "任务")).toBe("ml:编制政府信息公开目录:4; zn:更新政府信息公开指南:3; nb:按时发布年度报告:3");
    expect(cell("2.2", "酌情上限")).toBe("6");
    expect(cell("6.1", "否决范围")).toBe("2");
    expect(cell("7", "类别")).toBe("扣分项");
    expect(cell("7", "扣分项上限")).toBe("5");
    expect(sheets["设置"]).toEqual([
      ["单位类别", "政务公开权重", "合格线", "等次", "加分门槛", "门槛比较", "门槛依据"],
      ["街道办事处", "4", "", "", "85", "高于", ""],
      ["区级部门", "5", "60", "优秀:90; 良好:80; 合格:60; 不合格:0", "36", "不低于", "1"],
    ]);
    const help = sheets["说明"].map((r) => r[0]);
    for (const h of ["扣分项", "任务", "酌情上限", "指定评分来源", "否决范围", "扣分项上限", "政务公开权重", "等次", "加分门槛", "门槛比较", "门槛依据"]) expect(help).toContain(h);
    const notes = sheets["说明"].map((r) => r[2]).join("\n");
    expect(notes).toContain("“（最多扣2分）”表示该项在本指标上合计最多扣2分");
    expect(notes).toContain("“（只扣一次）”表示无论发现几次只扣一次");
    expect(notes).toContain("外部单位的评价写“外部单位评价：县外网办”（以县外网办评价为准");
    expect(notes).toContain("抽查结果写“抽查结果：区级抽查”");
    expect(notes).toContain("扣分项（倒扣分）在100分之外");
  });

  it("round-trips: export → import → export gives the same sheets, trees and category settings, and a /2 package", async () => {
    const r = await importInto(2031, exported);
    expect(r.ok, JSON.stringify(r.ok ? null : r.problems.map(formatProblem))).toBe(true);
    expect(specsOf(2031, "区级部门")).toEqual(DEPARTMENT);
    expect(specsOf(2031, "街道办事处")).toEqual(STREET);
    expect(rulesOf(2031)).toEqual({ [String(categoryId("区级部门"))]: DEPARTMENT_RULES, [String(categoryId("街道办事处"))]: STREET_RULES });
    const cycleId = findCycleByYear(2031, getDb())!.id;
    const again = await buildIndicatorWorkbook(cycleExportSets(db(), cycleId), "考核细则");
    expect(await sheetsOf(again)).toEqual(await sheetsOf(exported));

    const pkg = packageSkeleton(db(), cycleId);
    expect(pkg.format).toBe(PACKAGE_FORMAT_2);
    expect(pkg.indicatorSets.find((s) => s.category === "区级部门")).toMatchObject({ opennessWeightPct: 5, passMark: 60, bonusGate: { value: 36, comparison: "gte", part: "1" } });
    expect(validatePackage(pkg).ok).toBe(true);
  });

  it("a workbook with a 设置 sheet that no longer lists a category returns it to the cycle's settings; one without the sheet keeps them", async () => {
    const noStreet = await buildIndicatorWorkbook([{ ...SETS[0], rules: undefined }, SETS[1]], "考核细则");
    expect((await importInto(2031, noStreet)).ok).toBe(true);
    expect(rulesOf(2031)).toEqual({ [String(categoryId("区级部门"))]: DEPARTMENT_RULES });
    const none = await buildIndicatorWorkbook(SETS.map((s) => ({ ...s, rules: undefined })), "考核细则");
    expect(Object.keys(await sheetsOf(none))).toEqual(["街道办事处", "区级部门", "说明"]);
    expect((await importInto(2031, none)).ok).toBe(true);
    expect(rulesOf(2031)).toEqual({ [String(categoryId("区级部门"))]: DEPARTMENT_RULES });
  });

  it("refuses bad values of each new field, naming sheet and row, and imports nothing", async () => {
    const before = auditCount();
    const cells = await edit(exported, "区级部门", {
      "1.1": { 扣分项: "miss:栏目内容缺失:0.5（最多扣0.2分）; nodir:未编制目录:1（随便）", 酌情上限: 30 },
      "1.2": { 指定评分来源: "甲".repeat(51) },
      "1.3": { 任务: "ml:编制目录:12" },
      "2.1": { 指定评分来源: "外部单位评价：" },
      "2.2": { 酌情上限: "很多" },
      "7": { 类别: "倒扣", 扣分项上限: -1 },
      "7.1": { 指定评分来源: "县外网办" },
    });
    const r = await importInto(2032, cells);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(formatProblem)).toEqual([
      "工作表“区级部门”第3行：扣分项第2项“nodir:未编制目录:1（随便）”的扣分“1（随便）”格式不正确，应为数字，可在其后注明“（最多扣2分）”或“（只扣一次）”",
      "工作表“区级部门”第4行：指定评分来源不能超过50个字",
      "工作表“区级部门”第5行：任务“编制目录”的分值(12)超过指标分值(10)",
      "工作表“区级部门”第7行：指定评分来源“外部单位评价：”缺少来源名称，如“外部单位评价：县外网办”",
      "工作表“区级部门”第8行：酌情上限“很多”不是数字",
      "工作表“区级部门”第18行：类别“倒扣”无效，只能填：基础、加分、否决、扣分项",
      "工作表“区级部门”第18行：扣分项上限必须大于0（不设上限请留空）",
      "工作表“区级部门”第19行：评分规则为“扣分制”时不应填写“指定评分来源”",
    ]);
    const capped = await edit(exported, "区级部门", { "1.1": { 扣分项: "miss:栏目内容缺失:0.5（最多扣0.2分）", 酌情上限: 30 } });
    const r2 = await importInto(2032, capped);
    expect(r2.ok ? [] : r2.problems.map(formatProblem)).toEqual([
      "工作表“区级部门”第3行：扣分项“栏目内容缺失”的最多扣分(0.2)小于每次扣分(0.5)",
      "工作表“区级部门”第3行：酌情扣分上限(30)超过指标分值(20)",
    ]);
    expect(findCycleByYear(2032, getDb())).toBeUndefined();
    expect(auditCount()).toBe(before);
  });

  it("refuses a part veto, penalty part or cap that does not fit the tree, naming the rows", async () => {
    const tree = await edit(exported, "区级部门", {
      "1": { 扣分项上限: 3 },
      "6.1": { 否决范围: "5" },
      "7.1": { 分值: 2 },
      "7.2": { 评分规则: "评估打分", 扣分项: null },
    });
    const r = await importInto(2032, tree);
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      "工作表“区级部门”第2行：扣分项上限只能填在类别为扣分项、且有下级指标的一级指标上",
      "工作表“区级部门”第16行：否决范围“5”应为本工作表中类别为基础的一级指标编码（留空表示整体否决）",
      "工作表“区级部门”第18行：子指标分值之和(2)不等于上级分值(0)",
      "工作表“区级部门”第19行：扣分项（倒扣分）指标的分值须为0：在总分之外扣减，该部分最多扣多少分填在“扣分项上限”列",
      "工作表“区级部门”第20行：扣分项（倒扣分）指标的评分规则须为“扣分制”",
    ]);
    expect(findCycleByYear(2032, getDb())).toBeUndefined();
  });

  it("refuses bad category settings on the 设置 sheet, naming its rows", async () => {
    let bad = await edit(exported, "设置", {
      区级部门: { 政务公开权重: 3, 门槛依据: "5", 等次: "优秀90" },
      街道办事处: { 门槛比较: "大于", 单位类别: "乡镇" },
    });
    const r = await importInto(2032, bad);
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      "工作表“设置”第2行：单位类别“乡镇”在本文件中没有指标体系工作表",
      "工作表“设置”第3行：等次第1项“优秀90”格式不正确，应为“名称:分数下限”，如“优秀:90”",
      "工作表“设置”第3行：政务公开工作分值权重不得低于4%",
      "工作表“设置”第3行：加分门槛所依据的部分须为本指标体系中基础部分的一级指标",
    ]);
    bad = await edit(exported, "设置", { 街道办事处: { 门槛比较: "大于", 等次: "好:80; 差:10" } });
    const r2 = await importInto(2032, bad);
    expect(r2.ok ? [] : r2.problems.map(formatProblem)).toEqual([
      "工作表“设置”第2行：门槛比较“大于”无效，只能填“高于”或“不低于”",
      "工作表“设置”第2行：最低等次“差”的分数下限须为0，否则低分单位将没有等次",
    ]);
    expect(findCycleByYear(2032, getDb())).toBeUndefined();
  });
});

describe("a workbook exported before the new columns", () => {
  it("still imports unchanged, and its cycle keeps zwgk-assessment/1 packages", async () => {
    const file = fs.readFileSync(new URL("../fixtures/indicator-workbooks/exported-before-rules-v2.xlsx", import.meta.url));
    const expected = JSON.parse(fs.readFileSync(new URL("../fixtures/indicator-workbooks/exported-before-rules-v2.specs.json", import.meta.url), "utf8")) as Record<string, IndicatorSpec[]>;
    const r = await importInto(2033, file);
    expect(r.ok, JSON.stringify(r.ok ? null : r.problems.map(formatProblem))).toBe(true);
    // Stored as the import stores every tree: each node's evidence requirement, each top-level node's part.
    const stored = (specs: IndicatorSpec[], top: boolean): IndicatorSpec[] =>
      specs.map((s) => ({ ...s, evidenceRequired: s.evidenceRequired ?? false, ...(top ? { part: s.part ?? "base" } : {}), ...(s.children ? { children: stored(s.children, false) } : {}) }));
    for (const [category, specs] of Object.entries(expected)) expect(specsOf(2033, category)).toEqual(stored(specs, true));
    expect(rulesOf(2033)).toBeUndefined();
    expect(packageSkeleton(db(), findCycleByYear(2033, getDb())!.id).format).toBe(PACKAGE_FORMAT);
  });
});
