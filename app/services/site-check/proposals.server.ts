import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../../db/client";
import { evidenceLinks, siteCheckWindows, siteObservations, siteProposals, units, unitWebsites } from "../../../db/schema";
import { DomainError } from "../../domain/domain-error";
import { can } from "../../policy.server";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import type { SessionUser } from "../../utils/auth.server";
import { beijingToday, formatBeijingTime } from "../../utils/beijing-time";
import { assertEvaluationOpen, getCycle, getUnit, setFor, type Reader } from "../evaluation-context.server";
import { insertFinding } from "../spot-checks.server";
import { brokenStatusText } from "./conditions";
import type { FetchError } from "./http-fetch.server";
import { CONDITION_LABELS, type ConditionCode } from "./rules";
import { windowOf, type WindowRow } from "./windows.server";

/**
 * Proposed findings of the website checks: the office maps each condition to an indicator and
 * fault (on the window); the unit's inspector — drawn in the window's spot-check batch — or the
 * office confirms one (it becomes a spot-check finding with the observation attached as evidence,
 * and so enters the unit's deduction trace) or dismisses it with a reason. Nothing changes a score
 * without that decision.
 */

export type ProposalRow = typeof siteProposals.$inferSelect;
type ObservationRow = typeof siteObservations.$inferSelect;

/** May this user decide (and so see) the proposals of this unit in this window? */
export function mayDecide(db: Reader, user: SessionUser, w: WindowRow, unitId: number): boolean {
  if (user.role === "office") return true;
  return w.batchId !== null && can(db, user, "write", { kind: "spotCheck", batchId: w.batchId, unitId });
}

/** What an observation shows, in words: "HTTP 200" or the failure. */
export function observationOutcome(o: Pick<ObservationRow, "status" | "error">): string {
  // The job writes only the fetcher's error kinds (FetchError) into `error`.
  return brokenStatusText(o.error ? (o.error as FetchError) : (o.status ?? 0));
}

export function conditionLabel(code: string): string {
  return CONDITION_LABELS[code as ConditionCode] ?? code;
}

/** The evidence sentence of an observation: where, when (Beijing time), what came back, the snapshot. */
export function evidenceText(o: ObservationRow): string {
  return `${o.url}，${formatBeijingTime(o.at)}（北京时间），${observationOutcome(o)}${o.snapshotSha ? `，HTML快照 SHA-256 ${o.snapshotSha}` : ""}`;
}

export interface ProposalView extends ProposalRow {
  unitCode: string;
  unitName: string;
  websiteUrl: string;
  label: string;
  observation: ObservationRow | null;
  evidence: string | null;
  mapping: { nodeCode: string; faultCode: string } | null;
  mayDecide: boolean;
}

/** The proposals of a cycle's window the user may see (all for the office; an inspector's drawn units). */
export function listProposals(db: Reader, user: SessionUser, cycleId: number, unitId?: number): ProposalView[] {
  const w = windowOf(db, cycleId);
  if (!w) return [];
  const rows = db
    .select({ p: siteProposals, code: units.code, name: units.name, site: unitWebsites.url, o: siteObservations })
    .from(siteProposals)
    .innerJoin(units, eq(units.id, siteProposals.unitId))
    .innerJoin(unitWebsites, eq(unitWebsites.id, siteProposals.websiteId))
    .leftJoin(siteObservations, eq(siteObservations.id, siteProposals.observationId))
    .where(unitId === undefined ? eq(siteProposals.windowId, w.id) : and(eq(siteProposals.windowId, w.id), eq(siteProposals.unitId, unitId)))
    .orderBy(asc(units.code), asc(siteProposals.id))
    .all();
  return rows
    .filter((r) => mayDecide(db, user, w, r.p.unitId))
    .map((r) => ({
      ...r.p,
      unitCode: r.code,
      unitName: r.name,
      websiteUrl: r.site,
      label: conditionLabel(r.p.code),
      observation: r.o,
      evidence: r.o ? evidenceText(r.o) : null,
      mapping: w.mappings[r.p.code] ?? null,
      mayDecide: r.p.status === "proposed",
    }));
}

