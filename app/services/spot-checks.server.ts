import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import { can, may } from "../policy.server";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { categories, evidenceFiles, evidenceLinks, findings, rectifications, spotCheckBatches, spotCheckUnits, units, users } from "../../db/schema";
import { newSeed } from "../domain/prng";
import { drawSpotCheck, type SpotCheckDraw, type SpotCheckDrawInput, type SpotInspector, type SpotUnit } from "../domain/spotcheck-draw";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { beijingToday } from "../utils/beijing-time";
import { evaluatorPool } from "./assignments.server";
import { findingSource } from "./cycle-package.server";
import { assertEvaluationOpen, cycleByYear, cycleUnits, getCycle, getUnit, setFor, STALE_MESSAGE, type Reader } from "./evaluation-context.server";
import type { ScoredLeaf } from "../domain/indicator-spec";
import { designatedPhrase } from "../../scoring";

/**
 * Spot checks (抽查，双随机一公开): batches drawn with the shared pure draw (app/domain/spotcheck-draw.ts),
 * stored with their seed; findings recorded by the drawn inspector (or the office) flow into the
 * unit's scoring inputs (see cycle-package.server.ts).
 */

export type BatchRow = typeof spotCheckBatches.$inferSelect;
export type FindingRow = typeof findings.$inferSelect;

/** The draw's population for a cycle: its units (by category name) and the evaluator pool. */
export function spotCheckPopulation(db: Reader, cycleId: number): { units: SpotUnit[]; inspectors: SpotInspector[] } {
  const unitRows = cycleUnits(db, cycleId);
  const codeById = new Map(db.select({ id: units.id, code: units.code }).from(units).all().map((u) => [u.id, u.code] as const));
  return {
    units: unitRows.map((u) => ({ id: u.id, code: u.code, name: u.name, category: u.categoryName })),
    inspectors: evaluatorPool(db).map((e) => ({
      id: e.id,
      username: e.username,
      name: e.name,
      boundUnitCodes: e.boundUnitIds.map((id) => codeById.get(id)).filter((c): c is string => !!c),
    })),
  };
}

/** The draw, or refused (DomainError on the size field) when it is impossible. */
function drawOrRefuse(input: SpotCheckDrawInput): SpotCheckDraw {
  const result = drawSpotCheck(input);
  if (!result.ok) throw new DomainError("invalid", result.error, "size");
  return result.value;
}

/** The CLI's draw: by year, nothing saved. Refused (DomainError) for a year without a cycle or an impossible draw. */
export function drawForYear(db: Reader, year: number, seed: string, size: string, category?: string | null): SpotCheckDraw {
  const cycle = cycleByYear(db, year);
  if (!cycle) throw new DomainError("notFound", `没有${year}年度的考核`);
  return drawOrRefuse({ seed, size, category, ...spotCheckPopulation(db, cycle.id) });
}

