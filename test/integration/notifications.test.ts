import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as notificationsPage from "../../app/routes/notifications";
import * as submissionsPage from "../../app/routes/submissions._index";
import * as settingsPage from "../../app/routes/admin.notifications";
import { findCycleByYear } from "../../app/services/cycles.server";
import { defaultSenders, deliverDue } from "../../app/services/notification-delivery.server";
import { runNotificationJobs } from "../../app/services/notification-jobs.server";
import { unreadCount } from "../../app/services/notifications.server";
import { scheduleReminders } from "../../app/services/reminders.server";
import { getDb } from "../../db/client";
import { auditLog, notificationDeliveries, notifications, submissions, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { DEMO_2026_STATES } from "../../seeds/demo/self-inspection-2026";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Issue 15: the notification centre, 催办, scheduled reminders that never repeat, and delivery by
// email (a real SMTP server started here) and webhook (a local HTTP receiver), with retries.

useTempDataDir();

const db = () => getDb();
const userOf = (username: string) => db().select().from(users).where(eq(users.username, username)).get()!;
const unitOf = (code: string) => db().select().from(units).where(eq(units.code, code)).get()!;
const deptOf = (code: string) => `dept-${String(DEMO_UNITS.findIndex((u) => u.code === code) + 1).padStart(3, "0")}`;
const notesOf = (username: string) => db().select().from(notifications).where(eq(notifications.userId, userOf(username).id)).all();

interface Mail {
  from: string;
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
const hooks: { status: number; body: unknown }[] = [];
let hookFailures = 0;
let smtp: SMTPServer;
let receiver: http.Server;
let smtpPort = 0;
let hookUrl = "";

beforeAll(async () => {
  await seedDemo();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = hookFailures > 0 ? 500 : 200;
      if (hookFailures > 0) hookFailures--;
      hooks.push({ status, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/robot`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** A mail's Subject header, its MIME encoded-words decoded. */
function mailSubject(raw: string): string {
  const header = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const line = header.split(/\r?\n/).find((l) => /^Subject:/i.test(l)) ?? "";
  const qp = (t: string) => Buffer.from(t.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, "%$1").replace(/%/g, "%"), "utf8").toString("utf8");
  return line
    .replace(/^Subject:\s*/i, "")
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, t: string) => Buffer.from(t, "base64").toString("utf8"))
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_m, t: string) => decodeURIComponent(qp(t)));
}

describe("delivery settings", () => {
  it("refuses bad settings in Chinese and saves nothing; good settings are audited", async () => {
    const admin = await sessionCookieFor("admin");
    const bad = await run(settingsPage.action, makeRequest("/admin/notifications", { cookie: admin, form: { emailEnabled: "1", emailFrom: "", webhookEnabled: "1", webhookUrl: "ftp://x", reminderDays: "0" } }));
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      emailFrom: "启用邮件提醒须填写发件人",
      webhookUrl: "Webhook地址须以http://或https://开头",
      reminderDays: "提前提醒天数须在1到30天之间",
    });
    expect((await run(settingsPage.loader, makeRequest("/admin/notifications", { cookie: admin }))).data.settings.emailEnabled).toBe(false);
    const ok = await run(
      settingsPage.action,
      makeRequest("/admin/notifications", { cookie: admin, form: { emailEnabled: "1", emailFrom: "明湖区政务公开办 <zwgk@minghu.example.gov.cn>", webhookEnabled: "1", webhookUrl: hookUrl, reminderDays: "3" } }),
    );
    expect(ok.status).toBe(200);
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "notification.settings")).all();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after!)).toMatchObject({ emailEnabled: true, webhookUrl: hookUrl, reminderDays: 3 });
    const dept = await sessionCookieFor("dept-001");
    expect((await run(settingsPage.action, makeRequest("/admin/notifications", { cookie: dept, form: { reminderDays: "5" } }))).status).toBe(403);
  });
});

describe("催办 (reminding overdue units)", () => {
  it("reminds the selected units in one action: each unit's users get it once, audited, on the unit's timeline, by email and webhook", async () => {
    const code = Object.keys(DEMO_2026_STATES).find((c) => DEMO_2026_STATES[c] === "draft")!;
    const unit = unitOf(code);
    db().update(users).set({ email: "tianbao@minghu.example.gov.cn" }).where(eq(users.username, deptOf(code))).run();
    const cycle = findCycleByYear(2026, getDb())!;
    const admin = await sessionCookieFor("admin");
    const before = db().select().from(auditLog).where(eq(auditLog.action, "submission.remind")).all().length;
    const res = await run(
      submissionsPage.action,
      makeRequest("/submissions", { cookie: admin, form: { intent: "remind", cycleId: String(cycle.id), unitId: [String(unit.id)], message: "请于本周五前提交" } }),
    );
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("已向1个单位发送催办（1位填报员收到消息）。");
    const note = notesOf(deptOf(code)).find((n) => n.kind === "reminder")!;
    expect(note.title).toBe("2026年度自查催办");
    expect(note.body).toContain(`请${unit.name}抓紧完成`);
    expect(note.body).toContain("说明：请于本周五前提交");
    expect(db().select().from(auditLog).where(eq(auditLog.action, "submission.remind")).all()).toHaveLength(before + 1);
    // Nobody else heard of it.
    expect(notesOf("dept-001").filter((n) => n.kind === "reminder")).toEqual([]);

    // The unit's timeline (its submission page) shows the reminder.
    const sub = db().select().from(submissions).where(eq(submissions.unitId, unit.id)).all().find((s) => s.cycleId === cycle.id)!;
    const page = await run((await import("../../app/routes/submissions.$submissionId")).loader, makeRequest(`/submissions/${sub.id}`, { cookie: admin }), { submissionId: String(sub.id) });
    expect(page.data.timeline.some((e: { label: string; comment: string }) => e.label === "催办" && e.comment.includes("请于本周五前提交"))).toBe(true);

    // Delivery: the mail and the robot message arrive once, in Chinese, to the right address.
    const sent = await deliverDue(db(), new Date(), defaultSenders(`smtp://127.0.0.1:${smtpPort}`));
    expect(sent.sent).toBeGreaterThanOrEqual(2);
    const mine = mails.filter((m) => m.to.includes("tianbao@minghu.example.gov.cn"));
    expect(mine).toHaveLength(1);
    expect(mine[0].from).toBe("zwgk@minghu.example.gov.cn");
    expect(mailSubject(mine[0].raw)).toBe("【政务公开考核】2026年度自查催办");
    const robot = hooks.filter((h) => JSON.stringify(h.body).includes("2026年度自查催办"));
    expect(robot).toHaveLength(1);
    expect(robot[0].body).toMatchObject({ msgtype: "text", text: { content: expect.stringContaining(`请${unit.name}抓紧完成`) } });
    const again = await deliverDue(db(), new Date(), defaultSenders(`smtp://127.0.0.1:${smtpPort}`));
    expect(again.sent).toBe(0);
    expect(mails.filter((m) => m.to.includes("tianbao@minghu.example.gov.cn"))).toHaveLength(1);
  });

  it("refuses a unit that has submitted, with a Chinese message, and sends nothing", async () => {
    const code = Object.keys(DEMO_2026_STATES).find((c) => DEMO_2026_STATES[c] === "submitted")!;
    const cycle = findCycleByYear(2026, getDb())!;
    const count = db().select().from(notifications).all().length;
    const res = await run(
      submissionsPage.action,
      makeRequest("/submissions", { cookie: await sessionCookieFor("admin"), form: { intent: "remind", cycleId: String(cycle.id), unitId: [String(unitOf(code).id)] } }),
    );
    expect(res.status).toBe(409);
    expect(res.data.fieldErrors.unitIds).toBe(`${unitOf(code).name}已提交自查，无需催办`);
    const none = await run(submissionsPage.action, makeRequest("/submissions", { cookie: await sessionCookieFor("admin"), form: { intent: "remind", cycleId: String(cycle.id) } }));
    expect(none.data.fieldErrors.unitIds).toBe("请至少选择一个单位");
    expect(db().select().from(notifications).all()).toHaveLength(count);
  });
});

describe("scheduled reminders", () => {
  it("tell drafting units 3 days before the deadline, once, however often the timer runs or the server restarts", () => {
    const threeDaysBefore = new Date("2026-11-27T02:00:00Z");
    const first = scheduleReminders(db(), threeDaysBefore);
    const drafting = Object.keys(DEMO_2026_STATES).filter((c) => DEMO_2026_STATES[c] === "draft");
    expect(first).toBeGreaterThan(0);
    for (const code of drafting.filter((c) => c !== "JD004")) {
      expect(notesOf(deptOf(code)).filter((n) => n.kind === "deadline_soon").map((n) => n.title)).toEqual(["2026年度自查将于3天后截止"]);
    }
    for (const code of Object.keys(DEMO_2026_STATES).filter((c) => DEMO_2026_STATES[c] === "submitted")) {
      expect(notesOf(deptOf(code)).filter((n) => n.kind === "deadline_soon")).toEqual([]);
    }
    expect(scheduleReminders(db(), threeDaysBefore)).toBe(0);
    expect(scheduleReminders(db(), new Date("2026-11-28T02:00:00Z"))).toBe(0);
    // After the deadline: one 逾期 reminder each, then nothing more.
    const late = scheduleReminders(db(), new Date("2026-12-02T02:00:00Z"));
    expect(late).toBeGreaterThan(0);
    expect(scheduleReminders(db(), new Date("2026-12-03T02:00:00Z"))).toBe(0);
  });
});

describe("webhook failures", () => {
  it("are logged and retried later, never lost and never sent twice", async () => {
    const senders = defaultSenders(`smtp://127.0.0.1:${smtpPort}`);
    await deliverDue(db(), new Date(), senders); // what earlier tests left in the outbox
    const pending = db().select().from(notificationDeliveries).where(eq(notificationDeliveries.status, "pending")).all().length;
    expect(pending).toBe(0);
    hookFailures = 1;
    const admin = await sessionCookieFor("admin");
    const code = Object.keys(DEMO_2026_STATES).find((c) => DEMO_2026_STATES[c] === "returned")!;
    const cycle = findCycleByYear(2026, getDb())!;
    await run(submissionsPage.action, makeRequest("/submissions", { cookie: admin, form: { intent: "remind", cycleId: String(cycle.id), unitId: [String(unitOf(code).id)] } }));
    const now = new Date();
    const firstRun = await deliverDue(db(), now, senders);
    expect(firstRun.retried).toBe(1);
    const waiting = db().select().from(notificationDeliveries).where(eq(notificationDeliveries.status, "pending")).all();
    expect(waiting).toHaveLength(pending + 1);
    expect(waiting.at(-1)).toMatchObject({ attempts: 1, lastError: "Webhook 返回 HTTP 500" });
    // The office sees it waiting, with the receiver's answer.
    const page = await run(settingsPage.loader, makeRequest("/admin/notifications", { cookie: admin }));
    expect(page.data.problems[0]).toMatchObject({ channel: "webhook", status: "pending", attempts: 1, lastError: "Webhook 返回 HTTP 500" });
    // Not due again until the back-off has passed.
    expect((await deliverDue(db(), now, senders)).sent).toBe(0);
    // The timer's run: reminders that are due (none new here) and the outbox.
    const later = await runNotificationJobs(db(), new Date(now.getTime() + 2 * 60_000), senders);
    expect(later.sent).toBe(1);
    const robot = hooks.filter((h) => JSON.stringify(h.body).includes(unitOf(code).name) && JSON.stringify(h.body).includes("催办"));
    expect(robot.map((h) => h.status)).toEqual([500, 200]);
    const after = await run(settingsPage.loader, makeRequest("/admin/notifications", { cookie: admin }));
    expect(after.data.problems.map((p: { id: number }) => p.id)).not.toContain(waiting.at(-1)!.id);
  });
});

describe("the notification centre", () => {
  it("counts unread, marks one or all read, and never touches another user's messages", async () => {
    const code = Object.keys(DEMO_2026_STATES).find((c) => DEMO_2026_STATES[c] === "draft")!;
    const user = userOf(deptOf(code));
    const cookie = await sessionCookieFor(deptOf(code));
    const unread = unreadCount(db(), user.id);
    expect(unread).toBeGreaterThan(1);
    const page = await run(notificationsPage.loader, makeRequest("/notifications", { cookie }));
    expect(page.data.unread).toBe(unread);
    const [first] = page.data.items;
    await run(notificationsPage.action, makeRequest("/notifications", { cookie, form: { intent: "read", id: String(first.id) } }));
    expect(unreadCount(db(), user.id)).toBe(unread - 1);
    // Someone else's id changes nothing.
    const other = await sessionCookieFor("dept-001");
    const res = await run(notificationsPage.action, makeRequest("/notifications", { cookie: other, form: { intent: "read", id: String(page.data.items[1].id) } }));
    expect(res.data.changed).toBe(0);
    expect(unreadCount(db(), user.id)).toBe(unread - 1);
    await run(notificationsPage.action, makeRequest("/notifications", { cookie, form: { intent: "readAll" } }));
    expect(unreadCount(db(), user.id)).toBe(0);
  });
});

describe("an account's email for notifications", () => {
  it("is set on the user page, checked, audited, and cleared when emptied", async () => {
    const userPage = await import("../../app/routes/admin.users.$userId");
    const admin = await sessionCookieFor("admin");
    const target = userOf("dept-001");
    const form = (email: string) => ({ intent: "update", displayName: target.displayName, email, role: "department", unitId: String(target.unitId), orgId: "" });
    const post = (email: string) => run(userPage.action, makeRequest(`/admin/users/${target.id}`, { cookie: admin, form: form(email) }), { userId: String(target.id) });
    const bad = await post("chengguan@");
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.email).toBe("邮箱格式不正确，如 zhangsan@example.gov.cn");
    expect(userOf("dept-001").email).toBeNull();
    expect((await post(" chengguan@minghu.example.gov.cn ")).status).toBeLessThan(400);
    expect(userOf("dept-001").email).toBe("chengguan@minghu.example.gov.cn");
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "user.update")).all().at(-1)!;
    expect(JSON.parse(audit.after!)).toMatchObject({ email: "chengguan@minghu.example.gov.cn" });
    await post("");
    expect(userOf("dept-001").email).toBeNull();
  });
});
