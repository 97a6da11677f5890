import { and, count, desc, eq, inArray, isNotNull } from "drizzle-orm";
import PQueue from "p-queue";
import type { Db } from "../../../db/client";
import { cycles, siteCheckWindows, siteCrawls, siteObservations, siteProposals } from "../../../db/schema";
import { cycleAllows } from "../../domain/cycle-capabilities";
import { beijingToday } from "../../utils/beijing-time";
import { cycleUnits, type Reader } from "../evaluation-context.server";
import { checkUrl, SiteCheckRefused } from "./address-guard.server";
import { crawlSite, DEFAULT_SETTINGS, visitHome, type CheckSettings, type CrawlResult, type Observation } from "./checker.server";
import { availabilityOf, siteConditions } from "./conditions";
import { HostPacer } from "./http-fetch.server";
import { isColumnKind, type ColumnKind } from "./rules";
import { screenshotChromium, takeScreenshots } from "./screenshots.server";
import { storeSnapshot } from "./snapshots.server";
import { listWebsites, type WebsiteView } from "./websites.server";
import type { WindowRow } from "./windows.server";

/**
 * The monitoring job (网站检查), run by a timer inside the server. For each cycle whose window has
 * begun (and whose evaluation is open), for each website of its units: one availability visit per
 * slot of the schedule (visits per day spread evenly from the window's start; the slot is part of
 * the visit's unique key, so a restart — or a second run — never counts a visit twice; a slot
 * missed while the server was down is simply not visited), one crawl (freshness, links, messages)
 * stored with its observations in one transaction, and at the window's end the proposed findings.
 * All state is in the database, so after a restart the job carries on where it was.
 */

const DAY_MS = 86_400_000;

export function slotMs(w: Pick<WindowRow, "visitsPerDay">): number {
  return DAY_MS / w.visitsPerDay;
}

/** Visits the schedule plans for the whole window. */
export function plannedVisits(w: Pick<WindowRow, "visitsPerDay" | "startsAt" | "endsAt">): number {
  return Math.ceil((Date.parse(w.endsAt) - Date.parse(w.startsAt)) / slotMs(w));
}

function settingsOf(w: WindowRow): CheckSettings {
  return {
    ...DEFAULT_SETTINGS,
    timeoutMs: w.timeoutMs,
    depth: w.depth,
    pageBudget: w.pageBudget,
    perHostPerSecond: w.perHostPerSecond,
    replyDays: w.replyDays,
    userAgent: w.userAgent,
    allowPrivate: w.allowPrivate,
  };
}

/** The websites a window checks: those of the cycle's units. */
export function windowWebsites(db: Reader, w: WindowRow): WebsiteView[] {
  return listWebsites(
    db,
    cycleUnits(db, w.cycleId).map((u) => u.id),
  );
}

/** Why the checker will not visit a website under the window's allowance, or null. */
export function websiteRefusal(site: Pick<WebsiteView, "url" | "columns">, w: Pick<WindowRow, "allowPrivate">): string | null {
  try {
    checkUrl(site.url, w.allowPrivate);
    for (const c of site.columns) checkUrl(c.url, w.allowPrivate);
    return null;
  } catch (error) {
    if (error instanceof SiteCheckRefused) return error.message;
    throw error;
  }
}

function insertObservation(db: Db, windowId: number, websiteId: number, o: Observation, slot: number | null): void {
  db.transaction((tx) => {
    const at = o.at.toISOString();
    const snapshotSha = o.snapshot ? storeSnapshot(tx, o.snapshot, at) : null;
    tx.insert(siteObservations)
      .values({ windowId, websiteId, role: o.role, slot, url: o.url, at, status: o.status, error: o.error, ttfbMs: o.ttfbMs, snapshotSha })
      .onConflictDoNothing()
      .run();
  });
}

async function visitIfDue(db: Db, w: WindowRow, site: WebsiteView, now: Date, pacer: HostPacer): Promise<boolean> {
  const slot = Math.floor((now.getTime() - Date.parse(w.startsAt)) / slotMs(w));
  const done = db
    .select({ id: siteObservations.id })
    .from(siteObservations)
    .where(and(eq(siteObservations.windowId, w.id), eq(siteObservations.websiteId, site.id), eq(siteObservations.slot, slot)))
    .get();
  if (done) return false;
  let seen: Observation | null = null;
  await visitHome(site.url, settingsOf(w), pacer, (o) => {
    seen = o;
  });
  insertObservation(db, w.id, site.id, seen!, slot);
  return true;
}

