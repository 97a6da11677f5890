import { eq, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** Conditions shared by the office's list filters (单位、用户、审计日志). */

/** Text contains `q` in any of the columns (LIKE with %, _ and \ in `q` taken literally); undefined for a blank search. */
export function containsText(q: string | undefined, ...columns: SQLiteColumn[]): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(...columns.map((c) => sql`${c} LIKE ${pattern} ESCAPE '\\'`));
}

/** The 启用 / 已停用 filter on an `active` column; undefined for "all". */
export function activeStatus(column: SQLiteColumn, status: "all" | "active" | "inactive" | undefined): SQL | undefined {
  if (status === "active") return eq(column, true);
  if (status === "inactive") return eq(column, false);
  return undefined;
}
