import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import * as resultsIndex from "../../app/routes/results._index";
import * as scoreCardRoute from "../../app/routes/results.$year.units.$unitId";
import * as cardPdf from "../../app/routes/results.$year.pdf.$unitId";
import * as exportRoute from "../../app/routes/results.$year.export.$format";
import * as publicRoute from "../../app/routes/public.results.$year";
import * as publicIndex from "../../app/routes/public.results._index";
import * as publicDownload from "../../app/routes/public.results.$year.$document";
import { createHash } from "node:crypto";
import * as dashboard from "../../app/routes/dashboard";
import { transitionCycle } from "../../app/services/cycles.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, setCycleStatus, submitSelfInspection, unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { pdfText } from "../helpers/pdf-text";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { addFinding, evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

useTempDataDir();

const cookies: Record<string, string> = {};
let cycleId = 0;
const JD001 = () => unitIdOf("JD001");

beforeAll(async () => {
  seedAccounts(getDb());
  for (const u of ["admin", "leader", "dept-001", "dept-002", "eval-001"]) cookies[u] = await sessionCookieFor(u);
  cycleId = createCycle(2026, "evaluating", { submittedUnitCodes: ["JD001", "JD002", "BM001"] }).cycleId;
  evaluateUnits(
    cycleId,
    DEMO_UNITS.map((u) => u.code),
  );
  addFinding(cycleId, "JD001", "1.2", { kind: "fault", faultCode: "error", count: 2, description: "政策文件链接失效" });
});

const post = (user: string, form: Record<string, string>) => run(resultsIndex.action, makeRequest("/results", { cookie: cookies[user], form }));

describe("computing from the results page", () => {
  it("lets the office compute preliminary results, not the leader", async () => {
    expect((await post("leader", { intent: "compute", year: "2026" })).status).toBe(403);
    expect((await post("admin", { intent: "bogus", year: "2026" })).status).toBe(400);
    const res = await post("admin", { intent: "compute", year: "2026" });
    expect(res.data).toMatchObject({ ok: true });
    expect(res.data.message).toContain(`已计算 ${DEMO_UNITS.length} 个单位`);
    const page = await run(resultsIndex.loader, makeRequest("/results?cycle=2026&category=街道办事处", { cookie: cookies.leader }));
    expect(page.data.rows).toHaveLength(6);
    expect(page.data.rows.every((r: { category: string }) => r.category === "街道办事处")).toBe(true);
    expect(page.data.canCompute).toBe(false);
  });
});

describe("the unit score card", () => {
  it("is hidden from the department before 初步结果 and shown from then on, with every lost point's reason", async () => {
    const url = `/results/2026/units/${JD001()}`;
    const params = { year: "2026", unitId: String(JD001()) };
    let res = await run(scoreCardRoute.loader, makeRequest(url, { cookie: cookies["dept-001"] }), params);
    expect(res.data.card).toBeNull();
    expect(res.data.reason).toContain("初步结果公布后");
    expect(res.data.appealHref).toBeNull();

    setCycleStatus(cycleId, "preliminary");
    res = await run(scoreCardRoute.loader, makeRequest(url, { cookie: cookies["dept-001"] }), params);
    const card = res.data.card;
    expect(card.kind).toBe("preliminary");
    // In 初步结果 the department's card leads to the appeals page (复核申请); the office's does not.
    expect(res.data.appealHref).toBe("/appeals?cycle=2026");
    expect((await run(scoreCardRoute.loader, makeRequest(url, { cookie: cookies.admin }), params)).data.appealHref).toBeNull();
    const leaf12 = card.leaves.find((l: { code: string }) => l.code === "1.2");
    // JD001 is unit index 0: no late faults from the evaluators, 2 × 内容差错 (1 point each) from the spot check.
    expect(leaf12).toMatchObject({ max: 20, score: 18, lost: 2, self: { score: 18, na: false } });
    expect(leaf12.explain).toContain("抽查发现#");
    expect(card.leaves.find((l: { code: string }) => l.code === "1.1").reasons).toEqual([{ by: "评估员 王敏", text: "主动公开栏目更新不全（JD001）" }]);
    expect(card.findings[0]).toMatchObject({ description: "政策文件链接失效", kind: "扣分项" });
    expect(card.selfTotal).toBeGreaterThan(0);
    expect(card.rank).toBeGreaterThan(0);

    // Another unit's card: refused for the department, and evaluators never see cards.
    const other = { year: "2026", unitId: String(unitIdOf("JD002")) };
    expect((await run(scoreCardRoute.loader, makeRequest(`/results/2026/units/${other.unitId}`, { cookie: cookies["dept-001"] }), other)).status).toBe(403);
    expect((await run(scoreCardRoute.loader, makeRequest(url, { cookie: cookies["eval-001"] }), params)).status).toBe(403);
  });

  it("downloads as a PDF with the unit's Chinese name", async () => {
    const params = { year: "2026", unitId: String(JD001()) };
    const res = await cardPdf.loader({ request: makeRequest(`/results/2026/pdf/${JD001()}`, { cookie: cookies["dept-001"] }), params, context: {} });
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain("城关街道办事处");
    expect(text).toContain("政策文件链接失效");
    expect(text).toContain("评估说明（评估员 王敏）：主动公开栏目更新不全（JD001）");
  });
});

