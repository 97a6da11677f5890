import { asc } from "drizzle-orm";
import type { z } from "zod";
import { type Db } from "../../../db/client";
import { organizations, units, users, ROLES, type Role } from "../../../db/schema";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import { ROLE_LABELS } from "../../utils/auth.server";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../../utils/password.server";
import { displayNameSchema, parseRole, passwordSchema, roleBindingProblems, usernameSchema, usernameTakenMessage } from "../users.server";
import { readSheet, type ColumnSpec, type RowError } from "./xlsx-read.server";
import { buildTemplate } from "./xlsx-template.server";

type UserField = "username" | "displayName" | "role" | "unitCode" | "orgName" | "password";

export const USER_IMPORT_COLUMNS: ColumnSpec<UserField>[] = [
  { field: "username", header: "用户名", required: true },
  { field: "displayName", header: "姓名", required: true },
  { field: "role", header: "角色", required: true },
  { field: "unitCode", header: "所属单位编码", required: false },
  { field: "orgName", header: "评估机构", required: false },
  { field: "password", header: "初始密码", required: true },
];

const initialPasswordSchema = passwordSchema("初始密码");

interface ParsedUser {
  rowNumber: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  orgId: number | null;
  password: string;
}

/**
 * Deliberately a result, not a thrown refusal: a refused import lists every bad row (`errors`),
 * shown to the office as a table and printed by the command-line import, one line each.
 */
export type UserImportResult =
  | { ok: true; created: number; byRole: { role: string; count: number }[] }
  | { ok: false; message: string; errors: RowError[] };

const firstMessage = (error: z.ZodError) => error.issues[0]?.message ?? "格式不正确";

