import { getTableColumns, getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, getSqlite } from "../../db/client";
import * as schema from "../../db/schema";
import { loginAs, useBrowser } from "../helpers/browser";
import { pdfText } from "../helpers/pdf-text";
import { routeFiles, type RouteModule } from "../helpers/routes";
import { loginViaHttp, startServer, type TestServer } from "../helpers/server";
import { DEMO_PASSWORD } from "../../seeds/demo/district";

/**
 * Stored XSS, generated from the schema and the route list: every free-text column of every table
 * gets a script payload appended (straight into the database, so even text that validation would
 * refuse today is covered), then every page of every role is opened in Chromium. No payload may
 * become markup anywhere (no injected element, no script run, nothing breaking out of the
 * hydration data), and in the Excel export it stays plain text, never a formula.
 */

let server: TestServer;
const browser = useBrowser();

const PAYLOAD = `"'></textarea></script><img src=x data-xss=1 onerror="window.__xss=1"><script>window.__xss=1</script>`;
/** Columns that hold free text people type (names, narratives, reasons, comments …). */
const FREE_TEXT = /(^|_)(name|title|narrative|reason|comment|description|response|guidance|criteria|basis|label|summary|note|notes|message)$/;
/** Never touched: the hash-chained audit log (editing it is tampering, tested elsewhere) and login identifiers. */
const SKIP_TABLES = new Set(["audit_log", "__drizzle_migrations"]);

const payloaded: string[] = [];

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  getDb();
  const sqlite = getSqlite();
  for (const value of Object.values(schema)) {
    if (!is(value, SQLiteTable)) continue;
    const table = getTableName(value);
    if (SKIP_TABLES.has(table)) continue;
    for (const column of Object.values(getTableColumns(value))) {
      if (column.columnType !== "SQLiteText" || (column.enumValues?.length ?? 0) > 0 || !FREE_TEXT.test(column.name)) continue;
      try {
        const n = sqlite.prepare(`UPDATE "${table}" SET "${column.name}" = "${column.name}" || ? WHERE "${column.name}" IS NOT NULL`).run(PAYLOAD).changes;
        if (n > 0) payloaded.push(`${table}.${column.name}`);
      } catch (error) {
        throw new Error(`could not put the payload into ${table}.${column.name}: ${error}`);
      }
    }
  }
  closeDb();
}, 180_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

/** Real ids for each kind of URL param, taken from the (demo) database. */
function idsByParam(): Record<string, string[]> {
  process.env.DATA_DIR = server.dataDir;
  const db = getDb();
  const first = <T>(rows: T[], n = 2) => rows.slice(0, n);
  const out: Record<string, string[]> = {
    unitId: first(db.select().from(schema.units).all()).map((r) => String(r.id)),
    userId: first(db.select().from(schema.users).all()).map((r) => String(r.id)),
    cycleId: db.select().from(schema.cycles).all().map((r) => String(r.id)),
    year: db.select().from(schema.cycles).all().map((r) => String(r.year)),
    setId: first(db.select().from(schema.indicatorSets).all()).map((r) => String(r.id)),
    nodeId: first(db.select().from(schema.indicatorNodes).all(), 2).map((r) => String(r.id)),
    submissionId: first(db.select().from(schema.submissions).all(), 2).map((r) => String(r.id)),
    batchId: first(db.select().from(schema.spotCheckBatches).all()).map((r) => String(r.id)),
    rectId: first(db.select().from(schema.rectifications).all()).map((r) => String(r.id)),
    appealId: first(db.select().from(schema.appeals).all()).map((r) => String(r.id)),
    findingId: first(db.select().from(schema.findings).all()).map((r) => String(r.id)),
    assignmentId: first(db.select().from(schema.evaluatorAssignments).all()).map((r) => String(r.id)),
  };
  closeDb();
  return out;
}

