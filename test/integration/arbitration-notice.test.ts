import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultSenders,
  deliverDue,
} from "../../app/services/notification-delivery.server";
import { getDb } from "../../db/client";
import { notifications, notificationSettings } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import {
  assign,
  assignmentOf,
  board,
  enterAll,
  loginAll,
} from "../helpers/evaluation-actions";
import { createCycle, userIdOf } from "../helpers/evaluation-fixtures";

// Issue 15: once two evaluators' sign-offs leave a divergence, the office and the lead evaluator are
// each notified in the app — and the group robot (webhook) hears of it once, not once per group.

useTempDataDir();

const received: unknown[] = [];
let receiver: http.Server;
let hookUrl = "";

beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001", "eval-002"]);
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) =>
    receiver.listen(0, "127.0.0.1", resolve)
  );
  hookUrl = `http://127.0.0.1:${
    (receiver.address() as AddressInfo).port
  }/robot`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("the arbitration notice", () => {
  it("reaches the office and the lead evaluator in the app, and the webhook exactly once", async () => {
    getDb()
      .insert(notificationSettings)
      .values({
        id: 1,
        emailEnabled: false,
        webhookEnabled: true,
        webhookUrl: hookUrl,
        reminderDays: 3,
        updatedAt: new Date().toISOString(),
      })
      .run();
    const c = createCycle(2041, "evaluating", {
      submittedUnitCodes: ["JD001"],
      settings: { divergence: 0.2 },
    });
    await assign(c, "JD001", "eval-001");
    await assign(c, "JD001", "eval-002");
    const lead = await board(c, {
      intent: "lead",
      assignmentId: String(assignmentOf(c, "JD001", "eval-001").id),
    });
    expect(lead.status).toBe(200);
    await enterAll("eval-001", "JD001", c, { "1.1": "18" });
    await enterAll("eval-002", "JD001", c, { "1.1": "10" });

    const notices = getDb()
      .select()
      .from(notifications)
      .where(eq(notifications.kind, "arbitration_needed"))
      .all();
    expect(notices.map((n) => n.userId).sort()).toEqual(
      [userIdOf("admin"), userIdOf("eval-001")].sort()
    );
    expect(notices.map((n) => n.link).sort()).toEqual(
      [
        "/evaluation/divergences",
        `/review/${notices[0].unitId}?cycle=2041`,
      ].sort()
    );

    await deliverDue(getDb(), new Date(), defaultSenders());
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      msgtype: "text",
      text: {
        content: expect.stringContaining("城关街道办事处有1项评分分歧待仲裁"),
      },
    });
  });
});
