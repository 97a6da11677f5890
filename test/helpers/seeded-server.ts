import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { useServer } from "./browser";
import { PROJECT_ROOT, type TestServer } from "./server";

/** Run a seed command (seeds/cli/…) with tsx against `dataDir`, as `npm run seed:…` does; throws when it fails. */
export function runSeedCli(dataDir: string, script: string, args: string[] = []): void {
  execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: "pipe" });
}

/**
 * Register hooks for a test file: a temporary DATA_DIR (named `<prefix>…`) with the demo district,
 * then `prepare(dataDir)` (synthetic years, direct edits), then one real server over it (useServer)
 * — stopped, and the directory removed, after the file. Before-hooks run in the order registered and
 * after-hooks in reverse (vitest's default `sequence.hooks: "stack"`), so the directory is prepared
 * before the server starts and removed after it stops.
 */
export function useSeededServer(prefix: string, prepare: (dataDir: string) => void): TestServer {
  const dataDir = path.join(os.tmpdir(), `${prefix}${crypto.randomUUID()}`);
  beforeAll(() => {
    fs.mkdirSync(dataDir);
    runSeedCli(dataDir, "seeds/cli/seed-demo.ts");
    prepare(dataDir);
  }, 240_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return useServer({ dataDir });
}
