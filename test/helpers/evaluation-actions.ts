import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import * as boardPage from "../../app/routes/evaluation._index";
import * as leafPage from "../../app/routes/review.$unitId.$nodeId";
import * as unitPage from "../../app/routes/review.$unitId._index";
import type { ReviewFormState } from "../../app/domain/review-input";
import { getDb } from "../../db/client";
import { evaluatorAssignments } from "../../db/schema";
import { leafNodeId, unitIdOf, userIdOf, type FixtureCycle } from "./evaluation-fixtures";
import { makeRequest, run, sessionCookieFor } from "./remix";

/**
 * Evaluation steps driven through the real loaders and actions (office board, evaluator leaf
 * workspace, sign-off), for the evaluation integration tests. `cookies` is filled by loginAll.
 */

export const cookies: Record<string, string> = {};
export const LEAVES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1"];
const db = () => getDb();

export async function loginAll(usernames: string[]): Promise<void> {
  for (const u of usernames) cookies[u] = await sessionCookieFor(u);
}

export function board(cycle: FixtureCycle, form: Record<string, string | string[]>) {
  return run(boardPage.action, makeRequest("/evaluation", { cookie: cookies.admin, form: { cycleId: String(cycle.cycleId), ...form } }));
}
export const assign = (cycle: FixtureCycle, unitCode: string, evaluator: string) => board(cycle, { intent: "assign", unitId: String(unitIdOf(unitCode)), evaluatorId: String(userIdOf(evaluator)) });

export function leafUrl(unitCode: string, cycle: FixtureCycle, code: string) {
  const unitId = unitIdOf(unitCode);
  const nodeId = leafNodeId(cycle.cycleId, unitCode, code);
  return { path: `/review/${unitId}/${nodeId}`, params: { unitId: String(unitId), nodeId: String(nodeId) } };
}
export function openLeaf(user: string, unitCode: string, cycle: FixtureCycle, code: string, query = "") {
  const u = leafUrl(unitCode, cycle, code);
  return run(leafPage.loader, makeRequest(u.path + query, { cookie: cookies[user] }), u.params);
}
export function formOf(state: ReviewFormState, version: number, extra: Record<string, string> = {}): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = { ...state.values, version: String(version) };
  if (state.adhoc.length > 0) {
    f.adhocPoints = state.adhoc.map((a) => a.points);
    f.adhocReason = state.adhoc.map((a) => a.reason);
  }
  if (state.events.length > 0) {
    f.eventClaim = state.events.map((e) => e.claim);
    f.eventLabel = state.events.map((e) => e.label);
    f.eventStart = state.events.map((e) => e.start);
    f.eventEnd = state.events.map((e) => e.end);
  }
  return { ...f, ...extra };
}
export function saveLeaf(user: string, unitCode: string, cycle: FixtureCycle, code: string, form: Record<string, string | string[]>) {
  const u = leafUrl(unitCode, cycle, code);
  return run(leafPage.action, makeRequest(u.path, { cookie: cookies[user], form }), u.params);
}
/** Open a leaf, take the prefilled form (the department's claim), apply `extra`, save. */
export async function enterLeaf(user: string, unitCode: string, cycle: FixtureCycle, code: string, extra: Record<string, string> = {}) {
  const page = await openLeaf(user, unitCode, cycle, code);
  expect(page.status).toBe(200);
  return saveLeaf(user, unitCode, cycle, code, formOf(page.data.form, page.data.version, extra));
}
export function unitPost(user: string, unitCode: string, form: Record<string, string | string[]>) {
  const unitId = unitIdOf(unitCode);
  return run(unitPage.action, makeRequest(`/review/${unitId}`, { cookie: cookies[user], form }), { unitId: String(unitId) });
}
export const signOff = (user: string, unitCode: string, cycle: FixtureCycle) => unitPost(user, unitCode, { intent: "signoff", cycleId: String(cycle.cycleId) });

/** Enter every leaf (score leaves 1.1/2.2 as given) and sign off. */
export async function enterAll(user: string, unitCode: string, cycle: FixtureCycle, scores: { "1.1"?: string; "2.2"?: string } = {}) {
  for (const code of LEAVES) {
    const score = scores[code as "1.1" | "2.2"];
    const r = await enterLeaf(user, unitCode, cycle, code, score !== undefined ? { score, reason: "按核实情况评分" } : {});
    expect(r.status, `${user} ${unitCode} ${code} ${JSON.stringify(r.data)}`).toBe(200);
  }
  const s = await signOff(user, unitCode, cycle);
  expect(s.status, JSON.stringify(s.data)).toBe(200);
}

export function assignmentOf(cycle: FixtureCycle, unitCode: string, evaluator: string) {
  return db()
    .select()
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.cycleId, cycle.cycleId), eq(evaluatorAssignments.unitId, unitIdOf(unitCode)), eq(evaluatorAssignments.evaluatorId, userIdOf(evaluator))))
    .get()!;
}
