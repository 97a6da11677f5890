import { and, asc, desc, eq, isNotNull, lte } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Db } from "../../db/client";
import { config } from "../config.server";
import { notificationDeliveries, notifications, units } from "../../db/schema";
import { formatBeijingTime } from "../utils/beijing-time";
import { notificationSettingsOf } from "./notifications.server";

/**
 * Sends the outbox (notification_deliveries): email through SMTP (SMTP_URL, e.g.
 * smtp://user:pass@mail.example.gov.cn:587) and the webhook of a group robot (政务微信/钉钉 accept
 * {"msgtype":"text","text":{"content":…}}). Each delivery is tried when due; a failure is logged,
 * kept with its message and tried again later (back-off), up to MAX_ATTEMPTS, then marked failed.
 */

export const MAX_ATTEMPTS = 6;
/** Minutes to wait after the n-th failed attempt. */
const BACKOFF_MINUTES = [1, 5, 15, 60, 180];
const WEBHOOK_TIMEOUT_MS = 10_000;
const BATCH = 50;

export interface Senders {
  email(message: { from: string; to: string; subject: string; text: string }): Promise<void>;
  webhook(url: string, payload: unknown): Promise<void>;
}

/** The real senders: nodemailer over SMTP_URL (when set) and fetch for webhooks. */
export function defaultSenders(smtpUrl: string | undefined = config().smtpUrl): Senders {
  const transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  return {
    async email(message) {
      if (!transport) throw new Error("未配置邮件服务器（SMTP_URL）");
      await transport.sendMail(message);
    },
    async webhook(url, payload) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`Webhook 返回 HTTP ${res.status}`);
    },
  };
}

/** The text of a notification as sent outside the app (email body, robot message). */
function messageText(n: typeof notifications.$inferSelect, unitName: string | null): string {
  const lines = [`【政务公开考核】${n.title}`, n.body];
  if (unitName) lines.push(`单位：${unitName}`);
  lines.push(`时间：${formatBeijingTime(n.createdAt)}（北京时间）`);
  if (n.link) lines.push(`请登录平台处理：${n.link}`);
  return lines.join("\n");
}

export interface DeliveryRun {
  sent: number;
  retried: number;
  failed: number;
}

/** Send every delivery that is due now. Never throws for a failed delivery; it records it. */
export async function deliverDue(db: Db, now: Date, senders: Senders): Promise<DeliveryRun> {
  const out: DeliveryRun = { sent: 0, retried: 0, failed: 0 };
  const due = db
    .select({ d: notificationDeliveries, n: notifications, unitName: units.name })
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .leftJoin(units, eq(units.id, notifications.unitId))
    .where(and(eq(notificationDeliveries.status, "pending"), lte(notificationDeliveries.nextAttemptAt, now.toISOString())))
    .orderBy(asc(notificationDeliveries.nextAttemptAt), asc(notificationDeliveries.id))
    .limit(BATCH)
    .all();
  const settings = notificationSettingsOf(db);
  for (const { d, n, unitName } of due) {
    const text = messageText(n, unitName);
    try {
      if (d.channel === "email") {
        await senders.email({ from: settings.emailFrom ?? "", to: d.target, subject: `【政务公开考核】${n.title}`, text });
      } else {
        await senders.webhook(d.target, { msgtype: "text", text: { content: text } });
      }
      db.update(notificationDeliveries)
        .set({ status: "sent", attempts: d.attempts + 1, sentAt: new Date().toISOString(), lastError: null })
        .where(eq(notificationDeliveries.id, d.id))
        .run();
      out.sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = d.attempts + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      const next = new Date(now.getTime() + (BACKOFF_MINUTES[attempts - 1] ?? 180) * 60_000).toISOString();
      db.update(notificationDeliveries)
        .set({ status: failed ? "failed" : "pending", attempts, lastError: message.slice(0, 500), nextAttemptAt: next })
        .where(eq(notificationDeliveries.id, d.id))
        .run();
      console.error(`消息发送失败（${d.channel === "email" ? "邮件" : "Webhook"} → ${d.target}，第${attempts}次）：${message}`);
      if (failed) out.failed++;
      else out.retried++;
    }
  }
  return out;
}

/** Recent deliveries that failed or wait for a retry (shown on the settings page), newest first. */
export function deliveryProblems(db: Db, limit = 20) {
  return db
    .select({ d: notificationDeliveries, title: notifications.title })
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .where(isNotNull(notificationDeliveries.lastError))
    .orderBy(desc(notificationDeliveries.id))
    .limit(limit)
    .all()
    .map((r) => ({ id: r.d.id, channel: r.d.channel, target: r.d.target, status: r.d.status, attempts: r.d.attempts, lastError: r.d.lastError, title: r.title }));
}
