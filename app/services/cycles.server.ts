import { and, asc, count, desc, eq } from "drizzle-orm";
import { cycleAllows } from "../domain/cycle-capabilities";
import { type Db, type Tx } from "../../db/client";
import { categories, cycles, cycleTransitions, indicatorSets, units, users, type CycleStatus, type Role } from "../../db/schema";
import { cloneSpecs, templateSetFor } from "../templates/default-indicators";
import { defaultCycleSettings, defaultSelfInspectionDue, DEFAULT_OPENNESS_WEIGHT_PCT } from "../domain/cycle-defaults";
import { defaultCalendar } from "./holiday-arrangements.server";
import { cycleFieldsSchema, createCycleSchema, type CycleFields, type CycleSource } from "../domain/cycle-schemas";
import {
  CYCLE_FIELDS,
  CYCLE_STATUS_LABELS,
  findTransition,
  isEditable,
  transitionsFrom,
  type CycleField,
  type CycleTransition,
} from "../domain/cycle-status";
import { leavesOf, type IndicatorSpec, type StoredIndicator } from "../domain/indicator-spec";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { parseOrRefuse, type FieldErrors } from "../utils/form.server";
import { auditMark, finaliseWithSnapshot, finaliseWithSnapshotInWorker, snapshotRefused, type PreparedFinal } from "./cycle-finalise.server";
import { evaluatePreconditions } from "./cycle-preconditions.server";
import { checkStoredSet, loadTree, replaceTree, toSpecs } from "./indicator-tree.server";
import { notifyUnits } from "./notifications.server";
import { insertFinalSnapshot } from "./results-storage.server";
import { DomainError } from "../domain/domain-error";

/**
 * Assessment cycles (考核年度): creation from the default template, a previous cycle or empty;
 * settings, deadlines and calendar; the status machine (app/domain/cycle-status.ts) with every
 * step recorded and audited. Indicator trees themselves are edited elsewhere (the tree editor).
 */

export type CycleRow = typeof cycles.$inferSelect;
type Reader = Db | Tx;

/** The acting user with the role the status machine checks. */
export type CycleActor = Actor & { role: Role };

/**
 * A status step's answer. Deliberately a result, not a thrown refusal: a refused step lists every
 * unmet precondition (`errors`), which the cycle page shows as a list under the message.
 */
export type TransitionResult =
  | { ok: true; cycle: CycleRow; /** The final snapshot the step stored (结果定稿), else null. */ snapshot: { packageSha256: string; resultsSha256: string; units: number } | null }
  | { ok: false; message: string; errors: string[] };

export const CYCLE_FIELD_LABELS: Record<CycleField, string> = {
  title: "考核名称",
  opennessWeightPct: "政务公开工作分值权重",
  settings: "评分设置",
  selfInspectionDue: "自查截止日期",
  spotCheckStart: "抽查开始日期",
  spotCheckEnd: "抽查结束日期",
  appealWindowDays: "复核申请期限",
  calendar: "工作日历",
};

const nowIso = () => new Date().toISOString();

/** "考核已发布" / "考核处于“评审中”阶段": why something can no longer change. */
function statusPhrase(status: CycleStatus): string {
  const label = CYCLE_STATUS_LABELS[status];
  return label.startsWith("已") ? `考核${label}` : `考核处于“${label}”阶段`;
}

// ---------------------------------------------------------------- reading

export function cycleOr404(id: number, db: Reader): CycleRow {
  const row = db.select().from(cycles).where(eq(cycles.id, id)).get();
  if (!row) throw new DomainError("notFound", "该考核年度不存在。");
  return row;
}

export function findCycleByYear(year: number, db: Reader): CycleRow | undefined {
  return db.select().from(cycles).where(eq(cycles.year, year)).get();
}

export interface CycleListRow extends CycleRow {
  statusLabel: string;
  setCount: number;
}

/** All cycles, newest year first. */
export function listCycles(db: Reader): CycleListRow[] {
  const rows = db.select().from(cycles).orderBy(desc(cycles.year)).all();
  const setCounts = new Map(
    db
      .select({ cycleId: indicatorSets.cycleId, n: count() })
      .from(indicatorSets)
      .groupBy(indicatorSets.cycleId)
      .all()
      .map((r) => [r.cycleId, r.n]),
  );
  return rows.map((r) => ({ ...r, statusLabel: CYCLE_STATUS_LABELS[r.status], setCount: setCounts.get(r.id) ?? 0 }));
}

