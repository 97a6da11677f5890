import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { categories, units, users } from "./accounts";
import { cycles, indicatorNodes } from "./cycles";

/** A random assignment run: the seed and settings, so anyone can re-derive it. */
export const assignmentDraws = sqliteTable(
  "assignment_draws",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    seed: text("seed").notNull(),
    perUnit: integer("per_unit").notNull(),
    /** The draw's result: [{unitId, evaluatorIds, excluded: [{evaluatorId, reason}]}]. */
    result: text("result", { mode: "json" }).notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("assignment_draws_cycle_idx").on(t.cycleId)],
);

/** An evaluator assigned to score one unit in a cycle. */
export const evaluatorAssignments = sqliteTable(
  "evaluator_assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    evaluatorId: integer("evaluator_id")
      .notNull()
      .references(() => users.id),
    method: text("method", { enum: ["manual", "random"] }).notNull(),
    drawId: integer("draw_id").references(() => assignmentDraws.id),
    assignedBy: integer("assigned_by").references(() => users.id),
    assignedAt: text("assigned_at").notNull(),
    /** 签署: set when the evaluator signs off the whole unit; entries are then read-only. */
    signedOffAt: text("signed_off_at"),
    /** Lead evaluator (牵头评估员) for this unit: may record arbitrations. */
    lead: integer("lead", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("evaluator_assignments_uq").on(t.cycleId, t.unitId, t.evaluatorId),
    index("evaluator_assignments_evaluator_idx").on(t.evaluatorId),
  ],
);

/**
 * One evaluator's verified input for one leaf: `input` is the scoring engine's leaf input
 * (scoring/schema.ts). Stored per evaluator; the engine reconciles them.
 */
export const evaluatorEntries = sqliteTable(
  "evaluator_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    assignmentId: integer("assignment_id")
      .notNull()
      .references(() => evaluatorAssignments.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    input: text("input", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Why the evaluator's value differs from the self-assessment (required when it does). */
    reason: text("reason").notNull().default(""),
    /** Evaluator's notes beside the department's claim, e.g. corrected event dates. */
    corrections: text("corrections", { mode: "json" }).$type<Record<string, unknown>>(),
    version: integer("version").notNull().default(1),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("evaluator_entries_uq").on(t.assignmentId, t.nodeId)],
);

/** An arbitrated value for a divergent leaf (仲裁): replaces the reconciled value. */
export const arbitrations = sqliteTable(
  "arbitrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    value: real("value").notNull(),
    reason: text("reason").notNull(),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: text("decided_at").notNull(),
  },
  (t) => [uniqueIndex("arbitrations_uq").on(t.cycleId, t.unitId, t.nodeId)],
);

/** A spot-check batch (抽查, 双随机一公开): a pure function of seed, population and settings. */
export const spotCheckBatches = sqliteTable(
  "spot_check_batches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    seed: text("seed").notNull(),
    /** "5" units per category or "20%". */
    size: text("size").notNull(),
    categoryId: integer("category_id").references(() => categories.id),
    /** Optional subset of indicator codes to check. */
    nodeCodes: text("node_codes", { mode: "json" }).$type<string[]>(),
    published: integer("published", { mode: "boolean" }).notNull().default(false),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("spot_check_batches_cycle_idx").on(t.cycleId)],
);

/** A unit drawn in a batch with its randomly drawn inspector. */
export const spotCheckUnits = sqliteTable(
  "spot_check_units",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => spotCheckBatches.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    inspectorId: integer("inspector_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [uniqueIndex("spot_check_units_uq").on(t.batchId, t.unitId)],
);

/** score: a spot check's score of a leaf designated to spot checks (以抽查结果为准); `points` holds the score given. */
export const FINDING_KINDS = ["fault", "deduction", "veto", "score"] as const;

/** A spot-check finding: flows into the unit's scoring inputs as a deduction or a veto. */
export const findings = sqliteTable(
  "findings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => spotCheckBatches.id),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    inspectorId: integer("inspector_id").references(() => users.id),
    description: text("description").notNull(),
    foundOn: text("found_on").notNull(),
    kind: text("kind", { enum: FINDING_KINDS }).notNull(),
    faultCode: text("fault_code"),
    count: integer("count"),
    points: real("points"),
    requiresRectification: integer("requires_rectification", { mode: "boolean" }).notNull().default(false),
    rectificationDue: text("rectification_due"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("findings_cycle_unit_idx").on(t.cycleId, t.unitId), index("findings_batch_idx").on(t.batchId)],
);

export const RECTIFICATION_STATUSES = ["pending", "responded", "passed", "failed"] as const;

/** Rectification (整改) of a finding: the department's response and its verification. */
export const rectifications = sqliteTable(
  "rectifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    findingId: integer("finding_id")
      .notNull()
      .references(() => findings.id),
    status: text("status", { enum: RECTIFICATION_STATUSES }).notNull().default("pending"),
    response: text("response"),
    respondedBy: integer("responded_by").references(() => users.id),
    respondedAt: text("responded_at"),
    verdictComment: text("verdict_comment"),
    verifiedBy: integer("verified_by").references(() => users.id),
    verifiedAt: text("verified_at"),
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("rectifications_finding_uq").on(t.findingId)],
);

export const APPEAL_STATUSES = ["pending", "upheld", "adjusted"] as const;

/** An appeal (复核申请) against one leaf's preliminary score. */
export const appeals = sqliteTable(
  "appeals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    reason: text("reason").notNull(),
    status: text("status", { enum: APPEAL_STATUSES }).notNull().default("pending"),
    /** 调整: the new leaf value. */
    decisionValue: real("decision_value"),
    decisionReason: text("decision_reason"),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: text("decided_at"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("appeals_cycle_unit_idx").on(t.cycleId, t.unitId)],
);
