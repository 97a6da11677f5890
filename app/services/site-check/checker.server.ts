import { beijingToday } from "../../utils/beijing-time";
import { daysBetween } from "./chinese-dates";
import { availabilityOf, siteConditions, type Availability, type BrokenLink, type ColumnFinding, type HomeFinding } from "./conditions";
import { decodeBody, failed, fetchPage, HostPacer, type FetchOutcome, type FetchSettings } from "./http-fetch.server";
import { lateMessages, listFreshness, pageLinks } from "./page-analysis";
import { DEFAULT_REPLY_DAYS, type ColumnKind, type Condition } from "./rules";
import { checkUrl } from "./address-guard.server";

/**
 * The website checker (网站检查): timed visits of the home page (availability), then one crawl —
 * the home page's freshness, each configured column's newest dated entry, interaction columns'
 * late messages, and the links of the home page and the level below it within the page budget.
 * Used by the one-shot CLI (app/cli/site-check.ts) and by the server's monitoring job; every
 * page fetched is handed to `observe` (the job keeps it as evidence).
 */

export interface CheckSettings extends FetchSettings {
  /** Levels below the home page whose pages are opened and whose links are checked (1: the first level). */
  depth: number;
  /** Most requests one crawl makes (home page, columns and links together). */
  pageBudget: number;
  /** Most body bytes one crawl reads in all. */
  totalBytes: number;
  /** Requests per second to one host. */
  perHostPerSecond: number;
  /** Days within which a message must be answered. */
  replyDays: number;
}

export const DEFAULT_SETTINGS: Omit<CheckSettings, "userAgent" | "allowPrivate"> = {
  timeoutMs: 15_000,
  maxBytes: 2 * 1024 * 1024,
  depth: 1,
  pageBudget: 200,
  totalBytes: 64 * 1024 * 1024,
  perHostPerSecond: 2,
  replyDays: DEFAULT_REPLY_DAYS,
};

/** Bytes read of a page whose links are not followed: enough to see that it answers. */
const PROBE_BYTES = 64 * 1024;

export interface ColumnPlan {
  kind: ColumnKind;
  url: string;
  freshnessDays: number;
}

export type ObservationRole = "visit" | "home" | "column" | "page";

/** One page fetched, as evidence: where, when, what came back (and the bytes when it was a page read for its content). */
export interface Observation {
  role: ObservationRole;
  url: string;
  at: Date;
  status: number | null;
  error: string | null;
  ttfbMs: number | null;
  snapshot: Buffer | null;
}

export type Observe = (o: Observation) => void;

export interface CrawlResult {
  home: HomeFinding;
  columns: ColumnFinding[];
  brokenLinks: BrokenLink[];
  /** Links left unchecked because the page or byte budget ran out. */
  unchecked: number;
}

function observation(role: ObservationRole, at: Date, o: FetchOutcome, keep: boolean): Observation {
  return { role, url: o.url, at, status: o.status, error: o.error, ttfbMs: o.ttfbMs, snapshot: keep && o.body.length > 0 ? o.body : null };
}

/** One availability visit of the home page. */
export async function visitHome(url: string, settings: CheckSettings, pacer: HostPacer, observe: Observe): Promise<{ failed: boolean }> {
  const at = new Date();
  const o = await fetchPage(url, settings, pacer);
  observe(observation("visit", at, o, false));
  return { failed: failed(o) };
}

const brokenStatus = (o: FetchOutcome): number | NonNullable<FetchOutcome["error"]> => o.error ?? o.status ?? "connection-error";

