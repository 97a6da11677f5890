import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import * as dashboard from "../../app/routes/dashboard";
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
    const meta = currentResults(cycleByYear(getDb(), 2025)!.id)!;
    expect(meta.kind).toBe("final");
    const scored = scorePackage(JSON.parse(storedDocument(meta.id, "package")));
    if (!scored.ok) throw new Error("invalid package");
    expect(storedDocument(meta.id, "results")).toBe(`${JSON.stringify(scored.results)}\n`);
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
});
