import { and, asc, eq } from "drizzle-orm";
import { cycleAllows } from "../domain/cycle-capabilities";
import { DomainError } from "../domain/domain-error";
import { accessRefusal, may, OTHER_UNIT } from "../policy.server";
import { z } from "zod";
import type { Db } from "../../db/client";
import { cycles, findings, indicatorNodes, submissions, type CycleStatus } from "../../db/schema";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { FINDING_KIND_LABELS } from "../domain/evaluation-labels";
import { dimensionsUsed, gradeColour, hasPenaltyPart, readableExplain } from "../domain/results-view";
import type { SessionUser } from "../utils/auth.server";
import { assertCan } from "../utils/auth.server";
import { preparedStatement } from "../utils/prepared-statement.server";
import { listAppeals } from "./appeals.server";
import { findingSource } from "./cycle-package.server";
import { cycleUnitCount, getUnit, setFor } from "./evaluation-context.server";
import { listEvidence } from "./evidence.server";
import { publicPageEnabled } from "./public-results.server";
import { leavesOfCategory, packageHeader } from "./results-export/source.server";
import { currentResults, resultsMeta, unitResultOf, unitSummaries, type ResultsMeta, type SummaryRow } from "./results.server";
import { leafOwnerId } from "./self-inspection-context.server";
import { selfScores } from "./self-scores.server";

/** Loader data of the results pages: the ranking (office, leader) and a unit's score card. */

type CycleRow = typeof cycles.$inferSelect;

/** The visible cycle of a URL's year; refused (notFound) otherwise. */
export function cycleByYearOr404(db: Db, year: string | undefined): CycleRow {
  if (!year || !/^\d{4}$/.test(year)) throw new DomainError("notFound", "该考核年度不存在");
  const c = db.select().from(cycles).where(eq(cycles.year, Number(year))).get();
  if (!c || !cycleAllows(c.status, "visible")) throw new DomainError("notFound", "该考核年度不存在");
  return c;
}

/** Non-draft cycles, newest first, with the kind of results each has. */
export function resultCycles(db: Db) {
  const rows = preparedStatement(
    db.$client,
    `SELECT c.id, c.year, c.title, c.status,
            EXISTS (SELECT 1 FROM cycle_results r WHERE r.cycle_id = c.id AND r.kind = 'final') AS final,
            EXISTS (SELECT 1 FROM cycle_results r WHERE r.cycle_id = c.id AND r.kind = 'preliminary') AS preliminary
     FROM cycles c WHERE c.status <> 'draft' ORDER BY c.year DESC`,
  ).all() as { id: number; year: number; title: string; status: CycleStatus; final: number; preliminary: number }[];
  return rows.map((c) => ({
    id: c.id,
    year: c.year,
    title: c.title,
    status: c.status,
    statusLabel: CYCLE_STATUS_LABELS[c.status],
    kind: c.final ? ("final" as const) : c.preliminary ? ("preliminary" as const) : null,
  }));
}

export type ResultCycle = ReturnType<typeof resultCycles>[number];

/** The cycle of a `?cycle=` year among resultCycles() — 404 as cycleByYearOr404, without reading it again. */
export function listedCycleOr404(cycles: ResultCycle[], year: string): ResultCycle {
  const cycle = /^\d{4}$/.test(year) ? cycles.find((c) => c.year === Number(year)) : undefined;
  if (!cycle) throw new DomainError("notFound", "该考核年度不存在");
  return cycle;
}

/** Which results a department sees: none before 初步结果, then the final snapshot or the preliminary results. */
function departmentMeta(db: Db, cycle: CycleRow): ResultsMeta | null {
  if (!cycleAllows(cycle.status, "resultsOut")) return null;
  return cycleAllows(cycle.status, "resultsFinal") ? (resultsMeta(db, cycle.id, "final") ?? resultsMeta(db, cycle.id, "preliminary")) : resultsMeta(db, cycle.id, "preliminary");
}

/** Rows per page of the ranking (a district may have thousands of units; downloads hold them all). */
export const RANKING_PAGE_SIZE = 50;

/** The ranking's URL filters (`?category=…&q=…&page=…`); anything unusable falls back to "all". */
const rankingQuerySchema = z.object({
  category: z.string().trim().min(1).max(100).nullable().catch(null),
  q: z.string().trim().max(50, "搜索词最多50个字").catch(""),
  page: z.coerce.number().int().min(1).catch(1),
});

export type RankingQuery = { category?: string | null; q?: string | null; page?: string | null };

/** What every request for the same results needs: categories and dimensions present (cached with the summaries). */
const derivedCache = new WeakMap<SummaryRow[], { categories: string[]; dimensions: ReturnType<typeof dimensionsUsed> }>();

