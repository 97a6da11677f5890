import { beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { getDb, getSqlite } from "../../db/client";
import * as cardPdf from "../../app/routes/results.$year.pdf.$unitId";
import * as scoreCardRoute from "../../app/routes/results.$year.units.$unitId";
import * as exportRoute from "../../app/routes/results.$year.export.$format";
import * as dashboard from "../../app/routes/dashboard";
import { bonusGateRule } from "../../app/domain/bonus-gate";
import { selfLeafText } from "../../app/domain/results-view";
import { cycleByYear } from "../../app/services/evaluation-context.server";
import { submissionDetail } from "../../app/services/submission-views.server";
import { scorePackage, type AssessmentPackageInput } from "../../scoring";
import { seedDemo } from "../../seeds/demo";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { pdfText } from "../helpers/pdf-text";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { unitIdOf } from "../helpers/evaluation-fixtures";

/**
 * The figures a person reads on the 2025 demo (final): self scores from the departments' own
 * answers, explanations rounded to two places, and one wording of the bonus gate.
 */

useTempDataDir();

let admin = "";
let leader = "";

beforeAll(async () => {
  await seedDemo();
  admin = await sessionCookieFor("admin");
  leader = await sessionCookieFor("leader");
}, 120_000);

interface CardLeaf {
  code: string;
  self: { score: number; na: boolean } | null;
  score: number;
  explain: string;
}

async function card(code: string) {
  const unitId = String(unitIdOf(code));
  const res = await run(scoreCardRoute.loader, makeRequest(`/results/2025/units/${unitId}`, { cookie: admin }), { year: "2025", unitId });
  expect(res.status).toBe(200);
  return res.data.card as { total: number; selfTotal: number | null; explain: string; leaves: CardLeaf[] };
}

/** A download's bytes (the loader's Response, read as the browser would). */
async function download(loader: (args: never) => unknown, url: string, params: Record<string, string>): Promise<Uint8Array> {
  const res = (await (loader as (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>)({
    request: makeRequest(url, { cookie: admin }),
    params,
    context: { clientIp: "127.0.0.1" },
  })) as Response;
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function cardPdfText(code: string): Promise<string> {
  const unitId = String(unitIdOf(code));
  return pdfText(await download(cardPdf.loader, `/results/2025/pdf/${unitId}`, { year: "2025", unitId }));
}

const submissionOf = (code: string) =>
  getSqlite().prepare("SELECT s.id FROM submissions s JOIN units u ON u.id = s.unit_id WHERE u.code = ? AND s.cycle_id = ?").pluck().get(code, cycleByYear(getDb(), 2025)!.id) as number;

describe("self scores (自评) come from the department's own submitted answers", () => {
  it("every leaf's 自评 on the score card is the self score the submissions page shows, and differs from 得分 where the evaluators judged otherwise", async () => {
    let unitsWithGap = 0;
    for (const u of DEMO_UNITS) {
      const c = await card(u.code);
      const detail = submissionDetail(getDb(), submissionOf(u.code));
      const page = new Map(detail.leaves.map((l) => [l.code, l]));
      for (const l of c.leaves) {
        const own = page.get(l.code)!;
        expect(own.answered, `${u.code} ${l.code}`).toBe(l.self !== null);
        if (l.self && !l.self.na) expect(l.self.score, `${u.code} ${l.code}`).toBe(own.score);
      }
      expect(c.selfTotal).toBe(detail.preview?.total);
      if (c.selfTotal !== c.total) unitsWithGap++;
    }
    // The departments' own scores are not the evaluators': most units' self totals differ from their results.
    expect(unitsWithGap).toBeGreaterThanOrEqual(12);
  });

  it("the dashboard's 自评分与评估得分 shows the same self totals as the score cards", async () => {
    const res = await run(dashboard.loader, makeRequest("/dashboard?cycle=2025", { cookie: leader }));
    const units = res.data.units as { id: string; total: number; self: number | null }[];
    expect(units).toHaveLength(DEMO_UNITS.length);
    for (const u of units) expect(u.self).toBe((await card(u.id)).selfTotal);
    expect(units.filter((u) => u.self !== u.total).length).toBeGreaterThanOrEqual(12);
  });

  it("a leaf the department did not answer reads 未自评, never the evaluated score", async () => {
    const submissionId = submissionOf("JD002");
    const before = await card("JD002");
    const leaf = before.leaves.find((l) => l.code === "1.2")!;
    expect(leaf.self).not.toBeNull();
    getSqlite()
      .prepare("DELETE FROM submission_answers WHERE submission_id = ? AND node_id = (SELECT node_id FROM submission_answers a JOIN indicator_nodes n ON n.id = a.node_id WHERE a.submission_id = ? AND n.code = '1.2')")
      .run(submissionId, submissionId);
    const after = await card("JD002");
    const gone = after.leaves.find((l) => l.code === "1.2")!;
    expect(gone.self).toBeNull();
    expect(selfLeafText(gone.self)).toBe("未自评");
    expect(gone.score).toBe(leaf.score);
    const text = await cardPdfText("JD002");
    expect(text).toContain("未自评");
  });
});

describe("scores a person reads are rounded half up to two places", () => {
  it("the score card's explanation shows the base sum as 约64.11, not 约64.108974", async () => {
    const c = await card("JD004");
    expect(c.explain).toContain("基础部分得分约64.11/87分（3项不适用，不计入），折算为100分制：100×约64.11÷87=73.69分");
    for (const u of DEMO_UNITS) {
      const x = await card(u.code);
      for (const text of [x.explain, ...x.leaves.map((l) => l.explain)]) expect(text, u.code).not.toMatch(/\d\.\d{3,}/);
    }
    const pdf = await cardPdfText("JD004");
    expect(pdf).toContain("基础部分得分约64.11/87分");
    expect(pdf).not.toContain("64.108974");
  });
});

describe("the bonus gate has one wording, the engine's (strictly above)", () => {
  it("the engine adds bonus points only above the gate, not at it", () => {
    const pkg = (base: number): AssessmentPackageInput => ({
      format: "zwgk-assessment/1",
      opennessWeightPct: 5,
      bonusGate: 80,
      calendar: { holidays: [], workdays: [] },
      indicatorSets: [
        {
          category: "c",
          indicators: [
            { id: "1", name: "基础", points: 100, dimension: "disclosure", rule: { type: "score" } },
            { id: "9", name: "加分", points: 2, part: "bonus", dimension: "mechanism", rule: { type: "score" } },
          ],
        },
      ],
      units: [{ id: "u", name: "u", category: "c", inputs: { "1": { scores: [base] }, "9": { scores: [2] } } }],
    });
    const at = scorePackage(pkg(80));
    const above = scorePackage(pkg(80.5));
    if (!at.ok || !above.ok) throw new Error("invalid package");
    expect(at.results.units[0].bonus).toBe(0);
    expect(above.results.units[0].bonus).toBe(2);
    expect(bonusGateRule(80)).toBe("基础分高于80分，加分项方可计入");
    expect(bonusGateRule(null)).toBe("基础分高于此分数，加分项方可计入");
  });

  it("the PDF ranking and the workbook's 说明 say it in those words", async () => {
    const text = await pdfText(await download(exportRoute.loader, "/results/2025/export/pdf", { year: "2025", format: "pdf" }));
    expect(text).toContain("基础分高于80分，加分项方可计入");
    expect(text).not.toContain("达到");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await download(exportRoute.loader, "/results/2025/export/xlsx", { year: "2025", format: "xlsx" })) as unknown as ExcelJS.Buffer);
    const about = wb.getWorksheet("说明")!;
    const rows = new Map<string, string>();
    about.eachRow((r) => rows.set(String(r.getCell(1).value), String(r.getCell(2).value)));
    expect(rows.get("加分门槛")).toBe("基础分高于80分，加分项方可计入");
  });
});
