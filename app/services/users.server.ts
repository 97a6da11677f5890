import { and, asc, eq, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { organizations, ROLES, sessions, units, users, type Role } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { anyChanged } from "../utils/changed-fields";
import { optionalIdField } from "../utils/id-fields";
import { ROLE_LABELS } from "../utils/auth.server";
import type { FieldErrors } from "../utils/form.server";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../utils/password.server";
import { activeStatus, containsText } from "../utils/list-filters.server";
import { DomainError } from "../domain/domain-error";

/**
 * The one place where user accounts are validated and written: the users admin pages and the
 * .xlsx import (app/services/imports/users-import.server.ts) both use these rules.
 */

// ---------------------------------------------------------------- field schemas

export const usernameSchema = z
  .string({ required_error: "请填写用户名" })
  .trim()
  .min(1, "请填写用户名")
  .min(2, "用户名至少2个字符")
  .max(32, "用户名不能超过32个字符")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "用户名只能包含字母、数字、点（.）、下划线（_）或短横线（-），并以字母或数字开头");

export const displayNameSchema = z.string({ required_error: "请填写姓名" }).trim().min(1, "请填写姓名").max(50, "姓名不能超过50个字");

/** A password field; `label` names it in the messages (初始密码, 新密码 …). */
export function passwordSchema(label = "密码") {
  return z
    .string({ required_error: `请填写${label}` })
    .min(1, `请填写${label}`)
    .min(MIN_PASSWORD_LENGTH, `${label}至少${MIN_PASSWORD_LENGTH}位`)
    .max(128, `${label}不能超过128位`);
}

export const roleSchema = z.enum(ROLES, { errorMap: () => ({ message: "请选择角色" }) });

/** 角色 as typed in a spreadsheet: the Chinese label or the role code (office/department/evaluator/leader). */
export function parseRole(text: string): Role | null {
  const v = text.trim();
  const byLabel = ROLES.find((r) => ROLE_LABELS[r] === v);
  if (byLabel) return byLabel;
  return ROLES.find((r) => r === v.toLowerCase()) ?? null;
}

const bindingFields = {
  role: roleSchema,
  unitId: optionalIdField("请选择有效的单位"),
  orgId: optionalIdField("请选择有效的评估机构"),
};

/** Two password inputs that must match. */
function withConfirmation<T extends z.ZodRawShape>(shape: T, label: string) {
  return z
    .object({ ...shape, password: passwordSchema(label), passwordConfirm: z.string({ required_error: `请再次输入${label}` }) })
    .refine((v) => v.password === v.passwordConfirm, { path: ["passwordConfirm"], message: `两次输入的${label}不一致` });
}

export const createUserSchema = withConfirmation({ username: usernameSchema, displayName: displayNameSchema, ...bindingFields }, "初始密码");
/** Where email notifications go (optional; empty clears it). */
export const emailSchema = z
  .string()
  .trim()
  .max(200, "邮箱不能超过200个字符")
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "邮箱格式不正确，如 zhangsan@example.gov.cn");
export const updateUserSchema = z.object({ displayName: displayNameSchema, email: emailSchema, ...bindingFields });
export const resetPasswordSchema = withConfirmation({}, "新密码");

/** What the user detail page can do. */
export const userIntentSchema = z.enum(["update", "reset-password", "deactivate", "activate"]);

export type CreateUserInput = z.output<typeof createUserSchema>;
export type UpdateUserInput = z.output<typeof updateUserSchema>;

// ---------------------------------------------------------------- shared rules

export interface BindingUnit {
  id: number;
  code: string;
  name: string;
  active: boolean;
}
export interface BindingOrg {
  id: number;
  name: string;
  active: boolean;
}

/**
 * How a rule names the unit and organisation fields: a spreadsheet has columns to fill in
 * (“所属单位编码”), a form has drop-downs to choose from (“所属单位”).
 */
export type Wording = "form" | "import";

const WORDING = {
  form: { unitField: "所属单位", orgField: "评估机构", must: "选择", clear: (f: string) => `请将“${f}”选为“无”` },
  import: { unitField: "所属单位编码", orgField: "评估机构", must: "填写", clear: (f: string) => `请清空“${f}”` },
} as const;

export interface BindingProblem {
  field: "unitId" | "orgId";
  message: string;
}

/**
 * What a role requires of its unit and organisation: a department user is bound to exactly one
 * active unit and to no organisation; an evaluator belongs to an active organisation and may be
 * bound to a unit (conflict of interest); office and leader accounts have neither.
 * `unit`/`org` are the resolved choices (null when none was given).
 */
