import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";
import { cycles, indicatorNodes } from "./cycles";
import { findings, spotCheckBatches } from "./evaluation";

/**
 * Website checks (网站检查): each unit's websites and key columns, a monitoring window per cycle,
 * what the checker observed (with HTML snapshots stored content-addressed) and the findings it
 * proposes, which a person confirms or dismisses.
 */

/** A unit's website (its home page). */
export const unitWebsites = sqliteTable(
  "unit_websites",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    name: text("name").notNull(),
    url: text("url").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("unit_websites_uq").on(t.unitId, t.url)],
);

/** A key column (栏目) of a website, by kind (动态要闻, 通知公告, …; app/services/site-check/rules.ts). */
export const websiteColumns = sqliteTable(
  "website_columns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    websiteId: integer("website_id")
      .notNull()
      .references(() => unitWebsites.id),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
  },
  (t) => [uniqueIndex("website_columns_uq").on(t.websiteId, t.url)],
);

/** Which indicator and fault a condition code is proposed as: {code: {nodeCode, faultCode}}. */
export type ConditionMappings = Record<string, { nodeCode: string; faultCode: string }>;

/** A cycle's monitoring window and the checker's settings for it. */
export const siteCheckWindows = sqliteTable("site_check_windows", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  cycleId: integer("cycle_id")
    .notNull()
    .unique()
    .references(() => cycles.id),
  startsAt: text("starts_at").notNull(),
  endsAt: text("ends_at").notNull(),
  visitsPerDay: integer("visits_per_day").notNull().default(20),
  timeoutMs: integer("timeout_ms").notNull().default(15000),
  depth: integer("depth").notNull().default(1),
  pageBudget: integer("page_budget").notNull().default(200),
  perHostPerSecond: real("per_host_per_second").notNull().default(2),
  userAgent: text("user_agent").notNull(),
  /** Freshness limit in days by column kind (defaults from the national rules, editable per cycle). */
  freshnessDays: text("freshness_days", { mode: "json" }).notNull().$type<Record<string, number>>(),
  replyDays: integer("reply_days").notNull().default(90),
  /** Intranet sites: private addresses allowed. */
  allowPrivate: integer("allow_private", { mode: "boolean" }).notNull().default(false),
  /** The spot-check batch whose drawn inspectors confirm the proposals (a confirmed one becomes its finding). */
  batchId: integer("batch_id").references(() => spotCheckBatches.id),
  mappings: text("mappings", { mode: "json" }).notNull().$type<ConditionMappings>(),
  version: integer("version").notNull().default(1),
  updatedBy: integer("updated_by").references(() => users.id),
  updatedAt: text("updated_at").notNull(),
});

/** Stored HTML snapshots, one row per distinct content (bytes under DATA_DIR/uploads/site-snapshots/<sha[0..2]>/<sha>). */
export const siteSnapshots = sqliteTable("site_snapshots", {
  sha256: text("sha256").primaryKey(),
  size: integer("size").notNull(),
  createdAt: text("created_at").notNull(),
});

export const OBSERVATION_ROLES = ["visit", "home", "column", "page", "screenshot"] as const;

/**
 * One page fetched by the checker: an availability visit (with its slot in the window's schedule —
 * unique, so a restart never counts a visit twice) or a page of the crawl.
 */
export const siteObservations = sqliteTable(
  "site_observations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    windowId: integer("window_id")
      .notNull()
      .references(() => siteCheckWindows.id),
    websiteId: integer("website_id")
      .notNull()
      .references(() => unitWebsites.id),
    role: text("role", { enum: OBSERVATION_ROLES }).notNull(),
    slot: integer("slot"),
    url: text("url").notNull(),
    at: text("at").notNull(),
    status: integer("status"),
    error: text("error"),
    ttfbMs: integer("ttfb_ms"),
    snapshotSha: text("snapshot_sha").references(() => siteSnapshots.sha256),
  },
  (t) => [uniqueIndex("site_observations_slot_uq").on(t.windowId, t.websiteId, t.slot), index("site_observations_site_idx").on(t.windowId, t.websiteId, t.role)],
);

/** A website's crawl in a window (once), its report, and when its proposals were written (at the window's end). */
export const siteCrawls = sqliteTable(
  "site_crawls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    windowId: integer("window_id")
      .notNull()
      .references(() => siteCheckWindows.id),
    websiteId: integer("website_id")
      .notNull()
      .references(() => unitWebsites.id),
    at: text("at").notNull(),
    /** The crawl's findings (app/services/site-check/checker.server.ts CrawlResult). */
    result: text("result", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    proposedAt: text("proposed_at"),
  },
  (t) => [uniqueIndex("site_crawls_uq").on(t.windowId, t.websiteId)],
);

export const PROPOSAL_STATUSES = ["proposed", "confirmed", "dismissed"] as const;

/** A condition the checker found, proposed as a finding; a person confirms (→ a spot-check finding) or dismisses it. */
export const siteProposals = sqliteTable(
  "site_proposals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    windowId: integer("window_id")
      .notNull()
      .references(() => siteCheckWindows.id),
    websiteId: integer("website_id")
      .notNull()
      .references(() => unitWebsites.id),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id),
    code: text("code").notNull(),
    url: text("url").notNull(),
    message: text("message").notNull(),
    /** The observation that shows it (URL, time, status, snapshot). */
    observationId: integer("observation_id").references(() => siteObservations.id),
    status: text("status", { enum: PROPOSAL_STATUSES }).notNull().default("proposed"),
    nodeId: integer("node_id").references(() => indicatorNodes.id),
    faultCode: text("fault_code"),
    reason: text("reason"),
    findingId: integer("finding_id").references(() => findings.id),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: text("decided_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("site_proposals_uq").on(t.windowId, t.websiteId, t.code, t.url, t.message), index("site_proposals_unit_idx").on(t.unitId)],
);
