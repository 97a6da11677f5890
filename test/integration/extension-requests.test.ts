import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as submissionsPage from "../../app/routes/submissions._index";
import * as extensionPage from "../../app/routes/self.extension";
import * as selfHome from "../../app/routes/self._index";
import { findCycleByYear } from "../../app/services/cycles.server";
import { officeHome } from "../../app/services/home.server";
import { scheduleReminders } from "../../app/services/reminders.server";
import type { SessionUser } from "../../app/utils/auth.server";
import { getDb } from "../../db/client";
import {
  auditLog,
  deadlineExtensions,
  extensionRequests,
  notifications,
  units,
  users,
} from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { dayAfterDemoDeadline } from "../helpers/self-inspection-fixtures";

// Issue 15: a department asks for a later self-inspection deadline; the office grants it with a date
// (which becomes the unit's deadline everywhere) or refuses it with a reason; both sides are told.

useTempDataDir();

const db = () => getDb();
const deptOf = (code: string) =>
  `dept-${String(DEMO_UNITS.findIndex((u) => u.code === code) + 1).padStart(
    3,
    "0"
  )}`;
const unitOf = (code: string) =>
  db().select().from(units).where(eq(units.code, code)).get()!;
const userOf = (username: string) =>
  db().select().from(users).where(eq(users.username, username)).get()!;
const notesOf = (username: string, kind: string) =>
  db()
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userOf(username).id),
        eq(notifications.kind, kind as "extension_requested")
      )
    )
    .all();
const audits = (action: string) =>
  db().select().from(auditLog).where(eq(auditLog.action, action)).all();

function sessionUser(username: string): SessionUser {
  const u = userOf(username);
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    unitName: null,
    orgId: u.orgId,
    orgName: null,
    sessionId: "test",
  };
}

const cookies: Record<string, string> = {};
beforeAll(async () => {
  await seedDemo();
  for (const u of ["admin", deptOf("JD003"), deptOf("BM005"), deptOf("JD001")])
    cookies[u] = await sessionCookieFor(u);
}, 120_000);

const ask = (code: string, form: Record<string, string>) =>
  run(
    extensionPage.action,
    makeRequest("/self/extension", { cookie: cookies[deptOf(code)], form })
  );
const decide = (form: Record<string, string>, cookie = cookies.admin) =>
  run(
    submissionsPage.action,
    makeRequest("/submissions", {
      cookie,
      form: { intent: "decideExtension", ...form },
    })
  );

