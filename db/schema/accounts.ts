import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex, index, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** Unit categories (e.g. 街道/乡镇, 区级部门): data the office manages. */
export const categories = sqliteTable("categories", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: text("created_at").notNull().default(now),
});

/** Assessed units (被考核单位). */
export const units = sqliteTable(
  "units",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    categoryId: integer("category_id").notNull().references(() => categories.id),
    parentId: integer("parent_id").references((): AnySQLiteColumn => units.id),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    sortOrder: integer("sort_order").notNull().default(0),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  // (category, active): counting a category's active units reads the index only (ranking page).
  (t) => [index("units_category_active_idx").on(t.categoryId, t.active)],
);

/** Evaluation organisations, e.g. a 第三方评估机构. */
export const organizations = sqliteTable("organizations", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  kind: text("kind").notNull().default("第三方评估机构"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: text("created_at").notNull().default(now),
});

export const ROLES = ["office", "department", "evaluator", "leader"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** department: the one unit it fills in for; evaluator: optional unit it is bound to (conflict of interest). */
    unitId: integer("unit_id").references(() => units.id),
    /** evaluator: its evaluation organisation. */
    orgId: integer("org_id").references(() => organizations.id),
    /** Where email notifications go (optional). */
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    passwordChangedAt: text("password_changed_at").notNull().default(now),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("users_username_uq").on(t.username)],
);

/** Server-side sessions; the cookie carries only the signed id. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    ip: text("ip"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed-login counters keyed by "user:<name>" and "ip:<address>". */
export const loginAttempts = sqliteTable("login_attempts", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lastFailureAt: text("last_failure_at").notNull(),
  lockedUntil: text("locked_until"),
});
