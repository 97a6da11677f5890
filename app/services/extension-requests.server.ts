import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import {
  cycles,
  deadlineExtensions,
  extensionRequests,
  units,
  users,
  type ExtensionRequestStatus,
} from "../../db/schema";
import { parseDate } from "../../scoring";
import { cycleAllows } from "../domain/cycle-capabilities";
import { DomainError } from "../domain/domain-error";
import {
  EXTENSION_REQUEST_STATUS_LABELS,
  findExtensionTransition,
  type ExtensionRequestAction,
  type ExtensionRequestTransition,
} from "../domain/extension-request-status";
import {
  deadlineLabel,
  effectiveDue,
} from "../domain/self-inspection-deadline";
import { can, may } from "../policy.server";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseOrRefuse } from "../utils/form.server";
import { notifyUnits, notifyUsers, roleUserIds } from "./notifications.server";
import {
  currentCycle,
  findSubmission,
  latestExtension,
  type Reader,
} from "./self-inspection-context.server";
import { extensionRefusal, writeExtension } from "./submissions.server";

/**
 * Extension requests (申请延期): a department asks for a later self-inspection deadline with a
 * reason and the date it wants; the office grants (with a date, which becomes the unit's deadline
 * everywhere: a deadline_extensions row) or refuses with a reason. Each step, its audit row and the
 * notification to the other side are written in one transaction; the steps are data in
 * app/domain/extension-request-status.ts.
 */

type User = Pick<SessionUser, "id" | "role" | "unitId">;
type RequestRow = typeof extensionRequests.$inferSelect;
type CycleRow = typeof cycles.$inferSelect;


const dateField = (missing: string) =>
  z
    .string({ required_error: missing })
    .trim()
    .min(1, missing)
    .refine((s) => parseDate(s) !== null, "日期格式不正确，应为 YYYY-MM-DD");

export const requestSchema = z.object({
  until: dateField("请选择希望延期至的日期"),
  reason: z
    .string({ required_error: "请填写申请理由" })
    .trim()
    .min(1, "请填写申请理由")
    .max(500, "申请理由最多500个字"),
});

export const decisionSchema = z.discriminatedUnion(
  "decision",
  [
    z.object({
      decision: z.literal("grant"),
      requestId: z.coerce.number().int().positive(),
      until: dateField("请选择批准延期至的日期"),
      comment: z
        .string()
        .trim()
        .max(500, "审批意见最多500个字")
        .optional()
        .default(""),
    }),
    z.object({
      decision: z.literal("refuse"),
      requestId: z.coerce.number().int().positive(),
      comment: z
        .string({ required_error: "请填写不予批准的理由" })
        .trim()
        .min(1, "请填写不予批准的理由")
        .max(500, "审批意见最多500个字"),
    }),
  ],
  {
    errorMap: (issue, ctx) => ({
      message:
        issue.code === "invalid_union_discriminator"
          ? "请选择批准或不予批准"
          : ctx.defaultError,
    }),
  }
);

function transitionOrRefuse(
  action: ExtensionRequestAction,
  from: ExtensionRequestStatus | null,
  role: SessionUser["role"]
): ExtensionRequestTransition {
  const t = findExtensionTransition(action, from);
  if (!t)
    throw new DomainError(
      "conflict",
      from
        ? `该延期申请的状态为“${EXTENSION_REQUEST_STATUS_LABELS[from]}”，不能再次处理`
        : "不能执行此操作"
    );
  if (t.by !== role) throw new DomainError("forbidden", "您无权执行此操作");
  return t;
}

function openRequest(
  db: Reader,
  cycleId: number,
  unitId: number
): RequestRow | undefined {
  return db
    .select()
    .from(extensionRequests)
    .where(
      and(
        eq(extensionRequests.cycleId, cycleId),
        eq(extensionRequests.unitId, unitId),
        eq(extensionRequests.status, "pending")
      )
    )
    .get();
}

/** The preconditions of a transition, in order: the first that fails is thrown (conflict; invalid on the date field). */
function checkPreconditions(
  tx: Tx,
  t: ExtensionRequestTransition,
  cycle: CycleRow,
  unitId: number,
  until: string | null,
  now: Date
): void {
  for (const p of t.preconditions) {
    if (p === "selfInspectionOpen" && !cycleAllows(cycle.status, "selfInspect"))
      throw new DomainError("conflict", `${cycle.year}年度自查已结束，不能申请或批准延期`);
    if (p === "notSubmitted") {
      const status = findSubmission(tx, cycle.id, unitId)?.status;
      if (status === "submitted") throw new DomainError("conflict", "自查已提交，无需延期");
      if (status === "returned")
        throw new DomainError("conflict", "自查已退回修改，重新提交不受截止时间限制，无需延期");
    }
    if (p === "noOpenRequest" && openRequest(tx, cycle.id, unitId))
      throw new DomainError("conflict", "本单位已有一份待审批的延期申请，请等待政务公开办处理");
    if (p === "dateAfterDeadline" && until !== null) {
      const refusal = extensionRefusal(tx, cycle, unitId, until, now);
      if (refusal?.field === "until") throw new DomainError("invalid", refusal.message, "until");
      if (refusal) throw new DomainError("conflict", refusal.message);
    }
  }
}

