import type { Db } from "../../db/client";
import { config } from "../config.server";
import { defaultSenders, deliverDue, type DeliveryRun, type Senders } from "./notification-delivery.server";
import { scheduleReminders } from "./reminders.server";

/** One run of the notification work: write the scheduled reminders that are due, then send the outbox. */
export async function runNotificationJobs(db: Db, now: Date, senders: Senders): Promise<DeliveryRun & { reminders: number }> {
  const reminders = scheduleReminders(db, now);
  return { reminders, ...(await deliverDue(db, now, senders)) };
}

/**
 * The server's timer (started once by bootstrap): runs the jobs every NOTIFY_INTERVAL_SECONDS
 * (default 60), never two runs at once. State lives in the database (dedupe keys, the outbox), so a
 * restart simply carries on. An unexpected error is logged and the next tick tries again.
 */
export function startNotificationTimer(db: () => Db): () => void {
  const seconds = config().notifyIntervalSeconds;
  const senders = defaultSenders();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runNotificationJobs(db(), new Date(), senders);
    } catch (error) {
      console.error(`消息提醒任务出错：${error instanceof Error ? (error.stack ?? error.message) : error}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, seconds * 1000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
