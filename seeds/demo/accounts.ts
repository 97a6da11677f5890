import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { categories, organizations, units, users, type Role } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../../app/utils/audit.server";
import { DEMO_CATEGORIES, DEMO_EVALUATORS, DEMO_ORG, DEMO_PASSWORD_HASH, DEMO_UNITS } from "./district";

export const SEED_ACTOR: Actor = { id: null, name: "演示数据" };

/** Insert whatever of the demo district is missing; existing rows (and changed passwords) are kept. */
export function seedAccounts(db: Db): void {
  mutate(db, (tx) => {
    const categoryIds = new Map<string, number>();
    DEMO_CATEGORIES.forEach((name, i) => {
      let row = tx.select().from(categories).where(eq(categories.name, name)).get();
      if (!row) {
        row = tx.insert(categories).values({ name, sortOrder: i + 1 }).returning().get();
        writeAudit(tx, SEED_ACTOR, { action: "category.create", entityType: "category", entityId: row.id, after: row });
      }
      categoryIds.set(name, row.id);
    });

    const unitIds = new Map<string, number>();
    DEMO_UNITS.forEach((u, i) => {
      let row = tx.select().from(units).where(eq(units.code, u.code)).get();
      if (!row) {
        row = tx.insert(units).values({ code: u.code, name: u.name, categoryId: categoryIds.get(u.category)!, sortOrder: i + 1 }).returning().get();
        writeAudit(tx, SEED_ACTOR, { action: "unit.create", entityType: "unit", entityId: row.id, after: row });
      }
      unitIds.set(u.code, row.id);
    });

    let org = tx.select().from(organizations).where(eq(organizations.name, DEMO_ORG.name)).get();
    if (!org) {
      org = tx.insert(organizations).values(DEMO_ORG).returning().get();
      writeAudit(tx, SEED_ACTOR, { action: "org.create", entityType: "organization", entityId: org.id, after: org });
    }

    const wanted: { username: string; displayName: string; role: Role; unitId?: number; orgId?: number }[] = [
      { username: "admin", displayName: "政务公开办 陈主任", role: "office" },
      ...DEMO_UNITS.map((u, i) => ({
        username: `dept-${String(i + 1).padStart(3, "0")}`,
        displayName: `${u.name}填报员`,
        role: "department" as const,
        unitId: unitIds.get(u.code)!,
      })),
      ...DEMO_EVALUATORS.map((e) => ({
        username: e.username,
        displayName: e.displayName,
        role: "evaluator" as const,
        orgId: org!.id,
        unitId: e.unitCode ? unitIds.get(e.unitCode) : undefined,
      })),
      { username: "leader", displayName: "区政府 赵副区长", role: "leader" },
    ];
    for (const w of wanted) {
      if (tx.select({ id: users.id }).from(users).where(eq(users.username, w.username)).get()) continue;
      const row = tx
        .insert(users)
        .values({ ...w, unitId: w.unitId ?? null, orgId: w.orgId ?? null, passwordHash: DEMO_PASSWORD_HASH })
        .returning()
        .get();
      const { passwordHash: _omit, ...after } = row;
      writeAudit(tx, SEED_ACTOR, { action: "user.create", entityType: "user", entityId: row.id, after });
    }
  });
}
