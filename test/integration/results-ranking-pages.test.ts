import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import * as resultsIndex from "../../app/routes/results._index";
import { RANKING_PAGE_SIZE } from "../../app/services/results-pages.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import {
  currentResults,
  ResultsChangedError,
  resultsHashes,
  sha256,
  storedDocument,
  storedResultsPieces,
  unitResultOf,
  unitResultChunks,
} from "../../app/services/results.server";
import { seedAccounts } from "../../seeds/demo/accounts";
import { seedSynthetic, SYNTHETIC_ACTOR } from "../../seeds/synthetic/generate";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

useTempDataDir();

const UNITS = 120;
let leader = "";

type Row = { id: string; name: string; category: string; rank: number };
type Page = { rows: Row[]; total: number; page: number; pages: number; notEvaluated: number; category: string | null; q: string; categories: string[] };

async function ranking(query: string): Promise<Page> {
  const res = await run(resultsIndex.loader, makeRequest(`/results?cycle=2030${query}`, { cookie: leader }));
  expect(res.status).toBe(200);
  return res.data as Page;
}

beforeAll(async () => {
  seedAccounts(getDb());
  leader = await sessionCookieFor("leader");
  const seeded = await seedSynthetic(getDb(), { units: UNITS, leaves: 8, year: 2030, selfAssessment: false });
  expect(computeCycleResults(getDb(), seeded.cycleId, SYNTHETIC_ACTOR)).toMatchObject({ ok: true, units: UNITS });
});

describe("the ranking of a large cycle", () => {
  it("is shown page by page, in ranking order, with the page clamped to what exists", async () => {
    const first = await ranking("");
    expect(first).toMatchObject({ total: UNITS, page: 1, pages: Math.ceil(UNITS / RANKING_PAGE_SIZE), notEvaluated: 0 });
    expect(first.rows).toHaveLength(RANKING_PAGE_SIZE);
    const last = await ranking(`&page=${first.pages}`);
    expect(last.rows).toHaveLength(UNITS - (first.pages - 1) * RANKING_PAGE_SIZE);
    const ranks = [first, await ranking("&page=2"), last].flatMap((p) => p.rows.map((r) => r.rank));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set([first, await ranking("&page=2"), last].flatMap((p) => p.rows.map((r) => r.id))).size).toBe(UNITS);
    expect((await ranking("&page=999")).page).toBe(first.pages);
    expect((await ranking("&page=abc")).page).toBe(1);
    expect((await ranking("&page=-3")).page).toBe(1);
  });

  it("filters by category and by a search for the unit's name or code, both kept together", async () => {
    const all = await ranking("");
    const category = all.categories[0];
    const inCategory = await ranking(`&category=${encodeURIComponent(category)}`);
    expect(inCategory.category).toBe(category);
    expect(inCategory.total).toBe(UNITS / 3);
    expect(inCategory.rows.every((r) => r.category === category)).toBe(true);

    const byCode = await ranking("&q=syn-00007");
    expect(byCode.rows.map((r) => r.id)).toEqual(["SYN-00007"]);
    const name = byCode.rows[0].name.slice(0, 2);
    const byName = await ranking(`&q=${encodeURIComponent(name)}`);
    expect(byName.q).toBe(name);
    expect(byName.total).toBeGreaterThan(1);
    expect(byName.rows.every((r) => r.name.includes(name))).toBe(true);
    const both = await ranking(`&q=${encodeURIComponent(name)}&category=${encodeURIComponent(byCode.rows[0].category)}`);
    expect(both.total).toBeGreaterThan(0);
    expect(both.total).toBeLessThanOrEqual(byName.total);
    expect(both.rows.every((r) => r.name.includes(name) && r.category === byCode.rows[0].category)).toBe(true);

    expect((await ranking("&q=不存在的单位")).rows).toEqual([]);
    // An unknown category shows every category; an over-long search is ignored.
    expect((await ranking("&category=不存在")).total).toBe(UNITS);
    expect((await ranking(`&q=${"长".repeat(51)}`)).total).toBe(UNITS);
  });

  it("keeps, for every unit, the very entry of the published results document", () => {
    const cycleId = (getSqlite().prepare("SELECT id FROM cycles WHERE year = 2030").get() as { id: number }).id;
    const meta = currentResults(getDb(), cycleId)!;
    const doc = JSON.parse(storedDocument(getDb(), meta.id, "results")) as { units: { id: string }[] };
    const codeToId = new Map((getSqlite().prepare("SELECT id, code FROM units").all() as { id: number; code: string }[]).map((u) => [u.code, u.id]));
    for (const u of doc.units) expect(unitResultOf(getDb(), meta.id, codeToId.get(u.id)!)).toEqual(u);
    // The export reads them back in ranking order, in chunks.
    expect([...unitResultChunks(getDb(), meta, 7)].flat().map((c) => c.result)).toEqual(doc.units);
  });

  it("streams the results document in pieces, and ends an export when a recompute lands between its chunks", () => {
    const cycleId = (getSqlite().prepare("SELECT id FROM cycles WHERE year = 2030").get() as { id: number }).id;
    const meta = currentResults(getDb(), cycleId)!;
    const text = storedDocument(getDb(), meta.id, "results");
    expect([...storedResultsPieces(getDb(), meta, 7)].join("")).toBe(text);
    expect(sha256(text)).toBe(resultsHashes(getDb(), meta).resultsSha256);

    const chunks = unitResultChunks(getDb(), meta, 7);
    expect(chunks.next().value).toHaveLength(7);
    const pieces = storedResultsPieces(getDb(), meta, 7);
    pieces.next();
    // Meanwhile the office changes the weight (every contribution moves) and recomputes.
    getSqlite().prepare("UPDATE cycles SET openness_weight_pct = 6 WHERE id = ?").run(cycleId);
    expect(computeCycleResults(getDb(), cycleId, SYNTHETIC_ACTOR)).toMatchObject({ ok: true, unchanged: false, units: UNITS });
    expect(currentResults(getDb(), cycleId)!.revision).toBe(meta.revision + 1);
    // The export stops rather than mixing the two computations.
    expect(() => chunks.next()).toThrow(ResultsChangedError);
    expect(() => pieces.next()).toThrow("导出期间考核结果被重新计算，请重新下载");
    // A new export reads the new results whole.
    const now = currentResults(getDb(), cycleId)!;
    expect([...storedResultsPieces(getDb(), now, 7)].join("")).toBe(storedDocument(getDb(), now.id, "results"));
    expect(sha256(storedDocument(getDb(), now.id, "results"))).toBe(resultsHashes(getDb(), now).resultsSha256);
  });

  it("counts the units of the cycle that have no results yet", async () => {
    const category = (await ranking("")).categories[0];
    const categoryId = (getSqlite().prepare("SELECT id FROM categories WHERE name = ?").get(category) as { id: number }).id;
    getSqlite().prepare("INSERT INTO units (code, name, category_id) VALUES ('SYN-NEW', '新设单位', ?)").run(categoryId);
    expect((await ranking("")).notEvaluated).toBe(1);
    expect((await ranking(`&category=${encodeURIComponent(category)}`)).notEvaluated).toBe(1);
    const other = (await ranking("")).categories[1];
    expect((await ranking(`&category=${encodeURIComponent(other)}`)).notEvaluated).toBe(0);
  });
});
