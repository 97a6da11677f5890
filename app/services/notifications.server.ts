import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { notificationDeliveries, notifications, notificationSettings, units, users, type NotificationKind, type Role } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { parseOrRefuse } from "../utils/form.server";

/**
 * Notifications (消息提醒): one row per recipient in the in-app centre, written in the transaction of
 * the event that caused it; the outbox rows for email and webhook delivery are written with it and
 * sent later by the delivery timer (notification-delivery.server.ts), so a request never waits for
 * a mail server or a robot.
 */

type Reader = Db | Tx;

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  submission_returned: "自查退回修改",
  deadline_soon: "截止提醒",
  deadline_passed: "逾期提醒",
  reminder: "催办",
  arbitration_needed: "待仲裁",
  rectification_due: "整改到期",
  results_released: "结果发布",
  appeal_decided: "复核结果",
  extension_requested: "延期申请",
  extension_decided: "延期审批",
};

export interface NotificationInput {
  kind: NotificationKind;
  title: string;
  body: string;
  link?: string | null;
  cycleId?: number | null;
  unitId?: number | null;
  /** Scheduled reminders: at most one notification per user and key, ever. */
  dedupeKey?: string | null;
}

export type NotificationSettings = typeof notificationSettings.$inferSelect;

export function notificationSettingsOf(db: Reader): NotificationSettings {
  return (
    db.select().from(notificationSettings).where(eq(notificationSettings.id, 1)).get() ?? {
      id: 1,
      emailEnabled: false,
      emailFrom: null,
      webhookEnabled: false,
      webhookUrl: null,
      reminderDays: 3,
      updatedAt: "",
    }
  );
}

/**
 * Notify these users (inactive accounts are skipped). Answers the ids of the notifications written:
 * a user who already has one with the same dedupe key gets none. Email goes to every recipient with
 * an address when email is enabled; the webhook (a group robot) gets the message once per call —
 * unless `webhook: false`, for a second call about the same event (the group already heard of it).
 */
export function notifyUsers(tx: Tx, userIds: readonly number[], input: NotificationInput, now: Date, opts: { webhook: boolean } = { webhook: true }): number[] {
  if (userIds.length === 0) return [];
  const recipients = tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(inArray(users.id, [...new Set(userIds)]), eq(users.active, true)))
    .all();
  const at = now.toISOString();
  const settings = notificationSettingsOf(tx);
  const written: number[] = [];
  for (const r of recipients) {
    const row = tx
      .insert(notifications)
      .values({
        userId: r.id,
        kind: input.kind,
        title: input.title,
        body: input.body,
        link: input.link ?? null,
        cycleId: input.cycleId ?? null,
        unitId: input.unitId ?? null,
        dedupeKey: input.dedupeKey ?? null,
        createdAt: at,
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id })
      .get();
    if (!row) continue;
    written.push(row.id);
    if (settings.emailEnabled && r.email) {
      tx.insert(notificationDeliveries).values({ notificationId: row.id, channel: "email", target: r.email, nextAttemptAt: at }).run();
    }
  }
  if (opts.webhook && written.length > 0 && settings.webhookEnabled && settings.webhookUrl) {
    tx.insert(notificationDeliveries).values({ notificationId: written[0], channel: "webhook", target: settings.webhookUrl, nextAttemptAt: at }).run();
  }
  return written;
}

/** The active users filling in for these units (部门填报员). */
export function unitUserIds(db: Reader, unitIds: readonly number[]): number[] {
  if (unitIds.length === 0) return [];
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.unitId, [...unitIds]), eq(users.role, "department"), eq(users.active, true)))
    .all()
    .map((u) => u.id);
}

export function roleUserIds(db: Reader, role: Role): number[] {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, role), eq(users.active, true)))
    .all()
    .map((u) => u.id);
}

/** One notification per unit to its department users (the unit's name is in its own message). */
export function notifyUnits(tx: Tx, unitIds: readonly number[], input: (unit: { id: number; name: string }) => NotificationInput, now: Date): number[] {
  const rows = unitIds.length === 0 ? [] : tx.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, [...unitIds])).all();
  return rows.flatMap((u) => notifyUsers(tx, unitUserIds(tx, [u.id]), { unitId: u.id, ...input(u) }, now));
}

export function unreadCount(db: Reader, userId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .get()!.n;
}

export function listNotifications(db: Reader, userId: number, limit = 100) {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .all()
    .map((n) => ({ ...n, kindLabel: NOTIFICATION_KIND_LABELS[n.kind] }));
}

/** Mark one of the user's own notifications, or all of them, read. Another user's id changes nothing. */
export function markRead(db: Db, userId: number, which: number | "all", now: Date): number {
  const mine = eq(notifications.userId, userId);
  const where = which === "all" ? and(mine, isNull(notifications.readAt)) : and(mine, eq(notifications.id, which), isNull(notifications.readAt));
  return db.update(notifications).set({ readAt: now.toISOString() }).where(where).run().changes;
}

/** The reminders (催办) sent to a unit in a cycle, newest first: the unit's timeline shows them. */
export function remindersOfUnit(db: Reader, cycleId: number, unitId: number) {
  return db
    .select({ createdAt: notifications.createdAt, title: notifications.title, body: notifications.body })
    .from(notifications)
    .where(and(eq(notifications.cycleId, cycleId), eq(notifications.unitId, unitId), eq(notifications.kind, "reminder")))
    .groupBy(notifications.createdAt, notifications.body)
    .orderBy(desc(notifications.createdAt))
    .all();
}

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}个字符`)
    .optional()
    .transform((v) => (v ? v : null));

export const settingsSchema = z
  .object({
    emailEnabled: z.union([z.literal("1"), z.literal("on")]).optional().transform((v) => v !== undefined),
    emailFrom: optionalText(200, "发件人"),
    webhookEnabled: z.union([z.literal("1"), z.literal("on")]).optional().transform((v) => v !== undefined),
    webhookUrl: optionalText(500, "Webhook地址"),
    reminderDays: z.coerce
      .number({ invalid_type_error: "提前提醒天数须为数字" })
      .int("提前提醒天数须为整数")
      .min(1, "提前提醒天数须在1到30天之间")
      .max(30, "提前提醒天数须在1到30天之间"),
  })
  .superRefine((v, ctx) => {
    if (v.emailEnabled && !v.emailFrom) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["emailFrom"], message: "启用邮件提醒须填写发件人" });
    if (v.emailFrom && !/^[^<>]*<?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(v.emailFrom)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["emailFrom"], message: "发件人须为邮箱地址，如“区政务公开办 <zwgk@example.gov.cn>”" });
    }
    if (v.webhookEnabled && !v.webhookUrl) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["webhookUrl"], message: "启用Webhook推送须填写地址" });
    if (v.webhookUrl && !/^https?:\/\/[^\s]+$/.test(v.webhookUrl)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["webhookUrl"], message: "Webhook地址须以http://或https://开头" });
    }
  });

/** Save the office's delivery settings (validated, audited with before and after). */
export function saveNotificationSettings(db: Db, actor: Actor, input: unknown, now: Date): void {
  const settings = parseOrRefuse(settingsSchema, input);
  mutate(db, (tx) => {
    const before = notificationSettingsOf(tx);
    const values = { ...settings, updatedAt: now.toISOString() };
    tx.insert(notificationSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: notificationSettings.id, set: values })
      .run();
    const { updatedAt: _b, id: _i, ...beforeAudit } = before;
    writeAudit(tx, actor, { action: "notification.settings", entityType: "notification_settings", entityId: 1, before: beforeAudit, after: settings });
  });
}
