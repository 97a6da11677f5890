import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { PROJECT_ROOT, startServer, type TestServer } from "./server";

/** Run a seed command (seeds/cli/…) with tsx against `dataDir`, as `npm run seed:…` does; throws when it fails. */
export function runSeedCli(dataDir: string, script: string, args: string[] = []): void {
  execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: "pipe" });
}

export type SeededServer = Pick<TestServer, "url" | "dataDir" | "output">;

/**
 * Register hooks for a test file: a temporary DATA_DIR (named `<prefix>…`) with the demo district,
 * then `prepare(dataDir)` (synthetic years, direct edits), then one real server over it — stopped and
 * the directory removed after the file. The answer reads through to that server once started.
 */
export function useSeededServer(prefix: string, prepare: (dataDir: string) => void): SeededServer {
  let server: TestServer | null = null;
  let dataDir = "";
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    runSeedCli(dataDir, "seeds/cli/seed-demo.ts");
    prepare(dataDir);
    server = await startServer({ dataDir });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const started = (): TestServer => {
    if (!server) throw new Error("server not started (useSeededServer() registers beforeAll)");
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get dataDir() {
      return started().dataDir;
    },
    output: () => started().output(),
  };
}
