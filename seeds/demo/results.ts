import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cycles } from "../../db/schema";
import { COMPUTE_STATUSES, computeCycleResults, finaliseResults, resultsMeta } from "../../app/services/results.server";
import { SEED_ACTOR } from "./accounts";

/**
 * The demo's computed results (idempotent), from whatever evaluation the seed holds: a cycle that
 * is 已定稿 gets its immutable final snapshot (2025, so the dashboard shows year over year); a cycle
 * in 评审中 / 初步结果 gets preliminary results for the units evaluated so far. Both go through
 * the results service (engine, hashes, audit). A cycle whose evaluation is incomplete is left
 * without results and says why.
 */
export function seedDemoResults(db: Db): void {
  for (const cycle of db.select().from(cycles).orderBy(asc(cycles.year)).all()) {
    let out;
    if ((cycle.status === "final" || cycle.status === "archived") && !resultsMeta(cycle.id, "final", db)) out = finaliseResults(cycle.id, SEED_ACTOR);
    else if (COMPUTE_STATUSES.includes(cycle.status) && !resultsMeta(cycle.id, "preliminary", db)) out = computeCycleResults(cycle.id, SEED_ACTOR);
    if (out && !out.ok) console.warn(`演示数据：${cycle.year}年度考核结果未生成：${out.message}`);
  }
}