function validateUsers(db: Db, sheet: string, rows: { rowNumber: number; values: Record<UserField, string> }[]): { users: ParsedUser[]; errors: RowError[] } {
  const unitByCode = new Map(db.select().from(units).all().map((u) => [u.code.toLowerCase(), u]));
  const orgByName = new Map(db.select().from(organizations).all().map((o) => [o.name, o]));
  const existing = new Set(db.select({ username: users.username }).from(users).all().map((u) => u.username.toLowerCase()));
  const firstRowOfName = new Map<string, number>();
  for (const { rowNumber, values } of rows) {
    const key = values.username.trim().toLowerCase();
    if (key && !firstRowOfName.has(key)) firstRowOfName.set(key, rowNumber);
  }

  const errors: RowError[] = [];
  const parsed: ParsedUser[] = [];
  for (const { rowNumber, values } of rows) {
    const bad = (message: string) => errors.push({ sheet, row: rowNumber, message });
    const before = errors.length;

    const username = usernameSchema.safeParse(values.username);
    if (!username.success) bad(firstMessage(username.error));
    else {
      const key = username.data.toLowerCase();
      if (existing.has(key)) bad(usernameTakenMessage(username.data));
      const first = firstRowOfName.get(key);
      if (first !== undefined && first !== rowNumber) bad(`用户名 ${username.data} 与第${first}行重复`);
    }

    const displayName = displayNameSchema.safeParse(values.displayName);
    if (!displayName.success) bad(firstMessage(displayName.error));

    const role = parseRole(values.role);
    if (!values.role.trim()) bad("请填写角色");
    else if (!role) bad(`角色“${values.role}”无效，只能填：${ROLES.map((r) => ROLE_LABELS[r]).join("、")}`);

    const unitCode = values.unitCode.trim();
    const unit = unitCode ? unitByCode.get(unitCode.toLowerCase()) : undefined;
    if (unitCode && !unit) bad(`所属单位编码 ${unitCode} 不存在`);
    const orgName = values.orgName.trim();
    const org = orgName ? orgByName.get(orgName) : undefined;
    if (orgName && !org) bad(`评估机构“${orgName}”不存在，请先在“评估机构”页面添加`);

    // A code or name that does not exist is already reported; the role rules judge only what was found.
    if (role) {
      for (const p of roleBindingProblems(role, unit ?? null, org ?? null, "import")) {
        if (p.field === "unitId" && unitCode && !unit) continue;
        if (p.field === "orgId" && orgName && !org) continue;
        bad(p.message);
      }
    }

    const password = initialPasswordSchema.safeParse(values.password);
    if (!password.success) bad(firstMessage(password.error));

    if (errors.length === before) {
      parsed.push({
        rowNumber,
        username: username.data!,
        displayName: displayName.data!,
        role: role!,
        unitId: unit?.id ?? null,
        orgId: org?.id ?? null,
        password: password.data!,
      });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { users: parsed, errors };
}

/**
 * Import users from an .xlsx file: all rows or none. Passwords are hashed before the transaction;
 * every created user (without its hash) and the import itself go to the audit log in it.
 */
export async function importUsers(db: Db, buffer: Uint8Array, actor: Actor, fileName: string): Promise<UserImportResult> {
  const sheet = await readSheet(buffer, USER_IMPORT_COLUMNS);
  if (!sheet.ok) return { ok: false, message: sheet.message, errors: [] };
  const { users: parsed, errors } = validateUsers(db, sheet.sheet, sheet.rows);
  if (errors.length) {
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    return { ok: false, message: `未导入任何数据：共 ${sheet.rows.length} 行数据，其中 ${rowsWithErrors} 行有错误，请按下列原因修改后重新导入。`, errors };
  }

  const hashed = await Promise.all(parsed.map(async ({ password, rowNumber, ...u }) => ({ ...u, rowNumber, passwordHash: await hashPassword(password) })));
  const created = mutate(db, (tx) => {
    const rows = hashed.map(({ rowNumber, ...values }) => {
      const { passwordHash: _omit, ...after } = tx.insert(users).values(values).returning().get();
      writeAudit(tx, actor, { action: "user.create", entityType: "user", entityId: after.id, after: { ...after, importedFrom: fileName, importRow: rowNumber } });
      return after;
    });
    writeAudit(tx, actor, { action: "user.import", entityType: "user", after: { fileName, count: rows.length, usernames: rows.map((r) => r.username) } });
    return rows;
  });

  const counts = new Map<Role, number>();
  for (const u of created) counts.set(u.role, (counts.get(u.role) ?? 0) + 1);
  return { ok: true, created: created.length, byRole: ROLES.filter((r) => counts.has(r)).map((r) => ({ role: ROLE_LABELS[r], count: counts.get(r)! })) };
}

export async function usersTemplate(db: Db): Promise<Buffer> {
  const orgNames = db.select({ name: organizations.name }).from(organizations).orderBy(asc(organizations.id)).all().map((o) => o.name);
  const firstUnit = db.select({ code: units.code }).from(units).orderBy(asc(units.sortOrder), asc(units.id)).limit(1).get();
  const roleLabels = ROLES.map((r) => ROLE_LABELS[r]);
  return buildTemplate({
    sheetName: "用户",
    columns: [
      { header: "用户名", required: true, width: 16, note: "登录用的账号，2-32位字母、数字、点、下划线或短横线，如 dept-015。不能与已有用户或本文件其他行重复（不区分大小写）。" },
      { header: "姓名", required: true, width: 20, note: "显示在页面和记录中的姓名或称呼。" },
      { header: "角色", required: true, width: 18, choices: roleLabels, note: `${roleLabels.join("、")}之一（也可填 office、department、evaluator、leader）。` },
      { header: "所属单位编码", required: false, width: 14, note: "部门填报员必填（系统中已启用单位的编码）；评估员可填，表示与该单位存在利益关联（回避）；其他角色不填。" },
      {
        header: "评估机构",
        required: false,
        width: 28,
        choices: orgNames,
        note: `评估员必填，必须是系统中已有且启用的评估机构：${orgNames.join("、") || "（暂无，请先在“评估机构”页面添加）"}；其他角色不填。`,
      },
      { header: "初始密码", required: true, width: 16, note: `至少${MIN_PASSWORD_LENGTH}位（首尾空格会被忽略）。请通过安全渠道告知本人，并要求其首次登录后立即修改。` },
    ],
    examples: [
      ["dept-101", "区文化和旅游局填报员", ROLE_LABELS.department, firstUnit?.code ?? "BM001", "", "ChangeMe#2026"],
      ["eval-101", "评估员 周晓", ROLE_LABELS.evaluator, "", orgNames[0] ?? "第三方评估中心", "ChangeMe#2026"],
    ],
    instructions: [
      "第2、3行是示例，导入前请删除或改成真实数据。",
      "请勿修改第1行表头；从第2行开始每行填写一个用户，空行会被忽略。",
      "系统会先检查所有行：只要有一行有错误，就不会导入任何数据，并逐行列出错误原因（按 Excel 行号）。",
      "导入只会新增用户，不会修改已有用户；修改、停用或重置密码请在“用户管理”页面进行。",
      "本文件含初始密码，导入后请妥善删除。文件必须是 .xlsx 格式，不超过 5 MB。",
    ],
  });
}
