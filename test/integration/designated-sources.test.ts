import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, categories, indicatorNodes, evaluatorAssignments, evaluatorEntries, outsideAssessments, spotCheckBatches, spotCheckUnits } from "../../db/schema";
import type { LeafInput, UnitResult } from "../../scoring";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import * as outsidePage from "../../app/routes/cycles.$cycleId.outside";
import * as outsideXlsx from "../../app/routes/cycles.$cycleId.outside[.]xlsx";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import * as batchPage from "../../app/routes/spotchecks.$batchId";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import { getIndicatorSet } from "../../app/services/cycles.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { exportSource } from "../../app/services/results-export/source.server";
import { writeResultsXlsx } from "../../app/services/results-export/xlsx.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { insertCycle, leafNodeId } from "../helpers/cycle-fixtures";
import { setCycleStatus, unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { cookies, loginAll } from "../helpers/evaluation-actions";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";

// Issue 13, rule 7 beyond an evaluator: a leaf “以县外网办评价为准” takes the value the office records
// for the outside office (form or Excel, audited, refused once final); a leaf “以区级抽查结果为准”
// takes the score a spot check recorded. Until each value is there the cycle says why it cannot be
// computed, naming the unit and the leaf; then the explanation names the source and the evaluators'
// scores stay beside it; the results workbook's 扣分明细 and 说明 sheets say so.

useTempDataDir();

const TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 100,
    children: [
      { code: "1.1", name: "政府网站建设", points: 10, rule: { type: "score", designated: "县外网办", designatedKind: "outside" } },
      { code: "1.2", name: "专栏维护", points: 80, rule: { type: "score" } },
      { code: "1.3", name: "公开质量", points: 10, rule: { type: "score", designated: "区级抽查", designatedKind: "spotcheck" } },
    ],
  },
];

const ENTRIES: Record<string, LeafInput>[] = [
  { "1.1": { scores: [9] }, "1.2": { scores: [70] }, "1.3": { scores: [9] } },
  { "1.1": { scores: [8] }, "1.2": { scores: [72] }, "1.3": { scores: [8] } },
];

let cycleId = 0;
let batchId = 0;
const BM = () => unitIdOf("BM001");
const node = (code: string) => leafNodeId(cycleId, "BM001", code);
const page = (query = "") => run(outsidePage.loader, makeRequest(`/cycles/${cycleId}/outside${query}`, { cookie: cookies.admin }), { cycleId: String(cycleId) });
const post = (form: Record<string, string> | FormData, user = "admin") =>
  run(outsidePage.action, makeRequest(`/cycles/${cycleId}/outside${form instanceof FormData ? "?import" : ""}`, { cookie: cookies[user], form }), { cycleId: String(cycleId) });
const save = (value: string, extra: Record<string, string> = {}) =>
  post({ unitId: String(BM()), nodeId: String(node("1.1")), source: "县外网办", value, note: "县外网办〔2026〕3号", version: "", ...extra });
const stored = () => getDb().select().from(outsideAssessments).all();
const audits = () => getDb().select().from(auditLog).where(like(auditLog.action, "outside.assessment.%")).all();

beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001"]);
  cycleId = insertCycle(2026, TREE, { status: "evaluating" });
  const at = "2026-12-01T08:00:00.000Z";
  const db = getDb();
  (["eval-001", "eval-002"] as const).forEach((username, k) => {
    const a = db
      .insert(evaluatorAssignments)
      .values({ cycleId, unitId: BM(), evaluatorId: userIdOf(username), method: "manual", assignedAt: at, signedOffAt: at, lead: k === 0 })
      .returning()
      .get();
    for (const [leaf, input] of Object.entries(ENTRIES[k])) {
      db.insert(evaluatorEntries).values({ assignmentId: a.id, nodeId: node(leaf), input: input as Record<string, unknown>, reason: "", updatedAt: at }).run();
    }
  });
  batchId = db.insert(spotCheckBatches).values({ cycleId, seed: "s", size: "1", createdAt: at }).returning().get().id;
  db.insert(spotCheckUnits).values({ batchId, unitId: BM(), inspectorId: userIdOf("eval-003") }).run();
});

async function collect(write: (s: PassThrough) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await write(stream);
  return Buffer.concat(chunks);
}

