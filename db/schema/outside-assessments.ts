import { integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";
import { cycles, indicatorNodes } from "./cycles";

/**
 * An outside office's assessment of one unit on one leaf (外部单位评价, e.g. 县外网办's score of the
 * unit's website): the value a leaf designated to that source takes (“以县外网办评价为准”).
 */
export const outsideAssessments = sqliteTable(
  "outside_assessments",
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
    /** The outside office, as the leaf's rule names it (designated). */
    source: text("source").notNull(),
    value: real("value").notNull(),
    /** Optional note or evidence reference (e.g. the office's document number); shown as the value's source. */
    note: text("note").notNull().default(""),
    version: integer("version").notNull().default(1),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("outside_assessments_uq").on(t.cycleId, t.unitId, t.nodeId, t.source)],
);