function derived(all: SummaryRow[]) {
  let d = derivedCache.get(all);
  if (!d) derivedCache.set(all, (d = { categories: [...new Set(all.map((r) => r.category))], dimensions: dimensionsUsed(all) }));
  return d;
}

export function rankingPage(db: Db, user: SessionUser, cycle: Pick<CycleRow, "id" | "year" | "title" | "status">, query: RankingQuery = {}) {
  const filters = rankingQuerySchema.parse({ category: query.category ?? null, q: query.q ?? "", page: query.page ?? 1 });
  const meta = currentResults(db, cycle.id);
  const office = user.role === "office";
  const base = {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status, statusLabel: CYCLE_STATUS_LABELS[cycle.status] },
    canCompute: office && cycleAllows(cycle.status as CycleStatus, "computeResults"),
    publicEnabled: publicPageEnabled(db, cycle.id),
    // currentResults prefers the final snapshot: the cycle has one exactly when it is shown.
    canPublish: office && meta?.kind === "final",
    q: filters.q,
  };
  if (!meta) return { ...base, meta: null, rows: [], total: 0, notEvaluated: 0, page: 1, pages: 1, categories: [], grades: [], dimensions: [], category: null, penalty: false };
  const header = packageHeader(db, meta);
  const all = unitSummaries(db, meta);
  const { categories, dimensions } = derived(all);
  const chosen = filters.category && categories.includes(filters.category) ? filters.category : null;
  const inCategory = chosen ? all.filter((r) => r.category === chosen) : all;
  const needle = filters.q.toLowerCase();
  const matching = needle ? inCategory.filter((r) => r.name.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle)) : inCategory;
  // Units of the cycle not in these results (evaluation not complete when they were computed).
  const population = cycleUnitCount(db, cycle.id, chosen);
  const pages = Math.max(1, Math.ceil(matching.length / RANKING_PAGE_SIZE));
  const page = Math.min(pages, filters.page);
  const rows = matching.slice((page - 1) * RANKING_PAGE_SIZE, page * RANKING_PAGE_SIZE);
  // Only what the page shows goes to the browser (the loader data is serialised into the HTML).
  return {
    total: matching.length,
    notEvaluated: Math.max(0, population - inCategory.length),
    page,
    pages,
    ...base,
    // The package's hash as stored: a final snapshot's, or preliminary results' once exported (a recompute does not hash).
    meta: { kind: meta.kind, computedAt: meta.computedAt, computedByName: meta.computedByName, packageSha256: meta.packageSha256 },
    rows: rows.map((r) => ({
      unitId: r.unitId,
      id: r.id,
      name: r.name,
      category: r.category,
      rank: r.rank,
      categoryRank: r.categoryRank,
      total: r.total,
      base: r.base,
      bonus: r.bonus,
      penalty: r.penalty ?? 0,
      grade: r.grade,
      vetoed: r.vetoed,
      contribution: r.contribution,
      dimensions: r.dimensions,
      colour: gradeColour(r.grade, header.grades),
    })),
    categories,
    category: chosen,
    grades: header.grades,
    dimensions,
    /** Whether a 扣分项 (penalty) part exists: then the ranking shows what it subtracted. */
    penalty: hasPenaltyPart(header),
  };
}

/**
 * A unit's score card: its headline figures and, for every leaf, the maximum, the self score,
 * the final score and the reason for every lost point (the engine's explanation, which names each
 * fault, finding, evaluator, arbitration and appeal), with the unit's evidence for the leaf.
 * Departments only their own unit, and only from 初步结果 on; evaluators never (refused: forbidden).
 */