/** 申请延期: the department user's own unit, in the current cycle. */
export function requestExtension(
  db: Db,
  actor: Actor,
  user: User,
  input: unknown,
  now: Date
): string {
  if (!may(user, "write", "extensionRequest") || user.unitId === null)
    throw new DomainError("forbidden", "只有被考核单位的填报员可以申请延期。");
  const unitId = user.unitId;
  const { until, reason } = parseOrRefuse(requestSchema, input);
  return mutate(db, (tx) => {
    const cycle = currentCycle(tx);
    if (!cycle) throw new DomainError("notFound", "当前没有进行中的考核年度");
    if (!can(tx, user, "write", { kind: "extensionRequest", unitId }))
      throw new DomainError("forbidden", "您无权访问其他单位的数据。");
    const t = transitionOrRefuse("request", null, user.role);
    checkPreconditions(tx, t, cycle, unitId, until, now);
    const unit = tx.select().from(units).where(eq(units.id, unitId)).get()!;
    const at = now.toISOString();
    const row = tx
      .insert(extensionRequests)
      .values({
        cycleId: cycle.id,
        unitId,
        wantedUntil: until,
        reason,
        requestedBy: actor.id,
        requestedAt: at,
        status: t.to,
      })
      .returning()
      .get();
    writeAudit(tx, actor, {
      action: `extension_request.${t.action}`,
      entityType: "extension_request",
      entityId: row.id,
      after: { ...row, unitName: unit.name },
    });
    notifyUsers(
      tx,
      roleUserIds(tx, "office"),
      {
        kind: "extension_requested",
        title: `${unit.name}申请自查延期至${until}`,
        body: `${unit.name}申请将${
          cycle.year
        }年度自查截止时间延至${deadlineLabel(until)}。理由：${reason}`,
        link: `/submissions?cycle=${cycle.id}#extension-requests`,
        cycleId: cycle.id,
        unitId,
      },
      now
    );
    return `已提交延期申请（希望延期至${until}），请等待政务公开办审批。`;
  });
}

/** 批准 / 不予批准: the office decides a pending request. A grant's date becomes the unit's deadline. */
export function decideExtensionRequest(
  db: Db,
  actor: Actor,
  user: User,
  input: unknown,
  now: Date
): string {
  if (!may(user, "decide", "extensionRequest"))
    throw new DomainError("forbidden", "您无权执行此操作");
  const d = parseOrRefuse(decisionSchema, input);
  return mutate(db, (tx) => {
    const request = tx
      .select()
      .from(extensionRequests)
      .where(eq(extensionRequests.id, d.requestId))
      .get();
    if (!request) throw new DomainError("notFound", "延期申请不存在");
    if (
      !can(tx, user, "decide", {
        kind: "extensionRequest",
        unitId: request.unitId,
      })
    )
      throw new DomainError("forbidden", "您无权执行此操作");
    const t = transitionOrRefuse(d.decision, request.status, user.role);
    const cycle = tx
      .select()
      .from(cycles)
      .where(eq(cycles.id, request.cycleId))
      .get()!;
    const until = d.decision === "grant" ? d.until : null;
    checkPreconditions(tx, t, cycle, request.unitId, until, now);
    const unit = tx
      .select()
      .from(units)
      .where(eq(units.id, request.unitId))
      .get()!;
    const at = now.toISOString();
    const comment = d.comment || null;
    const extension =
      until !== null
        ? writeExtension(
            tx,
            actor,
            cycle,
            request.unitId,
            until,
            request.reason,
            now,
            { requestId: request.id }
          )
        : null;
    const after = tx
      .update(extensionRequests)
      .set({
        status: t.to,
        decidedBy: actor.id,
        decidedAt: at,
        decisionComment: comment,
        extensionId: extension?.id ?? null,
      })
      .where(eq(extensionRequests.id, request.id))
      .returning()
      .get();
    writeAudit(tx, actor, {
      action: `extension_request.${t.action}`,
      entityType: "extension_request",
      entityId: request.id,
      before: request,
      after: { ...after, unitName: unit.name },
    });
    if (!extension) {
      // A grant tells the unit through writeExtension; a refusal is told here.
      notifyUnits(
        tx,
        [request.unitId],
        () => ({
          kind: "extension_decided",
          title: `${cycle.year}年度自查延期申请未获批准`,
          body: `政务公开办未批准${unit.name}延期至${
            request.wantedUntil
          }的申请。理由：${comment}。截止时间仍为${deadlineLabel(
            effectiveDue(
              cycle.selfInspectionDue,
              latestExtension(tx, cycle.id, request.unitId)?.until
            )
          )}。`,
          link: "/self",
          cycleId: cycle.id,
        }),
        now
      );
    }
    return until !== null
      ? `已批准${unit.name}延期至${until}。`
      : `已不予批准${unit.name}的延期申请。`;
  });
}

