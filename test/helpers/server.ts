import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real production server (`node server.js` over the Remix build) on a random free port with
 * its own temporary DATA_DIR, for browser and HTTP-level tests.
 *
 * NODE_ENV is "test" (not production), so bootstrap seeds the demo district into the empty
 * database; SESSION_SECRET is derived from the data directory, so a server restarted on the same
 * directory (crash tests) keeps accepting the sessions it issued before.
 */

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (graceful), then remove the data directory unless it was passed in or `keepDataDir`. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL) and wait until the process is gone; the data directory stays. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** Use (and keep) this directory instead of a fresh temporary one, e.g. to restart after a kill. */
  dataDir?: string;
  /** Keep the temporary data directory after stop(). */
  keepDataDir?: boolean;
  /** Extra environment for the server (e.g. UPLOAD_MAX_FILE_MB). */
  env?: Record<string, string>;
  /** How long to wait for /healthz (default 30 s). */
  startTimeoutMs?: number;
}

// ------------------------------------------------------------------ build

/** Sources that end up in build/index.js or public/build. */
const BUILD_INPUTS = ["app", "db/schema", "db/client.ts", "seeds", "scoring", "remix.config.js"];

function newestMtime(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** True when build/ is missing or older than any source file that goes into it. */
export function buildIsStale(root = PROJECT_ROOT): boolean {
  const serverBuild = fs.statSync(path.join(root, "build", "index.js"), { throwIfNoEntry: false });
  if (!serverBuild || !fs.existsSync(path.join(root, "public", "build"))) return true;
  return BUILD_INPUTS.some((input) => newestMtime(path.join(root, input)) > serverBuild.mtimeMs);
}

let buildChecked = false;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Run fn holding an exclusive lock file (pid inside; a dead holder's lock is taken over). */
function withLockSync<T>(lockFile: string, fn: () => T): T {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockFile, "utf8").trim());
      if (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile} (held by ${holder})`);
      sleepSync(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/**
 * `npm test` builds before running vitest; when a browser test is run on its own and the build is
 * missing or stale, build it here (under a lock, so parallel test processes build only once).
 */
export function ensureBuild(): void {
  if (buildChecked) return;
  if (buildIsStale()) {
    withLockSync(path.join(PROJECT_ROOT, ".cache", "remix-build.lock"), () => {
      if (!buildIsStale()) return; // another process just built
      process.stderr.write("[test server] build/ is missing or older than the sources: running remix build\n");
      execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "remix"), ["build"], {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "inherit", "inherit"],
        // The compiler takes its mode from NODE_ENV, which vitest sets to "test".
        env: { ...process.env, NODE_ENV: "production" },
      });
    });
  }
  buildChecked = true;
}

// ------------------------------------------------------------------ server

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave a server behind when the test process ends abruptly.
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  ensureBuild();
  installExitHook();
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SESSION_SECRET: crypto.createHash("sha256").update(`zwgk-test-server:${path.resolve(dataDir)}`).digest("hex"),
    ...opts.env,
  };
  delete env.TRUST_PROXY;
  const child = spawn(process.execPath, ["server.js"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let out = "";
  const collect = (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`test server exited during start-up (code ${child.exitCode}, signal ${child.signalCode}):\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`test server did not answer /healthz in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopped: Promise<void> | null = null;
  const server: TestServer = {
    url,
    port,
    dataDir,
    child,
    output: () => out,
    kill: async (signal = "SIGKILL") => {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    stop: () => {
      stopped ??= (async () => {
        const exited = waitForExit(child);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
        if (ownDir && !opts.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return server;
}

// ------------------------------------------------------------------ HTTP helpers (fetch, no browser)

/** The `name=value` part of a Set-Cookie header for the session cookie, or null. */
export function sessionCookieFrom(res: Response): string | null {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(";")[0];
    if (pair.startsWith("zwgk_session=")) return pair;
  }
  return null;
}

/** Log in through POST /login as a same-origin form would; returns the session cookie. */
export async function loginViaHttp(server: Pick<TestServer, "url">, username: string, password: string): Promise<string> {
  const res = await postForm(server, "/login", { username, password, redirectTo: "/" });
  const cookie = sessionCookieFrom(res);
  if (res.status !== 302 && res.status !== 204 && !cookie) throw new Error(`login as ${username} failed with ${res.status}`);
  if (!cookie) throw new Error(`login as ${username} set no session cookie`);
  return cookie;
}

/**
 * POST an urlencoded form to the real server like a browser on the same origin (Origin header
 * set, redirects not followed). Pass `origin` to pretend to be another site.
 */
export function postForm(
  server: Pick<TestServer, "url">,
  pathname: string,
  fields: Record<string, string>,
  opts: { cookie?: string; origin?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: opts.origin ?? server.url,
    ...opts.headers,
  };
  if (opts.cookie) headers.Cookie = opts.cookie;
  return fetch(server.url + pathname, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

/**
 * Another origin (same host, other port) serving fixed HTML pages: the attacker's site in CSRF and
 * framing tests. Same-site for cookies (ports do not count), cross-origin for browsers.
 */
export async function startForeignSite(pages: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer((req, res) => {
    const body = pages[req.url ?? "/"];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(body);
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}
