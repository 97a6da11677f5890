import { execFileSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "./server";

/** Run a seed command (seeds/cli/…) with tsx against `dataDir`, as `npm run seed:…` does; throws when it fails. */
export function runSeedCli(dataDir: string, script: string, args: string[] = []): void {
  execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: "pipe" });
}