describe("downloads", () => {
  it("serve office and leaders, never departments", async () => {
    // A recompute does not hash the documents: the ranking page names the package's SHA-256 once an export has computed it.
    setLeadEntry(cycleId, "JD002", "1.4", { value: 2 });
    expect(computeCycleResults(getDb(), cycleId, SEED_ACTOR)).toMatchObject({ ok: true, unchanged: false });
    const ranking = () => run(resultsIndex.loader, makeRequest("/results?cycle=2026", { cookie: cookies.leader }));
    expect((await ranking()).data.meta.packageSha256).toBeNull();
    const params = { year: "2026", format: "xlsx" };
    const leader = await exportRoute.loader({ request: makeRequest("/results/2026/export/xlsx", { cookie: cookies.leader }), params, context: {} });
    expect(leader.status).toBe(200);
    expect(leader.headers.get("Content-Disposition")).toContain("results-2026.xlsx");
    expect((await leader.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const dept = await run(exportRoute.loader, makeRequest("/results/2026/export/xlsx", { cookie: cookies["dept-001"] }), params);
    expect(dept.status).toBe(403);
    const json = await exportRoute.loader({ request: makeRequest("/results/2026/export/package", { cookie: cookies.admin }), params: { year: "2026", format: "package" }, context: {} });
    const text = await json.text();
    expect(text).toBe(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "package"));
    expect((await ranking()).data.meta.packageSha256).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
  });
});

describe("the leadership dashboard", () => {
  it("gives leaders the chart data, filtered by category, with the self-assessment scores", async () => {
    const res = await run(dashboard.loader, makeRequest("/dashboard?cycle=2026&category=区级部门", { cookie: cookies.leader }));
    expect(res.data.units).toHaveLength(8);
    const bm1 = res.data.units.find((u: { id: string }) => u.id === "BM001");
    expect(bm1.self).toBeGreaterThan(0);
    expect(res.data.units.filter((u: { self: number | null }) => u.self !== null)).toHaveLength(1);
    expect(res.data.trend).toEqual([{ year: 2026, kind: "preliminary", population: { 街道办事处: 6, 区级部门: 8 }, totals: expect.objectContaining({ BM001: { total: bm1.total, category: "区级部门" } }) }]);
    expect((await run(dashboard.loader, makeRequest("/dashboard", { cookie: cookies["dept-001"] }))).status).toBe(403);
  });
});

describe("the public 通报 page", () => {
  it("stays hidden until the cycle is final and the office enables it", async () => {
    const get = () => run(publicRoute.loader, makeRequest("/public/results/2026"), { year: "2026" });
    expect((await get()).status).toBe(404);
    // Not final yet: cannot be enabled.
    expect((await post("admin", { intent: "publish", year: "2026" })).status).toBe(409);
    // 结果定稿 (every unit evaluated; 初步结果 entered long ago, so the appeal window is over) takes the final snapshot.
    setCycleStatus(cycleId, "preliminary", "2026-01-05T02:00:00.000Z");
    expect(transitionCycle(getDb(), cycleId, "final", { id: userIdOf("admin"), name: "admin", role: "office" })).toMatchObject({ ok: true, snapshot: { units: DEMO_UNITS.length } });
    expect((await get()).status).toBe(404);
    getSqlite().prepare("UPDATE spot_check_batches SET published = 1 WHERE cycle_id = ?").run(cycleId);
    expect((await post("leader", { intent: "publish", year: "2026" })).status).toBe(403);
    expect((await post("admin", { intent: "publish", year: "2026" })).data).toMatchObject({ ok: true });

    const page = await get();
    expect(page.status).toBe(200);
    expect(page.data.packageSha256).toBe(currentResults(getDb(), cycleId)!.packageSha256);
    expect(page.data.rows).toHaveLength(DEMO_UNITS.length);
    expect(page.data.rows[0]).toMatchObject({ rank: 1, grade: expect.any(String), dimensions: expect.any(Object) });
    expect(page.data.spotChecks).toEqual([expect.objectContaining({ seed: "测试种子" })]);
    expect((await run(publicIndex.loader, makeRequest("/public/results"))).data.cycles).toEqual([{ year: 2026, title: "2026年度政务公开工作考核" }]);

    // Who publishes and when (the day the office opened the page, Beijing time).
    expect(page.data.issuer).toBe("区政务公开办");
    const openedAt = getSqlite().prepare("SELECT updated_at AS at FROM public_pages WHERE cycle_id = ?").get(cycleId) as { at: string };
    expect(page.data.publishedAt).toBe(openedAt.at);
    // Both documents download without an account, byte-identical to the SHA-256 the page shows.
    const download = (document: string) =>
      publicDownload.loader({ request: makeRequest(`/public/results/2026/${document}`), params: { year: "2026", document }, context: {} }) as Promise<Response>;
    for (const [document, sha] of [
      ["package", page.data.packageSha256],
      ["results", page.data.resultsSha256],
    ] as const) {
      const res = await download(document);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Disposition")).toContain(encodeURIComponent(document === "package" ? "2026年度评估数据包.json" : "2026年度考核结果数据.json"));
      expect(createHash("sha256").update(Buffer.from(await res.arrayBuffer())).digest("hex")).toBe(sha);
    }
    expect((await run(publicDownload.loader, makeRequest("/public/results/2026/xlsx"), { year: "2026", document: "xlsx" })).status).toBe(404);

    expect((await post("admin", { intent: "unpublish", year: "2026" })).data).toMatchObject({ ok: true });
    expect((await get()).status).toBe(404);
    expect((await run(publicDownload.loader, makeRequest("/public/results/2026/package"), { year: "2026", document: "package" })).status).toBe(404);
    expect((await run(publicIndex.loader, makeRequest("/public/results"))).data.cycles).toEqual([]);
  });
});
