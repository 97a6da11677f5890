import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { evaluatorAssignments, spotCheckUnits } from "../db/schema";
import type { Role } from "../db/schema/accounts";
import type { SessionUser } from "./utils/auth.server";

/**
 * Who may see or do what: the one home of access decisions. Every loader, action and service asks
 * `may(user, action, kind)` (may this role act on some object of the kind — the route guard) and
 * `can(db, user, action, resource)` (may this user act on this object — checked once the object's
 * unit, cycle or spot-check batch is known). The table below answers explicitly for every
 * role × action × resource kind; nothing is registered at run time.
 */

export const ACTIONS = ["read", "write", "decide"] as const;
/** read: see; write: create or change (file, respond, enter); decide: judge someone else's (verify, arbitrate, publish). */
export type Action = (typeof ACTIONS)[number];

export const RESOURCE_KINDS = [
  "account",
  "administration",
  "cycle",
  "selfInspection",
  "evidence",
  "submissionReview",
  "extensionRequest",
  "evaluationManagement",
  "review",
  "arbitration",
  "spotCheck",
  "rectification",
  "appeal",
  "results",
  "unitResults",
  "dashboard",
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/**
 * How far a role's permission reaches:
 * - `all`: every object of the kind; `none`: no object;
 * - `ownUnit`: objects of the department user's own unit;
 * - `assignedUnit`: objects of a unit the evaluator is assigned to or drawn to inspect;
 * - `inspector`: spot-check objects of a unit the evaluator was drawn to inspect (or their own findings);
 * - `leadEvaluator`: a unit of a cycle whose evaluation the evaluator leads and has signed off.
 */
export type Scope = "all" | "none" | "ownUnit" | "assignedUnit" | "inspector" | "leadEvaluator";

export const OTHER_UNIT = "您无权访问其他单位的数据。";

type Rules = Record<Action, Record<Role, Scope>>;

const NOBODY = { office: "none", leader: "none", department: "none", evaluator: "none" } as const;
const OFFICE_ONLY = { office: "all", leader: "none", department: "none", evaluator: "none" } as const;
const OFFICE_AND_LEADER = { office: "all", leader: "all", department: "none", evaluator: "none" } as const;
const EVERYONE = { office: "all", leader: "all", department: "all", evaluator: "all" } as const;

export const POLICY: Record<ResourceKind, Rules> = {
  /** One's own account (password). */
  account: { read: EVERYONE, write: EVERYONE, decide: NOBODY },
  /** Users, units, categories, organisations, the audit log, import templates. */
  administration: { read: OFFICE_ONLY, write: OFFICE_ONLY, decide: NOBODY },
  /** Cycles, their settings, status steps, indicator sets and their exports. */
  cycle: { read: OFFICE_AND_LEADER, write: OFFICE_ONLY, decide: NOBODY },
  /** Filling in one's own unit's self-inspection (自查): answers, narratives, evidence, submitting. */
  selfInspection: {
    read: { office: "none", leader: "none", department: "ownUnit", evaluator: "none" },
    write: { office: "none", leader: "none", department: "ownUnit", evaluator: "none" },
    decide: NOBODY,
  },
  /** Evidence files (of a self-inspection, finding, rectification or appeal), by their unit. */
  evidence: {
    read: { office: "all", leader: "all", department: "ownUnit", evaluator: "assignedUnit" },
    write: NOBODY,
    decide: NOBODY,
  },
  /** The office's review of submissions: overview, return, reopen, extensions. */
  submissionReview: { read: OFFICE_ONLY, write: OFFICE_ONLY, decide: NOBODY },
  /** A department's request for a later self-inspection deadline: the unit asks, the office decides. */
  extensionRequest: {
    read: { office: "all", leader: "none", department: "ownUnit", evaluator: "none" },
    write: { office: "none", leader: "none", department: "ownUnit", evaluator: "none" },
    decide: OFFICE_ONLY,
  },
  /** Evaluation management: assignments, draws, progress, divergences. */
  evaluationManagement: { read: OFFICE_ONLY, write: OFFICE_ONLY, decide: NOBODY },
  /** An evaluator's own evaluation tasks (entries, sign-off). */
  review: {
    read: { office: "none", leader: "none", department: "none", evaluator: "assignedUnit" },
    write: { office: "none", leader: "none", department: "none", evaluator: "assignedUnit" },
    decide: NOBODY,
  },
  /** Deciding a divergence between evaluators. */
  arbitration: {
    read: { office: "all", leader: "none", department: "none", evaluator: "leadEvaluator" },
    write: NOBODY,
    decide: { office: "all", leader: "none", department: "none", evaluator: "leadEvaluator" },
  },
  /** Spot-check batches, their draws and findings. */
  spotCheck: {
    read: { office: "all", leader: "none", department: "none", evaluator: "inspector" },
    write: { office: "all", leader: "none", department: "none", evaluator: "inspector" },
    decide: OFFICE_ONLY,
  },
  /** Rectifications of findings: the unit responds, the inspector or the office verifies. */
  rectification: {
    read: { office: "all", leader: "all", department: "ownUnit", evaluator: "inspector" },
    write: { office: "none", leader: "none", department: "ownUnit", evaluator: "none" },
    decide: { office: "all", leader: "none", department: "none", evaluator: "inspector" },
  },
  /** Appeals (复核申请): the unit files, the office decides (and may close the window early). */
  appeal: {
    read: { office: "all", leader: "none", department: "ownUnit", evaluator: "none" },
    write: { office: "none", leader: "none", department: "ownUnit", evaluator: "none" },
    decide: OFFICE_ONLY,
  },
  /** A whole cycle's results: ranking, exports, computing and publishing them. */
  results: { read: OFFICE_AND_LEADER, write: OFFICE_ONLY, decide: NOBODY },
  /** One unit's score card and its PDF. */
  unitResults: {
    read: { office: "all", leader: "all", department: "ownUnit", evaluator: "none" },
    write: NOBODY,
    decide: NOBODY,
  },
  /** The leaders' dashboard. */
  dashboard: { read: OFFICE_AND_LEADER, write: NOBODY, decide: NOBODY },
};

/** What a refused user is told, by kind. */
const REFUSALS: Partial<Record<ResourceKind, string>> = {
  selfInspection: "只有被考核单位的填报员可以填报自查。",
  evidence: OTHER_UNIT,
  unitResults: "评估人员请在评估任务中查看。",
};

export function accessRefusal(kind: ResourceKind): string {
  return REFUSALS[kind] ?? "您无权访问此页面或执行此操作。";
}

/** The facts about one object that its kind's scopes look at. */
export interface Resource {
  kind: ResourceKind;
  /** The unit the object belongs to (a spot-check batch as a whole has none: its `batchId` counts). */
  unitId?: number;
  /** Its cycle (leadEvaluator). */
  cycleId?: number;
  /** Its spot-check batch (inspector). */
  batchId?: number;
  /** The inspector who recorded it (a finding's). */
  inspectorId?: number;
}

type Reader = Db | Tx;

/** May this role act so on some object of the kind? (The route guard; the object is checked with `can`.) */
export function may(user: Pick<SessionUser, "role">, action: Action, kind: ResourceKind): boolean {
  return POLICY[kind][action][user.role] !== "none";
}

/** May this user act so on this object? */
export function can(db: Reader, user: Pick<SessionUser, "id" | "role" | "unitId">, action: Action, resource: Resource): boolean {
  const scope = POLICY[resource.kind][action][user.role];
  switch (scope) {
    case "all":
      return true;
    case "none":
      return false;
    case "ownUnit":
      return user.unitId !== null && resource.unitId !== undefined && user.unitId === resource.unitId;
    case "assignedUnit":
      return resource.unitId !== undefined && evaluatorMayReadUnit(db, user.id, resource.unitId);
    case "inspector":
      return resource.inspectorId === user.id || drawnToInspect(db, user.id, resource.unitId, resource.batchId);
    case "leadEvaluator":
      return resource.cycleId !== undefined && resource.unitId !== undefined && leadsSignedOffEvaluation(db, user.id, resource.cycleId, resource.unitId);
  }
}

/** Assigned to evaluate the unit (in any cycle) or drawn to inspect it. */
function evaluatorMayReadUnit(db: Reader, evaluatorId: number, unitId: number): boolean {
  const assigned = db
    .select({ id: evaluatorAssignments.id })
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.evaluatorId, evaluatorId), eq(evaluatorAssignments.unitId, unitId)))
    .limit(1)
    .get();
  return !!assigned || drawnToInspect(db, evaluatorId, unitId);
}

/** Drawn as an inspector: of the unit (when given), in the batch (when given). */
function drawnToInspect(db: Reader, evaluatorId: number, unitId?: number, batchId?: number): boolean {
  if (unitId === undefined && batchId === undefined) return false;
  const conditions = [eq(spotCheckUnits.inspectorId, evaluatorId)];
  if (unitId !== undefined) conditions.push(eq(spotCheckUnits.unitId, unitId));
  if (batchId !== undefined) conditions.push(eq(spotCheckUnits.batchId, batchId));
  return !!db.select({ id: spotCheckUnits.id }).from(spotCheckUnits).where(and(...conditions)).limit(1).get();
}

/** The unit's lead evaluator in the cycle, once signed off. */
function leadsSignedOffEvaluation(db: Reader, evaluatorId: number, cycleId: number, unitId: number): boolean {
  const a = db
    .select()
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.cycleId, cycleId), eq(evaluatorAssignments.unitId, unitId), eq(evaluatorAssignments.evaluatorId, evaluatorId)))
    .get();
  return !!a && a.lead && a.signedOffAt !== null;
}