const MISSING_OUTSIDE = "单位“区教育局”的指标“1.1”缺少“县外网办”的评价（该指标以县外网办评价为准）";
const MISSING_SPOT = "单位“区教育局”的指标“1.3”缺少“区级抽查”的抽查评分（该指标以区级抽查结果为准）";

describe("a designated outside office or spot check", () => {
  it("keeps the cycle from computing while a value is missing, naming the unit and the leaf, on the page and the cycle's next step", async () => {
    const view = await page();
    expect(view.status).toBe(200);
    expect(view.data.sources).toEqual(["县外网办"]);
    expect(view.data.cells.filter((c: { unitCode: string }) => c.unitCode === "BM001").map((c: { leaf: string; max: number; value: string }) => [c.leaf, c.max, c.value])).toEqual([
      ["1.1 政府网站建设", 10, ""],
    ]);
    expect(view.data.missing).toEqual([MISSING_OUTSIDE, MISSING_SPOT]);

    const cycle = await run(cyclePage.loader, makeRequest(`/cycles/${cycleId}`, { cookie: cookies.admin }), { cycleId: String(cycleId) });
    const step = cycle.data.transitions.find((t: { to: string }) => t.to === "preliminary");
    expect(step.preconditions.find((p: { id: string }) => p.id === "designatedValuesRecorded").problems).toEqual([MISSING_OUTSIDE, MISSING_SPOT]);

    const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.message)).toEqual([MISSING_OUTSIDE, MISSING_SPOT]);
    expect(currentResults(getDb(), cycleId)).toBeNull();
  });

  it("records the outside office's value by form: beyond the leaf's points or from another office refused, nothing saved; each save audited", async () => {
    const over = await save("12");
    expect([over.status, over.data.fieldErrors]).toEqual([400, { value: "指标“1.1 政府网站建设”的评价分值须在0至10分之间" }]);
    const bad = await save("六");
    expect([bad.status, bad.data.fieldErrors.value]).toEqual([400, "评价分值须为不小于0的数字，最多保留2位小数"]);
    const other = await save("6", { source: "市政务公开办" });
    expect([other.status, other.data.fieldErrors.source]).toEqual([400, "指标“1.1 政府网站建设”以县外网办评价为准，不接受“市政务公开办”的评价"]);
    const notDesignated = await save("6", { nodeId: String(node("1.2")) });
    expect([notDesignated.status, notDesignated.data.fieldErrors.nodeId]).toEqual([400, "该指标不以外部单位评价为准，不能为“区教育局”录入外部单位评价"]);
    const ok = await save("6");
    expect([ok.status, ok.data.message]).toEqual([200, "评价已保存。"]);
    const evaluator = await post({ unitId: String(BM()), nodeId: String(node("1.1")), source: "县外网办", value: "5", version: "1" }, "eval-001");
    expect(evaluator.status).toBe(403);
    expect(stored().map((r) => [r.value, r.note, r.version])).toEqual([[6, "县外网办〔2026〕3号", 1]]);
    // A form opened before that save is stale.
    const stale = await save("7");
    expect([stale.status, stale.data.fieldErrors._form]).toEqual([409, "该项已被他人修改，请刷新后再试"]);
    expect(audits().map((a) => a.action)).toEqual(["outside.assessment.save"]);
    expect((await page()).data.missing).toEqual([MISSING_SPOT]);
  });

  it("takes a spot check's score (抽查评分) on a leaf designated to spot checks, and refuses it elsewhere", async () => {
    const form = (nodeCode: string, points: string) => ({
      intent: "record",
      unitId: String(BM()),
      nodeId: String(node(nodeCode)),
      description: "抽查政府信息公开专栏的公开质量",
      foundOn: "2026-11-20",
      kind: "score",
      points,
    });
    const send = (f: Record<string, string>) => run(batchPage.action, makeRequest(`/spotchecks/${batchId}`, { cookie: cookies.admin, form: f }), { batchId: String(batchId) });
    expect((await send(form("1.2", "5"))).data.fieldErrors.kind).toBe("抽查评分只能记录在以抽查结果为准的指标上");
    expect((await send(form("1.3", "11"))).data.fieldErrors.points).toBe("抽查评分须在0至10分之间");
    expect((await send({ ...form("1.3", "5"), kind: "deduction" })).data.fieldErrors.kind).toBe("该指标以区级抽查结果为准，请选择“抽查评分”记录本项得分");
    expect((await send(form("1.3", "7.5"))).status).toBe(200);
    expect((await page()).data.missing).toEqual([]);
  });

  it("scores each leaf from its source, naming it in the explanation beside the evaluators' scores, also in 扣分明细", async () => {
    const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!r.ok) throw new Error(`${r.message} ${JSON.stringify(r.errors)}`);
    const results = JSON.parse(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "results")) as { units: UnitResult[] };
    const u = results.units.find((x) => x.id === "BM001")!;
    // 1.1 = 6 (县外网办), 1.2 = mean(70, 72) = 71, 1.3 = 7.5 (the spot check): 84.5.
    expect(u.total).toBe(84.5);
    expect(u.leaves["1.1"].explain).toBe("以县外网办评价为准：评分：评估员 王敏 9分、评估员 李强 8分、县外网办 6分（来源：县外网办〔2026〕3号）（最高分与最低分相差3分，超过允许差异2分，需复核），得6.00/10分");
    expect(u.leaves["1.3"].explain).toMatch(/^以区级抽查结果为准：评分：评估员 王敏 9分、评估员 李强 8分、区级抽查 7.5分（来源：抽查发现#\d+），得7.50\/10分$/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await collect((s) => writeResultsXlsx(exportSource(getDb(), cycleId), s))) as unknown as ExcelJS.Buffer);
    const reasons: string[] = [];
    wb.getWorksheet("扣分明细")!.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      if (v[0] === "BM001" && v[3] === "1.1") reasons.push(String(v[8]));
    });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("以县外网办评价为准");
    const about: string[] = [];
    wb.getWorksheet("说明")!.eachRow((row) => about.push((row.values as unknown[]).slice(1).join("|")));
    expect(about).toContain("区级部门指定评分来源|1.1 政府网站建设：以县外网办评价为准；1.3 公开质量：以区级抽查结果为准");
  });

  it("exports the values to Excel and imports them back: every row checked first, a bad file changes nothing", async () => {
    const download = await outsideXlsx.loader({ request: makeRequest(`/cycles/${cycleId}/outside.xlsx`, { cookie: cookies.admin }), params: { cycleId: String(cycleId) }, context: {} });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (download as Response).arrayBuffer()) as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["单位编码", "单位名称", "指标编号", "指标名称", "评价来源", "评价分值", "说明"]);
    let bmRow = 0;
    sheet.eachRow((row, n) => {
      if ((row.values as unknown[])[1] === "BM001") bmRow = n;
    });
    expect((sheet.getRow(bmRow).values as unknown[]).slice(1)).toEqual(["BM001", "区教育局", "1.1", "政府网站建设", "县外网办", "6", "县外网办〔2026〕3号"]);

    const upload = async (edit: (s: ExcelJS.Worksheet) => void) => {
      const copy = new ExcelJS.Workbook();
      await copy.xlsx.load((await wb.xlsx.writeBuffer()) as ExcelJS.Buffer);
      edit(copy.worksheets[0]);
      const form = new FormData();
      form.append("file", new Blob([await copy.xlsx.writeBuffer()]), "外部单位评价.xlsx");
      return post(form);
    };
    const auditsBefore = audits().length;
    const refused = await upload((s) => {
      s.getRow(bmRow).getCell(6).value = "11";
      s.addRow(["XX999", "", "1.1", "", "县外网办", "5", ""]);
      s.addRow(["BM001", "", "1.1", "", "市政务公开办", "5", ""]);
    });
    expect(refused.status).toBe(400);
    const last = sheet.rowCount;
    expect(refused.data.problems).toEqual([
      `工作表“外部单位评价”第${bmRow}行：指标“1.1 政府网站建设”的评价分值须在0至10分之间`,
      `工作表“外部单位评价”第${last + 1}行：单位编码“XX999”不是2026年度考核的单位`,
      `工作表“外部单位评价”第${last + 2}行：指标“1.1 政府网站建设”以县外网办评价为准，评价来源“市政务公开办”不符`,
      `工作表“外部单位评价”第${last + 2}行：与第${bmRow}行是同一单位的同一指标`,
    ]);
    expect(stored().map((r) => r.value)).toEqual([6]);
    expect(audits()).toHaveLength(auditsBefore);

    const same = await upload(() => {});
    expect([same.status, same.data.message]).toEqual([200, `已从“外部单位评价.xlsx”导入 ${sheet.rowCount - 1} 行，其中 0 项评价有变化。`]);
    const changed = await upload((s) => {
      s.getRow(bmRow).getCell(6).value = "6.5";
    });
    expect(changed.data.message).toContain("其中 1 项评价有变化");
    expect(stored().map((r) => [r.value, r.version])).toEqual([[6.5, 2]]);
    // The change marks the unit for the next (incremental) recompute.
    const again = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    expect(again.ok && again.rescored).toBe(1);
    const results = JSON.parse(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "results")) as { units: UnitResult[] };
    expect(results.units.find((x) => x.id === "BM001")!.leaves["1.1"].score).toBe(6.5);
    expect(audits().slice(auditsBefore).map((a) => a.action)).toEqual(["outside.assessment.import", "outside.assessment.save", "outside.assessment.import"]);
  });

  it("refuses every change once the results are final", async () => {
    setCycleStatus(cycleId, "final");
    const before = audits().length;
    const r = await save("5", { version: "2" });
    expect([r.status, r.data.fieldErrors._form]).toEqual([409, "2026年度考核当前为“已定稿”，不能录入或修改外部单位评价"]);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array([1, 2, 3])]), "x.xlsx");
    const imported = await post(form);
    expect([imported.status, imported.data.message]).toEqual([409, "2026年度考核当前为“已定稿”，不能录入或修改外部单位评价"]);
    expect((await page()).data.open).toBe(false);
    expect(stored().map((x) => x.value)).toEqual([6.5]);
    expect(audits()).toHaveLength(before);
    expect(getDb().select().from(outsideAssessments).where(and(eq(outsideAssessments.cycleId, cycleId), eq(outsideAssessments.value, 5))).all()).toEqual([]);
  });
});