export interface IndicatorSetWithTree {
  id: number;
  cycleId: number;
  categoryId: number;
  tree: StoredIndicator[];
}

/** A category's indicator set in a cycle with its tree, or null when the cycle has none for it. */
export function getIndicatorSet(cycleId: number, categoryId: number, db: Reader): IndicatorSetWithTree | null {
  const set = db
    .select()
    .from(indicatorSets)
    .where(and(eq(indicatorSets.cycleId, cycleId), eq(indicatorSets.categoryId, categoryId)))
    .get();
  if (!set) return null;
  return { id: set.id, cycleId: set.cycleId, categoryId: set.categoryId, tree: loadTree(db, set.id) };
}

export interface CycleSetRow {
  id: number;
  categoryId: number;
  categoryName: string;
  activeUnits: number;
  updatedAt: string;
}

/** The indicator sets of a cycle in category order, with the category's active unit count. */
export function listCycleSets(cycleId: number, db: Reader): CycleSetRow[] {
  const sets = db
    .select({ id: indicatorSets.id, categoryId: indicatorSets.categoryId, categoryName: categories.name, updatedAt: indicatorSets.updatedAt })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
  const active = activeUnitCounts(db);
  return sets.map((s) => ({ ...s, activeUnits: active.get(s.categoryId) ?? 0 }));
}

function activeUnitCounts(db: Reader): Map<number, number> {
  return new Map(
    db
      .select({ categoryId: units.categoryId, n: count() })
      .from(units)
      .where(eq(units.active, true))
      .groupBy(units.categoryId)
      .all()
      .map((r) => [r.categoryId, r.n]),
  );
}

export interface TransitionHistoryRow {
  id: number;
  fromStatus: CycleStatus;
  toStatus: CycleStatus;
  fromLabel: string;
  toLabel: string;
  at: string;
  actorName: string;
  comment: string | null;
}

/** Every status change of a cycle, oldest first. */
export function listTransitions(cycleId: number, db: Reader): TransitionHistoryRow[] {
  return db
    .select({
      id: cycleTransitions.id,
      fromStatus: cycleTransitions.fromStatus,
      toStatus: cycleTransitions.toStatus,
      at: cycleTransitions.at,
      comment: cycleTransitions.comment,
      actorName: users.displayName,
    })
    .from(cycleTransitions)
    .leftJoin(users, eq(users.id, cycleTransitions.actorId))
    .where(eq(cycleTransitions.cycleId, cycleId))
    .orderBy(asc(cycleTransitions.id))
    .all()
    .map((r) => ({
      ...r,
      fromLabel: CYCLE_STATUS_LABELS[r.fromStatus],
      toLabel: CYCLE_STATUS_LABELS[r.toStatus],
      actorName: r.actorName ?? "系统",
    }));
}

// ---------------------------------------------------------------- creating