describe("extension requests (申请延期)", () => {
  it("a department asks, the office grants with a date: that date is the unit's deadline everywhere, both sides told, audited", async () => {
    const cycle = findCycleByYear(2026, getDb())!;
    const unit = unitOf("JD003");
    const wanted = dayAfterDemoDeadline(5);
    const granted = dayAfterDemoDeadline(3);

    const noReason = await ask("JD003", { until: wanted, reason: "  " });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.reason).toBe("请填写申请理由");
    const badDate = await ask("JD003", {
      until: "2026-02-30",
      reason: "机构调整",
    });
    expect(badDate.data.fieldErrors.until).toBe(
      "日期格式不正确，应为 YYYY-MM-DD"
    );
    const tooEarly = await ask("JD003", {
      until: "2026-11-29",
      reason: "机构调整",
    });
    expect(tooEarly.data.fieldErrors.until).toBe(
      "延期后的截止日期须晚于原截止日期2026-11-30"
    );
    expect(db().select().from(extensionRequests).all()).toHaveLength(0);

    const ok = await ask("JD003", {
      until: wanted,
      reason: "街道机构调整，材料汇总延后",
    });
    expect(ok.status).toBe(200);
    expect(ok.data.message).toBe(
      `已提交延期申请（希望延期至${wanted}），请等待政务公开办审批。`
    );
    expect(audits("extension_request.request")).toHaveLength(1);
    const told = notesOf("admin", "extension_requested");
    expect(told).toHaveLength(1);
    expect(told[0].title).toBe(`${unit.name}申请自查延期至${wanted}`);
    expect(told[0].body).toContain("理由：街道机构调整，材料汇总延后");
    // One open request at a time.
    const twice = await ask("JD003", { until: wanted, reason: "再次申请" });
    expect(twice.status).toBe(409);
    expect(twice.data.fieldErrors._form).toBe(
      "本单位已有一份待审批的延期申请，请等待政务公开办处理"
    );
    const page = await run(
      extensionPage.loader,
      makeRequest("/self/extension", { cookie: cookies[deptOf("JD003")] })
    );
    expect(page.data).toMatchObject({
      mayRequest: false,
      requests: [
        expect.objectContaining({ wantedUntil: wanted, statusLabel: "待审批" }),
      ],
    });

    // The office sees it on 自查审核 and on its home.
    const overview = await run(
      submissionsPage.loader,
      makeRequest(`/submissions?cycle=${cycle.id}`, { cookie: cookies.admin })
    );
    expect(overview.data.extensionRequests).toEqual([
      expect.objectContaining({
        unitName: unit.name,
        wantedUntil: wanted,
        reason: "街道机构调整，材料汇总延后",
      }),
    ]);
    const requestId = String(overview.data.extensionRequests[0].id);
    const todo = officeHome(db(), sessionUser("admin"), new Date()).todos.find(
      (t) => t.key === "extensionRequests"
    )!;
    expect(todo).toMatchObject({
      count: 1,
      names: [`${unit.name}（申请至${wanted}）`],
    });

    // A department cannot decide; a grant needs a valid date.
    expect(
      (
        await decide(
          { decision: "grant", requestId, until: granted },
          cookies[deptOf("JD003")]
        )
      ).status
    ).toBe(403);
    expect(
      (await decide({ requestId, until: granted })).data.fieldErrors.decision
    ).toBe("请选择批准或不予批准");
    const noDate = await decide({ decision: "grant", requestId, until: "" });
    expect(noDate.status).toBe(400);
    expect(noDate.data.fieldErrors.until).toBe("请选择批准延期至的日期");
    expect(
      db()
        .select()
        .from(deadlineExtensions)
        .where(eq(deadlineExtensions.unitId, unit.id))
        .all()
    ).toHaveLength(0);

    const grant = await decide({
      decision: "grant",
      requestId,
      until: granted,
    });
    expect(grant.status).toBe(200);
    expect(grant.data.message).toBe(`已批准${unit.name}延期至${granted}。`);
    expect(db().select().from(extensionRequests).get()).toMatchObject({
      status: "granted",
      decidedBy: userOf("admin").id,
    });
    expect(audits("extension_request.grant")).toHaveLength(1);
    expect(
      audits("submission.extension").map((a) => JSON.parse(a.after!).unitName)
    ).toContain(unit.name);
    const deptNote = notesOf(deptOf("JD003"), "extension_decided");
    expect(deptNote.map((n) => n.title)).toEqual([
      `2026年度自查截止时间已延至${granted}`,
    ]);

    // The granted date is the deadline: the department's page, the overview (not overdue), the home.
    const home = await run(
      selfHome.loader,
      makeRequest("/self", { cookie: cookies[deptOf("JD003")] })
    );
    expect(home.data.home.deadline).toMatchObject({
      due: granted,
      pastDue: false,
    });
    const after = await run(
      submissionsPage.loader,
      makeRequest(`/submissions?cycle=${cycle.id}&filter=overdue`, {
        cookie: cookies.admin,
      })
    );
    expect(
      after.data.rows.map((r: { unitName: string }) => r.unitName)
    ).not.toContain(unit.name);
    expect(after.data.extensionRequests).toEqual([]);
    // Scheduled reminders use it too: the deadline-passed reminder names the granted date, if any.
    scheduleReminders(db(), new Date());
    for (const n of db()
      .select()
      .from(notifications)
      .where(eq(notifications.unitId, unit.id))
      .all()
      .filter(
        (x) => x.kind === "deadline_soon" || x.kind === "deadline_passed"
      )) {
      expect(n.body).toContain(granted);
    }
    const mine = await run(
      extensionPage.loader,
      makeRequest("/self/extension", { cookie: cookies[deptOf("JD003")] })
    );
    expect(mine.data.requests[0]).toMatchObject({
      statusLabel: "已批准",
      grantedUntil: granted,
    });

    // Deciding twice is refused.
    const again = await decide({
      decision: "refuse",
      requestId,
      comment: "重复",
    });
    expect(again.status).toBe(409);
    expect(again.data.fieldErrors._form).toBe(
      "该延期申请的状态为“已批准”，不能再次处理"
    );
  });

  it("the office refuses with a reason: the unit is told why and its deadline stays", async () => {
    const unit = unitOf("BM005");
    const wanted = dayAfterDemoDeadline(7);
    expect(
      (await ask("BM005", { until: wanted, reason: "局领导调整" })).status
    ).toBe(200);
    const requestId = String(
      db()
        .select()
        .from(extensionRequests)
        .where(eq(extensionRequests.unitId, unit.id))
        .get()!.id
    );
    const noReason = await decide({
      decision: "refuse",
      requestId,
      comment: " ",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.comment).toBe("请填写不予批准的理由");
    const refused = await decide({
      decision: "refuse",
      requestId,
      comment: "理由不充分，请按期提交",
    });
    expect(refused.status).toBe(200);
    expect(audits("extension_request.refuse")).toHaveLength(1);
    const note = notesOf(deptOf("BM005"), "extension_decided")[0];
    expect(note.title).toBe("2026年度自查延期申请未获批准");
    expect(note.body).toContain("理由：理由不充分，请按期提交");
    expect(note.body).toContain("截止时间仍为2026-11-30 24:00（北京时间）");
    expect(
      db()
        .select()
        .from(deadlineExtensions)
        .where(eq(deadlineExtensions.unitId, unit.id))
        .all()
    ).toHaveLength(0);
    // Refused, it may ask again.
    const page = await run(
      extensionPage.loader,
      makeRequest("/self/extension", { cookie: cookies[deptOf("BM005")] })
    );
    expect(page.data).toMatchObject({
      mayRequest: true,
      requests: [
        expect.objectContaining({
          statusLabel: "未批准",
          decisionComment: "理由不充分，请按期提交",
        }),
      ],
    });
  });

  it("a submitted unit cannot ask, and the office cannot ask for a unit", async () => {
    const done = await ask("JD001", { until: dayAfterDemoDeadline(5), reason: "想延期" });
    expect(done.status).toBe(409);
    expect(done.data.fieldErrors._form).toBe("自查已提交，无需延期");
    const office = await run(
      extensionPage.action,
      makeRequest("/self/extension", {
        cookie: cookies.admin,
        form: { until: dayAfterDemoDeadline(5), reason: "代申请" },
      })
    );
    expect(office.status).toBe(403);
  });
});
