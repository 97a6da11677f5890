import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { dataDirOf } from "../db/client";

/**
 * Runtime configuration (documented in README.md → Configuration): read from the environment by
 * one zod schema, once — at start-up (bootstrap) or on first use — so a bad value stops the server
 * with a Chinese message naming the variable instead of being silently replaced by a default.
 */

const MB = 1024 * 1024;

const positiveNumber = (name: string, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: `${name} 须为正数（当前为“${v}”）` });
        return z.NEVER;
      }
      return n;
    });

const configSchema = z
  .object({
    DATA_DIR: z.string().optional().transform(dataDirOf),
    PORT: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return 3000;
        if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
          ctx.addIssue({ code: "custom", message: `PORT 须为 1 到 65535 之间的整数（当前为“${v}”）` });
          return z.NEVER;
        }
        return Number(v);
      }),
    HOST: z
      .string()
      .optional()
      .transform((v) => v?.trim() || undefined),
    NODE_ENV: z.string().optional(),
    SESSION_SECRET: z
      .string()
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || v.length >= 16, "SESSION_SECRET 太短：至少须有 16 个字符（建议用 openssl rand -hex 32 生成）"),
    SESSION_IDLE_MINUTES: positiveNumber("SESSION_IDLE_MINUTES", 60),
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "" || v === "0") return false;
        if (v === "1") return true;
        ctx.addIssue({ code: "custom", message: `TRUST_PROXY 只能为 1（位于一层反向代理之后）或不设置（当前为“${v}”）` });
        return z.NEVER;
      }),
    UPLOAD_MAX_FILE_MB: positiveNumber("UPLOAD_MAX_FILE_MB", 50),
    UPLOAD_MAX_SUBMISSION_MB: positiveNumber("UPLOAD_MAX_SUBMISSION_MB", 1024),
    SMTP_URL: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const url = v?.trim();
        if (!url) return undefined;
        if (!/^smtps?:\/\/[^\s/]+/.test(url)) {
          ctx.addIssue({ code: "custom", message: "SMTP_URL 须以 smtp:// 或 smtps:// 开头，如 smtp://user:pass@mail.example.gov.cn:587" });
          return z.NEVER;
        }
        return url;
      }),
    NOTIFY_INTERVAL_SECONDS: positiveNumber("NOTIFY_INTERVAL_SECONDS", 60),
    CHROMIUM_PATH: z
      .string()
      .optional()
      .transform((v) => v?.trim() || "/usr/bin/chromium"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "生产环境（NODE_ENV=production）必须设置 SESSION_SECRET" });
    }
  })
  .transform((env) => ({
    dataDir: env.DATA_DIR,
    uploadsDir: path.join(env.DATA_DIR, "uploads"),
    port: env.PORT,
    host: env.HOST,
    production: env.NODE_ENV === "production",
    sessionSecret: env.SESSION_SECRET,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    trustProxy: env.TRUST_PROXY,
    upload: { maxFileBytes: Math.floor(env.UPLOAD_MAX_FILE_MB * MB), maxSubmissionBytes: Math.floor(env.UPLOAD_MAX_SUBMISSION_MB * MB) },
    /** Mail server for email notifications (the sender is a setting at 消息提醒). */
    smtpUrl: env.SMTP_URL,
    notifyIntervalSeconds: env.NOTIFY_INTERVAL_SECONDS,
    /** Chromium for the website checks' screenshots (optional: without it only HTML snapshots are kept). */
    chromiumPath: env.CHROMIUM_PATH,
  }));

export type Config = z.infer<typeof configSchema>;

/** Parse an environment; a bad value throws an Error listing every problem in Chinese. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw new Error(`配置有误：${parsed.error.issues.map((i) => i.message).join("；")}`);
  return parsed.data;
}

let current: Config | null = null;

/**
 * The configuration of this process, parsed from process.env on first use. NODE_ENV is read through
 * an alias: the Remix compiler replaces the literal `process.env.NODE_ENV` in the server bundle.
 */
export function config(): Config {
  current ??= parseConfig({ ...process.env, NODE_ENV: process.env["NODE_" + "ENV"] });
  return current;
}

/** Forget the parsed configuration, so the next `config()` reads the environment again (tests changing it). */
export function reloadConfig(): Config {
  current = null;
  return config();
}

export function dataDir(): string {
  return config().dataDir;
}

export function isProduction(): boolean {
  return config().production;
}

export function uploadsDir(): string {
  return config().uploadsDir;
}

let cachedSecret: { dir: string; secret: string } | null = null;

/**
 * The cookie-signing secret: SESSION_SECRET (required in production, checked by the schema);
 * otherwise generated once and kept under DATA_DIR so sessions survive restarts.
 */
export function sessionSecret(): string {
  const c = config();
  if (c.sessionSecret) return c.sessionSecret;
  const dir = c.dataDir;
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