/** The crawl: home page, columns, links (see the file comment). `now` gives the check date (Beijing). */
export async function crawlSite(homeUrl: string, columns: readonly ColumnPlan[], settings: CheckSettings, pacer: HostPacer, now: Date, observe: Observe): Promise<CrawlResult> {
  const today = beijingToday(now);
  const homeHost = new URL(homeUrl).host;
  let requests = 0;
  let bytes = 0;
  const seen = new Map<string, FetchOutcome>();
  const within = () => requests < settings.pageBudget && bytes < settings.totalBytes;
  const get = async (url: string, role: ObservationRole, maxBytes: number, keep: boolean): Promise<FetchOutcome> => {
    requests++;
    const at = new Date();
    const o = await fetchPage(url, { ...settings, maxBytes: Math.min(maxBytes, settings.totalBytes - bytes) }, pacer);
    bytes += o.body.length;
    seen.set(url, o);
    observe(observation(role, at, o, keep));
    return o;
  };
  const brokenLinks: BrokenLink[] = [];
  const isHtml = (o: FetchOutcome) => !failed(o) && (o.contentType === "" || /html/i.test(o.contentType));

  const homeOutcome = await get(homeUrl, "home", settings.maxBytes, true);
  const homeHtml = isHtml(homeOutcome) ? decodeBody(homeOutcome) : null;
  const home: HomeFinding = { url: homeUrl, opened: homeHtml !== null, newest: homeHtml === null ? null : listFreshness(homeHtml, today).newest };

  const columnFindings: ColumnFinding[] = [];
  for (const c of columns) {
    const o = await get(c.url, "column", settings.maxBytes, true);
    const html = isHtml(o) ? decodeBody(o) : null;
    const fresh = html === null ? { items: 0, newest: null } : listFreshness(html, today);
    if (failed(o)) brokenLinks.push({ url: c.url, status: brokenStatus(o), from: homeUrl, external: new URL(c.url).host !== homeHost });
    columnFindings.push({
      url: c.url,
      kind: c.kind,
      newest: fresh.newest,
      ageDays: fresh.newest === null ? null : daysBetween(fresh.newest, today),
      empty: fresh.newest === null,
      items: fresh.items,
      limitDays: c.freshnessDays,
      openFailed: html === null,
      lateMessages: c.kind === "互动回应" && html !== null ? lateMessages(html, today, settings.replyDays) : [],
    });
  }

  // Links, level by level: those of the home page (level 1), then of the site's own level-1 pages, …
  const queue: { url: string; from: string; level: number }[] = homeHtml === null ? [] : pageLinks(homeHtml, homeOutcome.finalUrl).map((url) => ({ url, from: homeUrl, level: 1 }));
  const queued = new Set([homeUrl, ...queue.map((q) => q.url)]);
  let unchecked = 0;
  for (let i = 0; i < queue.length; i++) {
    const { url, from, level } = queue[i];
    const external = new URL(url).host !== homeHost;
    const expand = !external && level <= settings.depth;
    let o = seen.get(url);
    if (!o) {
      if (!within()) {
        unchecked = queue.length - i;
        break;
      }
      o = await get(url, "page", expand ? settings.maxBytes : PROBE_BYTES, expand);
    }
    if (failed(o)) {
      brokenLinks.push({ url, status: brokenStatus(o), from, external });
      continue;
    }
    if (!expand || !isHtml(o)) continue;
    for (const next of pageLinks(decodeBody(o), o.finalUrl)) {
      if (queued.has(next)) continue;
      queued.add(next);
      queue.push({ url: next, from: url, level: level + 1 });
    }
  }
  return { home, columns: columnFindings, brokenLinks, unchecked };
}

/** The report the CLI writes (and the job keeps per site), in the JSON shape. */
export interface SiteReport {
  url: string;
  checkedAt: string;
  availability: Availability;
  columns: { url: string; kind: ColumnKind; newest: string | null; ageDays: number | null; empty: boolean }[];
  brokenLinks: { url: string; status: number | string; from: string }[];
  conditions: Condition[];
}

/** An instant as Beijing time with its offset: "2026-11-20T14:05:09+08:00". */
export function beijingIso(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19) + "+08:00";
}

export function siteReport(homeUrl: string, checkedAt: Date, availability: Availability, crawl: CrawlResult, replyDays: number): SiteReport {
  // Site's own broken links first, external ones after (reported apart).
  const broken = [...crawl.brokenLinks.filter((l) => !l.external), ...crawl.brokenLinks.filter((l) => l.external)];
  return {
    url: homeUrl,
    checkedAt: beijingIso(checkedAt),
    availability,
    columns: crawl.columns.map((c) => ({ url: c.url, kind: c.kind, newest: c.newest, ageDays: c.ageDays, empty: c.empty })),
    brokenLinks: broken.map((l) => ({ url: l.url, status: l.status, from: l.from })),
    conditions: siteConditions({ home: crawl.home, availability, columns: crawl.columns, brokenLinks: broken, today: beijingToday(checkedAt), replyDays }).map((c) => ({
      code: c.code,
      message: c.message,
      url: c.url,
    })),
  };
}

/** The one-shot check: `visits` visits `intervalMs` apart, then the crawl; the report. URLs must have passed the guard. */
export async function runCheck(args: { url: string; columns: readonly ColumnPlan[]; visits: number; intervalMs: number; settings: CheckSettings; observe?: Observe }): Promise<SiteReport> {
  const observe = args.observe ?? (() => {});
  const pacer = new HostPacer(args.settings.perHostPerSecond);
  const outcomes: { failed: boolean }[] = [];
  for (let i = 0; i < args.visits; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, args.intervalMs));
    outcomes.push(await visitHome(args.url, args.settings, pacer, observe));
  }
  const checkedAt = new Date();
  const crawl = await crawlSite(args.url, args.columns, args.settings, pacer, checkedAt, observe);
  return siteReport(args.url, checkedAt, availabilityOf(outcomes), crawl, args.settings.replyDays);
}

/** Check every address of a plan with the guard before anything is fetched (SiteCheckRefused with a Chinese message). */
export function guardPlan(url: string, columns: readonly { url: string }[], allowPrivate: boolean): void {
  checkUrl(url, allowPrivate);
  for (const c of columns) checkUrl(c.url, allowPrivate);
}

/**
 * The User-Agent naming the platform and the office that runs the check. Header values are Latin-1,
 * so the Chinese names are percent-encoded (a site's log shows them decodable).
 */
export function siteCheckUserAgent(office: string): string {
  return `ZWGK-SiteCheck/1.0 (${encodeURIComponent("政务公开绩效考核平台")}; office=${encodeURIComponent(office)})`;
}
