import { and, asc, eq } from "drizzle-orm";
import { cycleAllows } from "../domain/cycle-capabilities";
import { type Db } from "../../db/client";
import { categories, cycles, publicPages, spotCheckBatches } from "../../db/schema";
import { dimensionsUsed } from "../domain/results-view";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { preparedStatement } from "../utils/prepared-statement.server";
import { issuingBody } from "../config.server";
import { packageHeader, type ExportSource } from "./results-export/source.server";
import { resultsHashes, resultsMeta, unitSummaries } from "./results.server";
import { DomainError } from "../domain/domain-error";

/**
 * The public 通报 page of a finalised cycle: off until the office enables it (audited), and only
 * ever showing the immutable final snapshot — ranking, grades, dimension scores, the package and
 * results SHA-256 (so anyone can check a downloaded package) and the seeds of the published
 * spot-check draws (双随机一公开). No login.
 */


/** Asked by the ranking page on every request: a prepared statement, not a drizzle query built each time. */
export function publicPageEnabled(db: Db, cycleId: number): boolean {
  const row = preparedStatement(db.$client, "SELECT enabled FROM public_pages WHERE cycle_id = ?").get(cycleId) as { enabled: number } | undefined;
  return row?.enabled === 1;
}

/** Turn the public page on or off (the page names the units: a 通报 is public by nature). */
/** Refused (conflict) while the cycle has no final results. */
export function setPublicPage(db: Db, actor: Actor, cycleId: number, enabled: boolean): void {
  if (enabled && !resultsMeta(db, cycleId, "final")) throw new DomainError("conflict", "只有已生成定稿结果的考核年度才能公开通报");
  mutate(db, (tx) => {
    const before = tx.select().from(publicPages).where(eq(publicPages.cycleId, cycleId)).get();
    const values = { enabled, anonymise: false, updatedBy: actor.id, updatedAt: new Date().toISOString() };
    if (before) tx.update(publicPages).set(values).where(eq(publicPages.cycleId, cycleId)).run();
    else tx.insert(publicPages).values({ cycleId, ...values }).run();
    writeAudit(tx, actor, {
      action: enabled ? "results.public.enable" : "results.public.disable",
      entityType: "cycle",
      entityId: cycleId,
      before: before ? { enabled: before.enabled } : undefined,
      after: { enabled },
    });
  });
}

/** Cycles whose public page is on, newest first. */
export function publicCycles(db: Db): { year: number; title: string }[] {
  return db
    .select({ year: cycles.year, title: cycles.title })
    .from(publicPages)
    .innerJoin(cycles, eq(cycles.id, publicPages.cycleId))
    .where(eq(publicPages.enabled, true))
    .all()
    .sort((a, b) => b.year - a.year);
}

/** The published cycle of a year and its final snapshot, or null when its page is not public. */
function publishedCycle(db: Db, year: number) {
  const cycle = db.select().from(cycles).where(eq(cycles.year, year)).get();
  if (!cycle || !cycleAllows(cycle.status, "publicPage")) return null;
  const page = db.select().from(publicPages).where(eq(publicPages.cycleId, cycle.id)).get();
  if (!page?.enabled) return null;
  const meta = resultsMeta(db, cycle.id, "final");
  if (!meta) return null;
  // A final snapshot's hashes are stored with it.
  return { cycle, page, meta: resultsHashes(db, meta) };
}

/** The final snapshot's package and results, downloadable from the public page (the same bytes the office downloads). */
export function publicExportSource(db: Db, year: number): ExportSource | null {
  const published = publishedCycle(db, year);
  if (!published) return null;
  const { cycle, meta } = published;
  return { db, meta, cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status }, header: packageHeader(db, meta) };
}

/** The public page of a year, or null when there is none to show (not enabled, not final). */
export function publicResults(db: Db, year: number) {
  const published = publishedCycle(db, year);
  if (!published) return null;
  const { cycle, page, meta } = published;
  const header = packageHeader(db, meta);
  const rows = unitSummaries(db, meta);
  const batches = db
    .select({ seed: spotCheckBatches.seed, size: spotCheckBatches.size, category: categories.name, createdAt: spotCheckBatches.createdAt })
    .from(spotCheckBatches)
    .leftJoin(categories, eq(categories.id, spotCheckBatches.categoryId))
    .where(and(eq(spotCheckBatches.cycleId, cycle.id), eq(spotCheckBatches.published, true)))
    .orderBy(asc(spotCheckBatches.id))
    .all();
  return {
    year: cycle.year,
    title: cycle.title,
    issuer: issuingBody(),
    /** When the office opened the page: the publication date of the 通报. */
    publishedAt: page.updatedAt,
    computedAt: meta.computedAt,
    packageSha256: meta.packageSha256,
    resultsSha256: meta.resultsSha256,
    grades: header.grades,
    dimensions: dimensionsUsed(rows),
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      category: r.category,
      rank: r.rank,
      categoryRank: r.categoryRank,
      total: r.total,
      grade: r.grade,
      vetoed: r.vetoed,
      dimensions: r.dimensions,
    })),
    spotChecks: batches.map((b) => ({ seed: b.seed, size: b.size, category: b.category ?? "全部类别", createdAt: b.createdAt })),
  };
}
