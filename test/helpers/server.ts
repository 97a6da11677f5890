import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
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
 * NODE_ENV is "test" (not production). A fresh data directory holds the demo district, as
 * `npm start` seeds it into an empty database (copied from a seeded template, see seededDataDir);
 * SESSION_SECRET is derived from the data directory, so a server restarted on the same
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

/**
 * The build lock: one per machine, `${TMPDIR:-/tmp}/zwgk-build.lock`, held with flock(1) by everything
 * that runs `npm run build` (remix build and the results worker) while browser tests may be starting servers over build/:
 *
 *     flock "${TMPDIR:-/tmp}/zwgk-build.lock" npm run build
 *
 * ensureBuild() takes the same lock around its freshness check and its build, so it never reads a
 * half-written build/ and never builds at the same time as such an `npm run build`. (`npm test`
 * builds before vitest starts, so there the check finds the build fresh and nothing is rebuilt.)
 */
export const BUILD_LOCK = path.join(os.tmpdir(), "zwgk-build.lock");

/**
 * True when an ancestor of this process is `flock <BUILD_LOCK> …`, e.g. a test run started as
 * `flock "${TMPDIR:-/tmp}/zwgk-build.lock" sh -c "npm run build && npx vitest run …"`: the lock is
 * then ours already, and taking it again would wait for ourselves. (Linux /proc; elsewhere false.)
 */
function lockHeldByAncestor(): boolean {
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 32; depth++) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (path.basename(cmdline[0] ?? "") === "flock" && cmdline.some((arg) => path.resolve(arg) === BUILD_LOCK)) return true;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Run fn holding BUILD_LOCK. flock(1) locks a descriptor this process keeps open (passed to it as
 * fd 3); the lock lives as long as that open file, so it is released by closeSync below, or by the
 * kernel if this process dies. Without flock(1) (not util-linux) fn runs unlocked.
 */
function withBuildLock<T>(fn: () => T): T {
  if (lockHeldByAncestor()) return fn();
  const fd = fs.openSync(BUILD_LOCK, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o666);
  try {
    const res = spawnSync("flock", ["--exclusive", "--timeout", "900", "3"], { stdio: ["ignore", "ignore", "inherit", fd] });
    if (res.error) {
      if ((res.error as NodeJS.ErrnoException).code !== "ENOENT") throw res.error;
    } else if (res.status !== 0) {
      throw new Error(`could not take ${BUILD_LOCK} within 15 minutes (flock exited with ${res.status})`);
    }
    return fn();
  } finally {
    fs.closeSync(fd);
  }
}

/** Input files listed by a Remix metafile (esbuild's), relative to the project; virtual modules and dependencies left out. */
function metafileInputs(file: string): string[] | null {
  try {
    const meta = JSON.parse(fs.readFileSync(file, "utf8")) as { inputs?: Record<string, unknown> };
    return Object.keys(meta.inputs ?? {}).filter((input) => !/^[\w-]+:|^</.test(input) && !input.includes("node_modules/"));
  } catch {
    return null;
  }
}

const mtimeOf = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null;

/**
 * Why build/ is missing or older than what goes into it, or null when it is fresh. The inputs are
 * exactly the source files the last `npm run build` read (its metafiles in build/), so editing a
 * test, a CLI or a benchmark never counts; besides them: remix.config.js, installed dependencies
 * (node_modules/.package-lock.json) and route files that build has not seen yet.
 */
export function buildStaleness(root = PROJECT_ROOT): string | null {
  const outputs = ["build/index.js", "build/metafile.server.json", "build/metafile.js.json", "build/results-worker.js", "build/metafile.worker.json"].map((f) =>
    path.join(root, f),
  );
  const outputTimes = outputs.map(mtimeOf);
  if (outputTimes.some((t) => t === null)) return "build/ is missing";
  const builtAt = Math.min(...(outputTimes as number[]));
  const versionFile = path.join(root, "build", "version.txt");
  const version = fs.existsSync(versionFile) ? fs.readFileSync(versionFile, "utf8").trim() : "";
  if (!version || !fs.existsSync(path.join(root, "public", "build", `manifest-${version.toUpperCase()}.js`))) return "public/build/ does not match build/";

  const inputs = new Set([...(metafileInputs(outputs[1]) ?? []), ...(metafileInputs(outputs[2]) ?? []), ...(metafileInputs(outputs[4]) ?? [])]);
  if (inputs.size === 0) return "build/ lists no inputs";
  for (const input of [...inputs, "remix.config.js", "build-results-worker.js", "node_modules/.package-lock.json"]) {
    const t = mtimeOf(path.join(root, input));
    if (t === null && inputs.has(input)) return `${input} was removed`;
    if (t !== null && t > builtAt) return `${input} changed`;
  }
  const routesDir = path.join(root, "app", "routes");
  for (const entry of fs.existsSync(routesDir) ? fs.readdirSync(routesDir, { withFileTypes: true }) : []) {
    if (entry.name.startsWith(".") || entry.name.includes(".test.")) continue; // remix.config.js ignoredRouteFiles
    const routeFiles = entry.isDirectory()
      ? ["route.tsx", "route.ts", "route.jsx", "route.js"].map((f) => `app/routes/${entry.name}/${f}`).filter((f) => fs.existsSync(path.join(root, f)))
      : [`app/routes/${entry.name}`];
    for (const file of routeFiles) if (!inputs.has(file)) return `${file} is a new route`;
  }
  return null;
}

