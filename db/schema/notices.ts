import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { cycles } from "./cycles";

/**
 * The formal 通报 of a finalised cycle (one per cycle): what the office fills in — issuing body,
 * 文号, title, date, opening and closing text — bound to the final snapshot it was written for by
 * that snapshot's package and results SHA-256. The ranking tables and the common-problems
 * paragraph are made from that snapshot when the document is downloaded; a notice whose hashes no
 * longer match the cycle's final snapshot is not issued until the office saves it again.
 */
export const resultNotices = sqliteTable("result_notices", {
  cycleId: integer("cycle_id")
    .primaryKey()
    .references(() => cycles.id),
  issuingBody: text("issuing_body").notNull(),
  /** 文号, e.g. 明政办发〔2026〕3号. */
  docNumber: text("doc_number").notNull(),
  title: text("title").notNull(),
  /** The date the document bears (成文日期), a Beijing calendar day "YYYY-MM-DD". */
  issuedOn: text("issued_on").notNull(),
  /** The opening paragraph(s). */
  opening: text("opening").notNull(),
  /** The requirements after the common problems (工作要求); may be empty. */
  closing: text("closing").notNull().default(""),
  packageSha256: text("package_sha256").notNull(),
  resultsSha256: text("results_sha256").notNull(),
  updatedBy: integer("updated_by").references(() => users.id),
  updatedAt: text("updated_at").notNull(),
});