export const batchFormSchema = z.object({
  seed: z.string().trim().max(200, "随机种子最多200个字符").optional().default(""),
  size: z.string({ required_error: "请填写抽查数量" }).trim().min(1, "请填写抽查数量（如 3）或比例（如 20%）").max(20, "抽查数量格式不正确"),
  categoryId: z
    .string()
    .optional()
    .transform((v) => (v && /^\d+$/.test(v) ? Number(v) : null)),
  nodeCodes: z
    .string()
    .max(2000, "指标范围过长")
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(/[\s,，、;；]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});

export function createBatch(db: Db, actor: Actor, cycleId: number, input: z.infer<typeof batchFormSchema>): { batchId: number; draw: SpotCheckDraw } {
  return mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    assertEvaluationOpen(cycle);
    let categoryName: string | null = null;
    if (input.categoryId !== null) {
      const cat = tx.select().from(categories).where(eq(categories.id, input.categoryId)).get();
      if (!cat) throw new DomainError("invalid", "单位类别不存在", "categoryId");
      categoryName = cat.name;
    }
    if (input.nodeCodes.length > 0) {
      const known = new Set<string>();
      for (const u of cycleUnits(tx, cycleId)) for (const l of setFor(tx, cycleId, u.categoryId)?.leaves ?? []) known.add(l.code);
      const unknown = input.nodeCodes.filter((c) => !known.has(c));
      if (unknown.length > 0) throw new DomainError("invalid", `以下指标编号不是本年度的末级指标：${unknown.join("、")}`, "nodeCodes");
    }
    const seed = input.seed || newSeed();
    const draw = drawOrRefuse({ seed, size: input.size, category: categoryName, ...spotCheckPopulation(tx, cycleId) });
    const batch = tx
      .insert(spotCheckBatches)
      .values({
        cycleId,
        seed,
        size: draw.size,
        categoryId: input.categoryId,
        nodeCodes: input.nodeCodes.length > 0 ? input.nodeCodes : null,
        createdBy: actor.id,
        createdAt: new Date().toISOString(),
      })
      .returning()
      .get();
    for (const u of draw.units) tx.insert(spotCheckUnits).values({ batchId: batch.id, unitId: u.id!, inspectorId: u.inspectorId! }).run();
    writeAudit(tx, actor, { action: "spotcheck.batch.create", entityType: "spot_check_batch", entityId: batch.id, after: { ...batch, draw } });
    return { batchId: batch.id, draw };
  });
}

export function setBatchPublished(db: Db, actor: Actor, batchId: number, published: boolean): void {
  mutate(db, (tx) => {
    const b = tx.select().from(spotCheckBatches).where(eq(spotCheckBatches.id, batchId)).get();
    if (!b) throw new DomainError("notFound", "抽查批次不存在");
    const after = tx.update(spotCheckBatches).set({ published }).where(eq(spotCheckBatches.id, batchId)).returning().get();
    writeAudit(tx, actor, { action: published ? "spotcheck.batch.publish" : "spotcheck.batch.unpublish", entityType: "spot_check_batch", entityId: b.id, before: b, after });
  });
}

export function listBatches(db: Reader, cycleId: number) {
  return db
    .select({ b: spotCheckBatches, by: users.displayName, categoryName: categories.name })
    .from(spotCheckBatches)
    .leftJoin(users, eq(users.id, spotCheckBatches.createdBy))
    .leftJoin(categories, eq(categories.id, spotCheckBatches.categoryId))
    .where(eq(spotCheckBatches.cycleId, cycleId))
    .orderBy(desc(spotCheckBatches.id))
    .all()
    .map((r) => ({ ...r.b, createdByName: r.by ?? "系统", categoryName: r.categoryName, unitCount: batchUnits(db, r.b.id).length }));
}

function batchUnits(db: Reader, batchId: number) {
  return db
    .select({ id: spotCheckUnits.id, unitId: spotCheckUnits.unitId, inspectorId: spotCheckUnits.inspectorId, code: units.code, name: units.name, inspectorName: users.displayName, inspectorUsername: users.username })
    .from(spotCheckUnits)
    .innerJoin(units, eq(units.id, spotCheckUnits.unitId))
    .innerJoin(users, eq(users.id, spotCheckUnits.inspectorId))
    .where(eq(spotCheckUnits.batchId, batchId))
    .orderBy(asc(spotCheckUnits.id))
    .all();
}

function getBatch(db: Reader, batchId: number): BatchRow {
  const b = db.select().from(spotCheckBatches).where(eq(spotCheckBatches.id, batchId)).get();
  if (!b) throw new DomainError("notFound", "抽查批次不存在");
  return b;
}

/** Office: any batch; an evaluator: a batch they were drawn for. Anyone else 403 (404 if there is no such batch). */
function batchAccess(db: Reader, user: SessionUser, batchId: number) {
  const batch = getBatch(db, batchId);
  const drawn = batchUnits(db, batchId);
  if (!can(db, user, "read", { kind: "spotCheck", batchId })) {
    throw new DomainError("forbidden", "您不是该抽查批次的检查人员，无权访问。");
  }
  return { batch, drawn };
}

