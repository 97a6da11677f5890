import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { cycles, resultNotices } from "../../db/schema";
import type { Grade } from "../../scoring";
import { issuingBody } from "../config.server";
import { cycleAllows } from "../domain/cycle-capabilities";
import { DomainError } from "../domain/domain-error";
import { commonProblemsText } from "../domain/loss-analysis";
import { defaultNotice, type NoticeForm } from "../domain/notice-form";
import { dimensionsUsed } from "../domain/results-view";
import { beijingToday } from "../utils/beijing-time";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { cycleLossAnalysis } from "./loss-analysis.server";
import { packageHeader } from "./results-export/source.server";
import { resultsHashes, resultsMeta, unitSummaries, type ResultsMeta } from "./results.server";

/**
 * The formal 通报 of a finalised cycle: the office writes its heading and text (saved with the
 * final snapshot's package and results SHA-256, audited); the ranking tables per category and the
 * common-problems paragraph come from that snapshot when the .docx or PDF is made
 * (notice-docx.server.ts, notice-pdf.server.ts). A notice whose hashes are not the cycle's final
 * snapshot's is not issued: the page says so and the office saves it again.
 */

type CycleRow = typeof cycles.$inferSelect;
type NoticeRow = typeof resultNotices.$inferSelect;

export interface NoticeState {
  /** What the form shows: the saved notice, else the defaults. */
  form: NoticeForm;
  saved: { updatedAt: string; current: boolean } | null;
  /** The office may write it now (the cycle is 已定稿 with its final snapshot). */
  editable: boolean;
}

function noticeRow(db: Db, cycleId: number): NoticeRow | undefined {
  return db.select().from(resultNotices).where(eq(resultNotices.cycleId, cycleId)).get();
}

const formOf = (row: NoticeRow): NoticeForm => ({
  issuingBody: row.issuingBody,
  docNumber: row.docNumber,
  title: row.title,
  issuedOn: row.issuedOn,
  opening: row.opening,
  closing: row.closing,
});

const matches = (row: NoticeRow, meta: ResultsMeta | null) => !!meta && row.packageSha256 === meta.packageSha256 && row.resultsSha256 === meta.resultsSha256;

/** The notice of a cycle as the results page shows it (null when the cycle has no final results). */
export function noticeState(db: Db, cycle: Pick<CycleRow, "id" | "year" | "status">): NoticeState | null {
  if (!cycleAllows(cycle.status, "resultsFinal")) return null;
  const meta = resultsMeta(db, cycle.id, "final");
  if (!meta) return null;
  const row = noticeRow(db, cycle.id);
  return {
    form: row ? formOf(row) : defaultNotice(cycle.year, issuingBody(), beijingToday()),
    saved: row ? { updatedAt: row.updatedAt, current: matches(row, meta) } : null,
    editable: cycleAllows(cycle.status, "issueNotice"),
  };
}

/** Save the notice of a finalised cycle, bound to its final snapshot (audited, one transaction). */
export function saveNotice(db: Db, actor: Actor, cycleId: number, form: NoticeForm): void {
  mutate(db, (tx) => {
    const cycle = tx.select().from(cycles).where(eq(cycles.id, cycleId)).get();
    if (!cycle) throw new DomainError("notFound", "该考核年度不存在");
    if (!cycleAllows(cycle.status, "issueNotice")) throw new DomainError("conflict", "只有已定稿的考核年度才能编写考核结果通报");
    const final = resultsMeta(db, cycleId, "final");
    if (!final) throw new DomainError("conflict", "该考核年度尚无定稿结果，不能编写通报");
    const meta = resultsHashes(db, final);
    const before = tx.select().from(resultNotices).where(eq(resultNotices.cycleId, cycleId)).get();
    const values = { ...form, packageSha256: meta.packageSha256, resultsSha256: meta.resultsSha256, updatedBy: actor.id, updatedAt: new Date().toISOString() };
    if (before) tx.update(resultNotices).set(values).where(eq(resultNotices.cycleId, cycleId)).run();
    else tx.insert(resultNotices).values({ cycleId, ...values }).run();
    writeAudit(tx, actor, {
      action: "results.notice.save",
      entityType: "result_notice",
      entityId: cycleId,
      before: before ? { ...formOf(before), packageSha256: before.packageSha256 } : undefined,
      after: { ...form, packageSha256: meta.packageSha256 },
    });
  });
}

export interface NoticeUnitRow {
  rank: number;
  categoryRank: number;
  name: string;
  total: number;
  grade: string;
  vetoed: boolean;
  dimensions: (number | null)[];
}

/** Everything a 通报 document shows. */
export interface NoticeDocument extends NoticeForm {
  year: number;
  packageSha256: string;
  grades: Grade[];
  dimensions: string[];
  categories: { category: string; units: NoticeUnitRow[] }[];
  /** The common-problems paragraphs (from the loss analysis). */
  commonProblems: string[];
}

/** The issued notice of a cycle with its final snapshot's figures; refused when there is none or it no longer matches the final results. */
export function noticeDocument(db: Db, cycle: Pick<CycleRow, "id" | "year" | "status">): NoticeDocument {
  const final = cycleAllows(cycle.status, "resultsFinal") ? resultsMeta(db, cycle.id, "final") : null;
  if (!final) throw new DomainError("notFound", `${cycle.year}年度尚无定稿结果，没有考核结果通报`);
  const meta = resultsHashes(db, final);
  const row = noticeRow(db, cycle.id);
  if (!row) throw new DomainError("notFound", `${cycle.year}年度的考核结果通报尚未编写`);
  if (!matches(row, meta)) throw new DomainError("conflict", "考核结果已变化，通报须由政务公开办重新保存后才能下载");
  const rows = unitSummaries(db, meta);
  const header = packageHeader(db, meta);
  const dims = dimensionsUsed(rows);
  // Categories in the order of their indicator sets.
  const byCategory = new Map<string, NoticeUnitRow[]>(header.indicatorSets.map((s) => [s.category, []]));
  for (const r of rows) {
    const list = byCategory.get(r.category);
    if (!list) throw new Error(`results name category ${r.category} without an indicator set`);
    list.push({ rank: r.rank, categoryRank: r.categoryRank, name: r.name, total: r.total, grade: r.grade, vetoed: r.vetoed, dimensions: dims.map((d) => r.dimensions[d.key] ?? null) });
  }
  return {
    ...formOf(row),
    year: cycle.year,
    packageSha256: meta.packageSha256,
    grades: header.grades,
    dimensions: dims.map((d) => d.label),
    categories: [...byCategory].filter(([, units]) => units.length > 0).map(([category, units]) => ({ category, units: units.sort((a, b) => a.categoryRank - b.categoryRank || a.rank - b.rank) })),
    commonProblems: commonProblemsText(cycleLossAnalysis(db, meta)),
  };
}

/** The file names of a cycle's notice download. */
export function noticeFileName(year: number, format: "docx" | "pdf"): { name: string; ascii: string } {
  return { name: `${year}年度政务公开考核结果通报.${format}`, ascii: `notice-${year}.${format}` };
}
