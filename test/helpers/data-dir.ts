import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { closeDb, getDb } from "../../db/client";

/** A fresh temporary DATA_DIR (real SQLite, real migrations) for the current test file. */
export function useTempDataDir(): { dir: () => string } {
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-test-"));
    process.env.DATA_DIR = dir;
    closeDb();
    getDb();
  });
  afterAll(() => {
    closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}

export function makeTempDir(prefix = "zwgk-tmp-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
