import { closeDb, dataDirOf, databaseFile, openDb } from "../client";

const dir = dataDirOf(process.env.DATA_DIR);
openDb(dir);
console.log(`数据库已迁移：${databaseFile(dir)}`);
closeDb();
