import fs from "node:fs";
import { reloadConfig } from "../../app/config.server";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { count } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { closeDb, getDb, openDb } from "../../db/client";

/** A fresh temporary DATA_DIR (real SQLite, real migrations) for the current test file. */
export function useTempDataDir(): { dir: () => string } {
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-test-"));
    openDataDir(dir);
  });
  afterAll(() => {
    closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}

/**
 * Points this test process at `dir`: the configuration is parsed again and that directory's database
 * opened (closing the previous one) — the explicit switch, since nothing re-reads DATA_DIR by itself.
 */
export function openDataDir(dir: string): void {
  process.env.DATA_DIR = dir;
  reloadConfig();
  openDb(dir);
}

export function makeTempDir(prefix = "zwgk-tmp-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** How many rows each table holds now, by the given names: before/after snapshots of "nothing changed". */
export function rowCounts<T extends Record<string, SQLiteTable>>(tables: T): { [K in keyof T]: number } {
  const db = getDb();
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, db.select({ n: count() }).from(table).get()!.n])) as { [K in keyof T]: number };
}