export function roleBindingProblems(role: Role, unit: BindingUnit | null, org: BindingOrg | null, wording: Wording): BindingProblem[] {
  const w = WORDING[wording];
  const problems: BindingProblem[] = [];
  const unitProblem = (message: string) => problems.push({ field: "unitId", message });
  const orgProblem = (message: string) => problems.push({ field: "orgId", message });
  if (role === "department") {
    if (!unit) unitProblem(`部门填报员必须${w.must}${w.unitField}`);
    else if (!unit.active) unitProblem(`单位 ${unit.code}（${unit.name}）已停用，不能为其添加填报员`);
    if (org) orgProblem(`部门填报员不属于评估机构，${w.clear(w.orgField)}`);
  } else if (role === "evaluator") {
    if (!org) orgProblem(`评估员必须${w.must}评估机构`);
    else if (!org.active) orgProblem(`评估机构“${org.name}”已停用`);
  } else {
    if (unit) unitProblem(`${ROLE_LABELS[role]}不绑定单位，${w.clear(w.unitField)}`);
    if (org) orgProblem(`${ROLE_LABELS[role]}不属于评估机构，${w.clear(w.orgField)}`);
  }
  return problems;
}

export const usernameTakenMessage = (username: string) => `用户名 ${username} 已存在`;

/** Usernames are unique without regard to letter case: "Dept-001" and "dept-001" are the same account. */
export function findUserByUsername(tx: Tx, username: string) {
  return tx
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .get();
}

function resolveBindings(tx: Tx, input: { role: Role; unitId: number | null; orgId: number | null }): FieldErrors {
  const errors: FieldErrors = {};
  let unit: BindingUnit | null = null;
  let org: BindingOrg | null = null;
  if (input.unitId !== null) {
    unit = tx.select({ id: units.id, code: units.code, name: units.name, active: units.active }).from(units).where(eq(units.id, input.unitId)).get() ?? null;
    if (!unit) errors.unitId = "所选单位不存在";
  }
  if (input.orgId !== null) {
    org = tx.select({ id: organizations.id, name: organizations.name, active: organizations.active }).from(organizations).where(eq(organizations.id, input.orgId)).get() ?? null;
    if (!org) errors.orgId = "所选评估机构不存在";
  }
  // An id that does not exist is already reported; the role rules judge only what was found.
  if (errors.unitId || errors.orgId) return errors;
  for (const p of roleBindingProblems(input.role, unit, org, "form")) errors[p.field] ??= p.message;
  return errors;
}

// ---------------------------------------------------------------- reading

export const USER_STATUS_FILTERS = { all: "全部", active: "仅启用", inactive: "仅停用" } as const;

