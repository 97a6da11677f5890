import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { siteObservations, spotCheckBatches } from "../../../db/schema";
import { DomainError } from "../../domain/domain-error";
import { may } from "../../policy.server";
import type { SessionUser } from "../../utils/auth.server";
import { beijingDateTimeLocal, formatBeijingTime } from "../../utils/beijing-time";
import { cycleUnits, getUnit, type CycleRow, type Reader } from "../evaluation-context.server";
import { brokenStatusText } from "./conditions";
import { HOME_FRESHNESS_DAYS, WINDOW_STATE_LABELS } from "./rules";
import { visitsOf, websiteConditions, windowProgress, windowWebsites } from "./monitor-job.server";
import { listProposals, mayDecide, observationOutcome } from "./proposals.server";
import { screenshotChromium } from "./screenshots.server";
import { readSnapshot } from "./snapshots.server";
import { listWebsites } from "./websites.server";
import { defaultWindowSettings, windowOf } from "./windows.server";

/** What the 网站检查 pages show: the office's settings and progress, the proposals, a unit's report. */

/** The 网站检查 page of a cycle: settings and websites for the office; the proposals the user may decide. */
export function siteCheckPage(db: Db, user: SessionUser, cycle: CycleRow) {
  const w = windowOf(db, cycle.id);
  const office = may(user, "write", "evaluationManagement");
  const settings = w ?? { ...defaultWindowSettings(), startsAt: null, endsAt: null, version: null };
  return {
    office,
    window: office
      ? {
          ...settings,
          startsAtLocal: settings.startsAt ? beijingDateTimeLocal(Date.parse(settings.startsAt)) : "",
          endsAtLocal: settings.endsAt ? beijingDateTimeLocal(Date.parse(settings.endsAt)) : "",
        }
      : null,
    progress: w ? windowProgress(db, w) : null,
    batches: office ? db.select({ id: spotCheckBatches.id, seed: spotCheckBatches.seed }).from(spotCheckBatches).where(eq(spotCheckBatches.cycleId, cycle.id)).orderBy(asc(spotCheckBatches.id)).all() : [],
    websites: office ? listWebsites(db) : [],
    units: office ? cycleUnits(db, cycle.id).map((u) => ({ id: u.id, code: u.code, name: u.name })) : [],
    proposals: listProposals(db, user, cycle.id).map((p) => ({
      id: p.id,
      unitId: p.unitId,
      unitCode: p.unitCode,
      unitName: p.unitName,
      label: p.label,
      message: p.message,
      url: p.url,
      status: p.status,
      reason: p.reason,
      findingId: p.findingId,
      evidence: p.evidence,
      mapping: p.mapping,
      decidedAt: formatBeijingTime(p.decidedAt),
    })),
  };
}

/**
 * What the office's home shows of a cycle's website checks: the window's progress and the proposals
 * still waiting for a decision (null without a window).
 */
export function siteCheckHome(db: Reader, user: SessionUser, cycle: Pick<CycleRow, "id" | "year">, now: Date) {
  const w = windowOf(db, cycle.id);
  if (!w) return null;
  const p = windowProgress(db, w, now);
  const href = `/site-checks?cycle=${cycle.year}`;
  return {
    progress: { text: `网站检查：${WINDOW_STATE_LABELS[p.state]} ${p.visitsDone}/${p.plannedVisits} 次访问`, href },
    pending: listProposals(db, user, cycle.id)
      .filter((x) => x.status === "proposed")
      .map((x) => `${x.unitName} · ${x.label}`),
    pendingHref: `${href}#proposals-h`,
  };
}

