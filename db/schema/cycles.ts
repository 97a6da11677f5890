import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { categories, users } from "./accounts";

/**
 * Cycle statuses (考核年度状态). The allowed transitions, who may make them and their
 * preconditions are data in app/domain/cycle-status.ts.
 */
export const CYCLE_STATUSES = ["draft", "published", "evaluating", "preliminary", "final", "archived"] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/** Why a set may be published without some mandated dimension (see app/domain/indicator-policy.ts). */
export interface CoverageGap {
  dimensions: string[];
  reason: string;
}

/** Engine settings of a cycle, stored as JSON (see scoring/schema.ts for their meaning). */
export interface CycleSettings {
  scale: number;
  bonusGate: number;
  vetoScore: number;
  passMark: number;
  grades: { name: string; min: number }[];
  reconcile: "mean" | "median";
  divergence: number;
  /** Evaluators assigned per unit when assigning at random. */
  evaluatorsPerUnit: number;
  /**
   * Settings of one unit category's indicator set that differ from the cycle's (zwgk-assessment/2),
   * by category id; see app/domain/category-rules.ts.
   */
  categoryRules?: Record<string, CategoryRules>;
}

/** One category's own 政务公开 weight, grades, pass mark and bonus gate (each absent: the cycle's). */
export interface CategoryRules {
  opennessWeightPct?: number;
  grades?: { name: string; min: number }[];
  passMark?: number;
  /** `part`: the code of a top-level base node whose raw points are compared instead of the base. */
  bonusGate?: { value: number; comparison: "gt" | "gte"; part?: string };
}

/** Working-day calendar: statutory holidays and make-up working days (调休上班), YYYY-MM-DD. */
export interface CycleCalendar {
  holidays: string[];
  workdays: string[];
  /**
   * The office confirmed that the cycle's own year runs without holidays (its official arrangement
   * is not known to the platform and was not entered): the cycle may then be published.
   */
  emptyConfirmed?: true;
}

/** An assessment cycle (考核年度). */
export const cycles = sqliteTable(
  "cycles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    year: integer("year").notNull(),
    title: text("title").notNull(),
    /** Share of the unit's annual performance score given to 政务公开 (policy: ≥ 4). */
    opennessWeightPct: real("openness_weight_pct").notNull().default(5),
    settings: text("settings", { mode: "json" }).$type<CycleSettings>().notNull(),
    calendar: text("calendar", { mode: "json" }).$type<CycleCalendar>().notNull(),
    /** Self-inspection due date (YYYY-MM-DD, end of that day, Beijing time). */
    selfInspectionDue: text("self_inspection_due").notNull(),
    spotCheckStart: text("spot_check_start"),
    spotCheckEnd: text("spot_check_end"),
    appealWindowDays: integer("appeal_window_days").notNull().default(5),
    status: text("status", { enum: CYCLE_STATUSES }).notNull().default("draft"),
    /** The cycle this one was copied from, if any. */
    copiedFromId: integer("copied_from_id").references((): AnySQLiteColumn => cycles.id),
    publishedAt: text("published_at"),
    /**
     * 提前结束复核期: when the office closed the appeal window before it ran out (every appeal filed
     * so far decided), by whom and why. From then on no appeal may be filed.
     */
    appealsClosedAt: text("appeals_closed_at"),
    appealsClosedBy: integer("appeals_closed_by").references(() => users.id),
    appealsClosedReason: text("appeals_closed_reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("cycles_year_uq").on(t.year), check("cycles_weight_min", sql`${t.opennessWeightPct} >= 4`)],
);

/** Every status change of a cycle, with actor and time. */
export const cycleTransitions = sqliteTable(
  "cycle_transitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    fromStatus: text("from_status", { enum: CYCLE_STATUSES }).notNull(),
    toStatus: text("to_status", { enum: CYCLE_STATUSES }).notNull(),
    actorId: integer("actor_id").references(() => users.id),
    at: text("at").notNull(),
    comment: text("comment"),
  },
  (t) => [index("cycle_transitions_cycle_idx").on(t.cycleId)],
);

/** One indicator system per unit category in a cycle. */
export const indicatorSets = sqliteTable(
  "indicator_sets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /**
     * The office's recorded reason for a set that leaves one of the four mandated dimensions
     * uncovered, with the dimensions it was recorded for; null when none is recorded.
     */
    coverageGap: text("coverage_gap", { mode: "json" }).$type<CoverageGap>(),
  },
  (t) => [uniqueIndex("indicator_sets_cycle_category_uq").on(t.cycleId, t.categoryId)],
);

/** penalty: 扣分项 (倒扣分), outside the points (zwgk-assessment/2); the column has no CHECK, so no migration. */
export const PARTS = ["base", "bonus", "veto", "penalty"] as const;

/**
 * A node of an indicator tree (一级/二级/三级指标). `code` is the node id in the assessment
 * package (e.g. "1.2"), unique within its set. A node has either children or a rule (a leaf).
 */
export const indicatorNodes = sqliteTable(
  "indicator_nodes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    setId: integer("set_id")
      .notNull()
      .references(() => indicatorSets.id),
    parentId: integer("parent_id").references((): AnySQLiteColumn => indicatorNodes.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    /** scoring dimension key (disclosure, interpretation, …); inherited by children when null. */
    dimension: text("dimension"),
    /** Top-level nodes only: base | bonus | veto | penalty. */
    part: text("part", { enum: PARTS }).notNull().default("base"),
    points: real("points").notNull(),
    /**
     * The scoring rule (scoring/schema.ts ruleSchema) of a leaf. On a top-level penalty node with
     * children it holds that part's cap instead, `{"cap": 5}` (read and written only by
     * app/services/indicator-tree.server.ts and indicators.server.ts).
     */
    rule: text("rule", { mode: "json" }).$type<Record<string, unknown>>(),
    /** 考核要点: what is assessed, shown to departments and evaluators. */
    guidance: text("guidance").notNull().default(""),
    /** 评分标准: how points are given or lost. */
    criteria: text("criteria").notNull().default(""),
    /** Source clause (政策依据), e.g. "《条例》第二十条". */
    basis: text("basis").notNull().default(""),
    evidenceRequired: integer("evidence_required", { mode: "boolean" }).notNull().default(false),
    /** Allowed evidence kinds (app/utils/evidence-kinds.ts); empty = all allowed kinds. */
    evidenceKinds: text("evidence_kinds", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("indicator_nodes_set_code_uq").on(t.setId, t.code), index("indicator_nodes_parent_idx").on(t.parentId)],
);

export const CARRY_MODES = ["rescale", "clamp", "reset"] as const;
export type CarryMode = (typeof CARRY_MODES)[number];

/** A change to a published indicator system (修订): reason required, carry-over of existing scores chosen. */
export const indicatorAmendments = sqliteTable(
  "indicator_amendments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    setId: integer("set_id")
      .notNull()
      .references(() => indicatorSets.id),
    nodeId: integer("node_id").references(() => indicatorNodes.id),
    reason: text("reason").notNull(),
    carry: text("carry", { enum: CARRY_MODES }),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    actorId: integer("actor_id").references(() => users.id),
    at: text("at").notNull(),
  },
  (t) => [index("indicator_amendments_set_idx").on(t.setId)],
);
