import { integer, sqliteTable, text, index } from "drizzle-orm/sqlite-core";

/**
 * Append-only, hash-chained audit log. hash = SHA-256 over the row's content and prevHash
 * (see app/utils/audit.server.ts); `npm run audit:verify` walks the chain.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey(),
    at: text("at").notNull(),
    actorId: integer("actor_id"),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: text("before"),
    after: text("after"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_entity_idx").on(t.entityType, t.entityId), index("audit_actor_idx").on(t.actorId), index("audit_at_idx").on(t.at)],
);
