import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";

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
    /** What the file supports: 'submission_leaf', 'finding', 'rectification', 'appeal'. */
    ownerType: text("owner_type").notNull(),
    ownerId: text("owner_id").notNull(),
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
    index("evidence_files_owner_idx").on(t.ownerType, t.ownerId),
    index("evidence_files_unit_idx").on(t.unitId),
    index("evidence_files_sha_idx").on(t.sha256),
  ],
);

export const evidenceLinks = sqliteTable(
  "evidence_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ownerType: text("owner_type").notNull(),
    ownerId: text("owner_id").notNull(),
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
  (t) => [index("evidence_links_owner_idx").on(t.ownerType, t.ownerId), index("evidence_links_unit_idx").on(t.unitId)],
);
