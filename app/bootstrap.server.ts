import { config, sessionSecret, type Config } from "./config.server";
import { getDb } from "./utils/db.server";
import { startNotificationTimer } from "./services/notification-jobs.server";
import { startSiteCheckTimer } from "./services/site-check/monitor-job.server";
import { cleanupTempUploads } from "./utils/upload-stream.server";

/**
 * Called once by server.js before it listens: parses the configuration (a bad value stops the
 * server with a Chinese message, which it returns for server.js to listen with), checks the secret, migrates, removes temp files left
 * by uploads that were cut off, then starts the notification timer (scheduled reminders and
 * email/webhook delivery) and the website-check job (app/services/site-check/monitor-job.server.ts).
 * The demo district is not the server's business: `npm start` seeds it into an empty database
 * beforehand (seeds/cli/seed-demo.ts --if-empty).
 */
export async function bootstrap(): Promise<Config> {
  const settings = config();
  sessionSecret();
  getDb(); // opens and migrates the configured database
  const removed = cleanupTempUploads();
  if (removed > 0) console.log(`已清理 ${removed} 个未完成上传留下的临时文件`);
  startNotificationTimer(getDb);
  startSiteCheckTimer(getDb);
  return settings;
}
