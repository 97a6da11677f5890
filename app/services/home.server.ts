import { and, asc, count, desc, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { cycles, indicatorNodes, returnItems, spotCheckBatches, type CycleStatus } from "../../db/schema";
import { cycleProgress } from "../domain/cycle-progress";
import { beijingToday } from "../utils/beijing-time";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { mean } from "../domain/dashboard";
import { EVALUATION_NAV } from "../domain/evaluation-labels";
import { daysLeft, daysLeftLabel, effectiveDue } from "../domain/self-inspection-deadline";
import { SUBMISSION_STATUS_LABELS, NOT_STARTED_LABEL } from "../domain/submission-status";
import type { SessionUser } from "../utils/auth.server";
import { unresolvedDivergences } from "./arbitration.server";
import { assignmentBoard } from "./assignments.server";
import { listAppeals } from "./appeals.server";
import { unitExtensionRequests, pendingExtensionRequests } from "./extension-requests.server";
import { dashboardData } from "./dashboard.server";
import { appealWindow } from "./evaluation-context.server";
import { listRectifications } from "./rectifications.server";
import { departmentCycles } from "./results-pages.server";
import { reviewQueue } from "./reviews.server";
import { siteCheckHome } from "./site-check/site-check-pages.server";
import { currentCycle, findSubmission, latestExtension } from "./self-inspection-context.server";
import { officeOverview } from "./submissions-overview.server";

/**
 * The to-do home (首页) of each role: what is waiting for whom, with a count and a link to where it
 * is dealt with. Every count is read from the same services the linked pages use, so the home and
 * the page never disagree.
 */

type Reader = Db | Tx;
type CycleRow = typeof cycles.$inferSelect;

export interface TodoItem {
  key: string;
  label: string;
  count: number;
  href: string;
  /** Up to a few names (units, indicators) behind the count. */
  names: string[];
}

export interface Deadline {
  label: string;
  date: string;
  daysLeftText: string;
}

const NAMES_SHOWN = 6;
const names = (list: readonly string[]) => list.slice(0, NAMES_SHOWN);

function todo(key: string, label: string, href: string, list: readonly string[]): TodoItem {
  return { key, label, count: list.length, href, names: names(list) };
}

function cycleHeader(cycle: CycleRow) {
  return { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status, statusLabel: CYCLE_STATUS_LABELS[cycle.status] };
}

/** The deadlines of a cycle that still lie ahead in its current phase, soonest first. */
export function upcomingDeadlines(db: Reader, cycle: CycleRow, now: Date): Deadline[] {
  const today = beijingToday(now);
  const out: { label: string; date: string }[] = [];
  if (cycle.status === "published") out.push({ label: "自查截止", date: cycle.selfInspectionDue });
  if (cycle.status === "published" || cycle.status === "evaluating") {
    if (cycle.spotCheckStart) out.push({ label: "抽查开始", date: cycle.spotCheckStart });
    if (cycle.spotCheckEnd) out.push({ label: "抽查结束", date: cycle.spotCheckEnd });
  }
  if (cycle.status === "preliminary") {
    const w = appealWindow(db, cycle, now);
    if (w.open && w.lastDay) out.push({ label: "复核申请截止", date: w.lastDay });
  }
  return out
    .filter((d) => d.date >= today)
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => ({ ...d, daysLeftText: daysLeftLabel(d.date, now) }));
}

function spotChecksBegun(db: Reader, cycle: CycleRow, now: Date): boolean {
  const batches = db.select({ n: count() }).from(spotCheckBatches).where(eq(spotCheckBatches.cycleId, cycle.id)).get()!.n;
  return batches > 0 || (cycle.spotCheckStart !== null && cycle.spotCheckStart <= beijingToday(now));
}

/** The cycle the office is working on: the latest in progress, else the latest draft being configured. */
function officeCycle(db: Reader): CycleRow | null {
  return currentCycle(db) ?? db.select().from(cycles).where(eq(cycles.status, "draft")).orderBy(desc(cycles.year)).limit(1).get() ?? null;
}

const SELF_VISIBLE: readonly CycleStatus[] = ["published", "evaluating", "preliminary", "final"];

