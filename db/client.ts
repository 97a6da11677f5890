import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema>;
/** A drizzle transaction handle (same query API as Db). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

interface Open {
  dir: string;
  sqlite: Database.Database;
  db: Db;
}

let current: Open | null = null;

export function resolveDataDir(): string {
  return path.resolve(process.env.DATA_DIR || "data");
}

export function databaseFile(dir = resolveDataDir()): string {
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
 * The process-wide database for DATA_DIR, opened (and migrated) on first use.
 * Re-opens when DATA_DIR changes, which is how tests get a fresh temporary database.
 */
export function getDb(): Db {
  return open().db;
}

export function getSqlite(): Database.Database {
  return open().sqlite;
}

function open(): Open {
  const dir = resolveDataDir();
  if (current && current.dir === dir) return current;
  closeDb();
  const sqlite = openSqlite(databaseFile(dir));
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder() });
  current = { dir, sqlite, db };
  return current;
}

export function closeDb(): void {
  if (current) {
    current.sqlite.close();
    current = null;
  }
}
