import type Database from "better-sqlite3";
import { databaseFile, openDb, type Db } from "../../db/client";
import { config } from "../config.server";

/**
 * The one place routes, the root loader, start-up and the command-line tools get the database:
 * the one in the configured DATA_DIR (app/config.server.ts, parsed once). Services never call this;
 * they receive the handle. A `.server` module, so the browser bundle never pulls in better-sqlite3.
 */
export function getDb(): Db {
  return openDb(config().dataDir);
}

/** The raw SQLite handle of the same database (prepared statements, backups). */
export function getSqlite(): Database.Database {
  return getDb().$client;
}

/** The configured database's file, for messages and checks before opening it. */
export function configuredDatabaseFile(): string {
  return databaseFile(config().dataDir);
}