function proposalFor(tx: Tx, user: SessionUser, proposalId: number): { p: ProposalRow; w: WindowRow } {
  const p = tx.select().from(siteProposals).where(eq(siteProposals.id, proposalId)).get();
  if (!p) throw new DomainError("notFound", "检查发现不存在");
  const w = tx.select().from(siteCheckWindows).where(eq(siteCheckWindows.id, p.windowId)).get()!;
  assertEvaluationOpen(getCycle(tx, w.cycleId));
  if (!mayDecide(tx, user, w, p.unitId)) throw new DomainError("forbidden", "只有抽中该单位的检查人员或政务公开办可以处理网站检查发现");
  if (p.status !== "proposed") throw new DomainError("conflict", "该检查发现已处理");
  return { p, w };
}

/** Confirm: the proposal becomes a spot-check finding (mapped indicator and fault, count 1) with its observation as evidence. */
export function confirmProposal(db: Db, actor: Actor, user: SessionUser, proposalId: number): number {
  return mutate(db, (tx) => {
    const { p, w } = proposalFor(tx, user, proposalId);
    if (w.batchId === null) throw new DomainError("conflict", "政务公开办尚未为本年度网站检查指定抽查批次，暂不能确认");
    const mapping = w.mappings[p.code];
    if (!mapping) throw new DomainError("conflict", `政务公开办尚未把“${conditionLabel(p.code)}”对应到指标和扣分项，暂不能确认`);
    const leaf = setFor(tx, w.cycleId, getUnit(tx, p.unitId).categoryId)?.leaves.find((l) => l.code === mapping.nodeCode);
    if (!leaf) throw new DomainError("conflict", `该单位的指标体系中没有指标“${mapping.nodeCode}”，请政务公开办调整对应关系`);
    const o = p.observationId === null ? null : (tx.select().from(siteObservations).where(eq(siteObservations.id, p.observationId)).get() ?? null);
    const description = `网站检查：${p.message}${o ? `。证据：${evidenceText(o)}` : ""}`;
    const findingId = insertFinding(tx, actor, user, w.batchId, {
      unitId: p.unitId,
      nodeId: leaf.nodeId,
      description: description.slice(0, 2000),
      foundOn: beijingToday(o ? new Date(o.at) : new Date()),
      kind: "fault",
      faultCode: mapping.faultCode,
      count: "1",
      points: "",
      requiresRectification: false,
      rectificationDue: "",
      version: undefined,
    });
    if (o) {
      const link = tx
        .insert(evidenceLinks)
        .values({
          ownerType: "finding",
          ownerId: String(findingId),
          findingId,
          unitId: p.unitId,
          url: o.url,
          title: `网站检查观测：${formatBeijingTime(o.at)} ${observationOutcome(o)}${o.snapshotSha ? ` 快照 ${o.snapshotSha.slice(0, 12)}` : ""}`,
          createdBy: actor.id,
          createdAt: new Date().toISOString(),
        })
        .returning()
        .get();
      writeAudit(tx, actor, { action: "evidence.link.add", entityType: "evidence_link", entityId: link.id, after: link });
    }
    const after = tx
      .update(siteProposals)
      .set({ status: "confirmed", findingId, nodeId: leaf.nodeId, faultCode: mapping.faultCode, decidedBy: actor.id, decidedAt: new Date().toISOString() })
      .where(eq(siteProposals.id, p.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "sitecheck.proposal.confirm", entityType: "site_proposal", entityId: p.id, before: p, after });
    return findingId;
  });
}

export const dismissFormSchema = z.object({
  reason: z.string({ required_error: "请填写不予采纳的理由" }).trim().min(1, "请填写不予采纳的理由").max(1000, "理由最多1000个字"),
});

export function dismissProposal(db: Db, actor: Actor, user: SessionUser, proposalId: number, reason: string): void {
  mutate(db, (tx) => {
    const { p } = proposalFor(tx, user, proposalId);
    const after = tx
      .update(siteProposals)
      .set({ status: "dismissed", reason, decidedBy: actor.id, decidedAt: new Date().toISOString() })
      .where(eq(siteProposals.id, p.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "sitecheck.proposal.dismiss", entityType: "site_proposal", entityId: p.id, before: p, after });
  });
}