async function crawlIfNotDone(db: Db, w: WindowRow, site: WebsiteView, now: Date, pacer: HostPacer): Promise<boolean> {
  if (crawlOf(db, w.id, site.id)) return false;
  const seen: Observation[] = [];
  const columns = site.columns
    .filter((c): c is typeof c & { kind: ColumnKind } => isColumnKind(c.kind))
    .map((c) => ({ kind: c.kind, url: c.url, freshnessDays: w.freshnessDays[c.kind] }));
  const result = await crawlSite(site.url, columns, settingsOf(w), pacer, now, (o) => seen.push(o));
  db.transaction((tx) => {
    if (tx.select({ id: siteCrawls.id }).from(siteCrawls).where(and(eq(siteCrawls.windowId, w.id), eq(siteCrawls.websiteId, site.id))).get()) return;
    for (const o of seen) {
      const at = o.at.toISOString();
      const snapshotSha = o.snapshot ? storeSnapshot(tx, o.snapshot, at) : null;
      tx.insert(siteObservations).values({ windowId: w.id, websiteId: site.id, role: o.role, slot: null, url: o.url, at, status: o.status, error: o.error, ttfbMs: o.ttfbMs, snapshotSha }).run();
    }
    tx.insert(siteCrawls).values({ windowId: w.id, websiteId: site.id, at: now.toISOString(), result: result as unknown as Record<string, unknown> }).run();
  });
  return true;
}

/**
 * At the window's end, when Chromium is installed: a screenshot of the home page and each column
 * (once; the PNGs stored content-addressed like the HTML snapshots).
 */
async function screenshotIfNotDone(db: Db, w: WindowRow, site: WebsiteView): Promise<boolean> {
  const chromiumPath = screenshotChromium();
  if (!chromiumPath) return false;
  const taken = (r: Reader) =>
    r
      .select({ id: siteObservations.id })
      .from(siteObservations)
      .where(and(eq(siteObservations.windowId, w.id), eq(siteObservations.websiteId, site.id), eq(siteObservations.role, "screenshot")))
      .get();
  if (taken(db)) return false;
  const shots = await takeScreenshots(chromiumPath, [site.url, ...site.columns.map((c) => c.url)], { timeoutMs: w.timeoutMs, userAgent: w.userAgent, allowPrivate: w.allowPrivate });
  db.transaction((tx) => {
    if (taken(tx)) return;
    for (const s of shots) {
      const at = s.at.toISOString();
      const snapshotSha = s.png ? storeSnapshot(tx, s.png, at) : null;
      tx.insert(siteObservations).values({ windowId: w.id, websiteId: site.id, role: "screenshot", slot: null, url: s.url, at, status: s.status, error: s.error, ttfbMs: null, snapshotSha }).run();
    }
  });
  return true;
}

function crawlOf(db: Reader, windowId: number, websiteId: number) {
  return db.select().from(siteCrawls).where(and(eq(siteCrawls.windowId, windowId), eq(siteCrawls.websiteId, websiteId))).get() ?? null;
}

/** The availability visits of a website in a window. */
export function visitsOf(db: Reader, windowId: number, websiteId: number) {
  return db
    .select()
    .from(siteObservations)
    .where(and(eq(siteObservations.windowId, windowId), eq(siteObservations.websiteId, websiteId), isNotNull(siteObservations.slot)))
    .orderBy(siteObservations.slot)
    .all();
}

const visitFailed = (v: { status: number | null; error: string | null }) => v.error !== null || v.status === null || v.status >= 400;

/** The conditions of a website in a window so far: availability from its visits, the rest from its crawl. */
export function websiteConditions(db: Reader, w: WindowRow, websiteId: number) {
  const crawl = crawlOf(db, w.id, websiteId);
  if (!crawl) return null;
  const result = crawl.result as unknown as CrawlResult;
  const availability = availabilityOf(visitsOf(db, w.id, websiteId).map((v) => ({ failed: visitFailed(v) })));
  return {
    crawl,
    result,
    availability,
    conditions: siteConditions({ home: result.home, availability, columns: result.columns, brokenLinks: result.brokenLinks, today: beijingToday(new Date(crawl.at)), replyDays: w.replyDays }),
  };
}

/** At the window's end: the website's conditions become proposed findings (once). */
function propose(db: Db, w: WindowRow, site: WebsiteView, now: Date): number {
  const found = websiteConditions(db, w, site.id);
  if (!found || found.crawl.proposedAt) return 0;
  return db.transaction((tx) => {
    let n = 0;
    for (const c of found.conditions) {
      const observationId =
        c.code === "unreachable"
          ? visitsOf(tx, w.id, site.id).filter(visitFailed).at(-1)?.id
          : tx
              .select({ id: siteObservations.id })
              .from(siteObservations)
              .where(and(eq(siteObservations.windowId, w.id), eq(siteObservations.websiteId, site.id), eq(siteObservations.url, c.url), inArray(siteObservations.role, ["home", "column", "page"])))
              .orderBy(desc(siteObservations.id))
              .get()?.id;
      const row = tx
        .insert(siteProposals)
        .values({ windowId: w.id, websiteId: site.id, unitId: site.unitId, code: c.code, url: c.url, message: c.message, observationId: observationId ?? null, createdAt: now.toISOString() })
        .onConflictDoNothing()
        .returning()
        .get();
      if (row) n++;
    }
    tx.update(siteCrawls).set({ proposedAt: now.toISOString() }).where(eq(siteCrawls.id, found.crawl.id)).run();
    return n;
  });
}

