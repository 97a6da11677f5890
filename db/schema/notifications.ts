import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { units, users } from "./accounts";
import { cycles } from "./cycles";

export const NOTIFICATION_KINDS = [
  "submission_returned",
  "deadline_soon",
  "deadline_passed",
  "reminder",
  "arbitration_needed",
  "rectification_due",
  "results_released",
  "appeal_decided",
  "extension_requested",
  "extension_decided",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One message to one user (the in-app notification centre); delivered further by the outbox. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Where in the app the matter is dealt with. */
    link: text("link"),
    cycleId: integer("cycle_id").references(() => cycles.id),
    unitId: integer("unit_id").references(() => units.id),
    /**
     * Scheduled reminders carry a key (e.g. "deadline_soon:3:2026-11-30"): one notification per
     * user and key, so a restart or a second timer run never sends the same reminder twice.
     */
    dedupeKey: text("dedupe_key"),
    createdAt: text("created_at").notNull(),
    readAt: text("read_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt),
    index("notifications_unit_idx").on(t.unitId, t.kind),
    uniqueIndex("notifications_dedupe_uq").on(t.userId, t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
  ],
);

export const DELIVERY_CHANNELS = ["email", "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;

/**
 * The outbox: each notification to deliver by email or webhook, written in the transaction that
 * created the notification and sent afterwards by the delivery timer (retried with back-off; a
 * request never waits for it).
 */
export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    notificationId: integer("notification_id")
      .notNull()
      .references(() => notifications.id),
    channel: text("channel", { enum: DELIVERY_CHANNELS }).notNull(),
    /** The address (email) or URL (webhook) at the time of writing. */
    target: text("target").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: text("next_attempt_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [index("notification_deliveries_due_idx").on(t.status, t.nextAttemptAt)],
);

/** The office's delivery settings (one row, id 1). The SMTP server itself comes from SMTP_URL. */
export const notificationSettings = sqliteTable("notification_settings", {
  id: integer("id").primaryKey(),
  emailEnabled: integer("email_enabled", { mode: "boolean" }).notNull().default(false),
  /** The sender, e.g. "明湖区政务公开办 <zwgk@example.gov.cn>". */
  emailFrom: text("email_from"),
  webhookEnabled: integer("webhook_enabled", { mode: "boolean" }).notNull().default(false),
  /** A group robot's address (政务微信/钉钉): receives {"msgtype":"text","text":{"content":…}}. */
  webhookUrl: text("webhook_url"),
  /** Days before a deadline that the scheduled reminder goes out. */
  reminderDays: integer("reminder_days").notNull().default(3),
  updatedAt: text("updated_at").notNull(),
});
