import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { beijingToday } from "../utils/beijing-time";
import type { Db } from "../../db/client";
import { cycles, findings, rectifications, submissions, units } from "../../db/schema";
import { daysLeft, deadlineLabel, effectiveDue } from "../domain/self-inspection-deadline";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { parseOrRefuse } from "../utils/form.server";
import { notificationSettingsOf, notifyUnits } from "./notifications.server";
import { latestExtension } from "./self-inspection-context.server";
import { DomainError } from "../domain/domain-error";

/**
 * Scheduled reminders, run by the server's timer: N days before the self-inspection deadline (N =
 * the office's setting), once it has passed, and N days before a rectification is due. Each carries
 * a dedupe key in the database, so running again — after a restart, or twice a minute — never
 * sends the same reminder twice. Returns how many notifications were written.
 */
export function scheduleReminders(db: Db, now: Date): number {
  const { reminderDays } = notificationSettingsOf(db);
  let written = 0;
  // One IMMEDIATE transaction: the reminders of a run are written together or not at all.
  db.transaction(
    (tx) => {
    for (const cycle of tx.select().from(cycles).where(eq(cycles.status, "published")).all()) {
      const activeUnits = tx.select({ id: units.id }).from(units).where(eq(units.active, true)).all();
      const status = new Map(
        tx.select({ unitId: submissions.unitId, status: submissions.status }).from(submissions).where(eq(submissions.cycleId, cycle.id)).all().map((s) => [s.unitId, s.status]),
      );
      for (const { id: unitId } of activeUnits) {
        // Submitted units are done; a returned one is resubmitted whatever the date.
        if ((status.get(unitId) ?? "draft") !== "draft") continue;
        const due = effectiveDue(cycle.selfInspectionDue, latestExtension(tx, cycle.id, unitId)?.until);
        const left = daysLeft(due, now);
        if (left >= 0 && left <= reminderDays) {
          written += notifyUnits(
            tx,
            [unitId],
            () => ({
              kind: "deadline_soon",
              title: `${cycle.year}年度自查将于${left === 0 ? "今天" : `${left}天后`}截止`,
              body: `${cycle.title}的自查截止时间为${deadlineLabel(due)}，本单位尚未提交，请抓紧填报并提交。`,
              link: "/self",
              cycleId: cycle.id,
              dedupeKey: `deadline_soon:${cycle.id}:${due}`,
            }),
            now,
          ).length;
        } else if (left < 0) {
          written += notifyUnits(
            tx,
            [unitId],
            () => ({
              kind: "deadline_passed",
              title: `${cycle.year}年度自查已逾期`,
              body: `${cycle.title}的自查截止时间${deadlineLabel(due)}已过，本单位尚未提交，请尽快提交或与政务公开办联系。`,
              link: "/self",
              cycleId: cycle.id,
              dedupeKey: `deadline_passed:${cycle.id}:${due}`,
            }),
            now,
          ).length;
        }
      }
    }
    const today = beijingToday(now);
    const open = tx
      .select({ id: rectifications.id, due: findings.rectificationDue, unitId: findings.unitId, cycleId: findings.cycleId, description: findings.description })
      .from(rectifications)
      .innerJoin(findings, eq(findings.id, rectifications.findingId))
      .where(and(inArray(rectifications.status, ["pending", "failed"])))
      .all();
    for (const r of open) {
      if (!r.due || r.due < today || daysLeft(r.due, now) > reminderDays) continue;
      written += notifyUnits(
        tx,
        [r.unitId],
        () => ({
          kind: "rectification_due",
          title: `整改将于${r.due}到期`,
          body: `抽查发现的问题“${r.description}”须于${r.due}前完成整改并回复。`,
          link: `/rectifications/${r.id}`,
          cycleId: r.cycleId,
          dedupeKey: `rectification_due:${r.id}:${r.due}`,
        }),
        now,
      ).length;
    }
    },
    { behavior: "immediate" },
  );
  return written;
}

export const remindSchema = z.object({
  unitIds: z.array(z.coerce.number().int().positive(), { invalid_type_error: "请至少选择一个单位" }).min(1, "请至少选择一个单位"),
  message: z.string().trim().max(500, "催办说明不能超过500字").optional().default(""),
});


/**
 * 催办: the office reminds the selected units that have not submitted, in one action. Each unit's
 * department users get a notification (and email/webhook, as configured); every unit gets an audit
 * row, and the reminder appears on the unit's timeline. A submitted unit or a cycle that is not
 * open for self-inspection is refused, and nothing is sent.
 */
export function remindUnits(db: Db, actor: Actor, cycleId: number, input: unknown, now: Date): { units: number; recipients: number } {
  const { unitIds, message } = parseOrRefuse(remindSchema, input);
  return mutate(db, (tx) => {
    const cycle = tx.select().from(cycles).where(eq(cycles.id, cycleId)).get();
    if (!cycle) throw new DomainError("notFound", "考核年度不存在");
    if (cycle.status !== "published") throw new DomainError("conflict", "只有自查进行中的考核年度才能催办");
    const rows = tx.select().from(units).where(and(inArray(units.id, unitIds), eq(units.active, true))).all();
    if (rows.length !== new Set(unitIds).size) throw new DomainError("invalid", "所选单位不存在或已停用", "unitIds");
    const submitted = new Set(
      tx
        .select({ unitId: submissions.unitId })
        .from(submissions)
        .where(and(eq(submissions.cycleId, cycleId), eq(submissions.status, "submitted"), inArray(submissions.unitId, unitIds)))
        .all()
        .map((s) => s.unitId),
    );
    const done = rows.filter((u) => submitted.has(u.id));
    if (done.length > 0) throw new DomainError("conflict", `${done.map((u) => u.name).join("、")}已提交自查，无需催办`, "unitIds");
    let recipients = 0;
    for (const unit of rows) {
      const due = effectiveDue(cycle.selfInspectionDue, latestExtension(tx, cycle.id, unit.id)?.until);
      const sent = notifyUnits(
        tx,
        [unit.id],
        () => ({
          kind: "reminder",
          title: `${cycle.year}年度自查催办`,
          body: `${actor.name}催办：请${unit.name}抓紧完成${cycle.title}的自查填报并提交（截止时间${deadlineLabel(due)}）。${message ? `说明：${message}` : ""}`,
          link: "/self",
          cycleId: cycle.id,
        }),
        now,
      );
      recipients += sent.length;
      writeAudit(tx, actor, {
        action: "submission.remind",
        entityType: "unit",
        entityId: unit.id,
        after: { unit: unit.name, cycle: cycle.year, message: message || null, recipients: sent.length },
      });
    }
    return { units: rows.length, recipients };
  });
}
