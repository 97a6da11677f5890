import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { cycleAllows, statusesAllowing } from "../domain/cycle-capabilities";
import { type Db, type Tx } from "../../db/client";
import { categories, cycles, deadlineExtensions, indicatorSets, returnItems, submissionAnswers, submissions, units, type SubmissionStatus } from "../../db/schema";
import { formatBeijingTime } from "../utils/beijing-time";
import { daysLeft, daysLeftLabel, deadlineLabel, isPastDue, REMINDER_DAYS } from "../domain/self-inspection-deadline";
import { NOT_STARTED_LABEL, SUBMISSION_STATUS_LABELS } from "../domain/submission-status";
import { loadTree } from "./indicator-tree.server";
import {
  completenessOf,
  currentCycle,
  evidenceCountsByOwner,
  leafOwnerId,
  leavesOfTree,
  type AnswerRow,
  type CycleRow,
  type LeafInfo,
} from "./self-inspection-context.server";

import { OVERVIEW_FILTERS, type OverviewFilter } from "../domain/overview-filters";

/** The office's overview of every unit's self-inspection in a cycle (自查审核). */

export interface OverviewRow {
  unitId: number;
  unitCode: string;
  unitName: string;
  categoryName: string;
  submissionId: number | null;
  status: SubmissionStatus | null;
  statusLabel: string;
  notStarted: boolean;
  answered: number;
  total: number;
  evidenceAttached: number;
  evidenceRequired: number;
  lastActivityText: string;
  due: string;
  extended: boolean;
  overdue: boolean;
  daysLeftText: string;
  openReturnItems: number;
}

function matches(row: OverviewRow, filter: OverviewFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "overdue":
      return row.overdue;
    case "returned":
      return row.status === "returned";
    case "not_started":
      return row.notStarted;
    case "draft":
      return row.status === "draft" && !row.notStarted;
    case "submitted":
      return row.status === "submitted";
  }
}

export function visibleCycles(db: Db | Tx): { id: number; year: number; title: string }[] {
  return db
    .select({ id: cycles.id, year: cycles.year, title: cycles.title })
    .from(cycles)
    .where(inArray(cycles.status, statusesAllowing("selfInspectionShown")))
    .orderBy(desc(cycles.year))
    .all();
}

function overviewRows(db: Db | Tx, cycle: CycleRow, now: Date): OverviewRow[] {
  const unitRows = db
    .select({ unit: units, categoryName: categories.name })
    .from(units)
    .innerJoin(categories, eq(categories.id, units.categoryId))
    .orderBy(asc(categories.sortOrder), asc(units.sortOrder), asc(units.id))
    .all();
  const subs = db.select().from(submissions).where(eq(submissions.cycleId, cycle.id)).all();
  const subByUnit = new Map(subs.map((s) => [s.unitId, s] as const));
  // Inactive units appear only if they already have a submission this cycle.
  const shown = unitRows.filter((r) => r.unit.active || subByUnit.has(r.unit.id));

  const leavesByCategory = new Map<number, LeafInfo[]>();
  for (const set of db.select().from(indicatorSets).where(eq(indicatorSets.cycleId, cycle.id)).all()) {
    leavesByCategory.set(set.categoryId, leavesOfTree(loadTree(db, set.id)));
  }
  const subIds = subs.map((s) => s.id);
  const answersBySub = new Map<number, Map<number, AnswerRow>>();
  const openReturns = new Map<number, number>();
  if (subIds.length > 0) {
    for (const a of db.select().from(submissionAnswers).where(inArray(submissionAnswers.submissionId, subIds)).all()) {
      const m = answersBySub.get(a.submissionId) ?? new Map<number, AnswerRow>();
      m.set(a.nodeId, a);
      answersBySub.set(a.submissionId, m);
    }
    for (const r of db
      .select({ submissionId: returnItems.submissionId })
      .from(returnItems)
      .where(and(inArray(returnItems.submissionId, subIds), isNull(returnItems.resolvedAt)))
      .all())
      openReturns.set(r.submissionId, (openReturns.get(r.submissionId) ?? 0) + 1);
  }
  const ownerIds: string[] = [];
  const categoryOf = new Map(unitRows.map((r) => [r.unit.id, r.unit.categoryId] as const));
  for (const s of subs) for (const l of leavesByCategory.get(categoryOf.get(s.unitId) ?? -1) ?? []) ownerIds.push(leafOwnerId(s.id, l.nodeId));
  const evidence = evidenceCountsByOwner(db, ownerIds);
  const extensions = new Map<number, string>();
  for (const e of db.select().from(deadlineExtensions).where(eq(deadlineExtensions.cycleId, cycle.id)).orderBy(asc(deadlineExtensions.id)).all()) {
    extensions.set(e.unitId, e.until); // the latest wins
  }

  return shown.map(({ unit, categoryName }) => {
    const leaves = leavesByCategory.get(unit.categoryId) ?? [];
    const sub = subByUnit.get(unit.id) ?? null;
    const answers = (sub && answersBySub.get(sub.id)) || new Map<number, AnswerRow>();
    const evidenceCounts = new Map(leaves.map((l) => [l.nodeId, sub ? (evidence.get(leafOwnerId(sub.id, l.nodeId)) ?? 0) : 0] as const));
    const c = completenessOf(leaves, { answers, evidenceCounts });
    const due = extensions.get(unit.id) ?? cycle.selfInspectionDue;
    const notStarted = !sub || (sub.status === "draft" && answers.size === 0);
    const status = sub?.status ?? null;
    const overdue = status !== "submitted" && status !== "returned" && isPastDue(due, now);
    return {
      unitId: unit.id,
      unitCode: unit.code,
      unitName: unit.name,
      categoryName,
      submissionId: sub?.id ?? null,
      status,
      statusLabel: notStarted ? NOT_STARTED_LABEL : SUBMISSION_STATUS_LABELS[status!],
      notStarted,
      answered: c.answered,
      total: c.total,
      evidenceAttached: c.evidenceAttached,
      evidenceRequired: c.evidenceRequired,
      lastActivityText: sub ? formatBeijingTime(sub.lastActivityAt, "minute") : "",
      due,
      extended: extensions.has(unit.id),
      overdue,
      daysLeftText: status === "submitted" ? "" : daysLeftLabel(due, now),
      openReturnItems: sub ? (openReturns.get(sub.id) ?? 0) : 0,
    };
  });
}