export interface JobRun {
  visits: number;
  crawls: number;
  proposals: number;
}

/** The windows under way at `now`: begun, of a cycle whose evaluation is open. */
function activeWindows(db: Db, now: Date): WindowRow[] {
  return db
    .select({ w: siteCheckWindows, status: cycles.status })
    .from(siteCheckWindows)
    .innerJoin(cycles, eq(cycles.id, siteCheckWindows.cycleId))
    .all()
    .filter((r) => cycleAllows(r.status, "evaluate") && Date.parse(r.w.startsAt) <= now.getTime())
    .map((r) => r.w);
}

/** Websites visited at once (each host keeps its own pace). */
const VISIT_CONCURRENCY = 8;

/** The availability visits due at `now`, several websites at a time. */
export async function runSiteVisits(db: Db, now: Date): Promise<number> {
  let visits = 0;
  for (const w of activeWindows(db, now)) {
    if (now.getTime() >= Date.parse(w.endsAt)) continue;
    const pacer = new HostPacer(w.perHostPerSecond);
    const queue = new PQueue({ concurrency: VISIT_CONCURRENCY });
    for (const site of windowWebsites(db, w)) {
      if (websiteRefusal(site, w)) continue;
      void queue.add(async () => {
        if (await visitIfDue(db, w, site, now, pacer)) visits++;
      });
    }
    await queue.onIdle();
  }
  return visits;
}

/** The crawls not yet made, and at a window's end its proposals. */
export async function runSiteCrawls(db: Db, now: Date): Promise<{ crawls: number; proposals: number }> {
  const run = { crawls: 0, proposals: 0 };
  for (const w of activeWindows(db, now)) {
    const pacer = new HostPacer(w.perHostPerSecond);
    for (const site of windowWebsites(db, w)) {
      if (websiteRefusal(site, w)) continue;
      if (await crawlIfNotDone(db, w, site, now, pacer)) run.crawls++;
      if (now.getTime() >= Date.parse(w.endsAt)) {
        await screenshotIfNotDone(db, w, site);
        run.proposals += propose(db, w, site, now);
      }
    }
  }
  return run;
}

export interface JobRun {
  visits: number;
  crawls: number;
  proposals: number;
}

/** One run of the whole job at `now`: the visits due, then the crawls and proposals. */
export async function runSiteCheckJobs(db: Db, now: Date): Promise<JobRun> {
  const visits = await runSiteVisits(db, now);
  return { visits, ...(await runSiteCrawls(db, now)) };
}

export interface WindowProgress {
  state: "scheduled" | "running" | "ended";
  websites: number;
  refused: { websiteId: number; url: string; reason: string }[];
  plannedVisits: number;
  visitsDone: number;
  crawlsDone: number;
  proposed: number;
}

/** How far a window's job has come (shown on the page). */
export function windowProgress(db: Reader, w: WindowRow, now = new Date()): WindowProgress {
  const sites = windowWebsites(db, w);
  const refused = sites.flatMap((s) => {
    const reason = websiteRefusal(s, w);
    return reason ? [{ websiteId: s.id, url: s.url, reason }] : [];
  });
  const n = (table: typeof siteObservations | typeof siteCrawls | typeof siteProposals, where: ReturnType<typeof and>) => db.select({ n: count() }).from(table).where(where).get()!.n;
  const state = now.getTime() < Date.parse(w.startsAt) ? "scheduled" : now.getTime() < Date.parse(w.endsAt) ? "running" : "ended";
  return {
    state,
    websites: sites.length,
    refused,
    plannedVisits: plannedVisits(w) * (sites.length - refused.length),
    visitsDone: n(siteObservations, and(eq(siteObservations.windowId, w.id), isNotNull(siteObservations.slot))),
    crawlsDone: n(siteCrawls, eq(siteCrawls.windowId, w.id)),
    proposed: n(siteProposals, eq(siteProposals.windowId, w.id)),
  };
}

/**
 * The server's timers (started once by bootstrap): every minute the visits due, and — on their own
 * loop, so a long crawl never delays a visit — the crawls and proposals; neither runs twice at once.
 * An unexpected error is logged and the next tick tries again.
 */
export function startSiteCheckTimer(db: () => Db): () => void {
  const loop = (name: string, work: (now: Date) => Promise<unknown>) => {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await work(new Date());
      } catch (error) {
        console.error(`网站检查${name}出错：${error instanceof Error ? (error.stack ?? error.message) : error}`);
      } finally {
        running = false;
      }
    };
    const timer = setInterval(tick, 60_000);
    timer.unref();
    void tick();
    return timer;
  };
  const timers = [loop("访问", (now) => runSiteVisits(db(), now)), loop("栏目与链接检查", (now) => runSiteCrawls(db(), now))];
  return () => timers.forEach((t) => clearInterval(t));
}
