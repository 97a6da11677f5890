import { closeDb, databaseFile } from "../../db/client";
import { seedDemo } from "../demo/index";

if (process.env.NODE_ENV === "production") {
  console.error("生产环境（NODE_ENV=production）不写入演示数据。");
  process.exit(1);
}
await seedDemo();
console.log(`演示数据已写入：${databaseFile()}`);
closeDb();
