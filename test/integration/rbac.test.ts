import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { leafOwnerOf, pdfBytes } from "../helpers/evidence-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { routeFiles, type RouteFn, type RouteModule } from "../helpers/routes";
import * as evidenceRoute from "../../app/routes/evidence.$fileId";
import * as unitRoute from "../../app/routes/admin.units.$unitId";
import * as usersRoute from "../../app/routes/admin.users._index";
import * as userRoute from "../../app/routes/admin.users.$userId";
import * as passwordRoute from "../../app/routes/account.password";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { verifyPassword } from "../../app/utils/password.server";

useTempDataDir();

/** Self-service actions every signed-in role may post to (their own session and password). */
// Every user acts on their own session, password and notification centre (marking messages read).
const SELF_SERVICE = new Set(["login", "logout", "account.password", "notifications"]);

const TAMPERED_FORM = { intent: "create", id: "1", code: "HACK01", name: "越权写入", username: "hacker", role: "office", categoryId: "1", unitId: "1" };

let cookies: Record<string, string> = {};
const auditCount = () => getDb().select().from(auditLog).all().length;
const userRow = (username: string) => getDb().select().from(users).where(eq(users.username, username)).get()!;
const unitOf = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!;

beforeAll(async () => {
  await seedDemo();
  for (const u of ["admin", "dept-001", "dept-002", "eval-001", "leader"]) cookies[u] = await sessionCookieFor(u);
});

describe("office-only pages", () => {
  const adminRoutes = routeFiles().filter((r) => r.id.startsWith("admin."));

  it("exist to be checked", () => {
    expect(adminRoutes.map((r) => r.id)).toEqual(expect.arrayContaining(["admin.users._index", "admin.users.$userId", "admin.audit", "admin.units._index"]));
  });

  for (const username of ["dept-001", "eval-001", "leader"]) {
    it(`refuse ${username} with 403 on every admin loader and action, writing nothing`, async () => {
      const before = auditCount();
      const outcomes: string[] = [];
      for (const route of adminRoutes) {
        const mod = (await import(route.file)) as RouteModule;
        if (mod.loader) {
          const res = await run(mod.loader, makeRequest(route.url, { cookie: cookies[username] }), route.params);
          outcomes.push(`GET ${route.id} ${res.status}`);
        }
        if (mod.action) {
          const res = await run(mod.action, makeRequest(route.url, { cookie: cookies[username], form: TAMPERED_FORM }), route.params);
          outcomes.push(`POST ${route.id} ${res.status}`);
        }
      }
      expect(outcomes.length).toBeGreaterThan(adminRoutes.length);
      expect(outcomes.filter((o) => !o.endsWith(" 403"))).toEqual([]);
      expect(auditCount()).toBe(before);
    });
  }
});

describe("a leader never writes", () => {
  it("gets 403 from every action except its own login, logout, password and notifications", async () => {
    const before = auditCount();
    const refused: string[] = [];
    const allowed: string[] = [];
    for (const route of routeFiles()) {
      const mod = (await import(route.file)) as RouteModule;
      if (!mod.action || SELF_SERVICE.has(route.id)) continue;
      const res = await run(mod.action, makeRequest(route.url, { cookie: cookies.leader, form: TAMPERED_FORM }), route.params);
      (res.status === 403 ? refused : allowed).push(`${route.id} ${res.status}`);
    }
    expect(allowed).toEqual([]);
    expect(refused.length).toBeGreaterThan(5);
    expect(auditCount()).toBe(before);
    expect(getDb().select().from(units).where(eq(units.code, "HACK01")).get()).toBeUndefined();
    expect(getDb().select().from(users).where(eq(users.username, "hacker")).get()).toBeUndefined();
  });
});

