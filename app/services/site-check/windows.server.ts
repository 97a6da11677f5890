import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { siteCheckWindows, spotCheckBatches, type ConditionMappings } from "../../../db/schema";
import { issuingBody } from "../../config.server";
import { cycleAllows } from "../../domain/cycle-capabilities";
import { DomainError } from "../../domain/domain-error";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import { getCycle, type Reader } from "../evaluation-context.server";
import { DEFAULT_SETTINGS, siteCheckUserAgent } from "./checker.server";
import { COLUMN_KINDS, CONDITION_CODES, DEFAULT_FRESHNESS_DAYS, DEFAULT_REPLY_DAYS } from "./rules";

/** A cycle's monitoring window (监测周期) and the checker's settings, set by the office. */

export type WindowRow = typeof siteCheckWindows.$inferSelect;

export function windowOf(db: Reader, cycleId: number): WindowRow | null {
  return db.select().from(siteCheckWindows).where(eq(siteCheckWindows.cycleId, cycleId)).get() ?? null;
}

/** What the settings form shows for a cycle without a window: the national rules' defaults. */
export function defaultWindowSettings() {
  return {
    visitsPerDay: 20,
    timeoutMs: DEFAULT_SETTINGS.timeoutMs,
    depth: DEFAULT_SETTINGS.depth,
    pageBudget: DEFAULT_SETTINGS.pageBudget,
    perHostPerSecond: DEFAULT_SETTINGS.perHostPerSecond,
    userAgent: siteCheckUserAgent(issuingBody()),
    freshnessDays: { ...DEFAULT_FRESHNESS_DAYS } as Record<string, number>,
    replyDays: DEFAULT_REPLY_DAYS,
    allowPrivate: false,
    batchId: null as number | null,
    mappings: {} as ConditionMappings,
  };
}

const BEIJING_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const beijingInstant = (label: string) =>
  z
    .string({ required_error: `请填写${label}` })
    .trim()
    .refine((v) => BEIJING_LOCAL.test(v) && !Number.isNaN(Date.parse(`${v}:00+08:00`)), `${label}格式不正确（北京时间，年-月-日 时:分）`)
    .transform((v) => new Date(`${v}:00+08:00`).toISOString());

const int = (label: string, min: number, max: number) =>
  z
    .string({ required_error: `请填写${label}` })
    .trim()
    .refine((v) => /^\d{1,7}$/.test(v) && Number(v) >= min && Number(v) <= max, `${label}须为${min}到${max}之间的整数`)
    .transform(Number);

const optionalText = z
  .string()
  .trim()
  .max(50, "编号最多50个字符")
  .optional()
  .transform((v) => v ?? "");

export const windowFormSchema = z
  .object({
    startsAt: beijingInstant("监测开始时间"),
    endsAt: beijingInstant("监测结束时间"),
    visitsPerDay: int("每日访问次数", 1, 288),
    timeoutSeconds: int("超时时间（秒）", 1, 120),
    depth: int("检查深度", 1, 3),
    pageBudget: int("每站页面上限", 1, 5000),
    perHostPerSecond: z
      .string({ required_error: "请填写每秒请求数" })
      .trim()
      .refine((v) => /^\d+(\.\d{1,2})?$/.test(v) && Number(v) > 0 && Number(v) <= 20, "每秒请求数须为大于0、不超过20的数字")
      .transform(Number),
    userAgent: z
      .string({ required_error: "请填写User-Agent" })
      .trim()
      .min(1, "请填写User-Agent")
      .max(300, "User-Agent最多300个字符")
      .refine((v) => /^[\x20-\x7e]+$/.test(v), "User-Agent只能包含英文字母、数字和符号（中文请用百分号编码）"),
    replyDays: int("留言回复期限（天）", 1, 3650),
    allowPrivate: z
      .string()
      .optional()
      .transform((v) => v === "on"),
    batchId: z
      .string()
      .optional()
      .transform((v) => (v && /^\d+$/.test(v) ? Number(v) : null)),
    ...Object.fromEntries(COLUMN_KINDS.map((k) => [`fresh_${k}`, int(`“${k}”更新期限（天）`, 1, 3650)])),
    ...Object.fromEntries(CONDITION_CODES.flatMap((c) => [[`node_${c}`, optionalText], [`fault_${c}`, optionalText]])),
  })
  .superRefine((v, ctx) => {
    if (v.endsAt <= v.startsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "监测结束时间须晚于开始时间" });
    for (const c of CONDITION_CODES) {
      const node = (v as Record<string, unknown>)[`node_${c}`];
      const fault = (v as Record<string, unknown>)[`fault_${c}`];
      if (!node !== !fault) ctx.addIssue({ code: "custom", path: [`node_${c}`], message: "指标编号和扣分项编号须同时填写或同时留空" });
    }
  })
  .transform((v) => {
    const r = v as Record<string, unknown>;
    const mappings: ConditionMappings = {};
    for (const c of CONDITION_CODES) if (r[`node_${c}`]) mappings[c] = { nodeCode: String(r[`node_${c}`]), faultCode: String(r[`fault_${c}`]) };
    return {
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      visitsPerDay: v.visitsPerDay,
      timeoutMs: v.timeoutSeconds * 1000,
      depth: v.depth,
      pageBudget: v.pageBudget,
      perHostPerSecond: v.perHostPerSecond,
      userAgent: v.userAgent,
      replyDays: v.replyDays,
      allowPrivate: v.allowPrivate,
      batchId: v.batchId,
      freshnessDays: Object.fromEntries(COLUMN_KINDS.map((k) => [k, Number(r[`fresh_${k}`])])),
      mappings,
    };
  });

export type WindowInput = z.output<typeof windowFormSchema>;

/** Create or replace the cycle's window settings (while evaluation is open); `version` guards stale forms. */
export function saveWindow(db: Db, actor: Actor, cycleId: number, input: WindowInput, version: number | null): number {
  return mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    if (!cycleAllows(cycle.status, "evaluate")) throw new DomainError("conflict", "只有在评估阶段才能设置网站检查");
    if (input.batchId !== null) {
      const batch = tx.select().from(spotCheckBatches).where(eq(spotCheckBatches.id, input.batchId)).get();
      if (!batch || batch.cycleId !== cycleId) throw new DomainError("invalid", "抽查批次不属于本年度", "batchId");
    }
    const current = windowOf(tx, cycleId);
    const at = new Date().toISOString();
    if (!current) {
      const row = tx.insert(siteCheckWindows).values({ cycleId, ...input, updatedBy: actor.id, updatedAt: at }).returning().get();
      writeAudit(tx, actor, { action: "sitecheck.window.save", entityType: "site_check_window", entityId: row.id, after: row });
      return row.id;
    }
    if (version !== current.version) throw new DomainError("conflict", "设置已被他人修改，请刷新页面后重试");
    const after = tx
      .update(siteCheckWindows)
      .set({ ...input, version: current.version + 1, updatedBy: actor.id, updatedAt: at })
      .where(eq(siteCheckWindows.id, current.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "sitecheck.window.save", entityType: "site_check_window", entityId: current.id, before: current, after });
    return current.id;
  });
}
