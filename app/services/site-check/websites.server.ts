import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { siteObservations, units, unitWebsites, websiteColumns } from "../../../db/schema";
import { DomainError } from "../../domain/domain-error";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import type { Reader } from "../evaluation-context.server";
import { checkUrl, SiteCheckRefused } from "./address-guard.server";
import { COLUMN_KINDS } from "./rules";

/** The units' websites and key columns (栏目) the office configures for the website checks. */

/** An http(s) address as the checker will visit it (private addresses are judged by the window's allowance when it runs). */
const siteUrl = (label: string) =>
  z
    .string({ required_error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(500, `${label}最多500个字符`)
    .transform((v, ctx) => {
      try {
        return checkUrl(v, true).href;
      } catch (error) {
        if (!(error instanceof SiteCheckRefused)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    });

export const websiteFormSchema = z.object({
  unitId: z.coerce.number({ invalid_type_error: "请选择单位" }).int().positive("请选择单位"),
  name: z.string({ required_error: "请填写网站名称" }).trim().min(1, "请填写网站名称").max(100, "网站名称最多100个字"),
  url: siteUrl("网站首页地址"),
});

export const columnFormSchema = z.object({
  websiteId: z.coerce.number({ invalid_type_error: "请选择网站" }).int().positive("请选择网站"),
  kind: z.enum(COLUMN_KINDS, { errorMap: () => ({ message: `栏目类型须为 ${COLUMN_KINDS.join("、")} 之一` }) }),
  name: z.string({ required_error: "请填写栏目名称" }).trim().min(1, "请填写栏目名称").max(100, "栏目名称最多100个字"),
  url: siteUrl("栏目地址"),
});

export type WebsiteInput = z.infer<typeof websiteFormSchema>;
export type ColumnInput = z.infer<typeof columnFormSchema>;

export interface WebsiteView {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  name: string;
  url: string;
  columns: { id: number; kind: string; name: string; url: string }[];
}

/** Websites with their columns, in unit order; only of the given units when `unitIds` is passed. */
export function listWebsites(db: Reader, unitIds?: readonly number[]): WebsiteView[] {
  if (unitIds && unitIds.length === 0) return [];
  const sites = db
    .select({ w: unitWebsites, code: units.code, unitName: units.name })
    .from(unitWebsites)
    .innerJoin(units, eq(units.id, unitWebsites.unitId))
    .where(unitIds ? inArray(unitWebsites.unitId, [...unitIds]) : undefined)
    .orderBy(asc(units.code), asc(unitWebsites.id))
    .all();
  const cols = sites.length === 0 ? [] : db.select().from(websiteColumns).where(inArray(websiteColumns.websiteId, sites.map((s) => s.w.id))).orderBy(asc(websiteColumns.id)).all();
  return sites.map((s) => ({
    id: s.w.id,
    unitId: s.w.unitId,
    unitCode: s.code,
    unitName: s.unitName,
    name: s.w.name,
    url: s.w.url,
    columns: cols.filter((c) => c.websiteId === s.w.id).map((c) => ({ id: c.id, kind: c.kind, name: c.name, url: c.url })),
  }));
}

export function addWebsite(db: Db, actor: Actor, input: WebsiteInput): number {
  return mutate(db, (tx) => {
    if (!tx.select({ id: units.id }).from(units).where(eq(units.id, input.unitId)).get()) throw new DomainError("invalid", "单位不存在", "unitId");
    if (tx.select({ id: unitWebsites.id }).from(unitWebsites).where(and(eq(unitWebsites.unitId, input.unitId), eq(unitWebsites.url, input.url))).get()) {
      throw new DomainError("invalid", "该单位已登记此网站", "url");
    }
    const row = tx.insert(unitWebsites).values({ ...input, createdAt: new Date().toISOString() }).returning().get();
    writeAudit(tx, actor, { action: "sitecheck.website.create", entityType: "unit_website", entityId: row.id, after: row });
    return row.id;
  });
}

export function addColumn(db: Db, actor: Actor, input: ColumnInput): number {
  return mutate(db, (tx) => {
    if (!tx.select({ id: unitWebsites.id }).from(unitWebsites).where(eq(unitWebsites.id, input.websiteId)).get()) throw new DomainError("notFound", "网站不存在");
    if (tx.select({ id: websiteColumns.id }).from(websiteColumns).where(and(eq(websiteColumns.websiteId, input.websiteId), eq(websiteColumns.url, input.url))).get()) {
      throw new DomainError("invalid", "该网站已登记此栏目地址", "url");
    }
    const row = tx.insert(websiteColumns).values(input).returning().get();
    writeAudit(tx, actor, { action: "sitecheck.column.create", entityType: "website_column", entityId: row.id, after: row });
    return row.id;
  });
}

export function removeColumn(db: Db, actor: Actor, columnId: number): void {
  mutate(db, (tx) => {
    const row = tx.select().from(websiteColumns).where(eq(websiteColumns.id, columnId)).get();
    if (!row) throw new DomainError("notFound", "栏目不存在");
    tx.delete(websiteColumns).where(eq(websiteColumns.id, columnId)).run();
    writeAudit(tx, actor, { action: "sitecheck.column.delete", entityType: "website_column", entityId: row.id, before: row });
  });
}

/** Remove a website with its columns; refused once it has been checked (its observations are evidence). */
export function removeWebsite(db: Db, actor: Actor, websiteId: number): void {
  mutate(db, (tx) => {
    const row = tx.select().from(unitWebsites).where(eq(unitWebsites.id, websiteId)).get();
    if (!row) throw new DomainError("notFound", "网站不存在");
    if (tx.select({ id: siteObservations.id }).from(siteObservations).where(eq(siteObservations.websiteId, websiteId)).limit(1).get()) {
      throw new DomainError("conflict", "该网站已有检查记录（作为佐证保留），不能删除");
    }
    const cols = tx.select().from(websiteColumns).where(eq(websiteColumns.websiteId, websiteId)).all();
    tx.delete(websiteColumns).where(eq(websiteColumns.websiteId, websiteId)).run();
    tx.delete(unitWebsites).where(eq(unitWebsites.id, websiteId)).run();
    writeAudit(tx, actor, { action: "sitecheck.website.delete", entityType: "unit_website", entityId: row.id, before: { ...row, columns: cols } });
  });
}
