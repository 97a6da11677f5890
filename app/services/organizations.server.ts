import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { organizations, users } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { ORG_KINDS } from "../utils/org-kinds";
import { DomainError } from "../domain/domain-error";

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

function refuseTakenName(tx: Tx, name: string, exceptId?: number): void {
  const row = tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name)).get();
  if (row && row.id !== exceptId) throw new DomainError("invalid", `评估机构“${name}”已存在`, "name");
}

/** Refused (invalid, on the name) when another organisation has that name; answers the new id. */
export function createOrganization(db: Db, actor: Actor, input: OrgInput): number {
  return mutate(db, (tx) => {
    refuseTakenName(tx, input.name);
    const row = tx.insert(organizations).values({ name: input.name, kind: input.kind }).returning().get();
    writeAudit(tx, actor, { action: "org.create", entityType: "organization", entityId: row.id, after: row });
    return row.id;
  });
}

export function updateOrganization(db: Db, actor: Actor, id: number, input: OrgInput): void {
  mutate(db, (tx) => {
    const before = tx.select().from(organizations).where(eq(organizations.id, id)).get();
    if (!before) throw new DomainError("notFound", "该评估机构不存在。");
    refuseTakenName(tx, input.name, id);
    if (before.name === input.name && before.kind === input.kind) return;
    const after = tx.update(organizations).set({ name: input.name, kind: input.kind }).where(eq(organizations.id, id)).returning().get();
    writeAudit(tx, actor, { action: "org.update", entityType: "organization", entityId: id, before, after });
  });
}

/** Organisations are never deleted: deactivating keeps their evaluators' history intact. */
export function setOrganizationActive(db: Db, actor: Actor, id: number, active: boolean): void {
  mutate(db, (tx) => {
    const before = tx.select().from(organizations).where(eq(organizations.id, id)).get();
    if (!before) throw new DomainError("notFound", "该评估机构不存在。");
    if (before.active === active) return;
    const after = tx.update(organizations).set({ active }).where(eq(organizations.id, id)).returning().get();
    writeAudit(tx, actor, { action: active ? "org.activate" : "org.deactivate", entityType: "organization", entityId: id, before, after });
  });
}
