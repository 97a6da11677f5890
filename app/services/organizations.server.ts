import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { organizations, users } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { FieldErrors } from "../utils/form.server";
import { notFound } from "../utils/http.server";
import { ORG_KINDS } from "../utils/org-kinds";

export { ORG_KINDS };

export const orgNameSchema = z
  .string({ required_error: "请输入机构名称" })
  .trim()
  .min(1, "请输入机构名称")
  .max(100, "机构名称不能超过100个字");

export const orgFormSchema = z.object({
  name: orgNameSchema,
  kind: z.enum(ORG_KINDS, { errorMap: () => ({ message: "请选择机构类型" }) }),
});

export type OrgInput = z.output<typeof orgFormSchema>;
export type OrgResult = { ok: true; id: number } | { ok: false; fieldErrors: FieldErrors };

export function listOrganizations(db: Db) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      kind: organizations.kind,
      active: organizations.active,
      evaluatorCount: count(users.id),
    })
    .from(organizations)
    .leftJoin(users, and(eq(users.orgId, organizations.id), eq(users.role, "evaluator")))
    .groupBy(organizations.id)
    .orderBy(asc(organizations.id))
    .all();
}

function nameTaken(tx: Tx, name: string, exceptId?: number): boolean {
  const row = tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name)).get();
  return !!row && row.id !== exceptId;
}

export function createOrganization(db: Db, actor: Actor, input: OrgInput): OrgResult {
  return mutate(db, (tx): OrgResult => {
    if (nameTaken(tx, input.name)) return { ok: false, fieldErrors: { name: `评估机构“${input.name}”已存在` } };
    const row = tx.insert(organizations).values({ name: input.name, kind: input.kind }).returning().get();
    writeAudit(tx, actor, { action: "org.create", entityType: "organization", entityId: row.id, after: row });
    return { ok: true, id: row.id };
  });
}

export function updateOrganization(db: Db, actor: Actor, id: number, input: OrgInput): OrgResult {
  return mutate(db, (tx): OrgResult => {
    const before = tx.select().from(organizations).where(eq(organizations.id, id)).get();
    if (!before) throw notFound("该评估机构不存在。");
    if (nameTaken(tx, input.name, id)) return { ok: false, fieldErrors: { name: `评估机构“${input.name}”已存在` } };
    if (before.name === input.name && before.kind === input.kind) return { ok: true, id };
    const after = tx.update(organizations).set({ name: input.name, kind: input.kind }).where(eq(organizations.id, id)).returning().get();
    writeAudit(tx, actor, { action: "org.update", entityType: "organization", entityId: id, before, after });
    return { ok: true, id };
  });
}

/** Organisations are never deleted: deactivating keeps their evaluators' history intact. */
export function setOrganizationActive(db: Db, actor: Actor, id: number, active: boolean): void {
  mutate(db, (tx) => {
    const before = tx.select().from(organizations).where(eq(organizations.id, id)).get();
    if (!before) throw notFound("该评估机构不存在。");
    if (before.active === active) return;
    const after = tx.update(organizations).set({ active }).where(eq(organizations.id, id)).returning().get();
    writeAudit(tx, actor, { action: active ? "org.activate" : "org.deactivate", entityType: "organization", entityId: id, before, after });
  });
}