const checkedRoots = new Set<string>();

/**
 * Make sure build/ is the build of the current sources before a server starts on it: `npm test`
 * has just built, so this finds it fresh; a browser test run on its own after an edit builds here.
 * The check and the build hold BUILD_LOCK; each test process checks once.
 */
export function ensureBuild(root = PROJECT_ROOT): void {
  if (checkedRoots.has(root)) return;
  withBuildLock(() => {
    const reason = buildStaleness(root);
    if (!reason) return;
    process.stderr.write(`[test server] ${reason}: running npm run build\n`);
    execFileSync("npm", ["run", "--silent", "build"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      // The compiler takes its mode from NODE_ENV, which vitest sets to "test".
      env: { ...process.env, NODE_ENV: "production" },
    });
  });
  checkedRoots.add(root);
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
  // A fresh directory starts out seeded, as `npm start` would seed it (never in production).
  const dataDir = opts.dataDir ?? (opts.env?.NODE_ENV === "production" ? fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-e2e-")) : await seededDataDir());
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

// ------------------------------------------------------------------ seeded data directories

const TEMPLATE_PREFIX = "zwgk-e2e-seeded-";
let template: Promise<string> | null = null;

/**
 * A DATA_DIR as `npm start` leaves it: migrated, demo district seeded (seedDemoInto). Seeding takes
 * 5–15 s, so the first fresh start for a build makes a template under os.tmpdir() and every later
 * one (in any test process) copies it. The key covers what the seeded data depends on: the build
 * (the app the seed writes through), the seeds, the migrations, and the day (the seed stamps some
 * rows with now).
 */
function seededTemplate(): Promise<string> {
  template ??= (async () => {
    const hash = crypto.createHash("sha256");
    hash.update(fs.readFileSync(path.join(PROJECT_ROOT, "build", "version.txt")));
    for (const dir of [path.join(PROJECT_ROOT, "db", "migrations"), path.join(PROJECT_ROOT, "seeds")]) {
      for (const file of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
        const full = path.join(dir, file);
        if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
      }
    }
    hash.update(new Date().toISOString().slice(0, 10));
    const dir = path.join(os.tmpdir(), TEMPLATE_PREFIX + hash.digest("hex").slice(0, 16));
    if (fs.existsSync(path.join(dir, "app.db"))) return dir;

    removeOldTemplates();
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-e2e-"));
    try {
      seedDemoInto(fresh);
      // One self-contained file: fold the write-ahead log into the database.
      const db = new Database(path.join(fresh, "app.db"));
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.close();
      fs.renameSync(fresh, dir);
    } catch (error) {
      fs.rmSync(fresh, { recursive: true, force: true });
      // Another test process made the same template first.
      if (!fs.existsSync(path.join(dir, "app.db"))) throw error;
    }
    return dir;
  })().catch((error) => {
    template = null;
    throw error;
  });
  return template;
}

/** What `npm start` does before the server starts: seed the demo district into an empty database. */
export function seedDemoInto(dataDir: string): void {
  execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["seeds/cli/seed-demo.ts", "--if-empty"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir },
    stdio: "pipe",
  });
}

/** Templates of earlier days or builds, once nobody can still be copying them. */
function removeOldTemplates(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMPLATE_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > 24 * 3_600_000) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh temporary DATA_DIR holding a copy of the seeded template. */
async function seededDataDir(): Promise<string> {
  const from = await seededTemplate();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-e2e-"));
  fs.cpSync(from, dir, { recursive: true });
  return dir;
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