/*
 * Checks for the batch page's actions, made before the posted form is validated, so someone without
 * access gets 403/404 and never field errors about the batch.
 */

const FINDING_REFUSAL = "只有抽中的检查人员或政务公开办可以记录该单位的抽查发现";

/** Publishing a batch's draw: the office only. */
export function assertMayPublishBatch(db: Reader, user: SessionUser, batchId: number): void {
  batchAccess(db, user, batchId);
  if (!may(user, "decide", "spotCheck")) throw new DomainError("forbidden", "只有政务公开办可以公开抽查结果。");
}

/** Recording a finding: the office, or the inspector drawn for the posted unit (an unknown unit is left to validation). */
export function assertMayRecordFinding(db: Reader, user: SessionUser, batchId: number, postedUnitId: string): void {
  const { drawn } = batchAccess(db, user, batchId);
  const unit = drawn.find((u) => String(u.unitId) === postedUnitId.trim());
  if (unit && !can(db, user, "write", { kind: "spotCheck", batchId, unitId: unit.unitId })) throw new DomainError("forbidden", FINDING_REFUSAL);
}

/** A finding of this batch the user may edit or add evidence to (404 if it is not in the batch). */
export function findingOfBatch(db: Reader, user: SessionUser, batchId: number, postedFindingId: string): FindingRow {
  batchAccess(db, user, batchId);
  const id = /^[1-9][0-9]{0,15}$/.test(postedFindingId.trim()) ? Number(postedFindingId.trim()) : 0;
  const f = findingForEvidence(db, user, id);
  if (f.batchId !== batchId) throw new DomainError("notFound", "抽查发现不属于本批次");
  return f;
}

