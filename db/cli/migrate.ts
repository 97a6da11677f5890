import { getDb, closeDb, databaseFile } from "../client";

getDb();
console.log(`数据库已迁移：${databaseFile()}`);
closeDb();
