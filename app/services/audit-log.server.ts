import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, getSqlite } from "../../db/client";
import { auditLog } from "../../db/schema";
import { verifyAuditChain } from "../utils/audit.server";
import { beijingDayStart, formatBeijingTime } from "../utils/beijing-time";
import type { FieldErrors } from "../utils/form.server";
import { zodFieldErrors } from "../utils/form.server";
import { containsText } from "../utils/list-filters.server";

/** Browsing the audit log (office only; the guard is in the route). */

export const AUDIT_PAGE_SIZE = 50;

/** Chinese names of entity types; types added by later modules show their code until named here. */
export const ENTITY_TYPE_LABELS: Record<string, string> = {
  user: "用户",
  unit: "单位",
  category: "单位类别",
  organization: "评估机构",
  evidence_file: "佐证材料",
  evidence_link: "佐证链接",
};

const ACTION_SUBJECTS: Record<string, string> = {
  user: "用户",
  unit: "单位",
  category: "单位类别",
  org: "评估机构",
  evidence: "佐证材料",
  "evidence.link": "佐证链接",
};

const ACTION_VERBS: Record<string, string> = {
  create: "新增",
  update: "修改",
  rename: "重命名",
  delete: "删除",
  add: "添加",
  import: "批量导入",
  activate: "启用",
  deactivate: "停用",
  "password.change": "修改本人密码",
  "password.reset": "重置密码",
  upload: "上传",
  lock: "锁定",
};