/** Office: everything; an inspector: only a batch they were drawn for (their own units editable). */
export function loadBatch(db: Reader, user: SessionUser, batchId: number) {
  const { batch, drawn } = batchAccess(db, user, batchId);
  const cycle = getCycle(db, batch.cycleId);
  const visibleUnits = drawn.filter((u) => can(db, user, "read", { kind: "spotCheck", batchId, unitId: u.unitId }));
  const unitIds = visibleUnits.map((u) => u.unitId);
  const rows =
    unitIds.length === 0
      ? []
      : db
          .select({ f: findings, r: rectifications })
          .from(findings)
          .leftJoin(rectifications, eq(rectifications.findingId, findings.id))
          .where(and(eq(findings.batchId, batchId), inArray(findings.unitId, unitIds)))
          .orderBy(asc(findings.id))
          .all();
  const leavesByUnit = new Map<number, ScoredLeaf[]>();
  for (const u of visibleUnits) {
    const unit = getUnit(db, u.unitId);
    const leaves = (setFor(db, cycle.id, unit.categoryId)?.leaves ?? []).filter(
      (l) => (l.rule.type === "deduction" || l.rule.type === "veto" || takesSpotCheckScore(l)) && (!batch.nodeCodes || batch.nodeCodes.includes(l.code)),
    );
    leavesByUnit.set(u.unitId, leaves);
  }
  return {
    batch,
    cycle: { id: cycle.id, year: cycle.year, status: cycle.status },
    open: cycleAllows(cycle.status, "evaluate"),
    units: visibleUnits.map((u) => ({
      ...u,
      leaves: (leavesByUnit.get(u.unitId) ?? []).map((l) => ({
        nodeId: l.nodeId,
        code: l.code,
        name: l.name,
        points: l.points,
        ruleType: l.rule.type,
        faults: l.rule.type === "deduction" ? l.rule.faults : [],
        /** 抽查评分: the leaf takes the spot check's score (以…抽查结果为准), at most this. */
        scoreMax: takesSpotCheckScore(l) ? (l.rule.discretionMax ?? l.points) : null,
      })),
      findings: rows
        .filter((x) => x.f.unitId === u.unitId)
        .map((x) => ({ ...x.f, source: findingSource(x.f.id), rectification: x.r })),
    })),
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (s: string) => DATE_RE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

export const findingFormSchema = z
  .object({
    unitId: z.coerce.number({ invalid_type_error: "请选择单位" }).int().positive("请选择单位"),
    nodeId: z.coerce.number({ invalid_type_error: "请选择指标" }).int().positive("请选择指标"),
    description: z.string({ required_error: "请描述发现的问题" }).trim().min(1, "请描述发现的问题").max(2000, "问题描述最多2000个字"),
    foundOn: z.string({ required_error: "请填写发现日期" }).trim().refine(isRealDate, "发现日期格式不正确，应为 YYYY-MM-DD"),
    kind: z.enum(["fault", "deduction", "veto", "score"], { errorMap: () => ({ message: "请选择处理方式（扣分项、临时扣分、单项否决或抽查评分）" }) }),
    faultCode: z.string().trim().optional().default(""),
    count: z.string().trim().optional().default(""),
    points: z.string().trim().optional().default(""),
    requiresRectification: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "1" || v === "true"),
    rectificationDue: z.string().trim().optional().default(""),
    version: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.foundOn > beijingToday()) ctx.addIssue({ code: "custom", path: ["foundOn"], message: "发现日期不能晚于今天" });
    if (v.kind === "fault") {
      if (!v.faultCode) ctx.addIssue({ code: "custom", path: ["faultCode"], message: "请选择扣分项" });
      if (!/^[1-9]\d{0,4}$/.test(v.count)) ctx.addIssue({ code: "custom", path: ["count"], message: "次数须为1至99999之间的整数" });
    }
    if (v.kind === "score" && !/^\d+(\.\d{1,2})?$/.test(v.points)) {
      ctx.addIssue({ code: "custom", path: ["points"], message: "抽查评分须为不小于0的数字，最多保留2位小数" });
    }
    if (v.kind === "deduction" && !/^\d+(\.\d{1,2})?$/.test(v.points)) {
      ctx.addIssue({ code: "custom", path: ["points"], message: "扣分分值须为大于0的数字，最多保留2位小数" });
    } else if (v.kind === "deduction" && Number(v.points) <= 0) {
      ctx.addIssue({ code: "custom", path: ["points"], message: "扣分分值须大于0" });
    }
    if (v.requiresRectification) {
      if (!isRealDate(v.rectificationDue)) ctx.addIssue({ code: "custom", path: ["rectificationDue"], message: "需要整改时须填写整改期限（YYYY-MM-DD）" });
      else if (v.rectificationDue < v.foundOn) ctx.addIssue({ code: "custom", path: ["rectificationDue"], message: "整改期限不能早于发现日期" });
    }
  });

export type FindingInput = z.infer<typeof findingFormSchema>;

/**
 * A score leaf designated to spot checks (以…抽查结果为准): a finding of kind "score" gives its
 * value for the unit — the inspector's score of the leaf, `points` in [0, the leaf's points (or its
 * discretion bound)]; see designated-entries.server.ts for how it enters the package.
 */
export function takesSpotCheckScore(leaf: ScoredLeaf): leaf is ScoredLeaf & { rule: { type: "score"; designated: string; designatedKind: "spotcheck" } } {
  return leaf.rule.type === "score" && leaf.rule.designated !== undefined && leaf.rule.designatedKind === "spotcheck";
}

