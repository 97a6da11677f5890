import { count } from "drizzle-orm";
import { getDb } from "../db/client";
import { users } from "../db/schema";
import { seedDemo } from "../seeds/demo/index";
import { isProduction, sessionSecret } from "./config.server";

/**
 * Called once by server.js before it listens: checks the secret, migrates, and seeds the demo
 * district into an empty database (never in production).
 */
export async function bootstrap(): Promise<void> {
  sessionSecret();
  const db = getDb();
  const { n } = db.select({ n: count() }).from(users).get()!;
  if (n === 0 && !isProduction()) {
    console.log("数据库为空：正在写入演示数据…");
    await seedDemo();
  }
}
