import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

/** A drizzle database; `$client` is its raw better-sqlite3 connection (prepared statements, backups). */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A drizzle transaction handle (same query API as Db). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

interface Open {
  dir: string;
  sqlite: Database.Database;
  db: Db;
}

let current: Open | null = null;

/** The data directory a DATA_DIR value names (`./data` when unset): the one home of that default. */
export function dataDirOf(value: string | undefined): string {
  return path.resolve(value?.trim() || "data");
}

export function databaseFile(dir: string): string {
  return path.join(dir, "app.db");
}

/** Migrations live in db/migrations; resolved from the project root (the working directory). */
export function migrationsFolder(): string {
  return path.resolve(process.env.MIGRATIONS_DIR || path.join("db", "migrations"));
}

export function openSqlite(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}

/**
 * Opens (and migrates) the database in `dir` as the process-wide one, closing any other first;
 * when that directory is already open it is returned as it is. The server opens its configured
 * DATA_DIR at start-up (app/bootstrap.server.ts); tests switch to a fresh directory with this.
 */
export function openDb(dir: string): Db {
  const resolved = path.resolve(dir);
  if (current?.dir === resolved) return current.db;
  closeDb();
  const sqlite = openSqlite(databaseFile(resolved));
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder() });
  current = { dir: resolved, sqlite, db };
  return db;
}

/**
 * The open database. A script that did not open one explicitly gets DATA_DIR's, read once here;
 * after that the handle stays until `openDb` switches or `closeDb` closes it.
 */
export function getDb(): Db {
  return current?.db ?? openDb(dataDirOf(process.env.DATA_DIR));
}

export function getSqlite(): Database.Database {
  getDb();
  return current!.sqlite;
}

export function closeDb(): void {
  if (current) {
    current.sqlite.close();
    current = null;
  }
}