describe("a department user tampering with ids", () => {
  let ownFile = 0;
  let otherFile = 0;
  const secret = pdfBytes("东湖街道内部材料");

  beforeAll(async () => {
    const actor = { id: userRow("dept-002").id, name: "东湖街道办事处填报员（dept-002）" };
    async function* once(bytes: Uint8Array) {
      yield bytes;
    }
    const other = await saveUploadedEvidence(getDb(), {
      actor,
      unitId: unitOf("JD002").id,
      ownerType: "submission_leaf",
      ownerId: leafOwnerOf(unitOf("JD002").id),
      part: { filename: "东湖街道内部材料.pdf", data: once(secret) },
    });
    const own = await saveUploadedEvidence(getDb(), {
      actor: { id: userRow("dept-001").id, name: "城关街道办事处填报员（dept-001）" },
      unitId: unitOf("JD001").id,
      ownerType: "submission_leaf",
      ownerId: leafOwnerOf(unitOf("JD001").id),
      part: { filename: "本单位材料.pdf", data: once(pdfBytes("城关")) },
    });
    otherFile = other.id;
    ownFile = own.id;
  });

  const openEvidence = (id: string, cookie: string) => run(evidenceRoute.loader as RouteFn, makeRequest(`/evidence/${id}`, { cookie }), { fileId: id });

  it("opens its own unit's evidence", async () => {
    const res = await openEvidence(String(ownFile), cookies["dept-001"]);
    expect(res.status).toBe(200);
    expect(String(res.data)).toContain("城关");
  });

  it("gets 403 and none of the content for another unit's evidence, and 404 for ids that do not exist", async () => {
    const res = await openEvidence(String(otherFile), cookies["dept-001"]);
    expect(res.status).toBe(403);
    expect(String(res.data)).not.toContain("东湖街道内部材料");
    expect(String(res.data)).not.toContain("%PDF");
    expect(res.headers.get("Content-Disposition")).toBeNull();
    for (const id of ["999999", "0", "-1", "1e3", "..%2F1", "abc"]) {
      const missing = await openEvidence(id, cookies["dept-001"]);
      expect(missing.status, id).toBe(404);
      expect(String(missing.data)).not.toContain("%PDF");
    }
    // Evaluators see only units they are assigned to; none are assigned here.
    expect((await openEvidence(String(otherFile), cookies["eval-001"])).status).toBe(403);
    // The owning unit still can.
    expect((await openEvidence(String(otherFile), cookies["dept-002"])).status).toBe(200);
  });

  it("cannot edit even its own unit through the admin page", async () => {
    const own = unitOf("JD001");
    const res = await run(
      unitRoute.action,
      makeRequest(`/admin/units/${own.id}`, { cookie: cookies["dept-001"], form: { code: own.code, name: "被篡改的名称", categoryId: String(own.categoryId), active: "on" } }),
      { unitId: String(own.id) },
    );
    expect(res.status).toBe(403);
    expect(unitOf("JD001").name).toBe(own.name);
  });

  it("cannot promote itself or create accounts by posting to the users pages", async () => {
    const me = userRow("dept-001");
    const promote = await run(
      userRoute.action,
      makeRequest(`/admin/users/${me.id}`, { cookie: cookies["dept-001"], form: { intent: "update", displayName: me.displayName, role: "office", unitId: "", orgId: "" } }),
      { userId: String(me.id) },
    );
    expect(promote.status).toBe(403);
    expect(userRow("dept-001").role).toBe("department");
    const create = await run(
      usersRoute.action,
      makeRequest("/admin/users", {
        cookie: cookies["dept-001"],
        form: { username: "sneaky", displayName: "x", role: "office", unitId: "", orgId: "", password: "Sneaky#2026", passwordConfirm: "Sneaky#2026" },
      }),
    );
    expect(create.status).toBe(403);
    expect(getDb().select().from(users).where(eq(users.username, "sneaky")).get()).toBeUndefined();
  });

  it("changes only its own password, whatever user id or name the form carries", async () => {
    const victim = userRow("dept-002");
    const res = await run(
      passwordRoute.action,
      makeRequest("/account/password", {
        cookie: cookies["dept-001"],
        form: { userId: String(victim.id), username: victim.username, currentPassword: "Demo#2026", newPassword: "Mine#20261", confirmPassword: "Mine#20261" },
      }),
    );
    expect(res.status).toBe(200);
    expect(userRow("dept-002").passwordHash).toBe(victim.passwordHash);
    expect(await verifyPassword("Mine#20261", userRow("dept-001").passwordHash)).toBe(true);
  });
});
