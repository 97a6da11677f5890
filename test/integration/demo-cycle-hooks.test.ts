import { beforeAll, describe, expect, it } from "vitest";
import { findCycleByYear, listTransitions } from "../../app/services/cycles.server";
import { getDb } from "../../db/client";
import { seedAccounts } from "../../seeds/demo/accounts";
import { seedDemoCycles, type DemoCycleHooks } from "../../seeds/demo/cycles";
import { DEMO_EVALUATION_HOOKS } from "../../seeds/demo/evaluation";
import { useTempDataDir } from "../helpers/data-dir";

useTempDataDir();

const calls: string[] = [];
// The demo's own evaluation hooks run too: 结果定稿 needs every unit evaluated (it takes the final snapshot).
const hooks: DemoCycleHooks = {
  preliminary: [(db, cycle) => calls.push(`preliminary:${cycle.year}:${findCycleByYear(cycle.year, db)!.status}`), ...(DEMO_EVALUATION_HOOKS.preliminary ?? [])],
  final: [(_db, cycle) => calls.push(`final:${cycle.year}`), ...(DEMO_EVALUATION_HOOKS.final ?? [])],
  published: [(_db, cycle) => calls.push(`published:${cycle.year}`)],
};

beforeAll(() => {
  seedAccounts(getDb());
  seedDemoCycles(getDb(), hooks);
});

describe("demo cycle seeding for other modules", () => {
  it("runs each module's hook just before the cycle takes that step, and records the steps at their historical dates", () => {
    expect(calls).toEqual(["published:2025", "preliminary:2025:evaluating", "final:2025", "published:2026"]);
    expect(findCycleByYear(2025, getDb())!.status).toBe("final");
    expect(findCycleByYear(2026, getDb())!.status).toBe("published");
    expect(findCycleByYear(2026, getDb())!.publishedAt).toBe("2026-03-02T01:30:00.000Z");
    expect(listTransitions(findCycleByYear(2025, getDb())!.id, getDb()).map((t) => [t.toLabel, t.at])).toEqual(
      expect.arrayContaining([
        ["已发布", "2025-03-03T01:30:00.000Z"],
        ["评审中", "2025-12-01T01:30:00.000Z"],
        ["初步结果", "2026-01-12T01:30:00.000Z"],
        ["已定稿", "2026-01-26T01:30:00.000Z"],
      ]),
    );
  });

  it("runs no hook again on a second run: the cycles are already past those steps", () => {
    seedDemoCycles(getDb(), hooks);
    expect(calls).toHaveLength(4);
  });
});