/** The same month and day `delta` years later (29 February becomes 28 February). */
export function shiftYear(date: string, delta: number): string {
  const y = Number(date.slice(0, 4)) + delta;
  const md = date.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${y}-${md === "02-29" && !leap ? "02-28" : md}`;
}

function defaultSpotCheck(year: number): { start: string; end: string } {
  // Policy: the office spot-checks at the end of the year (年底抽查).
  return { start: `${year}-12-01`, end: `${year}-12-31` };
}

/** Categories that have active units, in category order. */
function categoriesInUse(tx: Reader) {
  const active = activeUnitCounts(tx);
  return tx
    .select()
    .from(categories)
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all()
    .filter((c) => (active.get(c.id) ?? 0) > 0);
}

function insertSet(tx: Tx, cycleId: number, categoryId: number, specs: readonly IndicatorSpec[]): number {
  const at = nowIso();
  const set = tx.insert(indicatorSets).values({ cycleId, categoryId, createdAt: at, updatedAt: at }).returning({ id: indicatorSets.id }).get();
  if (specs.length > 0) replaceTree(tx, set.id, specs);
  return set.id;
}

/**
 * Create a cycle (a draft). Indicator sets: from the default template, one per category the
 * template fits (by name); copied from a previous cycle (its trees, settings, weight and appeal
 * window — never its submissions; deadlines moved to the new year); or empty. Every category with
 * active units gets a set, empty where nothing fits, so the office sees what is still missing.
 * The calendar is always prefilled for the new year.
 */
export function createCycle(db: Db, actor: Actor, input: unknown): number {
  const v = parseOrRefuse(createCycleSchema, input);
  return mutate(db, (tx) => {
    if (findCycleByYear(v.year, tx)) throw new DomainError("invalid", `${v.year}年度的考核已存在，不能重复创建`, "year");
    let source: CycleRow | undefined;
    if (v.source === "copy") {
      source = tx.select().from(cycles).where(eq(cycles.id, v.copyFromCycleId!)).get();
      if (!source) throw new DomainError("invalid", "所选的考核年度不存在", "copyFromCycleId");
    }
    const delta = source ? v.year - source.year : 0;
    const spot = defaultSpotCheck(v.year);
    const at = nowIso();
    const cycle = tx
      .insert(cycles)
      .values({
        year: v.year,
        title: v.title ?? `${v.year}年度政务公开工作绩效考核`,
        opennessWeightPct: v.opennessWeightPct ?? source?.opennessWeightPct ?? DEFAULT_OPENNESS_WEIGHT_PCT,
        settings: source ? structuredClone(source.settings) : defaultCycleSettings(),
        calendar: defaultCalendar(v.year),
        selfInspectionDue: v.selfInspectionDue ?? (source ? shiftYear(source.selfInspectionDue, delta) : defaultSelfInspectionDue(v.year)),
        spotCheckStart:
          v.spotCheckStart !== undefined ? v.spotCheckStart : source ? source.spotCheckStart && shiftYear(source.spotCheckStart, delta) : spot.start,
        spotCheckEnd: v.spotCheckEnd !== undefined ? v.spotCheckEnd : source ? source.spotCheckEnd && shiftYear(source.spotCheckEnd, delta) : spot.end,
        appealWindowDays: v.appealWindowDays ?? source?.appealWindowDays ?? 5,
        status: "draft",
        copiedFromId: source?.id ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();

    const created: { categoryId: number; category: string; from: string; nodes: number }[] = [];
    const add = (categoryId: number, category: string, specs: readonly IndicatorSpec[], from: string) => {
      insertSet(tx, cycle.id, categoryId, specs);
      created.push({ categoryId, category, from, nodes: countNodes(specs) });
    };
    if (source) {
      for (const s of listCycleSets(source.id, tx)) add(s.categoryId, s.categoryName, toSpecs(loadTree(tx, s.id)), `${source.year}年度`);
    } else if (v.source === "template") {
      for (const c of tx.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.id)).all()) {
        const t = templateSetFor(c.name);
        if (t) add(c.id, c.name, cloneSpecs(t.indicators), `默认模板“${t.category}”`);
      }
    }
    const has = new Set(created.map((c) => c.categoryId));
    for (const c of categoriesInUse(tx)) if (!has.has(c.id)) add(c.id, c.name, [], "空白");

    writeAudit(tx, actor, {
      action: "cycle.create",
      entityType: "cycle",
      entityId: cycle.id,
      after: { ...cycle, source: v.source as CycleSource, indicatorSets: created },
    });
    return cycle.id;
  });
}

function countNodes(specs: readonly IndicatorSpec[]): number {
  return specs.reduce((n, s) => n + 1 + countNodes(s.children ?? []), 0);
}

/**
 * Add an indicator set for a category that has none (e.g. a category created after the cycle),
 * from the default template when it fits the category, otherwise empty. Drafts only.
 */
export function addIndicatorSet(db: Db, actor: Actor, cycleId: number, categoryId: number, from: "template" | "empty"): number {
  return mutate(db, (tx) => {
    const cycle = cycleOr404(cycleId, tx);
    if (!cycleAllows(cycle.status, "editSets")) {
      throw new DomainError("conflict", `${statusPhrase(cycle.status)}，不能再新增指标体系`, "categoryId");
    }
    const category = tx.select().from(categories).where(eq(categories.id, categoryId)).get();
    if (!category) throw new DomainError("invalid", "所选单位类别不存在", "categoryId");
    if (getIndicatorSet(cycleId, categoryId, tx)) throw new DomainError("conflict", `类别“${category.name}”已有指标体系`, "categoryId");
    const t = from === "template" ? templateSetFor(category.name) : null;
    if (from === "template" && !t) throw new DomainError("invalid", `默认模板中没有适用于“${category.name}”的指标体系，请选择空白`, "from");
    const specs = t ? cloneSpecs(t.indicators) : [];
    const id = insertSet(tx, cycleId, categoryId, specs);
    writeAudit(tx, actor, {
      action: "indicator_set.create",
      entityType: "indicator_set",
      entityId: id,
      after: { cycleId, categoryId, category: category.name, from: t ? `默认模板“${t.category}”` : "空白", nodes: countNodes(specs) },
    });
    tx.update(cycles).set({ updatedAt: nowIso() }).where(eq(cycles.id, cycleId)).run();
    return id;
  });
}

// ---------------------------------------------------------------- updating

function fieldsOf(c: CycleRow): CycleFields {
  return {
    title: c.title,
    opennessWeightPct: c.opennessWeightPct,
    settings: c.settings,
    selfInspectionDue: c.selfInspectionDue,
    spotCheckStart: c.spotCheckStart,
    spotCheckEnd: c.spotCheckEnd,
    appealWindowDays: c.appealWindowDays,
    calendar: c.calendar,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Change some of a cycle's fields (the others keep their values). What may change depends on the
 * status (EDITABLE_FIELDS in app/domain/cycle-status.ts): everything in a draft; after publishing
 * only the title, deadlines and calendar; nothing once final. The whole result is validated;
 * a refused field names why, and nothing is written. Changes are audited with before and after.
 */
export function updateCycle(db: Db, actor: Actor, cycleId: number, patch: Partial<Record<CycleField, unknown>>): void {
  mutate(db, (tx) => {
    const before = cycleOr404(cycleId, tx);
    const current = fieldsOf(before);
    const merged: Record<string, unknown> = { ...current };
    for (const key of CYCLE_FIELDS) if (key in patch) merged[key] = patch[key];
    const next = parseOrRefuse(cycleFieldsSchema, merged);

    const changed = CYCLE_FIELDS.filter((k) => !same(next[k], current[k]));
    const fieldErrors: FieldErrors = {};
    for (const k of changed) {
      if (!isEditable(before.status, k)) {
        fieldErrors[k] = `${statusPhrase(before.status)}，${CYCLE_FIELD_LABELS[k]}不能再修改`;
      }
    }
    if (Object.keys(fieldErrors).length > 0) throw DomainError.fields(fieldErrors);
    if (changed.length === 0) return;

    const set: Partial<typeof cycles.$inferInsert> = { updatedAt: nowIso() };
    const beforeAudit: Record<string, unknown> = {};
    const afterAudit: Record<string, unknown> = {};
    for (const k of changed) {
      (set as Record<string, unknown>)[k] = next[k];
      beforeAudit[k] = current[k];
      afterAudit[k] = next[k];
    }
    tx.update(cycles).set(set).where(eq(cycles.id, cycleId)).run();
    writeAudit(tx, actor, { action: "cycle.update", entityType: "cycle", entityId: cycleId, before: beforeAudit, after: afterAudit });
  });
}

// ---------------------------------------------------------------- status

type StepCheck = { ok: true; step: CycleTransition } | Extract<TransitionResult, { ok: false }>;

/** Whether `actor` may move `cycle` to `to` now: the step is listed, the role allowed, every precondition met. */
function checkStep(db: Db, cycle: CycleRow, to: CycleStatus, actor: CycleActor): StepCheck {
  const step = findTransition(cycle.status, to);
  if (!step) {
    const message =
      cycle.status === to
        ? `考核已是“${CYCLE_STATUS_LABELS[to]}”状态`
        : `考核当前为“${CYCLE_STATUS_LABELS[cycle.status]}”，不能变更为“${CYCLE_STATUS_LABELS[to]}”`;
    return { ok: false, message, errors: [] };
  }
  if (!step.roles.includes(actor.role)) {
    return { ok: false, message: `您无权执行“${step.label}”操作`, errors: [] };
  }
  const reports = evaluatePreconditions({ db, cycle }, step.preconditions);
  const failed = reports.filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    return {
      ok: false,
      message: `不能${step.label}：${failed.map((r) => `未满足“${r.label}”`).join("；")}`,
      errors: failed.flatMap((r) => r.problems),
    };
  }
  return { ok: true, step };
}

/**
 * Move a cycle to another status, as the status machine allows: the step must be listed, the
 * actor's role allowed and every precondition met (all problems are reported together). The
 * step is recorded in cycle_transitions with actor and time and audited, in one transaction.
 * `opts.at` records a step that happened earlier (the demo seed's past years); default now.
 *
 * A step that takes the final snapshot (结果定稿) prepares it on this thread first, then stores it
 * in the step's transaction (cycle-finalise.server.ts); the web app uses transitionCycleInWorker.
 */
export function transitionCycle(db: Db, cycleId: number, to: CycleStatus, actor: CycleActor, comment?: string, opts: { at?: string } = {}): TransitionResult {
  const plan = planStep(db, cycleId, to, actor);
  if (plan.kind === "refused") return plan.result;
  const apply = (prepared: PreparedFinal | null) => applyStep(db, cycleId, to, actor, comment, opts.at, prepared);
  return plan.kind === "plain" ? (apply(null) as TransitionResult) : finaliseWithSnapshot(db, cycleId, plan.label, apply);
}

/** The same for the web app: a final snapshot is prepared in a worker thread, so the server keeps serving. */
export async function transitionCycleInWorker(db: Db, cycleId: number, to: CycleStatus, actor: CycleActor, comment?: string): Promise<TransitionResult> {
  const plan = planStep(db, cycleId, to, actor);
  if (plan.kind === "refused") return plan.result;
  const apply = (prepared: PreparedFinal | null) => applyStep(db, cycleId, to, actor, comment, undefined, prepared);
  return plan.kind === "plain" ? (apply(null) as TransitionResult) : finaliseWithSnapshotInWorker(db, cycleId, plan.label, apply);
}

type StepPlan = { kind: "plain" } | { kind: "final"; label: string } | { kind: "refused"; result: Extract<TransitionResult, { ok: false }> };

/**
 * What happens before the step's transaction, from one look at the cycle: a step without a final
 * snapshot goes straight to its transaction (which checks it); a final-snapshot step is refused
 * here, before the heavy preparation, when it is not allowed anyway — and checked again in the
 * transaction, where a status changed meanwhile is caught.
 */
function planStep(db: Db, cycleId: number, to: CycleStatus, actor: CycleActor): StepPlan {
  const cycle = cycleOr404(cycleId, db);
  if (!findTransition(cycle.status, to)?.finalSnapshot) return { kind: "plain" };
  const checked = checkStep(db, cycle, to, actor);
  return checked.ok ? { kind: "final", label: checked.step.label } : { kind: "refused", result: checked };
}

/** The step's transaction: checks again, stores the snapshot (if the step takes one), status, transition row, audit. */
function applyStep(db: Db, cycleId: number, to: CycleStatus, actor: CycleActor, comment: string | undefined, at: string | undefined, prepared: PreparedFinal | null): TransitionResult | "stale" {
  return mutate(db, (tx): TransitionResult | "stale" => {
    const cycle = cycleOr404(cycleId, tx);
    const checked = checkStep(db, cycle, to, actor);
    if (!checked.ok) return checked;
    const step = checked.step;
    const when = at ?? nowIso();
    let snapshot: { packageSha256: string; resultsSha256: string; units: number } | null = null;
    if (step.finalSnapshot) {
      // The status changed after the caller looked (a race): the snapshot was not prepared.
      if (!prepared) return { ok: false, message: "考核状态刚刚发生变化，请刷新页面后重试", errors: [] };
      if (auditMark(tx) !== prepared.auditMark) return "stale";
      const out = insertFinalSnapshot(db, tx, cycleId, actor, prepared.snapshot, when);
      if (!out.ok) return snapshotRefused(step.label, out);
      snapshot = { packageSha256: out.packageSha256, resultsSha256: out.resultsSha256, units: out.units };
    }
    const text = comment?.trim() || null;
    const after = tx
      .update(cycles)
      .set({ status: to, updatedAt: when, ...(to === "published" && !cycle.publishedAt ? { publishedAt: when } : {}) })
      .where(eq(cycles.id, cycleId))
      .returning()
      .get();
    tx.insert(cycleTransitions).values({ cycleId, fromStatus: cycle.status, toStatus: to, actorId: actor.id, at: when, comment: text }).run();
    writeAudit(tx, actor, {
      action: "cycle.transition",
      entityType: "cycle",
      entityId: cycleId,
      before: { status: cycle.status },
      after: { status: to, label: step.label, comment: text, ...(snapshot ? { finalSnapshot: snapshot } : {}) },
    });
    if (to === "preliminary" || to === "final") notifyResultsReleased(tx, after, new Date(when));
    return { ok: true, cycle: after, snapshot };
  });
}

/** Every department learns that its results (preliminary, then final) can be read. */
function notifyResultsReleased(tx: Tx, cycle: CycleRow, now: Date): void {
  const preliminary = cycle.status === "preliminary";
  const unitIds = tx.select({ id: units.id }).from(units).where(eq(units.active, true)).all().map((u) => u.id);
  notifyUnits(
    tx,
    unitIds,
    (unit) => ({
      kind: "results_released",
      title: `${cycle.year}年度考核${preliminary ? "初步结果" : "结果"}已发布`,
      body: preliminary
        ? `${cycle.title}的初步结果已发布，${unit.name}可查看得分与每项失分原因；如有异议，请在复核申请期限（${cycle.appealWindowDays}天）内申请复核。`
        : `${cycle.title}的结果已定稿，${unit.name}可查看最终得分、等次与排名。`,
      link: `/results/${cycle.year}/units/${unit.id}`,
      cycleId: cycle.id,
    }),
    now,
  );
}

// ---------------------------------------------------------------- overview

export interface CycleSetSummary extends CycleSetRow {
  leafCount: number;
  basePoints: number;
  bonusPoints: number;
  errors: string[];
  warnings: string[];
}

/** Each indicator set of a cycle with its size and the policy check (as publishing runs it). */
export function summarizeCycleSets(cycle: CycleRow, db: Reader): CycleSetSummary[] {
  return listCycleSets(cycle.id, db).map((s) => {
    const specs = toSpecs(loadTree(db, s.id));
    const report = checkStoredSet(db, s.id, { scale: cycle.settings.scale });
    const partPoints = (part: string) => specs.filter((n) => (n.part ?? "base") === part).reduce((sum, n) => sum + n.points, 0);
    return {
      ...s,
      leafCount: leavesOf(specs).length,
      basePoints: Math.round(partPoints("base") * 100) / 100,
      bonusPoints: Math.round(partPoints("bonus") * 100) / 100,
      errors: report.errors.map((e) => e.message),
      warnings: report.warnings.map((e) => e.message),
    };
  });
}

/** Categories that have no indicator set in the cycle, and whether the default template fits them. */
export function categoriesWithoutSet(cycleId: number, db: Reader) {
  const has = new Set(listCycleSets(cycleId, db).map((s) => s.categoryId));
  const active = activeUnitCounts(db);
  return db
    .select()
    .from(categories)
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all()
    .filter((c) => !has.has(c.id))
    .map((c) => ({ id: c.id, name: c.name, activeUnits: active.get(c.id) ?? 0, templateFits: templateSetFor(c.name) !== null }));
}

/** The preconditions of each step out of the cycle's current status, evaluated now (read-only). */
export function nextSteps(cycle: CycleRow, db: Db) {
  return transitionsFrom(cycle.status).map((t) => ({
    to: t.to,
    toLabel: CYCLE_STATUS_LABELS[t.to],
    label: t.label,
    roles: t.roles,
    confirm: t.confirm ?? null,
    preconditions: evaluatePreconditions({ db, cycle }, t.preconditions),
  }));
}