export function scoreCard(db: Db, user: SessionUser, cycle: CycleRow, unitId: number) {
  if (!may(user, "read", "unitResults")) throw new DomainError("forbidden", accessRefusal("unitResults"));
  assertCan(db, user, "read", { kind: "unitResults", unitId }, OTHER_UNIT);
  const unit = getUnit(db, unitId);
  const head = { cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status, statusLabel: CYCLE_STATUS_LABELS[cycle.status] }, unit: { id: unit.id, code: unit.code, name: unit.name, category: unit.categoryName } };
  const meta = user.role === "department" ? departmentMeta(db, cycle) : currentResults(db, cycle.id);
  if (!meta) return { ...head, card: null, reason: user.role === "department" && !cycleAllows(cycle.status, "resultsOut") ? "初步结果公布后可查看本单位得分明细。" : "本考核年度尚未计算考核结果。" };
  const result = unitResultOf(db, meta.id, unitId);
  if (!result) return { ...head, card: null, reason: "本单位不在本次考核结果中（尚未评估完成）。" };

  const header = packageHeader(db, meta);
  const names = leavesOfCategory(header, result.category);
  const self = selfScores(db, cycle.id, header, `${meta.id}:${meta.revision}`, [unitId]).get(unitId) ?? null;
  const set = setFor(db, cycle.id, unit.categoryId);
  const dbLeaves = new Map((set?.leaves ?? []).map((l) => [l.code, l]));
  const submission = db.select({ id: submissions.id }).from(submissions).where(and(eq(submissions.cycleId, cycle.id), eq(submissions.unitId, unitId))).get();
  const evidence = submission
    ? listEvidence(
        db,
        "submission_leaf",
        [...dbLeaves.values()].map((l) => leafOwnerId(submission.id, l.nodeId)),
      )
    : { files: [], links: [] };

  // The evaluators' own reasons (signed-off entries), e.g. why a value differs from the self-assessment.
  const reasonRows = db.$client
    .prepare(
      `SELECT e.node_id AS nodeId, e.reason AS reason, u.display_name AS name FROM evaluator_entries e
       JOIN evaluator_assignments a ON a.id = e.assignment_id JOIN users u ON u.id = a.evaluator_id
       WHERE a.cycle_id = ? AND a.unit_id = ? AND a.signed_off_at IS NOT NULL AND e.reason <> ''
       ORDER BY a.lead DESC, a.id`,
    )
    .all(cycle.id, unitId) as { nodeId: number; reason: string; name: string }[];

  const leaves = Object.entries(result.leaves).map(([code, r]) => {
    const dbLeaf = dbLeaves.get(code);
    const owner = submission && dbLeaf ? leafOwnerId(submission.id, dbLeaf.nodeId) : null;
    return {
      code,
      name: names.get(code)?.name ?? dbLeaf?.name ?? "",
      path: dbLeaf?.path.join(" › ") ?? "",
      part: names.get(code)?.part ?? "base",
      max: r.max,
      self: self?.leaves[code] ?? null,
      score: r.score,
      na: r.na,
      divergent: r.divergent,
      lost: r.na ? 0 : Math.round((r.max - r.score) * 100) / 100,
      explain: readableExplain(r.explain),
      reasons: dbLeaf ? reasonRows.filter((x) => x.nodeId === dbLeaf.nodeId).map((x) => ({ by: x.name, text: x.reason })) : [],
      files: owner ? evidence.files.filter((f) => f.ownerId === owner).map((f) => ({ id: f.id, name: f.originalName })) : [],
      links: owner ? evidence.links.filter((l) => l.ownerId === owner).map((l) => ({ url: l.url, title: l.title })) : [],
    };
  });
  const unitFindings = db
    .select({ f: findings, code: indicatorNodes.code, name: indicatorNodes.name })
    .from(findings)
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, findings.nodeId))
    .where(and(eq(findings.cycleId, cycle.id), eq(findings.unitId, unitId)))
    .orderBy(asc(findings.id))
    .all();
  const findingEvidence = listEvidence(
    db,
    "finding",
    unitFindings.map((x) => String(x.f.id)),
  );
  return {
    ...head,
    reason: null,
    card: {
      kind: meta.kind,
      computedAt: meta.computedAt,
      packageSha256: meta.packageSha256,
      total: result.total,
      base: result.base,
      bonus: result.bonus,
      /** What the 扣分项 part subtracted; null when the cycle has none. */
      penalty: result.penalty ?? null,
      grade: result.grade,
      pass: result.pass,
      vetoed: result.vetoed,
      vetoReasons: result.vetoReasons,
      rank: result.rank,
      categoryRank: result.categoryRank,
      contribution: result.contribution,
      explain: readableExplain(result.explain),
      selfTotal: self?.total ?? null,
      leaves,
      findings: unitFindings.map((x) => ({
        id: x.f.id,
        source: findingSource(x.f.id),
        code: x.code,
        name: x.name,
        kind: FINDING_KIND_LABELS[x.f.kind],
        description: x.f.description,
        foundOn: x.f.foundOn,
        files: findingEvidence.files.filter((f) => f.ownerId === String(x.f.id)).map((f) => ({ id: f.id, name: f.originalName })),
      })),
      appeals: listAppeals(db, cycle.id, { unitId }).map((a) => ({ ...a })),
    },
  };
}

/** Cycles a department may see its results of (from 初步结果 on, with results). */
export function departmentCycles(db: Db, user: SessionUser) {
  if (!user.unitId) return [];
  return resultCycles(db).filter((c) => c.kind !== null && cycleAllows(c.status, "resultsOut"));
}


