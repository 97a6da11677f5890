import { sql, type SQL } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";
import { indicatorNodes } from "./cycles";
import { appeals, findings, rectifications } from "./evaluation";
import { submissions } from "./submissions";

/**
 * Evidence (佐证材料). Bytes live on disk under DATA_DIR/uploads/<sha[0..2]>/<sha>, one file per
 * distinct content; `evidence_blobs` records each stored content once. `evidence_files` are the
 * uploads as users see them (display name, owner, unit), several of which may share one blob.
 */
export const evidenceBlobs = sqliteTable(
  "evidence_blobs",
  {
    sha256: text("sha256").primaryKey(),
    size: integer("size").notNull(),
    mime: text("mime").notNull(),
    /** Detected content kind: pdf, jpeg, png, ofd, docx, xlsx, pptx, doc, xls. */
    kind: text("kind").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [check("evidence_blobs_sha_len", sql`length(${t.sha256}) = 64`), check("evidence_blobs_size_pos", sql`${t.size} > 0`)],
);

/** What evidence can be attached to. */
export const EVIDENCE_OWNER_TYPES = ["submission_leaf", "finding", "rectification", "appeal"] as const;
export type EvidenceOwnerType = (typeof EVIDENCE_OWNER_TYPES)[number];

/**
 * The owner of a piece of evidence, typed: `owner_type` says which of the reference columns is set
 * (each a foreign key), `owner_id` is the same owner as text — the lookup key the owner index and
 * the services use (`<submission id>:<leaf node id>` for a leaf of a self-inspection, else the id) —
 * and a CHECK keeps the two in agreement. The one exception: a row whose owner had gone before the
 * references existed (migration 0012) was kept, deleted, with no reference.
 */
function ownerColumns() {
  return {
    ownerType: text("owner_type", { enum: EVIDENCE_OWNER_TYPES }).notNull(),
    ownerId: text("owner_id").notNull(),
    submissionId: integer("submission_id").references(() => submissions.id),
    nodeId: integer("node_id").references(() => indicatorNodes.id),
    findingId: integer("finding_id").references(() => findings.id),
    rectificationId: integer("rectification_id").references(() => rectifications.id),
    appealId: integer("appeal_id").references(() => appeals.id),
  };
}

interface OwnerColumns {
  deletedAt: SQLiteColumn;
  ownerType: SQLiteColumn;
  ownerId: SQLiteColumn;
  submissionId: SQLiteColumn;
  nodeId: SQLiteColumn;
  findingId: SQLiteColumn;
  rectificationId: SQLiteColumn;
  appealId: SQLiteColumn;
}

function ownerCheck(t: OwnerColumns): SQL {
  const only = (set: SQLiteColumn[]) =>
    sql.join(
      [t.submissionId, t.nodeId, t.findingId, t.rectificationId, t.appealId].map((c) => (set.includes(c) ? sql`${c} IS NOT NULL` : sql`${c} IS NULL`)),
      sql` AND `,
    );
  return sql`(${t.ownerType} = 'submission_leaf' AND ${only([t.submissionId, t.nodeId])} AND ${t.ownerId} = ${t.submissionId} || ':' || ${t.nodeId})
    OR (${t.ownerType} = 'finding' AND ${only([t.findingId])} AND ${t.ownerId} = CAST(${t.findingId} AS TEXT))
    OR (${t.ownerType} = 'rectification' AND ${only([t.rectificationId])} AND ${t.ownerId} = CAST(${t.rectificationId} AS TEXT))
    OR (${t.ownerType} = 'appeal' AND ${only([t.appealId])} AND ${t.ownerId} = CAST(${t.appealId} AS TEXT))
    OR (${t.deletedAt} IS NOT NULL AND ${only([])})`;
}

export const evidenceFiles = sqliteTable(
  "evidence_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sha256: text("sha256")
      .notNull()
      .references(() => evidenceBlobs.sha256),
    /** Display text only, sanitised; never used to build a path. */
    originalName: text("original_name").notNull(),
    kind: text("kind").notNull(),
    size: integer("size").notNull(),
    uploadedBy: integer("uploaded_by").references(() => users.id),
    uploadedAt: text("uploaded_at").notNull(),
    /** What the file supports (see ownerColumns). */
    ...ownerColumns(),
    /** The assessed unit the evidence belongs to (access checks). */
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    /** Set when the owning thing is submitted: from then on the row is immutable. */
    lockedAt: text("locked_at"),
    /** Soft delete, only while unlocked. */
    deletedAt: text("deleted_at"),
  },
  (t) => [
    check("evidence_files_owner_typed", ownerCheck(t)),
    index("evidence_files_owner_idx").on(t.ownerType, t.ownerId),
    // Indicator nodes of draft trees are deleted and re-inserted: their foreign-key check needs it.
    index("evidence_files_node_idx").on(t.nodeId),
    index("evidence_files_unit_idx").on(t.unitId),
    index("evidence_files_sha_idx").on(t.sha256),
  ],
);

export const evidenceLinks = sqliteTable(
  "evidence_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ...ownerColumns(),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    /** http(s) only, validated with zod before it is written. */
    url: text("url").notNull(),
    title: text("title").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull(),
    lockedAt: text("locked_at"),
    deletedAt: text("deleted_at"),
  },
  (t) => [
    check("evidence_links_owner_typed", ownerCheck(t)),
    index("evidence_links_owner_idx").on(t.ownerType, t.ownerId),
    index("evidence_links_node_idx").on(t.nodeId),
    index("evidence_links_unit_idx").on(t.unitId),
  ],
);
