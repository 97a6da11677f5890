import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import * as dashboard from "../../app/routes/dashboard";
import { trendData } from "../../app/domain/dashboard";
import { cycleByYear } from "../../app/services/evaluation-context.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { scorePackage } from "../../scoring";
import { seedDemo } from "../../seeds/demo";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

useTempDataDir();

beforeAll(async () => {
  await seedDemo();
}, 120_000);

describe("the demo's results", () => {
  it("2025 has its final snapshot, computed by the engine from the seeded evaluation", () => {
    const meta = currentResults(getDb(), cycleByYear(getDb(), 2025)!.id)!;
    expect(meta.kind).toBe("final");
    const scored = scorePackage(JSON.parse(storedDocument(getDb(), meta.id, "package")));
    if (!scored.ok) throw new Error("invalid package");
    expect(storedDocument(getDb(), meta.id, "results")).toBe(`${JSON.stringify(scored.results)}\n`);
    expect(scored.results.units).toHaveLength(14);
  });

  it("is idempotent: seeding again adds no results", async () => {
    const before = getSqlite().prepare("SELECT COUNT(*) FROM cycle_results").pluck().get();
    await seedDemo();
    expect(getSqlite().prepare("SELECT COUNT(*) FROM cycle_results").pluck().get()).toBe(before);
  });

  it("gives the leader's dashboard a year-over-year trend (2025 final, 2026 evaluated so far)", async () => {
    const res = await run(dashboard.loader, makeRequest("/dashboard", { cookie: await sessionCookieFor("leader") }));
    expect(res.data.cycle.year).toBe(2026);
    expect(res.data.trend.map((t: { year: number }) => t.year)).toEqual([2025, 2026]);
    expect(res.data.units.length).toBeGreaterThan(0);
  });

  it("averages 2025 the same whichever year is viewed, and leaves preliminary 2026 off the line", async () => {
    const cookie = await sessionCookieFor("leader");
    const view = async (year: number) => (await run(dashboard.loader, makeRequest(`/dashboard?cycle=${year}`, { cookie }))).data;
    const [v2025, v2026] = [await view(2025), await view(2026)];
    const all2025 = v2025.units.map((u: { total: number }) => u.total);
    expect(all2025).toHaveLength(14);
    const mean2025 = Math.round((all2025.reduce((s: number, x: number) => s + x, 0) / 14) * 100) / 100;
    for (const v of [v2025, v2026]) {
      const [y2025, y2026] = trendData(v.trend, null, null);
      expect(y2025).toMatchObject({ year: "2025", average: mean2025, preliminary: false, assessed: 14 });
      expect(y2026).toMatchObject({ year: "2026", average: null, preliminary: true, assessed: v2026.units.length, population: 14 });
    }
    expect(v2026.units.length).toBeLessThan(14);
    expect(v2025.scale).toBe(100);
  });
});