/** "user.password.reset" → "用户：重置密码"; actions not named here show their code. */
export function describeAction(action: string): string {
  const parts = action.split(".");
  // The longest known subject wins ("evidence.link.add" is a link, not evidence).
  for (let i = parts.length - 1; i >= 1; i--) {
    const subject = ACTION_SUBJECTS[parts.slice(0, i).join(".")];
    const verb = ACTION_VERBS[parts.slice(i).join(".")];
    if (subject && verb) return `${subject}：${verb}`;
  }
  return action;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayField = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const valid = DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
      if (!valid) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label}不是有效的日期，请按“年-月-日”填写，如 2026-03-01` });
        return z.NEVER;
      }
      return v;
    });

export const auditFilterSchema = z
  .object({
    actor: z.string().trim().max(100, "操作人不能超过100个字").optional().transform((v) => v || null),
    entityType: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null)
      .refine((v) => v === null || /^[a-z][a-z0-9_]{0,49}$/.test(v), "请选择有效的对象类型"),
    entityId: z
      .string()
      .trim()
      .max(64, "对象编号不能超过64个字符")
      .optional()
      .transform((v) => v || null),
    from: dayField("开始日期"),
    to: dayField("结束日期"),
    page: z
      .string()
      .optional()
      .transform((v) => (v && /^[1-9][0-9]{0,6}$/.test(v) ? Number(v) : 1)),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["to"], message: "结束日期不能早于开始日期" });
  });

export type AuditFilter = z.output<typeof auditFilterSchema>;

export function parseAuditFilter(params: URLSearchParams): { ok: true; filter: AuditFilter } | { ok: false; fieldErrors: FieldErrors } {
  const raw: Record<string, string> = {};
  for (const key of ["actor", "entityType", "entityId", "from", "to", "page"]) {
    const v = params.get(key);
    if (v !== null) raw[key] = v;
  }
  const result = auditFilterSchema.safeParse(raw);
  return result.success ? { ok: true, filter: result.data } : { ok: false, fieldErrors: zodFieldErrors(result.error) };
}

/** Chinese names of the fields that appear in before/after states; others show their code. */
const FIELD_LABELS: Record<string, string> = {
  id: "编号",
  username: "用户名",
  displayName: "姓名",
  role: "角色",
  unitId: "所属单位编号",
  orgId: "评估机构编号",
  active: "启用",
  code: "编码",
  name: "名称",
  kind: "类型",
  categoryId: "单位类别编号",
  parentId: "上级单位编号",
  sortOrder: "排序",
  createdAt: "创建时间",
  updatedAt: "修改时间",
  passwordChangedAt: "密码修改时间",
  sessionsEnded: "结束的登录会话数",
  fileName: "文件名",
  count: "数量",
  importedFrom: "导入文件",
  importRow: "导入行号",
};

export interface DiffLine {
  /** The field's code ("" when the state is not an object). */
  field: string;
  label: string;
  before: string | null;
  after: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** One value of a before/after state as a person reads it (instants in Beijing time). */
function show(value: unknown): string {
  if (value === null || value === undefined) return "（空）";
  if (value === true) return "是";
  if (value === false) return "否";
  if (typeof value === "string") return ISO_INSTANT.test(value) ? formatBeijingTime(value) : value;
  return JSON.stringify(value);
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * A readable before/after: for two objects only the fields that changed; for a creation every
 * field of the new state; for a removal every field of the old one.
 */
export function auditDiff(beforeText: string | null, afterText: string | null): DiffLine[] {
  const before = parseJson(beforeText);
  const after = parseJson(afterText);
  if (before === undefined && after === undefined) return [];
  if ((before === undefined || isRecord(before)) && (after === undefined || isRecord(after))) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys
      .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => ({
        field: k,
        label: FIELD_LABELS[k] ?? k,
        before: before === undefined ? null : show(b[k]),
        after: after === undefined ? null : show(a[k]),
      }));
  }
  return [{ field: "", label: "", before: before === undefined ? null : show(before), after: after === undefined ? null : show(after) }];
}

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  const byActor = containsText(filter.actor ?? undefined, auditLog.actorName);
  if (byActor) where.push(byActor);
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditLog.entityId, filter.entityId));
  if (filter.from) where.push(gte(auditLog.at, beijingDayStart(filter.from).toISOString()));
  if (filter.to) where.push(lt(auditLog.at, new Date(beijingDayStart(filter.to).getTime() + 86_400_000).toISOString()));
  return where;
}

export function listAuditLog(filter: AuditFilter) {
  const db = getDb();
  const where = conditions(filter);
  const whereSql = where.length ? and(...where) : undefined;
  const { total } = db.select({ total: count() }).from(auditLog).where(whereSql).get()!;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(filter.page, pages);
  const rows = db
    .select()
    .from(auditLog)
    .where(whereSql)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .all()
    .map((r) => ({
      id: r.id,
      at: r.at,
      time: formatBeijingTime(r.at),
      actorName: r.actorName,
      action: r.action,
      actionLabel: describeAction(r.action),
      entityType: r.entityType,
      entityTypeLabel: ENTITY_TYPE_LABELS[r.entityType] ?? r.entityType,
      entityId: r.entityId,
      diff: auditDiff(r.before, r.after),
    }));
  return { rows, total, page, pages };
}

/** Entity types present in the log, for the filter (an index scan). */
export function auditEntityTypes(): { value: string; label: string }[] {
  return getDb()
    .selectDistinct({ t: auditLog.entityType })
    .from(auditLog)
    .orderBy(auditLog.entityType)
    .all()
    .map(({ t }) => ({ value: t, label: ENTITY_TYPE_LABELS[t] ? `${ENTITY_TYPE_LABELS[t]}（${t}）` : t }));
}

export type AuditVerifyOutcome =
  | { ok: true; message: string }
  | { ok: false; message: string; badId: number };

export function verifyAuditLog(): AuditVerifyOutcome {
  const result = verifyAuditChain(getSqlite());
  if (result.ok) return { ok: true, message: `审计链校验通过：${result.rows} 条记录` };
  return {
    ok: false,
    badId: result.badId,
    message: `审计链校验失败：记录 id=${result.badId}（${formatBeijingTime(result.badAt)}，${describeAction(result.badAction)}）未通过校验。原因：${result.reason}。请立即报告系统管理员。`,
  };
}
