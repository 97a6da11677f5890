import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeDb, getSqlite, migrationsFolder } from "../../db/client";
import { useTempDataDir } from "../helpers/data-dir";

// The data layer: one SQLite file under DATA_DIR, WAL, foreign keys, busy timeout, and the
// committed migrations applied automatically when the database is first opened.

const data = useTempDataDir();

describe("SQLite under DATA_DIR", () => {
  it("lives in DATA_DIR/app.db in WAL mode with foreign keys on and a busy timeout", () => {
    const sqlite = getSqlite();
    expect(path.resolve(sqlite.name)).toBe(path.join(data.dir(), "app.db"));
    expect(fs.existsSync(path.join(data.dir(), "app.db"))).toBe(true);
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqlite.pragma("busy_timeout", { simple: true })).toBeGreaterThanOrEqual(1000);
  });

  it("applies every committed migration on first open of an empty directory", () => {
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    for (const e of journal.entries) expect(fs.existsSync(path.join(migrationsFolder(), `${e.tag}.sql`)), e.tag).toBe(true);
    const applied = getSqlite().prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    expect(applied.n).toBe(journal.entries.length);
    const tables = (getSqlite().prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ["users", "units", "categories", "organizations", "sessions", "audit_log", "login_attempts"]) expect(tables).toContain(t);
  });

  it("keeps the migration journal in order, so an upgraded database applies each newer migration", () => {
    // drizzle applies a migration when its `when` is later than the last one the database holds:
    // a migration merged with an earlier `when` than its predecessor would be skipped on upgrade.
    const meta = path.join(migrationsFolder(), "meta");
    const journal = JSON.parse(fs.readFileSync(path.join(meta, "_journal.json"), "utf8")) as { entries: { idx: number; when: number; tag: string }[] };
    journal.entries.forEach((e, i) => {
      expect(e.idx, e.tag).toBe(i);
      expect(e.tag.startsWith(String(i).padStart(4, "0") + "_"), e.tag).toBe(true);
      if (i > 0) expect(e.when, e.tag).toBeGreaterThan(journal.entries[i - 1].when);
    });
    // Each schema snapshot follows the one before it (what drizzle-kit diffs the next migration against).
    const snapshots = journal.entries.map((e) => JSON.parse(fs.readFileSync(path.join(meta, `${e.tag.slice(0, 4)}_snapshot.json`), "utf8")) as { id: string; prevId: string });
    for (let i = 1; i < snapshots.length; i++) expect(snapshots[i].prevId, journal.entries[i].tag).toBe(snapshots[i - 1].id);
  });

  it("refuses a row that breaks a foreign key", () => {
    expect(() =>
      getSqlite()
        .prepare("INSERT INTO units (code, name, category_id) VALUES ('X1', '不存在的类别的单位', 999999)")
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it("re-opening an already migrated database applies nothing twice", () => {
    closeDb();
    const before = (getSqlite().prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
    closeDb();
    expect((getSqlite().prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n).toBe(before);
  });
});
