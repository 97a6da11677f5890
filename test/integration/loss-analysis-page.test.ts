import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import * as losses from "../../app/routes/results.$year.losses";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle } from "../helpers/evaluation-fixtures";
import { addFinding, evaluateUnits } from "../helpers/results-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

/**
 * 失分分析 page (/results/<year>/losses) on the fixture of results-xlsx-print.test.ts: on 1.2 公开差错
 * of 街道办事处, JD002 loses 2 (更新不及时 ×1), JD003 loses 4 (×2) and 4 more by a spot-check finding.
 */

useTempDataDir();

beforeAll(() => {
  seedAccounts(getDb());
  const { cycleId } = createCycle(2026, "evaluating");
  evaluateUnits(cycleId, ["JD001", "JD002", "JD003", "BM001"]);
  addFinding(cycleId, "JD003", "1.2", { kind: "deduction", points: 4, description: "多个栏目长期未更新" });
  const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!r.ok) throw new Error(r.message);
  createCycle(2025, "evaluating"); // no results yet
});

const open = async (user: string, url: string) => run(losses.loader, makeRequest(url, { cookie: await sessionCookieFor(user) }), { year: url.split("/")[2] });

describe("失分分析 page", () => {
  it("shows leaders each category's indicators with the hand-computed figures", async () => {
    const res = await open("leader", "/results/2026/losses");
    expect(res.status).toBe(200);
    expect(res.data.categories).toEqual(["街道办事处", "区级部门"]);
    const jd = res.data.analysis.find((c: { category: string }) => c.category === "街道办事处");
    expect(jd.units).toBe(3);
    expect(jd.indicators.find((i: { id: string }) => i.id === "1.2")).toEqual({
      id: "1.2",
      name: "公开差错",
      points: 20,
      applicable: 3,
      losing: 2,
      sharePct: 66.67,
      totalLost: 10,
      averageLost: 3.33,
      problems: [
        { label: "更新不及时", units: 2, fromFindings: 0 },
        { label: "多个栏目长期未更新", units: 1, fromFindings: 1 },
      ],
      findings: 1,
    });
  });

  it("narrows to one category", async () => {
    const res = await open("admin", `/results/2026/losses?category=${encodeURIComponent("区级部门")}`);
    expect(res.data.category).toBe("区级部门");
    expect(res.data.analysis.map((c: { category: string }) => c.category)).toEqual(["区级部门"]);
  });

  it("says when a cycle has no results, and is closed to departments and evaluators", async () => {
    expect((await open("admin", "/results/2025/losses")).data.results).toBeNull();
    expect((await open("dept-001", "/results/2026/losses")).status).toBe(403);
    expect((await open("eval-001", "/results/2026/losses")).status).toBe(403);
  });
});
