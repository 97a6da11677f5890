import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";
import { cycles, indicatorNodes } from "./cycles";

/**
 * Submission statuses (自查状态). Transitions (who may, preconditions) are data in
 * app/domain/submission-status.ts.
 */
export const SUBMISSION_STATUSES = ["draft", "submitted", "returned"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** A unit's self-inspection (自查) for one cycle. */
export const submissions = sqliteTable(
  "submissions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    status: text("status", { enum: SUBMISSION_STATUSES }).notNull().default("draft"),
    submittedAt: text("submitted_at"),
    lastActivityAt: text("last_activity_at").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("submissions_cycle_unit_uq").on(t.cycleId, t.unitId), index("submissions_unit_idx").on(t.unitId)],
);

/**
 * The department's answer for one leaf: `input` is the scoring engine's input for that leaf's
 * rule (scoring/schema.ts), including `{"na":true,"reason":…}` for not applicable.
 */
export const submissionAnswers = sqliteTable(
  "submission_answers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    input: text("input", { mode: "json" }).$type<Record<string, unknown>>(),
    /** 说明: the department's narrative. */
    narrative: text("narrative").notNull().default(""),
    /** Optimistic concurrency: bumped on every save; a stale save is refused. */
    version: integer("version").notNull().default(1),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("submission_answers_submission_node_uq").on(t.submissionId, t.nodeId)],
);

export const SUBMISSION_EVENT_KINDS = ["submit", "return", "resubmit", "extension", "reopen"] as const;
export type SubmissionEventKind = (typeof SUBMISSION_EVENT_KINDS)[number];

/** The submission's timeline: every transition with who, when and comment. */
export const submissionEvents = sqliteTable(
  "submission_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id),
    kind: text("kind", { enum: SUBMISSION_EVENT_KINDS }).notNull(),
    fromStatus: text("from_status", { enum: SUBMISSION_STATUSES }),
    toStatus: text("to_status", { enum: SUBMISSION_STATUSES }),
    actorId: integer("actor_id").references(() => users.id),
    at: text("at").notNull(),
    comment: text("comment"),
  },
  (t) => [index("submission_events_submission_idx").on(t.submissionId)],
);

/** Items returned for revision (退回修改), one per indicator, with the office's comment. */
export const returnItems = sqliteTable(
  "return_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: integer("event_id")
      .notNull()
      .references(() => submissionEvents.id),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id),
    nodeId: integer("node_id")
      .notNull()
      .references(() => indicatorNodes.id),
    comment: text("comment").notNull(),
    /** Set when the unit resubmits. */
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("return_items_submission_idx").on(t.submissionId)],
);

/** A deadline extension the office granted one unit (with a reason). */
export const deadlineExtensions = sqliteTable(
  "deadline_extensions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    /** New due date, YYYY-MM-DD (end of that day, Beijing time). */
    until: text("until").notNull(),
    reason: text("reason").notNull(),
    grantedBy: integer("granted_by").references(() => users.id),
    at: text("at").notNull(),
  },
  (t) => [index("deadline_extensions_cycle_unit_idx").on(t.cycleId, t.unitId)],
);

export const EXTENSION_REQUEST_STATUSES = ["pending", "granted", "refused"] as const;
export type ExtensionRequestStatus = (typeof EXTENSION_REQUEST_STATUSES)[number];

/**
 * A department's request for a later self-inspection deadline (申请延期), with its reason and the
 * date it wants; the office grants it (with a date: a deadline_extensions row) or refuses it with a
 * reason. Transitions are data in app/domain/extension-request-status.ts. One open request per unit.
 */
export const extensionRequests = sqliteTable(
  "extension_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    /** The date asked for, YYYY-MM-DD. */
    wantedUntil: text("wanted_until").notNull(),
    reason: text("reason").notNull(),
    requestedBy: integer("requested_by").references(() => users.id),
    requestedAt: text("requested_at").notNull(),
    status: text("status", { enum: EXTENSION_REQUEST_STATUSES }).notNull().default("pending"),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: text("decided_at"),
    /** The office's comment: why it was refused (required), or a note on the grant. */
    decisionComment: text("decision_comment"),
    /** The extension written when granted (its `until` is the granted date). */
    extensionId: integer("extension_id").references(() => deadlineExtensions.id),
  },
  (t) => [
    index("extension_requests_cycle_status_idx").on(t.cycleId, t.status),
    uniqueIndex("extension_requests_open_uq").on(t.cycleId, t.unitId).where(sql`status = 'pending'`),
  ],
);
