import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type Db } from "../../db/client";
import { auditLog } from "../../db/schema";
import { actionLabel, AUDIT_ACTION_LABELS, entityTypeLabel } from "../domain/audit-labels";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { verifyAuditChain } from "../utils/audit.server";
import { beijingDayStart, formatBeijingTime } from "../utils/beijing-time";
import type { FieldErrors } from "../utils/form.server";
import { zodFieldErrors } from "../utils/form.server";
import { containsText } from "../utils/list-filters.server";
import { auditObjectNames } from "./audit-objects.server";

/** Browsing the audit log (office only; the guard is in the route). */

export const AUDIT_PAGE_SIZE = 50;

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
    action: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null)
      .refine((v) => v === null || /^[a-z][a-z0-9_.]{0,79}$/.test(v), "请选择有效的操作"),
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

/** The list's filter from the query, like parseForm: bad values come back per field, shown beside the filter inputs. */
export function parseAuditFilter(params: URLSearchParams): { ok: true; filter: AuditFilter } | { ok: false; fieldErrors: FieldErrors } {
  const raw: Record<string, string> = {};
  for (const key of ["actor", "action", "entityType", "entityId", "from", "to", "page"]) {
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
  unitName: "单位",
  unit: "单位",
  orgId: "评估机构编号",
  active: "启用",
  code: "编码",
  name: "名称",
  title: "标题",
  year: "年度",
  kind: "类型",
  categoryId: "单位类别编号",
  category: "单位类别",
  parentId: "上级编号",
  sortOrder: "排序",
  order: "顺序",
  createdAt: "创建时间",
  updatedAt: "修改时间",
  passwordChangedAt: "密码修改时间",
  sessionsEnded: "结束的登录会话数",
  fileName: "文件名",
  originalName: "文件名",
  count: "数量",
  importedFrom: "导入文件",
  importRow: "导入行号",
  usernames: "用户名",
  codes: "编码",
  status: "状态",
  label: "步骤",
  comment: "说明",
  reason: "理由",
  enabled: "公开",
  packageSha256: "评估数据包 SHA-256",
  resultsSha256: "考核结果 SHA-256",
  units: "单位",
  nodes: "指标",
  indicatorSets: "指标体系",
  source: "来源",
  seed: "随机种子",
  size: "大小",
  published: "已公开",
  cycleId: "考核年度编号",
  nodeId: "指标编号",
  submissionId: "自查填报编号",
  evaluatorId: "评估员编号",
  input: "填报内容",
  narrative: "情况说明",
  version: "版本",
  until: "延期至",
  url: "网址",
  description: "描述",
  foundOn: "发现日期",
  response: "整改情况",
  verdictComment: "核验意见",
  decisionReason: "复核理由",
  lockedAt: "锁定时间",
  deletedAt: "删除时间",
  fileIds: "佐证材料编号",
  linkIds: "佐证链接编号",
  settings: "评分设置",
  calendar: "工作日历",
  selfInspectionDue: "自查截止日期",
  finalSnapshot: "定稿结果",
  draw: "抽取结果",
  answers: "填报项数",
  appealWindowDays: "复核申请期限（天）",
  appealsClosedAt: "复核期提前结束时间",
  appealsClosedBy: "提前结束复核期的人员编号",
  appealsClosedReason: "提前结束复核期的理由",
  assignedAt: "分配时间",
  assignedBy: "分配人编号",
  assignmentId: "评估员分配编号",
  at: "时间",
  batchId: "抽查批次编号",
  copiedFromId: "复制自考核年度编号",
  corrections: "更正内容",
  createdBy: "创建人编号",
  decidedAt: "决定时间",
  decidedBy: "决定人编号",
  decisionValue: "调整后得分",
  drawId: "随机分配编号",
  eventId: "事件编号",
  faultCode: "扣分项",
  findingId: "抽查发现编号",
  grantedBy: "批准人编号",
  incomplete: "未完成项",
  inspectorId: "检查人员编号",
  items: "退回项",
  lastActivityAt: "最近操作时间",
  lead: "主评估员",
  leadAssignmentIds: "主评估员分配编号",
  method: "分配方式",
  nodeCodes: "抽查指标",
  opennessWeightPct: "政务公开权重（%）",
  ownerId: "归属编号",
  ownerType: "归属类型",
  perUnit: "每单位评估员数",
  points: "分值",
  publishedAt: "发布时间",
  rectificationDue: "整改期限",
  requiresRectification: "需要整改",
  rescored: "重新计分",
  respondedAt: "整改提交时间",
  respondedBy: "整改提交人编号",
  revision: "第几次计算",
  rowsWritten: "写入的结果行数",
  sha256: "SHA-256",
  signedOffAt: "签字确认时间",
  spotCheckEnd: "抽查结束日期",
  spotCheckStart: "抽查开始日期",
  submittedAt: "提交时间",
  updatedBy: "修改人编号",
  uploadedAt: "上传时间",
  uploadedBy: "上传人编号",
  value: "数值",
  verifiedAt: "核验时间",
  verifiedBy: "核验人编号",
};

/** Values longer than this are folded away on the page (an imported indicator tree, a draw). */
export const LONG_VALUE_CHARS = 160;

export interface DiffLine {
  /** The field's code ("" when the state is not an object). */
  field: string;
  label: string;
  before: string | null;
  after: string | null;
  /** Either side is longer than LONG_VALUE_CHARS: shown folded, with a short summary. */
  long: boolean;
  summary: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** One value of a before/after state as a person reads it (instants in Beijing time, statuses in Chinese). */
function show(value: unknown, field: string): string {
  if (value === null || value === undefined) return "（空）";
  if (value === true) return "是";
  if (value === false) return "否";
  if (typeof value === "string") {
    if (field === "status" && value in CYCLE_STATUS_LABELS) return CYCLE_STATUS_LABELS[value as keyof typeof CYCLE_STATUS_LABELS];
    return ISO_INSTANT.test(value) ? formatBeijingTime(value) : value;
  }
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) return value.map((v) => show(v, "")).join("、");
  return JSON.stringify(value, null, 2);
}

/** What a folded value holds, in a few words: "共 12 项" for a list, "共 5 个字段" for a record. */
function summarise(value: unknown): string {
  if (Array.isArray(value)) return `共 ${value.length} 项`;
  if (isRecord(value)) return `共 ${Object.keys(value).length} 个字段`;
  return `共 ${String(value).length} 个字符`;
}

function line(field: string, label: string, before: unknown, after: unknown, hasBefore: boolean, hasAfter: boolean): DiffLine {
  const b = hasBefore ? show(before, field) : null;
  const a = hasAfter ? show(after, field) : null;
  const long = (b?.length ?? 0) > LONG_VALUE_CHARS || (a?.length ?? 0) > LONG_VALUE_CHARS;
  const summary = long ? [hasBefore ? `原${summarise(before)}` : null, hasAfter ? `现${summarise(after)}` : null].filter(Boolean).join("，") : null;
  return { field, label, before: b, after: a, long, summary };
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
      .map((k) => line(k, FIELD_LABELS[k] ?? k, b[k], a[k], before !== undefined, after !== undefined));
  }
  return [line("", "", before, after, before !== undefined, after !== undefined)];
}

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  const byActor = containsText(filter.actor ?? undefined, auditLog.actorName);
  if (byActor) where.push(byActor);
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditLog.entityId, filter.entityId));
  if (filter.from) where.push(gte(auditLog.at, beijingDayStart(filter.from).toISOString()));
  if (filter.to) where.push(lt(auditLog.at, new Date(beijingDayStart(filter.to).getTime() + 86_400_000).toISOString()));
  return where;
}

