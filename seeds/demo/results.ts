import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cycles } from "../../db/schema";
import { cycleAllows } from "../../app/domain/cycle-capabilities";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { resultsMeta } from "../../app/services/results.server";
import { SEED_ACTOR } from "./accounts";

/**
 * The demo's preliminary results (idempotent), from whatever evaluation the seed holds: a cycle
 * from 已发布 to 初步结果 gets preliminary results for the units evaluated so far, through the
 * results service (engine, hashes, audit). A cycle that is 已定稿 (2025) got its immutable final
 * snapshot with the step itself (seedDemoCycles → transitionCycle). A cycle whose evaluation is
 * incomplete is left without results and says why.
 */
export function seedDemoResults(db: Db): void {
  for (const cycle of db.select().from(cycles).orderBy(asc(cycles.year)).all()) {
    if (!cycleAllows(cycle.status, "computeResults") || resultsMeta(db, cycle.id, "preliminary")) continue;
    const out = computeCycleResults(db, cycle.id, SEED_ACTOR);
    if (!out.ok) console.warn(`演示数据：${cycle.year}年度考核结果未生成：${out.message}`);
  }
}