/**
 * Reminder for the office when the deadline is near (≤ 7 days) or past and units have not
 * submitted (returned units are revising and excluded).
 */
function officeReminder(cycle: CycleRow, rows: OverviewRow[], now: Date): string | null {
  if (!cycleAllows(cycle.status, "selfInspect")) return null;
  const pending = rows.filter((r) => r.status !== "submitted" && r.status !== "returned");
  if (pending.length === 0) return null;
  const due = cycle.selfInspectionDue;
  const names = (list: OverviewRow[]) => list.map((r) => r.unitName).join("、");
  if (isPastDue(due, now)) {
    const overdue = pending.filter((r) => r.overdue);
    if (overdue.length === 0) return null;
    return `自查截止时间${deadlineLabel(due)}已过，以下${overdue.length}个单位逾期未提交：${names(overdue)}。`;
  }
  const d = daysLeft(due, now);
  if (d > REMINDER_DAYS) return null;
  return `距自查截止还有${d === 0 ? "不到1" : d}天（${deadlineLabel(due)}），以下${pending.length}个单位尚未提交：${names(pending)}。`;
}

export function officeOverview(db: Db | Tx, args: { cycleId?: number | null; filter?: string | null; now?: Date }) {
  const now = args.now ?? new Date();
  const cycle = args.cycleId
    ? db
        .select()
        .from(cycles)
        .where(and(eq(cycles.id, args.cycleId), inArray(cycles.status, statusesAllowing("selfInspectionShown"))))
        .get()
    : currentCycle(db);
  const filter: OverviewFilter = (OVERVIEW_FILTERS as readonly string[]).includes(args.filter ?? "") ? (args.filter as OverviewFilter) : "all";
  if (!cycle) return { cycle: null, cycles: visibleCycles(db), filter, rows: [], extendable: [], counts: null, reminder: null };
  const all = overviewRows(db, cycle, now);
  const counts = Object.fromEntries(OVERVIEW_FILTERS.map((f) => [f, all.filter((r) => matches(r, f)).length])) as Record<OverviewFilter, number>;
  return {
    cycle: {
      id: cycle.id,
      year: cycle.year,
      title: cycle.title,
      open: cycleAllows(cycle.status, "selfInspect"),
      due: cycle.selfInspectionDue,
      deadlineText: deadlineLabel(cycle.selfInspectionDue),
      daysLeftText: daysLeftLabel(cycle.selfInspectionDue, now),
    },
    cycles: visibleCycles(db),
    filter,
    rows: all.filter((r) => matches(r, filter)),
    /** Units an extension can still be granted to (not submitted). */
    extendable: all.filter((r) => r.status !== "submitted").map((r) => ({ unitId: r.unitId, unitCode: r.unitCode, unitName: r.unitName, statusLabel: r.statusLabel, overdue: r.overdue })),
    counts,
    reminder: officeReminder(cycle, all, now),
  };
}