function checkFindingTarget(db: Reader, user: SessionUser, batch: BatchRow, input: FindingInput) {
  const drawn = db
    .select()
    .from(spotCheckUnits)
    .where(and(eq(spotCheckUnits.batchId, batch.id), eq(spotCheckUnits.unitId, input.unitId)))
    .get();
  if (!drawn) throw new DomainError("invalid", "该单位不在本批次抽查范围内", "unitId");
  if (!can(db, user, "write", { kind: "spotCheck", batchId: batch.id, unitId: input.unitId })) throw new DomainError("forbidden", FINDING_REFUSAL);
  const unit = getUnit(db, input.unitId);
  const leaf = setFor(db, batch.cycleId, unit.categoryId)?.leaves.find((l) => l.nodeId === input.nodeId);
  if (!leaf) throw new DomainError("invalid", "该指标不是该单位的末级指标", "nodeId");
  if (batch.nodeCodes && !batch.nodeCodes.includes(leaf.code)) throw new DomainError("invalid", "该指标不在本批次的抽查指标范围内", "nodeId");
  if (input.kind === "veto" && leaf.rule.type !== "veto") throw new DomainError("invalid", "单项否决只能记录在单项否决指标上", "kind");
  if (input.kind === "score") {
    if (!takesSpotCheckScore(leaf)) throw new DomainError("invalid", "抽查评分只能记录在以抽查结果为准的指标上", "kind");
    const max = leaf.rule.discretionMax ?? leaf.points;
    if (Number(input.points) > max) throw new DomainError("invalid", `抽查评分须在0至${max}分之间`, "points");
    return leaf;
  }
  if (takesSpotCheckScore(leaf)) throw new DomainError("invalid", `该指标${designatedPhrase(leaf.rule.designated, "spotcheck")}，请选择“抽查评分”记录本项得分`, "kind");
  if (input.kind !== "veto" && leaf.rule.type !== "deduction") throw new DomainError("invalid", "扣分只能记录在扣分类指标上；否决情形请选择单项否决指标", "nodeId");
  if (input.kind === "fault" && leaf.rule.type === "deduction" && !leaf.rule.faults.some((f) => f.code === input.faultCode)) {
    throw new DomainError("invalid", "该扣分项不属于所选指标", "faultCode");
  }
  if (input.kind === "deduction" && Number(input.points) > leaf.points) throw new DomainError("invalid", `扣分分值不能超过指标分值${leaf.points}分`, "points");
  return leaf;
}

function findingValues(input: FindingInput) {
  return {
    unitId: input.unitId,
    nodeId: input.nodeId,
    description: input.description,
    foundOn: input.foundOn,
    kind: input.kind,
    faultCode: input.kind === "fault" ? input.faultCode : null,
    count: input.kind === "fault" ? Number(input.count) : null,
    points: input.kind === "deduction" || input.kind === "score" ? Number(input.points) : null,
    requiresRectification: input.requiresRectification,
    rectificationDue: input.requiresRectification ? input.rectificationDue : null,
  };
}

export function recordFinding(db: Db, actor: Actor, user: SessionUser, batchId: number, input: FindingInput): number {
  return mutate(db, (tx) => insertFinding(tx, actor, user, batchId, input));
}

/** Record a finding inside the caller's transaction (a confirmed website-check proposal becomes one). */
export function insertFinding(tx: Tx, actor: Actor, user: SessionUser, batchId: number, input: FindingInput): number {
  const batch = getBatch(tx, batchId);
  assertEvaluationOpen(getCycle(tx, batch.cycleId));
  checkFindingTarget(tx, user, batch, input);
  const at = new Date().toISOString();
  const row = tx
    .insert(findings)
    .values({ batchId, cycleId: batch.cycleId, inspectorId: actor.id, ...findingValues(input), createdAt: at, updatedAt: at })
    .returning()
    .get();
  writeAudit(tx, actor, { action: "spotcheck.finding.create", entityType: "finding", entityId: row.id, after: row });
  if (row.requiresRectification) {
    const r = tx.insert(rectifications).values({ findingId: row.id }).returning().get();
    writeAudit(tx, actor, { action: "rectification.create", entityType: "rectification", entityId: r.id, after: r });
  }
  return row.id;
}

