import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { cycles, units } from "../../db/schema";
import { parseDate } from "../../scoring";
import { DomainError } from "../domain/domain-error";
import { may } from "../policy.server";
import { mutate, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { parseOrRefuse } from "../utils/form.server";
import {
  assertCycleOpen,
  extensionRefusal,
  returnMany,
  writeExtension,
} from "./submissions.server";
import type { OverviewRow } from "./submissions-overview.server";

/**
 * The office's batch actions on 自查审核: one extension date and reason for the selected units, or
 * one return comment for them. Each batch is one transaction with an audit row per unit: every unit
 * is checked first, and if any cannot take the action nothing is written and each is named.
 */

export const BATCH_KINDS = ["extend", "return"] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

export const BATCH_LABELS: Record<BatchKind, string> = {
  extend: "批量延期",
  return: "批量退回",
};

type Office = Pick<SessionUser, "role">;

const unitIdsField = z
  .array(z.coerce.number().int().positive(), {
    invalid_type_error: "请至少选择一个单位",
    required_error: "请至少选择一个单位",
  })
  .min(1, "请至少选择一个单位")
  .transform((ids) => [...new Set(ids)]);

export const batchExtendSchema = z.object({
  unitIds: unitIdsField,
  until: z
    .string({ required_error: "请选择延期后的截止日期" })
    .trim()
    .min(1, "请选择延期后的截止日期")
    .refine((s) => parseDate(s) !== null, "日期格式不正确，应为 YYYY-MM-DD"),
  reason: z
    .string({ required_error: "请填写延期理由" })
    .trim()
    .min(1, "请填写延期理由")
    .max(500, "延期理由最多500个字"),
});

export const batchReturnSchema = z.object({
  unitIds: unitIdsField,
  comment: z
    .string({ required_error: "请填写退回意见" })
    .trim()
    .min(1, "请填写退回意见")
    .max(1000, "意见最多1000个字"),
  /** Indicator codes to return, separated by 、，, or spaces; empty: every leaf. */
  codes: z
    .string()
    .optional()
    .transform((v) => [
      ...new Set((v ?? "").split(/[\s,，、;；]+/).filter(Boolean)),
    ]),
});

/**
 * Runs a batch in one transaction: `write` answers each refused unit's reason; any refusal is
 * thrown (conflict, naming every refused unit), which rolls the whole batch back.
 */
function inBatch(
  db: Db,
  cycleId: number,
  write: (tx: Tx, cycle: typeof cycles.$inferSelect) => string[]
): void {
  mutate(db, (tx) => {
    const cycle = tx
      .select()
      .from(cycles)
      .where(eq(cycles.id, cycleId))
      .get();
    if (!cycle) throw new DomainError("notFound", "考核年度不存在");
    assertCycleOpen(cycle);
    const refusals = write(tx, cycle);
    if (refusals.length > 0)
      throw new DomainError("conflict", `以下单位不能执行此操作，所有单位均未处理：${refusals.join("；")}`);
  });
}

/**
 * The office's batch action of `kind` on the selected units of a cycle, refused as a whole when any
 * unit cannot take it. Answers what it did, in Chinese.
 */
export function runBatch(
  kind: BatchKind,
  db: Db,
  actor: Actor,
  user: Office,
  cycleId: number,
  input: unknown,
  now: Date
): string {
  if (!may(user, "write", "submissionReview"))
    throw new DomainError("forbidden", "您无权执行此操作");
  return kind === "extend"
    ? extendUnits(db, actor, cycleId, parseOrRefuse(batchExtendSchema, input), now)
    : returnUnits(db, actor, user, cycleId, parseOrRefuse(batchReturnSchema, input), now);
}

/** 批量延期: one date and reason for every selected unit (each audited, notified, on its timeline). */
function extendUnits(
  db: Db,
  actor: Actor,
  cycleId: number,
  { unitIds, until, reason }: z.output<typeof batchExtendSchema>,
  now: Date
): string {
  inBatch(db, cycleId, (tx, cycle) => {
    const out: string[] = [];
    for (const unitId of unitIds) {
      const unit = tx
        .select({ name: units.name })
        .from(units)
        .where(eq(units.id, unitId))
        .get();
      if (!unit) throw new DomainError("notFound", "所选单位不存在");
      const r = extensionRefusal(tx, cycle, unitId, until, now);
      if (r)
        out.push(
          r.field === "until" ? `${unit.name}：${r.message}` : r.message
        );
    }
    if (out.length > 0) return out;
    for (const unitId of unitIds)
      writeExtension(tx, actor, cycle, unitId, until, reason, now, {
        batch: unitIds.length,
      });
    return [];
  });
  return `已批准${unitIds.length}个单位延期至${until}。`;
}

/** 批量退回: one comment for every selected unit's submitted self-inspection. */
function returnUnits(
  db: Db,
  actor: Actor,
  user: Office,
  cycleId: number,
  { unitIds, comment, codes }: z.output<typeof batchReturnSchema>,
  now: Date
): string {
  inBatch(db, cycleId, (tx, cycle) =>
    returnMany(tx, actor, user.role, cycle, unitIds, codes, comment, now)
  );
  return `已退回${unitIds.length}个单位的自查${
    codes.length > 0 ? `（${codes.join("、")}）` : "（全部指标）"
  }。`;
}

/** Which of the selected rows a batch action applies to (the confirmation lists both). */
export function batchEligible(kind: BatchKind, row: OverviewRow): boolean {
  if (kind === "return") return row.status === "submitted";
  return row.status !== "submitted" && row.status !== "returned";
}

export interface BatchPreview {
  kind: BatchKind;
  label: string;
  units: {
    unitId: number;
    unitName: string;
    statusLabel: string;
    due: string;
  }[];
  skipped: { unitId: number; unitName: string; why: string }[];
}

/** The confirmation of a batch action: the selected units it applies to, and those it does not (why). */
export function batchPreview(
  kind: string | null,
  selected: readonly string[],
  rows: readonly OverviewRow[]
): BatchPreview | null {
  if (!(BATCH_KINDS as readonly string[]).includes(kind ?? "")) return null;
  const k = kind as BatchKind;
  const ids = new Set(
    selected.filter((s) => /^[1-9][0-9]{0,15}$/.test(s)).map(Number)
  );
  const chosen = rows.filter((r) => ids.has(r.unitId));
  const why = k === "return" ? "只有已提交的自查才能退回" : "无需延期";
  return {
    kind: k,
    label: BATCH_LABELS[k],
    units: chosen
      .filter((r) => batchEligible(k, r))
      .map((r) => ({
        unitId: r.unitId,
        unitName: r.unitName,
        statusLabel: r.statusLabel,
        due: r.due,
      })),
    skipped: chosen
      .filter((r) => !batchEligible(k, r))
      .map((r) => ({
        unitId: r.unitId,
        unitName: r.unitName,
        why: `${r.statusLabel}，${why}`,
      })),
  };
}
