import { spawn } from "node:child_process";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../app/utils/password.server";
import { closeDb, getDb } from "../../db/client";
import { auditLog, categories, submissionAnswers, submissionEvents, submissions, units, users } from "../../db/schema";
import { gotoHydrated, loginAs, useBrowser } from "../helpers/browser";
import { PNG_BYTES } from "../helpers/evidence-fixtures";
import { createPublishedCycle, leafNodeId, SELF_TREE } from "../helpers/self-inspection-fixtures";
import { loginViaHttp, postForm, PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";

// Concurrency against the real server: two sessions editing one item (the stale save is refused
// and nothing is lost), and 50 units submitting at the same moment (each lands exactly once).

let server: TestServer;
const browser = useBrowser();
const UNITS = 50;
const PASSWORD = "Concurrent#2026";
let cycleId = 0;
const code = (i: number) => `BF${String(i).padStart(3, "0")}`;
const username = (i: number) => `bingfa-${String(i).padStart(3, "0")}`;

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  const db = getDb();
  // A newer published cycle (so it is the current one) with a far deadline, and 50 more units.
  cycleId = createPublishedCycle(2099, "2099-11-30");
  const category = db.select().from(categories).where(eq(categories.name, "街道办事处")).get()!;
  const passwordHash = await hashPassword(PASSWORD);
  for (let i = 1; i <= UNITS; i++) {
    const unit = db.insert(units).values({ code: code(i), name: `并发测试街道${i}`, categoryId: category.id, sortOrder: 100 + i }).returning().get();
    db.insert(users).values({ username: username(i), displayName: `并发测试填报员${i}`, role: "department", unitId: unit.id, passwordHash }).run();
  }
  closeDb();
}, 180_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

function auditVerify(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "audit:verify"], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: server.dataDir } });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("close", (c) => resolve({ code: c, out }));
  });
}

/** A complete answer for every leaf of SELF_TREE, as the leaf form posts it. */
function answerFields(leafCode: string): Record<string, string> {
  const base = { intent: "save", version: "0", narrative: `${leafCode} 自查说明` };
  switch (leafCode) {
    case "1.1":
    case "2.2":
      return { ...base, selfScore: "8" };
    case "1.2":
      return { ...base, "fault.0": "0", "fault.1": "1" };
    case "1.3":
      return { ...base, ratioMode: "fraction", numerator: "9", denominator: "10" };
    case "1.4":
      return { ...base, count: "2" };
    case "2.1":
    case "3.1":
      return base;
    case "4.1":
      return { ...base, vetoTriggered: "no" };
    default:
      throw new Error(`no answer for ${leafCode}`);
  }
}

const LEAF_CODES = SELF_TREE.flatMap((n) => (n.children ?? []).map((c) => c.code));

describe("two sessions editing the same item", () => {
  it("the second (stale) save is refused with the Chinese message, the first is kept, and after reloading the second sees it", async () => {
    const nodeId = leafNodeId(cycleId, code(1), "2.2");
    const a = await browser.newPage();
    const b = await browser.newPage();
    await loginAs(a, server.url, username(1), PASSWORD);
    await loginAs(b, server.url, username(1), PASSWORD);
    await gotoHydrated(a, `${server.url}/self/${nodeId}`);
    await gotoHydrated(b, `${server.url}/self/${nodeId}`);

    const narrative = (p: typeof a) => p.getByLabel("说明", { exact: true });
    await a.getByLabel(/^自评分/).fill("9");
    await narrative(a).fill("甲会话保存的说明");
    await a.getByRole("button", { name: "保存草稿" }).click();
    await a.getByText("已保存草稿。").waitFor();

    await b.getByLabel(/^自评分/).fill("3");
    await narrative(b).fill("乙会话过时的说明");
    await b.getByRole("button", { name: "保存草稿" }).click();
    await b.getByText("该项已被他人修改，请刷新后再试").waitFor();
    // What B typed is still in the form (not lost on the refusal).
    expect(await narrative(b).inputValue()).toBe("乙会话过时的说明");

    closeDb();
    process.env.DATA_DIR = server.dataDir;
    const sub = getDb().select().from(submissions).where(and(eq(submissions.cycleId, cycleId), eq(submissions.unitId, unitIdOf(code(1))))).get()!;
    const answer = getDb().select().from(submissionAnswers).where(and(eq(submissionAnswers.submissionId, sub.id), eq(submissionAnswers.nodeId, nodeId))).get()!;
    expect(answer.narrative).toBe("甲会话保存的说明");
    expect(answer.version).toBe(1);
    closeDb();

    await gotoHydrated(b, b.url()); // reload
    expect(await narrative(b).inputValue()).toBe("甲会话保存的说明");
    await narrative(b).fill("乙会话刷新后保存的说明");
    await b.getByRole("button", { name: "保存草稿" }).click();
    await b.getByText("已保存草稿。").waitFor();
  });
});

function unitIdOf(c: string): number {
  return getDb().select().from(units).where(eq(units.code, c)).get()!.id;
}

describe("50 units submitting at the same moment", () => {
  it("every submission lands exactly once (double-clicks included), with one event and one audit row each", async () => {
    // Each unit fills in every leaf and uploads its required evidence through the real server.
    const fillIn = async (i: number): Promise<string> => {
      const cookie = await loginViaHttp(server, username(i), PASSWORD);
      for (const leaf of LEAF_CODES) {
        if (i === 1 && leaf === "2.2") continue; // saved in the test above
        const res = await postForm(server, `/self/${leafNodeId(cycleId, code(i), leaf)}`, answerFields(leaf), { cookie });
        expect(res.status, `${code(i)} ${leaf}: ${await res.clone().text()}`).toBe(200);
      }
      const form = new FormData();
      form.append("file", new Blob([PNG_BYTES], { type: "image/png" }), `截图${i}.png`);
      const up = await fetch(`${server.url}/self/upload/${leafNodeId(cycleId, code(i), "1.1")}`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: server.url } });
      expect(up.status, await up.clone().text()).toBe(200);
      return cookie;
    };
    const cookies: string[] = [];
    for (let i = 1; i <= UNITS; i += 10) {
      cookies.push(...(await Promise.all(Array.from({ length: Math.min(10, UNITS - i + 1) }, (_, k) => fillIn(i + k)))));
    }
    closeDb();

    // All at once, each unit twice (a double-click).
    const responses = await Promise.all(cookies.flatMap((cookie) => [0, 1].map(() => postForm(server, "/self", { intent: "submit" }, { cookie }))));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(UNITS);
    expect(statuses.filter((s) => s === 409)).toHaveLength(UNITS);

    process.env.DATA_DIR = server.dataDir;
    const db = getDb();
    const subs = db.select().from(submissions).where(eq(submissions.cycleId, cycleId)).all();
    expect(subs).toHaveLength(UNITS);
    expect(subs.every((s) => s.status === "submitted")).toBe(true);
    const events = db.select().from(submissionEvents).all().filter((e) => subs.some((s) => s.id === e.submissionId));
    const submitEvents = events.filter((e) => e.kind === "submit");
    expect(submitEvents).toHaveLength(UNITS);
    expect(new Set(submitEvents.map((e) => e.submissionId)).size).toBe(UNITS);
    const audited = db
      .select()
      .from(auditLog)
      .all()
      .filter((a) => a.entityType === "submission" && /submit/.test(a.action) && subs.some((s) => String(s.id) === a.entityId));
    expect(audited).toHaveLength(UNITS);
    closeDb();
    const verify = await auditVerify();
    expect(verify.code, verify.out).toBe(0);
  }, 300_000);
});
