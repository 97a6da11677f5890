import { count } from "drizzle-orm";
import { closeDb, dataDirOf, databaseFile, getDb } from "../../db/client";
import { users } from "../../db/schema";
import { seedDemo } from "../demo/index";

/**
 * `npm run seed:demo` adds the demo district (idempotent). With `--if-empty` (what `npm start`
 * runs before the server) it seeds only a database without accounts, and in production it does
 * nothing and succeeds, so `npm start` serves a production installation unchanged.
 */
const ifEmpty = process.argv.includes("--if-empty");
if (process.env.NODE_ENV === "production") {
  if (ifEmpty) process.exit(0);
  console.error("生产环境（NODE_ENV=production）不写入演示数据。");
  process.exit(1);
}
if (ifEmpty && getDb().select({ n: count() }).from(users).get()!.n > 0) {
  closeDb();
  process.exit(0);
}
if (ifEmpty) console.log("数据库为空：正在写入演示数据…");
await seedDemo();
console.log(`演示数据已写入：${databaseFile(dataDirOf(process.env.DATA_DIR))}`);
closeDb();