describe("amending a published leaf to take an outside office's value", () => {
  it("keeps the evaluators' stored scores, which fit the rule without the source (its value comes when the package is built)", async () => {
    const part = (code: string, name: string, dimension: "disclosure" | "interpretation" | "response" | "media", points: number): IndicatorSpec => ({
      code,
      name,
      dimension,
      points,
      children: [{ code: `${code}.2`, name: code === "1" ? "专栏维护" : name, points, rule: { type: "score" } }],
    });
    const other = insertCycle(2027, [part("1", "信息公开", "disclosure", 40), part("2", "政策解读", "interpretation", 20), part("3", "回应关切", "response", 20), part("4", "媒体参与", "media", 20)], {
      status: "evaluating",
    });
    const at = "2027-12-01T08:00:00.000Z";
    const a = getDb().insert(evaluatorAssignments).values({ cycleId: other, unitId: BM(), evaluatorId: userIdOf("eval-001"), method: "manual", assignedAt: at }).returning().get();
    const nodeId = leafNodeId(other, "BM001", "1.2");
    getDb().insert(evaluatorEntries).values({ assignmentId: a.id, nodeId, input: { scores: [30] }, reason: "", updatedAt: at }).run();
    const categoryId = getDb().select().from(categories).where(eq(categories.name, "区级部门")).get()!.id;
    const setId = getIndicatorSet(other, categoryId, getDb())!.id;
    const form = { intent: "save", nodeId: String(nodeId), code: "1.2", name: "专栏维护", points: "40", ruleType: "score", designatedKind: "outside", designated: "县外网办", reason: "以县外网办评价为准", guidance: "", criteria: "", basis: "", dimension: "" };
    const res = await run(setPage.action, makeRequest(`/cycles/${other}/sets/${setId}`, { cookie: cookies.admin, form }), { cycleId: String(other), setId: String(setId) });
    expect([res.status, res.data.message]).toEqual([200, "修订已保存：修订指标“1.2 专栏维护”，评分规则已修改，已有1条填报/评分数据符合修订后的规则，保持不变。"]);
    expect(getDb().select().from(indicatorNodes).where(eq(indicatorNodes.id, nodeId)).get()!.rule).toEqual({ type: "score", designated: "县外网办", designatedKind: "outside" });
    expect(getDb().select().from(evaluatorEntries).where(eq(evaluatorEntries.nodeId, nodeId)).get()!.input).toEqual({ scores: [30] });
  });
});