type AuditRow = typeof auditLog.$inferSelect;

/** Rows as a person reads them: Beijing time, Chinese action and object type, the object named, the change listed. */
function present(db: Db, rows: AuditRow[]) {
  const names = auditObjectNames(db, rows);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    time: formatBeijingTime(r.at),
    actorName: r.actorName,
    action: r.action,
    actionLabel: actionLabel(r.action),
    entityType: r.entityType,
    entityTypeLabel: entityTypeLabel(r.entityType),
    entityId: r.entityId,
    objectName: r.entityId === null ? null : (names.get(`${r.entityType}:${r.entityId}`) ?? null),
    diff: auditDiff(r.before, r.after),
  }));
}

export type AuditLogRow = ReturnType<typeof present>[number];

function whereOf(filter: AuditFilter): SQL | undefined {
  const where = conditions(filter);
  return where.length ? and(...where) : undefined;
}

export function listAuditLog(db: Db, filter: AuditFilter) {
  const whereSql = whereOf(filter);
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
    .all();
  return { rows: present(db, rows), total, page, pages };
}

/** Every row the filter selects (the page number ignored), newest first: the Excel export. */
export function allAuditRows(db: Db, filter: AuditFilter): AuditLogRow[] {
  return present(db, db.select().from(auditLog).where(whereOf(filter)).orderBy(desc(auditLog.id)).all());
}

/** Object types present in the log, for the filter, in Chinese. */
export function auditEntityTypes(db: Db): { value: string; label: string }[] {
  return db
    .selectDistinct({ t: auditLog.entityType })
    .from(auditLog)
    .orderBy(auditLog.entityType)
    .all()
    .map(({ t }) => ({ value: t, label: entityTypeLabel(t) }))
    .sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
}

/** Every action the app records, for the filter, in Chinese (the table, not a scan of the log). */
export function auditActions(): { value: string; label: string }[] {
  return Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }));
}

/** The verification's report (a broken chain is a finding shown to the office, not a refusal of the request). */
export type AuditVerifyOutcome =
  | { ok: true; message: string }
  | { ok: false; message: string; badId: number };

export function verifyAuditLog(db: Db): AuditVerifyOutcome {
  const result = verifyAuditChain(db.$client);
  if (result.ok) return { ok: true, message: `审计链校验通过：${result.rows} 条记录` };
  return {
    ok: false,
    badId: result.badId,
    message: `审计链校验失败：记录 id=${result.badId}（${formatBeijingTime(result.badAt)}，${actionLabel(result.badAction)}）未通过校验。原因：${result.reason}。请立即报告系统管理员。`,
  };
}
