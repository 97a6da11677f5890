import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as setPage from "../../app/routes/cycles.$cycleId.sets.$setId";
import * as previewPage from "../../app/routes/cycles.$cycleId.sets.$setId.preview";
import { createCycle, getIndicatorSet } from "../../app/services/cycles.server";
import { getDb } from "../../db/client";
import { categories, indicatorNodes, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

// Issue 14 item 11 through the real loaders and actions: the editor's tree and the preview show
// rules as sentences, fault codes left empty are generated and Chinese codes kept, and the preview
// never shows internal names such as the package category “preview”.

useTempDataDir();

let admin = "";
let ids = { cycleId: 0, setId: 0 };
const db = () => getDb();
const nodeOf = (code: string) => db().select().from(indicatorNodes).where(and(eq(indicatorNodes.setId, ids.setId), eq(indicatorNodes.code, code))).get()!;
const params = () => ({ cycleId: String(ids.cycleId), setId: String(ids.setId) });
const editor = () => run(setPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}`, { cookie: admin }), params());
const act = (form: Record<string, string | string[]>) => run(setPage.action, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}`, { cookie: admin, form }), params());
const preview = () => run(previewPage.loader, makeRequest(`/cycles/${ids.cycleId}/sets/${ids.setId}/preview?mode=half`, { cookie: admin }), params());

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
  const u = db().select().from(users).where(eq(users.username, "admin")).get()!;
  const cycleId = createCycle(getDb(), { id: u.id, name: u.displayName }, { year: 2026, source: "template" });
  const category = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!;
  ids = { cycleId, setId: getIndicatorSet(cycleId, category.id, getDb())!.id };
});

describe("rules shown as sentences", () => {
  it("the tree lists every leaf's rule as a sentence, never the stored code:label:points form", async () => {
    const page = await editor();
    const leaves = (page.data.rows as { isLeaf: boolean; rule: string; code: string }[]).filter((r) => r.isLeaf);
    expect(leaves.length).toBeGreaterThan(10);
    for (const leaf of leaves) expect(leaf.rule).not.toMatch(/[A-Za-z_]+:|扣分制：|:\d/);
    const deduction = leaves.find((l) => l.rule.includes("每处扣"))!;
    expect(deduction.rule).toMatch(/；最多扣\d+(\.\d+)?分（扣完为止）$/);
  });

  it("saves a deduction leaf with one fault code left empty and one in Chinese, and shows it as a sentence", async () => {
    const leaf = nodeOf("1.1");
    const res = await act({
      intent: "save",
      nodeId: String(leaf.id),
      code: "1.1",
      name: leaf.name,
      points: String(leaf.points),
      dimension: leaf.dimension ?? "",
      ruleType: "deduction",
      faultCode: ["", "过期"],
      faultLabel: ["未编制目录", "目录未及时更新"],
      faultPoints: ["4", "0.5"],
    });
    expect(res.status).toBe(200);
    expect(nodeOf("1.1").rule).toEqual({
      type: "deduction",
      faults: [
        { code: "F1", label: "未编制目录", points: 4 },
        { code: "过期", label: "目录未及时更新", points: 0.5 },
      ],
    });
    const row = (await editor()).data.rows.find((r: { code: string }) => r.code === "1.1");
    expect(row.rule).toBe(`未编制目录每处扣4分；目录未及时更新每处扣0.5分；最多扣${leaf.points}分（扣完为止）`);
  });

  it("the preview shows the same sentences and names the set by its category, never “preview”", async () => {
    // Base points below 100 make the engine warn about the set by name.
    const res = await act({ intent: "delete", nodeId: String(nodeOf("7").id) });
    expect(res.status).toBe(200);
    const page = await preview();
    expect(page.status).toBe(200);
    expect(page.data.leaves.find((l: { code: string }) => l.code === "1.1").rule).toMatch(/^未编制目录每处扣4分；目录未及时更新每处扣0\.5分；最多扣/);
    expect(page.data.preview.ok).toBe(true);
    expect(page.data.preview.warnings.join("")).toContain("“区级部门”指标体系基础部分分值合计");
    // Every text a person reads on the page.
    const shown = [
      ...page.data.preview.warnings,
      ...page.data.preview.units.flatMap((u: { name: string; explain: string; notes: string[]; leaves: { explain: string }[] }) => [
        u.name,
        u.explain,
        ...u.notes,
        ...u.leaves.map((l) => l.explain),
      ]),
    ].join("\n");
    expect(shown).not.toMatch(/preview/i);
  });
});
