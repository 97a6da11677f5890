import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../app/config.server";

/** The configuration schema: defaults, and a clear Chinese refusal for every bad value (README → Configuration). */

describe("configuration", () => {
  it("gives the documented defaults for an empty environment", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ dataDir: path.resolve("data"), port: 3000, host: undefined, production: false, sessionIdleMinutes: 60, trustProxy: false, smtpUrl: undefined, notifyIntervalSeconds: 60 });
    expect(c.uploadsDir).toBe(path.join(path.resolve("data"), "uploads"));
    expect(c.upload).toEqual({ maxFileBytes: 50 * 1024 * 1024, maxSubmissionBytes: 1024 * 1024 * 1024 });
  });

  it("reads every variable", () => {
    const c = parseConfig({
      DATA_DIR: "var/zwgk",
      PORT: "8080",
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      SESSION_SECRET: "0123456789abcdef0123456789abcdef",
      SESSION_IDLE_MINUTES: "15",
      TRUST_PROXY: "1",
      UPLOAD_MAX_FILE_MB: "0.5",
      UPLOAD_MAX_SUBMISSION_MB: "10",
      SMTP_URL: "smtp://zwgk:secret@mail.example.gov.cn:587",
      NOTIFY_INTERVAL_SECONDS: "5",
    });
    expect(c).toMatchObject({ dataDir: path.resolve("var/zwgk"), port: 8080, host: "127.0.0.1", production: true, sessionIdleMinutes: 15, trustProxy: true });
    expect(c.upload).toEqual({ maxFileBytes: 524288, maxSubmissionBytes: 10 * 1024 * 1024 });
    expect(c.smtpUrl).toBe("smtp://zwgk:secret@mail.example.gov.cn:587");
    expect(c.notifyIntervalSeconds).toBe(5);
  });

  it.each([
    [{ PORT: "abc" }, "PORT 须为 1 到 65535 之间的整数（当前为“abc”）"],
    [{ PORT: "70000" }, "PORT 须为 1 到 65535 之间的整数"],
    [{ SESSION_IDLE_MINUTES: "0" }, "SESSION_IDLE_MINUTES 须为正数（当前为“0”）"],
    [{ SESSION_IDLE_MINUTES: "一小时" }, "SESSION_IDLE_MINUTES 须为正数"],
    [{ UPLOAD_MAX_FILE_MB: "-5" }, "UPLOAD_MAX_FILE_MB 须为正数"],
    [{ UPLOAD_MAX_SUBMISSION_MB: "lots" }, "UPLOAD_MAX_SUBMISSION_MB 须为正数"],
    [{ TRUST_PROXY: "yes" }, "TRUST_PROXY 只能为 1"],
    [{ SMTP_URL: "mail.example.gov.cn" }, "SMTP_URL 须以 smtp:// 或 smtps:// 开头"],
    [{ NOTIFY_INTERVAL_SECONDS: "0" }, "NOTIFY_INTERVAL_SECONDS 须为正数（当前为“0”）"],
    [{ NOTIFY_INTERVAL_SECONDS: "每分钟" }, "NOTIFY_INTERVAL_SECONDS 须为正数"],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET 太短"],
    [{ NODE_ENV: "production" }, "生产环境（NODE_ENV=production）必须设置 SESSION_SECRET"],
  ])("refuses %o with a message naming the variable", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it("lists every problem at once", () => {
    expect(() => parseConfig({ PORT: "x", TRUST_PROXY: "2" })).toThrow(/^配置有误：PORT .*；TRUST_PROXY /);
  });
});
