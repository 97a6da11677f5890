import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Runtime configuration, read from the environment (documented in README.md). */
export function dataDir(): string {
  return path.resolve(process.env.DATA_DIR || "data");
}

/**
 * NODE_ENV as set when the server runs. Read through an alias: the Remix compiler replaces the
 * literal `process.env.NODE_ENV` in the server bundle with the build mode.
 */
export function isProduction(): boolean {
  const env = process.env;
  return env["NODE_" + "ENV"] === "production";
}

export function uploadsDir(): string {
  return path.join(dataDir(), "uploads");
}

/** Idle session expiry in minutes (SESSION_IDLE_MINUTES, default 60). */
export function sessionIdleMinutes(): number {
  const v = Number(process.env.SESSION_IDLE_MINUTES);
  return Number.isFinite(v) && v > 0 ? v : 60;
}

let cachedSecret: { dir: string; secret: string } | null = null;

/**
 * The cookie-signing secret. Production refuses to run without SESSION_SECRET;
 * development generates one once and keeps it under DATA_DIR so sessions survive restarts.
 */
export function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  if (isProduction()) {
    throw new Error("SESSION_SECRET must be set when NODE_ENV=production");
  }
  const dir = dataDir();
  if (cachedSecret?.dir === dir) return cachedSecret.secret;
  const file = path.join(dir, "session-secret");
  let secret: string;
  if (fs.existsSync(file)) {
    secret = fs.readFileSync(file, "utf8").trim();
  } else {
    fs.mkdirSync(dir, { recursive: true });
    secret = crypto.randomBytes(32).toString("hex");
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, secret, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  cachedSecret = { dir, secret };
  return secret;
}

/**
 * The body that issues the public 通报 (ISSUING_BODY, e.g. "明湖区人民政府办公室"); the public
 * results page names it as the publisher. Defaults to the office that runs the platform.
 */
export function issuingBody(): string {
  return process.env.ISSUING_BODY?.trim() || "区政务公开办";
}