export function officeHome(db: Db, user: SessionUser, now: Date) {
  const cycle = officeCycle(db);
  if (!cycle) return { cycle: null, steps: [], deadlines: [], todos: [], siteCheck: null };
  const todos: TodoItem[] = [];
  if (SELF_VISIBLE.includes(cycle.status)) {
    const rows = officeOverview(db, { cycleId: cycle.id, now }).rows;
    const submissionsLink = (filter: string) => `/submissions?cycle=${cycle.id}&filter=${filter}`;
    const open = cycle.status === "published";
    todos.push(todo("notStarted", "尚未开始填报的单位", submissionsLink("not_started"), open ? rows.filter((r) => r.notStarted).map((r) => r.unitName) : []));
    todos.push(todo("overdue", "逾期未提交的单位", submissionsLink("overdue"), rows.filter((r) => r.overdue).map((r) => `${r.unitName}（${r.daysLeftText}）`)));
    todos.push(todo("returned", "已退回、待重新提交的单位", submissionsLink("returned"), rows.filter((r) => r.status === "returned").map((r) => r.unitName)));
    todos.push(todo("extended", "已批准延期的单位", submissionsLink("all"), rows.filter((r) => r.extended && r.status !== "submitted").map((r) => `${r.unitName}（至${r.due}）`)));
    const requests = open ? pendingExtensionRequests(db, cycle.id) : [];
    todos.push(todo("extensionRequests", "待审批的延期申请", `/submissions?cycle=${cycle.id}#extension-requests`, requests.map((r) => `${r.unitName}（申请至${r.wantedUntil}）`)));
  }
  if (cycleAllows(cycle.status, "evaluate")) {
    const board = assignmentBoard(db, cycle);
    todos.push(todo("unassigned", "尚未分配评估员的单位", `${EVALUATION_NAV.assignments.to}?cycle=${cycle.id}`, board.units.filter((u) => u.assignments.length === 0).map((u) => u.name)));
  }
  if (cycle.status !== "draft") {
    const divergences = unresolvedDivergences(db, cycle.id);
    todos.push(todo("divergences", "待仲裁的评分分歧", "/evaluation/divergences", divergences.map((d) => `${d.unitName} · ${d.code}`)));
  }
  const today = beijingToday(now);
  const open = listRectifications(db, user, { openOnly: true }).filter((r) => r.year === cycle.year);
  const overdue = (r: (typeof open)[number]) => (r.status === "pending" || r.status === "failed") && r.due !== null && r.due < today;
  todos.push(todo("rectifications", "待整改的抽查问题", EVALUATION_NAV.rectifications.to, open.filter((r) => r.status === "pending" || r.status === "failed").map((r) => `${r.unitName} · ${r.nodeCode}`)));
  todos.push(todo("rectificationsToVerify", "整改已回复、待核验", EVALUATION_NAV.rectifications.to, open.filter((r) => r.status === "responded").map((r) => `${r.unitName} · ${r.nodeCode}`)));
  todos.push(todo("rectificationsOverdue", "逾期未整改", EVALUATION_NAV.rectifications.to, open.filter(overdue).map((r) => `${r.unitName} · ${r.nodeCode}（限${r.due}）`)));
  const appeals = listAppeals(db, cycle.id).filter((a) => a.status === "pending");
  todos.push(todo("appeals", "待处理的复核申请", `${EVALUATION_NAV.appeals.to}?cycle=${cycle.id}`, appeals.map((a) => `${a.unitName} · ${a.nodeCode}`)));
  const siteCheck = siteCheckHome(db, user, cycle, now);
  if (siteCheck) todos.push(todo("siteCheckProposals", "待确认的网站检查发现", siteCheck.pendingHref, siteCheck.pending));
  return {
    cycle: cycleHeader(cycle),
    steps: cycleProgress(cycle.status, spotChecksBegun(db, cycle, now)),
    deadlines: upcomingDeadlines(db, cycle, now),
    todos,
    siteCheck: siteCheck?.progress ?? null,
  };
}

