import fs from "node:fs";
import { reloadConfig } from "../../app/config.server";
import { afterEach, describe, expect, it } from "vitest";
import { closeDb, getSqlite } from "../../db/client";
import { preparedStatement } from "../../app/utils/prepared-statement.server";
import { makeTempDir } from "../helpers/data-dir";

// Statements compiled once per connection (the per-request reads of every page): the same SQL is
// compiled once, and a database opened anew (another DATA_DIR, a restart) gets its own statement.

const dirs: string[] = [];
afterEach(() => {
  closeDb();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openFresh(): void {
  const dir = makeTempDir("zwgk-stmt-");
  dirs.push(dir);
  process.env.DATA_DIR = dir;
  reloadConfig();
  closeDb();
}

const COUNT = "SELECT COUNT(*) AS n FROM categories";

describe("prepared statements", () => {
  it("compiles a statement once per connection", () => {
    openFresh();
    expect(preparedStatement(getSqlite(), COUNT)).toBe(preparedStatement(getSqlite(), COUNT));
    expect(preparedStatement(getSqlite(), COUNT).get()).toEqual({ n: 0 });
    getSqlite().prepare("INSERT INTO categories (name) VALUES ('街道')").run();
    expect(preparedStatement(getSqlite(), COUNT).get()).toEqual({ n: 1 });
  });

  it("answers from the database open now, never from a closed one", () => {
    openFresh();
    getSqlite().prepare("INSERT INTO categories (name) VALUES ('街道'), ('乡镇')").run();
    const first = preparedStatement(getSqlite(), COUNT);
    expect(first.get()).toEqual({ n: 2 });
    openFresh();
    const second = preparedStatement(getSqlite(), COUNT);
    expect(second).not.toBe(first);
    expect(second.get()).toEqual({ n: 0 });
  });
});