async function pageUrls(): Promise<string[]> {
  const ids = idsByParam();
  const urls: string[] = [];
  for (const route of routeFiles()) {
    const mod = (await import(route.file)) as RouteModule & { default?: unknown };
    if (!mod.default || !mod.loader) continue; // resource routes have no page
    if (route.paramNames.length === 0) {
      urls.push(route.url);
      continue;
    }
    // Each value of the first param with the first value of the others (a few pages per route).
    const [lead, ...rest] = route.paramNames;
    for (const v of ids[lead] ?? []) {
      const params: Record<string, string> = { [lead]: v };
      for (const p of rest) params[p] = ids[p]?.[0] ?? "1";
      urls.push(route.urlFor(params));
    }
  }
  return urls;
}

async function probe(page: Page, url: string): Promise<string[]> {
  const problems: string[] = [];
  const res = await page.goto(server.url + url, { waitUntil: "domcontentloaded" });
  // Hydrated: React has rendered the page again from the serialised loader data (its elements carry fiber keys).
  await page.waitForFunction(
    () => {
      const el = document.querySelector("main *") ?? document.body.firstElementChild;
      return !!el && Object.keys(el).some((k) => k.startsWith("__reactFiber"));
    },
    null,
    { timeout: 15_000 },
  );
  const found = await page.evaluate(() => ({
    ran: (window as unknown as { __xss?: number }).__xss ?? null,
    injected: document.querySelectorAll("img[data-xss], script:not([src]):not([nonce])").length,
  }));
  if (found.ran !== null) problems.push(`${url} (${res?.status()}): a payload script ran`);
  if (found.injected > 0) problems.push(`${url} (${res?.status()}): ${found.injected} injected element(s)`);
  return problems;
}

describe("stored XSS payloads in every free-text column", () => {
  it("reach the database in the columns people type into", () => {
    for (const col of ["units.name", "users.display_name", "submission_answers.narrative", "indicator_nodes.guidance", "categories.name"]) {
      expect(payloaded).toContain(col);
    }
  });

  for (const username of ["admin", "leader", "dept-002", "eval-002"]) {
    it(`render as inert text on every page ${username} can open`, async () => {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await loginAs(page, server.url, username, DEMO_PASSWORD);
      const problems: string[] = [];
      const urls = await pageUrls();
      expect(urls.length).toBeGreaterThan(20);
      let shown = 0;
      for (const url of urls) {
        problems.push(...(await probe(page, url)));
        if ((await page.locator("body").textContent())?.includes("<img src=x data-xss=1")) shown++;
      }
      expect(problems).toEqual([]);
      expect(dialogs).toEqual([]);
      // The payload was on screen (as text) on some of the pages.
      expect(shown).toBeGreaterThan(0);
    }, 300_000);
  }

  it("stays plain text in the exports: never a formula in Excel, never script in the PDF", async () => {
    process.env.DATA_DIR = server.dataDir;
    const years = getDb()
      .select()
      .from(schema.cycleResults)
      .all()
      .map((r) => r.cycleId);
    const cycle = getDb().select().from(schema.cycles).all().find((c) => years.includes(c.id));
    closeDb();
    expect(cycle, "the demo has a cycle with results").toBeTruthy();
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    const res = await fetch(`${server.url}/results/${cycle!.year}/export/xlsx`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    let payloadCells = 0;
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type, `${ws.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === "string" && cell.value.includes("<script>window.__xss=1</script>")) payloadCells++;
        }),
      ),
    );
    expect(payloadCells).toBeGreaterThan(0);

    // The PDF report: the payload is printed as text, and the file carries no script or auto-action.
    const pdf = await fetch(`${server.url}/results/${cycle!.year}/export/pdf`, { headers: { Cookie: cookie } });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    const raw = Buffer.from(bytes).toString("latin1");
    expect(raw).not.toMatch(/\/JavaScript|\/JS\b|\/OpenAction|\/Launch|\/AA\b/);
    expect(await pdfText(bytes)).toContain("<script>window.__xss=1</script>");
  });
});