/** The list filters from the query string; anything unusable is simply ignored. */
export const userFilterSchema = z.object({
  role: z.enum(ROLES).optional().catch(undefined),
  unit: z.string().regex(/^[1-9][0-9]{0,15}$/).transform(Number).optional().catch(undefined),
  status: z.enum(["all", "active", "inactive"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});

export function roleOptions() {
  return ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
}

export interface UserFilter {
  role?: Role | null;
  unitId?: number | null;
  status?: keyof typeof USER_STATUS_FILTERS;
  q?: string;
}

const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  role: users.role,
  unitId: users.unitId,
  unitCode: units.code,
  unitName: units.name,
  orgId: users.orgId,
  orgName: organizations.name,
  active: users.active,
  passwordChangedAt: users.passwordChangedAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export type UserRow = {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  orgId: number | null;
  orgName: string | null;
  active: boolean;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
};

export function listUsers(db: Db, filter: UserFilter = {}): UserRow[] {
  const conditions: SQL[] = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.unitId) conditions.push(eq(users.unitId, filter.unitId));
  for (const c of [activeStatus(users.active, filter.status), containsText(filter.q, users.username, users.displayName)]) if (c) conditions.push(c);
  return db
    .select(publicColumns)
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .leftJoin(organizations, eq(organizations.id, users.orgId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(sql`CASE ${users.role} WHEN 'office' THEN 0 WHEN 'leader' THEN 1 WHEN 'department' THEN 2 ELSE 3 END`, asc(users.username))
    .all();
}

export function getUserDetail(db: Db, id: number): UserRow {
  const row = db
    .select(publicColumns)
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .leftJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, id))
    .get();
  if (!row) throw new DomainError("notFound", "该用户不存在。");
  return row;
}

/** Units and organisations offered by the user forms (inactive ones included, marked). */
export function bindingOptions(db: Db) {
  return {
    units: db.select({ id: units.id, code: units.code, name: units.name, active: units.active }).from(units).orderBy(asc(units.sortOrder), asc(units.code)).all(),
    orgs: db.select({ id: organizations.id, name: organizations.name, active: organizations.active }).from(organizations).orderBy(asc(organizations.id)).all(),
  };
}

// ---------------------------------------------------------------- writing


/** A user row as it goes into the audit log: never with its password hash. */
function auditable(row: typeof users.$inferSelect) {
  const { passwordHash: _hash, ...rest } = row;
  return rest;
}

function loadUser(tx: Tx, id: number) {
  const row = tx.select().from(users).where(eq(users.id, id)).get();
  if (!row) throw new DomainError("notFound", "该用户不存在。");
  return row;
}

function endSessions(tx: Tx, userId: number): number {
  return tx.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

/** Refused (DomainError.fields) when a binding or the username does not fit; answers the new id. */
export async function createUser(db: Db, actor: Actor, input: CreateUserInput): Promise<number> {
  // Hash outside the write transaction: scrypt is deliberately slow.
  const passwordHash = await hashPassword(input.password);
  return mutate(db, (tx) => {
    const fieldErrors = resolveBindings(tx, input);
    if (findUserByUsername(tx, input.username)) fieldErrors.username = usernameTakenMessage(input.username);
    if (Object.keys(fieldErrors).length) throw DomainError.fields(fieldErrors);
    const row = tx
      .insert(users)
      .values({ username: input.username, displayName: input.displayName, role: input.role, unitId: input.unitId, orgId: input.orgId, passwordHash })
      .returning()
      .get();
    writeAudit(tx, actor, { action: "user.create", entityType: "user", entityId: row.id, after: auditable(row) });
    return row.id;
  });
}

/** Refused (DomainError.fields) when a binding does not fit or the office would change its own role. */
export function updateUser(db: Db, actor: Actor, id: number, input: UpdateUserInput): void {
  mutate(db, (tx) => {
    const before = loadUser(tx, id);
    const fieldErrors = resolveBindings(tx, input);
    if (id === actor.id && input.role !== before.role) fieldErrors.role = "不能修改自己的角色";
    if (Object.keys(fieldErrors).length) throw DomainError.fields(fieldErrors);
    if (!anyChanged(before, input, ["displayName", "email", "role", "unitId", "orgId"])) return;
    const after = tx
      .update(users)
      .set({ displayName: input.displayName, email: input.email, role: input.role, unitId: input.unitId, orgId: input.orgId, updatedAt: new Date().toISOString() })
      .where(eq(users.id, id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "user.update", entityType: "user", entityId: id, before: auditable(before), after: auditable(after) });
  });
}

/** Office sets a new password for someone else; every session of that user ends. Answers what it did, in Chinese. */
export async function resetUserPassword(db: Db, actor: Actor, id: number, password: string): Promise<string> {
  if (id === actor.id) throw new DomainError("invalid", "不能在这里重置自己的密码，请使用“修改密码”页面。");
  const passwordHash = await hashPassword(password);
  return mutate(db, (tx) => {
    const user = loadUser(tx, id);
    const now = new Date().toISOString();
    tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, id)).run();
    const ended = endSessions(tx, id);
    writeAudit(tx, actor, { action: "user.password.reset", entityType: "user", entityId: id, after: { username: user.username, sessionsEnded: ended } });
    return `已重置 ${user.displayName}（${user.username}）的密码，其所有登录已失效。请通过安全渠道告知新密码。`;
  });
}

/** Deactivated users cannot log in and their sessions end at once; reactivation checks the role's bindings again. */
export function setUserActive(db: Db, actor: Actor, id: number, active: boolean): string {
  if (!active && id === actor.id) throw new DomainError("invalid", "不能停用自己的账号。");
  return mutate(db, (tx) => {
    const before = loadUser(tx, id);
    const who = `${before.displayName}（${before.username}）`;
    if (before.active === active) return active ? `${who}已是启用状态。` : `${who}已是停用状态。`;
    if (active) {
      const unit = before.unitId === null ? null : (tx.select().from(units).where(eq(units.id, before.unitId)).get() ?? null);
      const org = before.orgId === null ? null : (tx.select().from(organizations).where(eq(organizations.id, before.orgId)).get() ?? null);
      const problems = roleBindingProblems(before.role, unit, org, "form");
      if (problems.length) throw new DomainError("conflict", `无法启用${who}：${problems.map((p) => p.message).join("；")}。请先修改其所属单位或评估机构。`);
    }
    const after = tx.update(users).set({ active, updatedAt: new Date().toISOString() }).where(eq(users.id, id)).returning().get();
    const ended = active ? 0 : endSessions(tx, id);
    writeAudit(tx, actor, {
      action: active ? "user.activate" : "user.deactivate",
      entityType: "user",
      entityId: id,
      before: auditable(before),
      after: active ? auditable(after) : { ...auditable(after), sessionsEnded: ended },
    });
    return active ? `已启用${who}。` : `已停用${who}，其所有登录已失效，历史记录完整保留。`;
  });
}
