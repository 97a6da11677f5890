import fs from "node:fs";
import { asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { categories, organizations, units, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { rowCounts, useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import * as login from "../../app/routes/login";
import * as home from "../../app/routes/_index";

// The demo district (npm run seed:demo): the accounts exactly as issue 2 names them, all with
// password Demo#2026, and the README listing them with a warning.

useTempDataDir();

const PASSWORD = "Demo#2026";
let firstCounts: Record<string, number>;

const counts = () => rowCounts({ categories, units, organizations, users });

beforeAll(async () => {
  await seedDemo();
  firstCounts = counts();
  await seedDemo();
});

const allUsers = () =>
  getDb()
    .select({ username: users.username, role: users.role, unitId: users.unitId, orgId: users.orgId, active: users.active })
    .from(users)
    .orderBy(asc(users.id))
    .all();
const unitsInOrder = () => getDb().select().from(units).orderBy(asc(units.sortOrder), asc(units.id)).all();

describe("demo district", () => {
  it("has at least 12 units across at least two categories, with 街道办事处 and the named 区级部门", () => {
    const list = unitsInOrder();
    expect(list.length).toBeGreaterThanOrEqual(12);
    const cats = getDb().select().from(categories).all();
    expect(cats.length).toBeGreaterThanOrEqual(2);
    const byCategory = new Map<string, string[]>();
    for (const u of list) {
      const cat = cats.find((c) => c.id === u.categoryId)!.name;
      byCategory.set(cat, [...(byCategory.get(cat) ?? []), u.name]);
    }
    expect(byCategory.size).toBeGreaterThanOrEqual(2);
    expect(list.filter((u) => u.name.endsWith("街道办事处")).length).toBeGreaterThanOrEqual(3);
    for (const name of ["区教育局", "区卫生健康局", "区交通运输局", "区住房和城乡建设局", "区市场监督管理局"]) {
      expect(byCategory.get("区级部门")).toContain(name);
    }
  });

  it("has admin (office), dept-001… one per unit in unit order, eval-001… in one organisation, and leader", () => {
    const list = unitsInOrder();
    const accounts = allUsers();
    const depts = accounts.filter((u) => u.role === "department");
    expect(depts.map((u) => u.username)).toEqual(list.map((_, i) => `dept-${String(i + 1).padStart(3, "0")}`));
    expect(depts.map((u) => u.unitId)).toEqual(list.map((u) => u.id));

    const evals = accounts.filter((u) => u.role === "evaluator");
    expect(evals.length).toBeGreaterThanOrEqual(4);
    expect(evals.map((u) => u.username)).toEqual(evals.map((_, i) => `eval-${String(i + 1).padStart(3, "0")}`));
    expect(new Set(evals.map((u) => u.orgId)).size).toBe(1);
    expect(evals[0].orgId).not.toBeNull();
    // Exactly one evaluator is bound to a unit (conflict-of-interest tests): eval-004 to 区教育局.
    const bound = evals.filter((u) => u.unitId !== null);
    expect(bound.map((u) => u.username)).toEqual(["eval-004"]);
    expect(list.find((u) => u.id === bound[0].unitId)!.name).toBe("区教育局");

    expect(accounts.filter((u) => u.role === "office").map((u) => u.username)).toEqual(["admin"]);
    expect(accounts.filter((u) => u.role === "leader").map((u) => u.username)).toEqual(["leader"]);
    expect(accounts.every((u) => u.active)).toBe(true);
    expect(accounts).toHaveLength(1 + list.length + evals.length + 1);
  });

  it("every demo account signs in with Demo#2026 and lands on its role's home page", async () => {
    for (const account of allUsers()) {
      const res = await run(login.action, makeRequest("/login", { form: { username: account.username, password: PASSWORD, redirectTo: "/" } }), {}, { clientIp: `10.9.${account.username.length}.1` });
      expect(res.status, account.username).toBe(302);
      const page = await run(home.loader, makeRequest("/", { cookie: res.headers.get("Set-Cookie")!.split(";")[0] }));
      expect(page.data.role, account.username).toBe(account.role);
    }
  });

  it("is idempotent: seeding again adds nothing and keeps changed passwords", async () => {
    expect(counts()).toEqual(firstCounts);
    const admin = getDb().select().from(users).where(eq(users.username, "admin")).get()!;
    getDb().update(users).set({ passwordHash: "scrypt$changed" }).where(eq(users.id, admin.id)).run();
    await seedDemo();
    expect(getDb().select().from(users).where(eq(users.id, admin.id)).get()!.passwordHash).toBe("scrypt$changed");
    expect(counts()).toEqual(firstCounts);
  });

  it("is listed in the README with the password and a warning to change it", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const unitCount = unitsInOrder().length;
    const evalCount = allUsers().filter((u) => u.role === "evaluator").length;
    expect(readme).toContain("`Demo#2026`");
    expect(readme).toMatch(/Change them/);
    expect(readme).toContain("`admin`");
    expect(readme).toContain(`\`dept-001\` … \`dept-${String(unitCount).padStart(3, "0")}\``);
    expect(readme).toContain(`\`eval-001\` … \`eval-${String(evalCount).padStart(3, "0")}\``);
    expect(readme).toContain("`leader`");
  });
});