/** Edit a finding; `version` from the form — a stale one is refused (two inspectors never overwrite each other). */
export function updateFinding(db: Db, actor: Actor, user: SessionUser, findingId: number, input: FindingInput): void {
  mutate(db, (tx) => {
    const current = tx.select().from(findings).where(eq(findings.id, findingId)).get();
    if (!current) throw new DomainError("notFound", "抽查发现不存在");
    const batch = getBatch(tx, current.batchId);
    assertEvaluationOpen(getCycle(tx, batch.cycleId));
    if (input.unitId !== current.unitId) throw new DomainError("invalid", "不能把抽查发现改到其他单位", "unitId");
    checkFindingTarget(tx, user, batch, input);
    if (!input.version || Number(input.version) !== current.version) throw new DomainError("conflict", STALE_MESSAGE);
    const rect = tx.select().from(rectifications).where(eq(rectifications.findingId, current.id)).get();
    if (rect && rect.status !== "pending" && !input.requiresRectification) throw new DomainError("conflict", "单位已回复整改，不能取消整改要求", "requiresRectification");
    // Evidence is owned by the rectification (a foreign key): it would be left without an owner.
    const rectEvidence =
      rect &&
      (tx.select({ id: evidenceFiles.id }).from(evidenceFiles).where(eq(evidenceFiles.rectificationId, rect.id)).limit(1).get() ??
        tx.select({ id: evidenceLinks.id }).from(evidenceLinks).where(eq(evidenceLinks.rectificationId, rect.id)).limit(1).get());
    if (rectEvidence && !input.requiresRectification) throw new DomainError("conflict", "单位已上传整改佐证，不能取消整改要求", "requiresRectification");
    const after = tx
      .update(findings)
      .set({ ...findingValues(input), version: current.version + 1, updatedAt: new Date().toISOString() })
      .where(eq(findings.id, current.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "spotcheck.finding.update", entityType: "finding", entityId: current.id, before: current, after });
    if (after.requiresRectification && !rect) {
      const r = tx.insert(rectifications).values({ findingId: after.id }).returning().get();
      writeAudit(tx, actor, { action: "rectification.create", entityType: "rectification", entityId: r.id, after: r });
    } else if (!after.requiresRectification && rect) {
      tx.delete(rectifications).where(eq(rectifications.id, rect.id)).run();
      writeAudit(tx, actor, { action: "rectification.delete", entityType: "rectification", entityId: rect.id, before: rect });
    }
  });
}

/** Who may add evidence to a finding: the office or the unit's drawn inspector. */
export function findingForEvidence(db: Reader, user: SessionUser, findingId: number): FindingRow {
  const f = db.select().from(findings).where(eq(findings.id, findingId)).get();
  if (!f) throw new DomainError("notFound", "抽查发现不存在");
  if (!can(db, user, "write", { kind: "spotCheck", batchId: f.batchId, unitId: f.unitId })) throw new DomainError("forbidden", "只有抽中的检查人员或政务公开办可以上传抽查佐证");
  return f;
}

/**
 * Re-run a stored batch's draw from its seed against the cycle's current population: the units and
 * inspectors it gives (and the inspectors it leaves out, with the reason) and whether they are the
 * stored ones — anyone can check the same with `npm run spotcheck:draw`.
 */
export function rederiveBatch(db: Reader, batchId: number) {
  const batch = getBatch(db, batchId);
  const category = batch.categoryId !== null ? (db.select({ name: categories.name }).from(categories).where(eq(categories.id, batch.categoryId)).get()?.name ?? null) : null;
  const again = drawSpotCheck({ seed: batch.seed, size: batch.size, category, ...spotCheckPopulation(db, batch.cycleId) });
  const stored = batchUnits(db, batchId).map((u) => `${u.code}:${u.inspectorUsername}`);
  const derived = again.ok ? again.value.units.map((u) => `${u.code}:${u.inspector}`) : [];
  return {
    category,
    reproducible: again.ok && JSON.stringify(stored) === JSON.stringify(derived),
    excludedInspectors: again.ok ? again.value.excludedInspectors : [],
    error: again.ok ? null : again.error,
  };
}
