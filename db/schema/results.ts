import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { cycles } from "./cycles";
import { users } from "./accounts";

/**
 * Computed results of a cycle. `preliminary` rows are replaced by recomputes; the `final` row
 * is the immutable snapshot taken when the cycle is finalised (已定稿): package, results and
 * their SHA-256 hashes. A trigger (migration) forbids updating or deleting final snapshots.
 */
export const cycleResults = sqliteTable(
  "cycle_results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cycles.id),
    kind: text("kind", { enum: ["preliminary", "final"] }).notNull(),
    /**
     * The `zwgk-assessment/1` JSON the results came from (deterministic serialisation) with an
     * empty units array (the frame): its unit entries are the rows' `unit_results.package_entry`
     * texts in `package_position` order — joined, they are the hashed package.
     */
    packageJson: text("package_json").notNull(),
    /**
     * SHA-256 of the package and of the results text. Written with a final snapshot; for the
     * preliminary results computed only when first asked for (publishing, exporting, verifying:
     * results.server.ts resultsHashes), so a recompute never hashes the whole documents. Null: not
     * yet asked for since the last recompute.
     */
    packageSha256: text("package_sha256"),
    /**
     * SHA-256 of the package header (everything but the units): a recompute whose header is
     * unchanged scores only the units marked in results_stale_units (results-compute.server.ts).
     * Null in rows stored before migration 0017.
     */
    headerSha256: text("header_sha256"),
    /**
     * The `zwgk-results/1` JSON with an empty units array (the frame): its unit entries are the
     * rows' `unit_results.result` texts in `position` order — joined, they are the hashed document.
     */
    resultsJson: text("results_json").notNull(),
    resultsSha256: text("results_sha256"),
    /** Counts the recomputes stored in this row: caches and consistent reads key on (id, revision). */
    revision: integer("revision").notNull().default(0),
    computedBy: integer("computed_by").references(() => users.id),
    computedAt: text("computed_at").notNull(),
  },
  (t) => [
    uniqueIndex("cycle_results_cycle_kind_uq").on(t.cycleId, t.kind),
    // Covering index for the small columns: they sit after the large JSON texts in each row, so
    // reading them from the table walks megabytes of overflow pages (every results page asks).
    index("cycle_results_meta_idx").on(t.cycleId, t.kind, t.revision, t.packageSha256, t.resultsSha256, t.computedAt, t.computedBy),
  ],
);

/** Per-unit rows of the latest results, for fast ranking pages and dashboards. */
export const unitResults = sqliteTable(
  "unit_results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleResultId: integer("cycle_result_id")
      .notNull()
      .references(() => cycleResults.id, { onDelete: "cascade" }),
    unitId: integer("unit_id").notNull(),
    /**
     * The unit's `zwgk-results/1` entry as scored. A recompute that only moves the unit updates
     * `rank`/`category_rank` and leaves this text: readers put the columns' ranks in (results.server.ts).
     */
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    total: text("total").notNull(),
    rank: integer("rank").notNull(),
    categoryRank: integer("category_rank").notNull(),
    /**
     * SHA-256 of everything the unit's scores depend on (the package header and the unit's own
     * canonical entry), so a recompute re-scores only units whose inputs changed.
     */
    inputSha256: text("input_sha256"),
    /**
     * The unit's headline figures (everything of its results entry except the leaves and the
     * explanation), so ranking pages, dashboards and exports need not parse every leaf. Its ranks,
     * like the entry's, are the columns'.
     */
    summary: text("summary", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Index of the unit's entry in the results document's units array. */
    position: integer("position"),
    /** The unit's canonical entry in the package. */
    packageEntry: text("package_entry"),
    /** Index of the unit's entry in the package's units array. */
    packagePosition: integer("package_position"),
    /**
     * Whether all the unit's base leaves were not applicable (its warning in the results), so an
     * incremental recompute ranks and warns without parsing the entry. Null in rows stored before
     * migration 0018 (their results row's header hash is null: the next recompute rewrites them).
     */
    allNa: integer("all_na", { mode: "boolean" }),
  },
  (t) => [
    uniqueIndex("unit_results_uq").on(t.cycleResultId, t.unitId),
    // Covering indexes for the small columns (they sit after the large `result` text in each row,
    // so reading them from the table walks its overflow pages): the recompute's diff, and the
    // document order with the headline figures (ranking pages, exports). The diff's holds what
    // an incremental recompute ranks a kept unit by (total, all_na).
    index("unit_results_diff_idx").on(t.cycleResultId, t.unitId, t.inputSha256, t.rank, t.categoryRank, t.position, t.packagePosition, t.allNa, t.total),
    // The ranks are the columns' (a moved unit's texts keep the ranks it was scored with).
    index("unit_results_order_idx").on(t.cycleResultId, t.position, t.rank, t.categoryRank, t.unitId, t.summary),
    // The package's order (its entries joined for export and hashing).
    index("unit_results_package_idx").on(t.cycleResultId, t.packagePosition),
  ],
);

/**
 * The `cycle_results.revision` at which each unit row of a preliminary results row was last written
 * (whole or moved): a reader holding every unit's summaries of an earlier revision re-reads only
 * the rows written since (results.server.ts unitSummaries). A table of its own: in `unit_results`
 * a growing number would change the size of the large rows it sits in, and SQLite rewrites a row's
 * overflow pages whenever its size changes.
 */
export const unitResultsWritten = sqliteTable(
  "unit_results_written",
  {
    cycleResultId: integer("cycle_result_id")
      .notNull()
      .references(() => cycleResults.id, { onDelete: "cascade" }),
    unitId: integer("unit_id").notNull(),
    revision: integer("revision").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cycleResultId, t.unitId] }), index("unit_results_written_revision_idx").on(t.cycleResultId, t.revision)],
);

/**
 * Units whose package entry may have changed since a cycle's preliminary results were computed:
 * written by triggers (migration 0017) on every change to what a unit's entry is built from — its
 * evaluators' entries and assignments, findings, arbitrations, appeals, the unit itself and its
 * evaluators' names — and consumed by the next recompute. A row touched again gets a new id, so a
 * recompute deletes only the rows it read.
 */
export const resultsStaleUnits = sqliteTable(
  "results_stale_units",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cycleId: integer("cycle_id").notNull(),
    unitId: integer("unit_id").notNull(),
  },
  (t) => [uniqueIndex("results_stale_units_uq").on(t.cycleId, t.unitId)],
);

/** Whether the public 通报 page of a finalised cycle is enabled. */
export const publicPages = sqliteTable("public_pages", {
  cycleId: integer("cycle_id")
    .primaryKey()
    .references(() => cycles.id),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
  anonymise: integer("anonymise", { mode: "boolean" }).notNull().default(false),
  updatedBy: integer("updated_by").references(() => users.id),
  updatedAt: text("updated_at").notNull(),
});