/** A unit's website-check report in a cycle: the window, visits, availability, columns, broken links, proposals and decisions. */
export function unitSiteReport(db: Db, user: SessionUser, cycle: CycleRow, unitId: number) {
  const w = windowOf(db, cycle.id);
  if (w && !mayDecide(db, user, w, unitId)) throw new DomainError("forbidden", "只有抽中该单位的检查人员或政务公开办可以查看该单位的网站检查");
  if (!w && user.role !== "office") throw new DomainError("forbidden", "只有抽中该单位的检查人员或政务公开办可以查看该单位的网站检查");
  const unit = getUnit(db, unitId);
  const head = { cycle: { id: cycle.id, year: cycle.year }, unit: { id: unit.id, code: unit.code, name: unit.name } };
  const screenshotsAvailable = screenshotChromium() !== null;
  if (!w) return { ...head, window: null, screenshotsAvailable, websites: [], proposals: [] };
  const sites = windowWebsites(db, w).filter((s) => s.unitId === unitId);
  return {
    ...head,
    screenshotsAvailable,
    window: { startsAt: formatBeijingTime(w.startsAt, "minute"), endsAt: formatBeijingTime(w.endsAt, "minute"), visitsPerDay: w.visitsPerDay, timeoutSeconds: w.timeoutMs / 1000, depth: w.depth, pageBudget: w.pageBudget, userAgent: w.userAgent },
    websites: sites.map((s) => {
      const visits = visitsOf(db, w.id, s.id);
      const found = websiteConditions(db, w, s.id);
      const pages = db
        .select()
        .from(siteObservations)
        .where(and(eq(siteObservations.windowId, w.id), eq(siteObservations.websiteId, s.id)))
        .orderBy(asc(siteObservations.id))
        .all();
      const stored = (role: "html" | "screenshot") =>
        pages
          .filter((o) => (o.role === "screenshot") === (role === "screenshot") && (o.snapshotSha !== null || role === "screenshot"))
          .map((o) => ({ id: o.id, url: o.url, at: formatBeijingTime(o.at), outcome: observationOutcome(o), sha256: o.snapshotSha }));
      return {
        id: s.id,
        name: s.name,
        url: s.url,
        visits: visits.map((v) => ({ at: formatBeijingTime(v.at), outcome: observationOutcome(v), ttfbMs: v.ttfbMs })),
        availability: found?.availability ?? null,
        crawledAt: found ? formatBeijingTime(found.crawl.at) : null,
        home: found ? { newest: found.result.home.newest, opened: found.result.home.opened, limitDays: HOME_FRESHNESS_DAYS } : null,
        columns: found?.result.columns ?? [],
        brokenInternal: (found?.result.brokenLinks ?? []).filter((l) => !l.external).map((l) => ({ ...l, statusText: brokenStatusText(l.status) })),
        brokenExternal: (found?.result.brokenLinks ?? []).filter((l) => l.external).map((l) => ({ ...l, statusText: brokenStatusText(l.status) })),
        unchecked: found?.result.unchecked ?? 0,
        conditions: found?.conditions ?? [],
        snapshots: stored("html").map((o) => ({ ...o, sha256: o.sha256! })),
        screenshots: stored("screenshot"),
      };
    }),
    proposals: listProposals(db, user, cycle.id, unitId).map((p) => ({ ...p, decidedAt: formatBeijingTime(p.decidedAt), createdAt: formatBeijingTime(p.createdAt) })),
  };
}

/** A screenshot (PNG) of one of the unit's pages, for download. */
export function unitScreenshot(db: Db, user: SessionUser, cycle: CycleRow, unitId: number, observationId: number): { body: Buffer; name: string } {
  const report = unitSiteReport(db, user, cycle, unitId);
  const shot = report.websites.flatMap((s) => s.screenshots).find((o) => o.id === observationId && o.sha256 !== null);
  if (!shot) throw new DomainError("notFound", "截图不存在");
  const body = readSnapshot(shot.sha256!);
  if (!body) throw new DomainError("notFound", "截图文件不存在");
  return { body, name: `screenshot-${shot.sha256}.png` };
}

/** A snapshot of one of the unit's observations, for download as plain text (never rendered as a page). */
export function unitSnapshot(db: Db, user: SessionUser, cycle: CycleRow, unitId: number, observationId: number): { body: Buffer; name: string } {
  const report = unitSiteReport(db, user, cycle, unitId);
  const snap = report.websites.flatMap((s) => s.snapshots).find((o) => o.id === observationId);
  if (!snap) throw new DomainError("notFound", "快照不存在");
  const body = readSnapshot(snap.sha256);
  if (!body) throw new DomainError("notFound", "快照文件不存在");
  return { body, name: `snapshot-${snap.sha256}.html.txt` };
}