export interface ExtensionRequestView {
  id: number;
  unitId: number;
  unitName: string;
  wantedUntil: string;
  reason: string;
  requestedBy: string;
  requestedAtText: string;
  status: ExtensionRequestStatus;
  statusLabel: string;
  decidedAtText: string;
  decisionComment: string | null;
  grantedUntil: string | null;
}

function views(
  db: Reader,
  where: ReturnType<typeof and>
): ExtensionRequestView[] {
  return db
    .select({
      r: extensionRequests,
      unitName: units.name,
      by: users.displayName,
      grantedUntil: deadlineExtensions.until,
    })
    .from(extensionRequests)
    .innerJoin(units, eq(units.id, extensionRequests.unitId))
    .leftJoin(
      deadlineExtensions,
      eq(deadlineExtensions.id, extensionRequests.extensionId)
    )
    .leftJoin(users, eq(users.id, extensionRequests.requestedBy))
    .where(where)
    .orderBy(asc(units.sortOrder), asc(units.id), desc(extensionRequests.id))
    .all()
    .map(({ r, unitName, by, grantedUntil }) => ({
      id: r.id,
      unitId: r.unitId,
      unitName,
      wantedUntil: r.wantedUntil,
      reason: r.reason,
      requestedBy: by ?? "—",
      requestedAtText: formatBeijingTime(r.requestedAt, "minute"),
      status: r.status,
      statusLabel: EXTENSION_REQUEST_STATUS_LABELS[r.status],
      decidedAtText: r.decidedAt
        ? formatBeijingTime(r.decidedAt, "minute")
        : "",
      decisionComment: r.decisionComment,
      grantedUntil,
    }));
}

/** The requests waiting for the office's decision in a cycle (自查审核, and the office's home). */
export function pendingExtensionRequests(
  db: Reader,
  cycleId: number
): ExtensionRequestView[] {
  return views(
    db,
    and(
      eq(extensionRequests.cycleId, cycleId),
      eq(extensionRequests.status, "pending")
    )
  );
}

/** A unit's requests in a cycle, newest first (the department's page). */
export function unitExtensionRequests(
  db: Reader,
  cycleId: number,
  unitId: number
): ExtensionRequestView[] {
  return views(
    db,
    and(
      eq(extensionRequests.cycleId, cycleId),
      eq(extensionRequests.unitId, unitId)
    )
  ).sort((a, b) => b.id - a.id);
}

/** The department's 申请延期 page: its deadline, whether it may ask now, and its requests. */
export function departmentExtensionPage(db: Reader, user: User, now: Date) {
  if (user.unitId === null)
    throw new DomainError(
      "forbidden",
      "您的账号未关联被考核单位，不能申请延期"
    );
  const cycle = currentCycle(db);
  if (!cycle)
    return {
      cycle: null,
      due: null,
      cycleDue: null,
      mayRequest: false,
      blocked: "当前没有进行中的考核年度",
      requests: [],
    };
  const due = effectiveDue(
    cycle.selfInspectionDue,
    latestExtension(db, cycle.id, user.unitId)?.until
  );
  const status = findSubmission(db, cycle.id, user.unitId)?.status ?? "draft";
  const blocked = !cycleAllows(cycle.status, "selfInspect")
    ? `${cycle.year}年度自查已结束`
    : status === "submitted"
    ? "本单位已提交自查，无需延期"
    : status === "returned"
    ? "本单位自查已退回修改，重新提交不受截止时间限制，无需延期"
    : openRequest(db, cycle.id, user.unitId)
    ? "本单位已有一份待审批的延期申请，请等待政务公开办处理"
    : null;
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title },
    due,
    cycleDue: cycle.selfInspectionDue,
    dueText: deadlineLabel(due),
    mayRequest: blocked === null,
    blocked,
    requests: unitExtensionRequests(db, cycle.id, user.unitId),
  };
}
