import { count } from "drizzle-orm";
import { getDb } from "../db/client";
import { users } from "../db/schema";
import { seedDemo } from "../seeds/demo/index";
import { config, sessionSecret, type Config } from "./config.server";
import { startNotificationTimer } from "./services/notification-jobs.server";
import { startSiteCheckTimer } from "./services/site-check/monitor-job.server";
import { cleanupTempUploads } from "./utils/upload-stream.server";

/**
 * Called once by server.js before it listens: parses the configuration (a bad value stops the
 * server with a Chinese message, which it returns for server.js to listen with), checks the secret, migrates, removes temp files left
 * by uploads that were cut off, and seeds the demo district into an empty database (never in
 * production). Then starts the notification timer (scheduled reminders and email/webhook delivery)
 * and the website-check job (app/services/site-check/monitor-job.server.ts).
 */
export async function bootstrap(): Promise<Config> {
  const settings = config();
  sessionSecret();
  const db = getDb();
  const removed = cleanupTempUploads();
  if (removed > 0) console.log(`已清理 ${removed} 个未完成上传留下的临时文件`);
  const { n } = db.select({ n: count() }).from(users).get()!;
  if (n === 0 && !settings.production) {
    console.log("数据库为空：正在写入演示数据…");
    await seedDemo();
  }
  startNotificationTimer(getDb);
  startSiteCheckTimer(getDb);
  return settings;
}