export function departmentHome(db: Db, user: SessionUser, now: Date) {
  const unitId = user.unitId;
  const cycle = currentCycle(db);
  const today = beijingToday(now);
  const rectifications = listRectifications(db, user, { openOnly: true })
    .filter((r) => r.status === "pending" || r.status === "failed")
    .map((r) => ({ id: r.id, year: r.year, nodeCode: r.nodeCode, nodeName: r.nodeName, due: r.due, overdue: r.due !== null && r.due < today, statusLabel: r.statusLabel }));
  const released = departmentCycles(db, user).at(0) ?? null;
  const results = (() => {
    if (!released || unitId === null) return null;
    const row = db.select().from(cycles).where(eq(cycles.id, released.id)).get()!;
    const w = appealWindow(db, row, now);
    return { year: released.year, title: released.title, href: `/results/${released.year}/units/${unitId}`, appealOpen: w.open, appealLastDay: w.lastDay };
  })();
  if (!cycle || unitId === null) return { cycle: null, selfInspection: null, returned: [], rectifications, results };
  const submission = findSubmission(db, cycle.id, unitId) ?? null;
  const due = effectiveDue(cycle.selfInspectionDue, latestExtension(db, cycle.id, unitId)?.until);
  const open = cycle.status === "published";
  const returned = submission
    ? db
        .select({ nodeId: returnItems.nodeId, code: indicatorNodes.code, name: indicatorNodes.name, comment: returnItems.comment })
        .from(returnItems)
        .innerJoin(indicatorNodes, eq(indicatorNodes.id, returnItems.nodeId))
        .where(and(eq(returnItems.submissionId, submission.id), isNull(returnItems.resolvedAt)))
        .orderBy(asc(indicatorNodes.code), asc(returnItems.id))
        .all()
    : [];
  return {
    cycle: cycleHeader(cycle),
    selfInspection: {
      open,
      due,
      extended: due !== cycle.selfInspectionDue,
      statusLabel: submission ? SUBMISSION_STATUS_LABELS[submission.status] : NOT_STARTED_LABEL,
      submitted: submission?.status === "submitted",
      daysLeft: open ? daysLeft(due, now) : null,
      returned: submission?.status === "returned",
      // A returned submission is resubmitted whatever the date (app/domain/submission-status.ts).
      daysLeftText: open && (submission?.status ?? "draft") === "draft" ? daysLeftLabel(due, now) : null,
      /** The unit's latest extension request (申请延期), while self-inspection is open. */
      extensionRequest: open ? (unitExtensionRequests(db, cycle.id, unitId).at(0) ?? null) : null,
    },
    returned,
    rectifications,
    results,
  };
}

export function evaluatorHome(db: Db, user: SessionUser) {
  const queue = reviewQueue(db, user.id);
  const openAssignments = queue.assignments.filter((a) => cycleAllows(a.cycleStatus, "evaluate"));
  const units = openAssignments.map((a) => ({
    unitId: a.unitId,
    unitName: a.unitName,
    year: a.cycleYear,
    entered: a.entered,
    total: a.total,
    signedOff: a.signedOffAt !== null,
    lead: a.lead,
  }));
  const openYears = new Set(
    db
      .select({ year: cycles.year, status: cycles.status })
      .from(cycles)
      .all()
      .filter((c) => cycleAllows(c.status, "evaluate"))
      .map((c) => c.year),
  );
  const inspections = queue.inspections.filter((i) => openYears.has(i.cycleYear));
  const arbitrations: { unitId: number; unitName: string; year: number; code: string; name: string }[] = [];
  for (const a of openAssignments.filter((x) => x.lead && x.signedOffAt !== null)) {
    const cycle = db.select().from(cycles).where(eq(cycles.year, a.cycleYear)).get()!;
    for (const d of unresolvedDivergences(db, cycle.id)) if (d.unitId === a.unitId) arbitrations.push({ unitId: d.unitId, unitName: d.unitName, year: a.cycleYear, code: d.code, name: d.name });
  }
  return {
    units,
    awaitingSignOff: units.filter((u) => !u.signedOff && u.total > 0 && u.entered >= u.total),
    inspections: inspections.map((i) => ({ batchId: i.batchId, unitName: i.unitName, year: i.cycleYear })),
    arbitrations,
  };
}

export function leaderHome(db: Db) {
  const d = dashboardData(db, null, null);
  if (!d.cycle) return { cycle: null };
  const totals = d.units.map((u) => u.total);
  const avg = mean(totals);
  const top = [...d.units].sort((a, b) => a.rank - b.rank).slice(0, 3);
  return {
    cycle: { year: d.cycle.year, title: d.cycle.title, kindLabel: d.cycle.kindLabel },
    unitCount: d.units.length,
    average: avg,
    grades: d.grades.map((g) => ({ name: g.name, count: d.units.filter((u) => u.grade === g.name).length })),
    top: top.map((u) => ({ name: u.name, total: u.total, rank: u.rank, grade: u.grade })),
  };
}
