import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { currentCycle } from "../../app/services/self-inspection-context.server";
import { hashPassword } from "../../app/utils/password.server";
import { getDb } from "../../db/client";
import {
  appeals,
  arbitrations,
  assignmentDraws,
  auditLog,
  categories,
  cycles,
  evaluatorAssignments,
  evaluatorEntries,
  findings,
  indicatorNodes,
  indicatorSets,
  organizations,
  rectifications,
  spotCheckBatches,
  spotCheckUnits,
  submissionAnswers,
  submissions,
  units,
  users,
} from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { chunksOf, pdfBytes } from "../helpers/evidence-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { ACTIONS, POLICY, RESOURCE_KINDS, may, type Action, type ResourceKind } from "../../app/policy.server";
import type { Role } from "../../db/schema";
import { routeFiles, routeGuards, routeIntents, type RouteModule } from "../helpers/routes";

/**
 * The access matrix, generated from app/routes: every route whose URL takes an id × every role ×
 * objects that are not the signed-in user's (another unit's, another evaluator's, an unpublished
 * cycle's) → the loader and the action answer 403 or 404, and nothing of the object is in the
 * answer. A route added later with a new kind of id fails here until the kind has a seeded object.
 *
 * The department user is dept-001 (城关街道办事处, JD001); the evaluator is eval-matrix (created
 * here, so no demo assignment interferes), assigned to 西山街道办事处 (JD003) only; the foreign objects belong to 东湖街道办事处 (JD002), 区教育局 (BM001),
 * eval-002 and a draft cycle. Office users see everything (they own no unit); leaders read
 * everything and write nothing.
 */

useTempDataDir();

/** A foreign object for one kind of id: its id, text of it that must never leak, and who may see it. */
interface Candidate {
  id: string;
  label: string;
  /** Free text stored in (or only reachable through) the object. */
  markers: string[];
  /** A user entitled to see it (office or the owning unit), for the "the marker is detectable" check. */
  owner: string;
  /** Values for the route's other params that belong with this object (e.g. the cycle of a set). */
  context?: Record<string, string>;
  /**
   * Users who may open the object itself (e.g. an evaluator assigned to the same unit): their
   * answer's status is not checked, but the markers (someone else's text) must still not be in it.
   */
  openTo?: string[];
}

const M = {
  draftCycle: "2027年度草稿保密标题",
  draftNode: "2027草稿保密指标名称",
  jd002Narrative: "东湖街道保密自查说明甲",
  bm001Narrative: "区教育局保密自查说明乙",
  evidence: "东湖街道保密佐证内容丙",
  evidenceName: "东湖街道保密佐证.pdf",
  entryReason: "评估员李强保密评分理由丁",
  entryOnSharedUnit: "评估员李强对西山街道的保密理由戊",
  arbitration: "仲裁保密理由己",
  finding: "抽查发现保密描述庚",
  rectification: "整改保密答复辛",
  appeal: "复核申请保密理由壬",
  drawSeed: "保密抽签种子癸",
  batchSeed: "保密抽查种子子",
} as const;

const CANDIDATES: Record<string, Candidate[]> = {};
/** Params whose legitimate value is shared by everyone (the current cycle): used when another param is under test. */
const SHARED: Record<string, string> = {};
/** URL params that name no object (an export format): only ever given their ordinary value. */
const NOT_AN_ID = new Set(["format", "document"]);

const db = () => getDb();
const unitId = (code: string) => db().select().from(units).where(eq(units.code, code)).get()!.id;
const userId = (username: string) => db().select().from(users).where(eq(users.username, username)).get()!.id;
const at = () => new Date().toISOString();

/** The first leaf (a node with a rule) of the unit's indicator set in the cycle. */
function firstLeaf(cycleId: number, code: string): number {
  const unit = db().select().from(units).where(eq(units.code, code)).get()!;
  const set = db()
    .select()
    .from(indicatorSets)
    .where(and(eq(indicatorSets.cycleId, cycleId), eq(indicatorSets.categoryId, unit.categoryId)))
    .get()!;
  const leaves = db().select().from(indicatorNodes).where(eq(indicatorNodes.setId, set.id)).all();
  const leaf = leaves.find((n) => n.rule !== null && !leaves.some((c) => c.parentId === n.id));
  if (!leaf) throw new Error(`no leaf for ${code}`);
  return leaf.id;
}

/** The unit's submission in the cycle (the demo may already have one), with this narrative on the node. */
function submission(cycleId: number, code: string, nodeId: number, narrative: string): number {
  const existing = db().select().from(submissions).where(and(eq(submissions.cycleId, cycleId), eq(submissions.unitId, unitId(code)))).get();
  const sub =
    existing ??
    db().insert(submissions).values({ cycleId, unitId: unitId(code), status: "submitted", submittedAt: at(), lastActivityAt: at(), createdAt: at() }).returning().get();
  const answer = db().select().from(submissionAnswers).where(and(eq(submissionAnswers.submissionId, sub.id), eq(submissionAnswers.nodeId, nodeId))).get();
  if (answer) db().update(submissionAnswers).set({ narrative }).where(eq(submissionAnswers.id, answer.id)).run();
  else db().insert(submissionAnswers).values({ submissionId: sub.id, nodeId, input: { scores: [1] }, narrative, updatedAt: at() }).run();
  return sub.id;
}

function assign(cycleId: number, code: string, evaluator: string, drawId: number | null = null): number {
  const where = and(eq(evaluatorAssignments.cycleId, cycleId), eq(evaluatorAssignments.unitId, unitId(code)), eq(evaluatorAssignments.evaluatorId, userId(evaluator)));
  const existing = db().select().from(evaluatorAssignments).where(where).get();
  if (existing) return existing.id;
  return db()
    .insert(evaluatorAssignments)
    .values({ cycleId, unitId: unitId(code), evaluatorId: userId(evaluator), method: drawId ? "random" : "manual", drawId, assignedAt: at() })
    .returning()
    .get().id;
}

function entry(assignmentId: number, nodeId: number, reason: string): number {
  const existing = db().select().from(evaluatorEntries).where(and(eq(evaluatorEntries.assignmentId, assignmentId), eq(evaluatorEntries.nodeId, nodeId))).get();
  if (existing) {
    db().update(evaluatorEntries).set({ reason }).where(eq(evaluatorEntries.id, existing.id)).run();
    return existing.id;
  }
  return db().insert(evaluatorEntries).values({ assignmentId, nodeId, input: { scores: [0] }, reason, updatedAt: at() }).returning().get().id;
}

let cookies: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo();
  // The cycle departments work in now, and a finalised year with results.
  const current = currentCycle(db())!;
  SHARED.cycleId = String(current.id);
  SHARED.year = String(db().select().from(cycles).where(eq(cycles.status, "final")).get()?.year ?? current.year);
  SHARED.format = "xlsx";
  // An evaluator of our own, so no demo assignment makes a "foreign" unit its own.
  const org = db().select().from(organizations).get()!;
  db().insert(users).values({ username: "eval-matrix", displayName: "矩阵评估员", role: "evaluator", orgId: org.id, passwordHash: await hashPassword("Matrix#2026") }).run();

  // Objects of other units in the current cycle.
  const jdLeaf = firstLeaf(current.id, "JD002");
  const bmLeaf = firstLeaf(current.id, "BM001");
  const jd002Sub = submission(current.id, "JD002", jdLeaf, M.jd002Narrative);
  submission(current.id, "BM001", bmLeaf, M.bm001Narrative);
  const file = await saveUploadedEvidence(getDb(), {
    actor: { id: userId("dept-002"), name: "东湖街道办事处填报员（dept-002）" },
    unitId: unitId("JD002"),
    ownerType: "submission_leaf",
    ownerId: `${jd002Sub}:${jdLeaf}`,
    part: { filename: M.evidenceName, data: chunksOf(pdfBytes(M.evidence)) },
  });

  // Evaluation objects: eval-002's assignments and entries (JD002, and JD003 which eval-matrix shares).
  const draw = db()
    .insert(assignmentDraws)
    .values({ cycleId: current.id, seed: M.drawSeed, perUnit: 1, result: { seed: M.drawSeed }, createdAt: at() })
    .returning()
    .get().id;
  const otherAssignment = assign(current.id, "JD002", "eval-002", draw);
  const otherEntry = entry(otherAssignment, jdLeaf, M.entryReason);
  assign(current.id, "JD003", "eval-matrix");
  const sharedUnitAssignment = assign(current.id, "JD003", "eval-002");
  const jd003Leaf = firstLeaf(current.id, "JD003");
  const sharedUnitEntry = entry(sharedUnitAssignment, jd003Leaf, M.entryOnSharedUnit);
  const arbitrationWhere = and(eq(arbitrations.cycleId, current.id), eq(arbitrations.unitId, unitId("JD002")), eq(arbitrations.nodeId, jdLeaf));
  const existingArbitration = db().select().from(arbitrations).where(arbitrationWhere).get();
  if (existingArbitration) db().update(arbitrations).set({ reason: M.arbitration }).where(eq(arbitrations.id, existingArbitration.id)).run();
  const arbitration =
    existingArbitration?.id ??
    db().insert(arbitrations).values({ cycleId: current.id, unitId: unitId("JD002"), nodeId: jdLeaf, value: 1, reason: M.arbitration, decidedAt: at() }).returning().get().id;
  const batch = db().insert(spotCheckBatches).values({ cycleId: current.id, seed: M.batchSeed, size: "1", createdAt: at() }).returning().get().id;
  db().insert(spotCheckUnits).values({ batchId: batch, unitId: unitId("JD002"), inspectorId: userId("eval-002") }).run();
  const finding = db()
    .insert(findings)
    .values({
      batchId: batch,
      cycleId: current.id,
      unitId: unitId("JD002"),
      nodeId: jdLeaf,
      inspectorId: userId("eval-002"),
      description: M.finding,
      foundOn: "2026-06-01",
      kind: "deduction",
      points: 1,
      requiresRectification: true,
      rectificationDue: "2026-07-01",
      createdAt: at(),
      updatedAt: at(),
    })
    .returning()
    .get().id;
  const rectification = db().insert(rectifications).values({ findingId: finding, status: "responded", response: M.rectification, respondedAt: at() }).returning().get().id;
  const appeal = db()
    .insert(appeals)
    .values({ cycleId: current.id, unitId: unitId("JD002"), nodeId: jdLeaf, reason: M.appeal, createdAt: at() })
    .returning()
    .get().id;

  // A draft cycle nobody but the office may see.
  const draft = db()
    .insert(cycles)
    .values({ ...current, id: undefined, year: 2027, title: M.draftCycle, status: "draft", createdAt: at(), updatedAt: at() })
    .returning()
    .get();
  const district = db().select().from(categories).where(eq(categories.name, "区级部门")).get()!;
  const draftSet = db().insert(indicatorSets).values({ cycleId: draft.id, categoryId: district.id, createdAt: at(), updatedAt: at() }).returning().get();
  const draftNode = db()
    .insert(indicatorNodes)
    .values({ setId: draftSet.id, code: "1", name: M.draftNode, dimension: "disclosure", points: 100, rule: { type: "score" } })
    .returning()
    .get();

  const jd002 = db().select().from(units).where(eq(units.code, "JD002")).get()!;
  const dept002 = db().select().from(users).where(eq(users.username, "dept-002")).get()!;
  const c = (id: number | string, label: string, markers: string[], owner: string, context?: Record<string, string>, openTo?: string[]): Candidate => ({
    id: String(id),
    label,
    markers,
    owner,
    context,
    openTo,
  });
  const inDraft = { cycleId: String(draft.id) };
  Object.assign(CANDIDATES, {
    unitId: [
      c(jd002.id, "JD002", [jd002.name], "admin"),
      // The unit eval-matrix shares with eval-002: open to it, but eval-002's unsigned entry must stay hidden.
      c(unitId("JD003"), "JD003 (eval-002's entry)", [M.entryOnSharedUnit], "admin", { nodeId: String(jd003Leaf) }, ["eval-matrix"]),
    ],
    userId: [c(dept002.id, "dept-002", [dept002.displayName], "admin")],
    cycleId: [c(draft.id, "draft 2027", [M.draftCycle], "admin")],
    year: [c(2027, "draft 2027", [M.draftCycle], "admin")],
    submissionId: [c(jd002Sub, "JD002 submission", [M.jd002Narrative], "admin")],
    fileId: [c(file.id, "JD002 evidence", [M.evidence, M.evidenceName], "dept-002")],
    evidenceId: [c(file.id, "JD002 evidence", [M.evidence, M.evidenceName], "dept-002")],
    nodeId: [c(bmLeaf, "a 区级部门 leaf (BM001 answered it)", [M.bm001Narrative], "dept-007"), c(draftNode.id, "a draft cycle's node", [M.draftNode], "admin", inDraft)],
    setId: [c(draftSet.id, "a draft cycle's indicator set", [M.draftNode], "admin", inDraft)],
    leafId: [c(bmLeaf, "a 区级部门 leaf (BM001 answered it)", [M.bm001Narrative], "dept-007")],
    assignmentId: [
      c(otherAssignment, "eval-002 on JD002", [M.entryReason], "admin"),
      c(sharedUnitAssignment, "eval-002 on JD003", [M.entryOnSharedUnit], "admin"),
    ],
    entryId: [c(otherEntry, "eval-002's entry on JD002", [M.entryReason], "admin"), c(sharedUnitEntry, "eval-002's entry on JD003", [M.entryOnSharedUnit], "admin")],
    drawId: [c(draw, "assignment draw", [M.drawSeed], "admin")],
    arbitrationId: [c(arbitration, "JD002 arbitration", [M.arbitration], "admin")],
    batchId: [c(batch, "spot-check batch on JD002", [M.batchSeed, M.finding], "admin")],
    findingId: [c(finding, "JD002 finding", [M.finding], "admin")],
    rectId: [c(rectification, "JD002 rectification", [M.rectification], "admin")],
    rectificationId: [c(rectification, "JD002 rectification", [M.rectification], "admin")],
    appealId: [c(appeal, "JD002 appeal", [M.appeal], "admin")],
    categoryId: [c(district.id, "category", [], "admin")],
    orgId: [c(org.id, "organisation", [], "admin")],
  } satisfies Record<string, Candidate[]>);

  for (const u of ["admin", "dept-001", "dept-002", "dept-007", "eval-matrix", "leader"]) cookies[u] = await sessionCookieFor(u);
});

/** The value of a param other than the one under test: the candidate's own context, the shared value, or a foreign one. */
function otherParam(name: string, cand: Candidate): string {
  return cand.context?.[name] ?? SHARED[name] ?? CANDIDATES[name]?.[0]?.id ?? "1";
}

const ID_ROUTES = () => routeFiles().filter((r) => r.paramNames.length > 0);

/** Every (route, params) combination: each candidate of each param, the others at their first candidate or shared value. */
function cases() {
  const out: { route: ReturnType<typeof routeFiles>[number]; params: Record<string, string>; tested: Candidate }[] = [];
  for (const route of ID_ROUTES()) {
    for (const name of route.paramNames) {
      for (const cand of CANDIDATES[name] ?? []) {
        const params: Record<string, string> = {};
        for (const other of route.paramNames) params[other] = other === name ? cand.id : otherParam(other, cand);
        out.push({ route, params, tested: cand });
      }
    }
  }
  return out;
}

/** Field values posted with each intent the action understands (see routeIntents). */
const TAMPERED_FORM = {
  id: "1",
  version: "1",
  narrative: "越权写入",
  reason: "越权写入",
  comment: "越权写入",
  value: "0",
  name: "越权写入",
  code: "HACK99",
};

const bodyText = (data: unknown) => (typeof data === "string" ? data : JSON.stringify(data ?? ""));
const auditCount = () => db().select().from(auditLog).all().length;

describe("access matrix generated from app/routes", () => {
  it("every kind of id a route takes has a seeded foreign object", () => {
    const kinds = new Set(ID_ROUTES().flatMap((r) => r.paramNames));
    expect([...kinds].filter((k) => !NOT_AN_ID.has(k) && !CANDIDATES[k]?.length), "add a Candidate for these params in access-matrix.test.ts").toEqual([]);
    // The matrix is not empty: today's id routes are in it.
    expect(ID_ROUTES().map((r) => r.id)).toEqual(expect.arrayContaining(["admin.units.$unitId", "evidence.$fileId", "self.$nodeId", "submissions.$submissionId"]));
  });

  it("the markers are detectable: for each kind of id, someone entitled sees an object's text through a route", async () => {
    const seenKinds = new Set<string>();
    for (const route of ID_ROUTES()) {
      const mod = (await import(route.file)) as RouteModule;
      if (!mod.loader) continue;
      for (const kind of route.paramNames) {
        for (const cand of (CANDIDATES[kind] ?? []).filter((x) => x.markers.length > 0)) {
          const params = Object.fromEntries(route.paramNames.map((p) => [p, p === kind ? cand.id : otherParam(p, cand)]));
          const res = await run(mod.loader, makeRequest(route.urlFor(params), { cookie: cookies[cand.owner] }), params);
          if (res.status === 200 && cand.markers.some((m) => bodyText(res.data).includes(m))) seenKinds.add(kind);
        }
      }
    }
    // Kinds whose routes only take uploads or show other things may stay unseen; these render the object.
    expect([...seenKinds]).toEqual(expect.arrayContaining(["unitId", "userId", "cycleId", "fileId", "submissionId", "nodeId", "setId"]));
  });

  for (const username of ["dept-001", "eval-matrix"]) {
    it(`${username}: every loader and action (each intent) with another unit's / evaluator's / a draft cycle's id → 403/404 before any validation, no data, nothing written`, async () => {
      const before = auditCount();
      const problems: string[] = [];
      let checked = 0;
      for (const { route, params, tested } of cases()) {
        const mod = (await import(route.file)) as RouteModule;
        const url = route.urlFor(params);
        const requests: { method: string; make: () => Request; fn: NonNullable<RouteModule["loader"]> }[] = [];
        if (mod.loader) requests.push({ method: "GET", make: () => makeRequest(url, { cookie: cookies[username] }), fn: mod.loader });
        if (mod.action) {
          const intents = routeIntents(route);
          for (const intent of intents.length ? intents : [null]) {
            const form = intent ? { ...TAMPERED_FORM, intent } : TAMPERED_FORM;
            requests.push({ method: `POST(${intent ?? "-"})`, make: () => makeRequest(url, { cookie: cookies[username], form }), fn: mod.action });
          }
        }
        for (const { method, make, fn } of requests) {
          const res = await run(fn, make(), params);
          checked++;
          const body = bodyText(res.data);
          // Access is checked before the form: never field errors (400) about someone else's object.
          if (res.status !== 403 && res.status !== 404 && !tested.openTo?.includes(username)) problems.push(`${method} ${url} [${tested.label}] → ${res.status} ${body.slice(0, 200)}`);
          for (const m of tested.markers) if (body.includes(m)) problems.push(`${method} ${url} [${tested.label}] leaks “${m}”`);
        }
      }
      expect(checked).toBeGreaterThan(8);
      expect(problems).toEqual([]);
      expect(auditCount()).toBe(before);
    });
  }

  it("leader: every action with any of these ids → 403, nothing written", async () => {
    const before = auditCount();
    const problems: string[] = [];
    for (const { route, params, tested } of cases()) {
      const mod = (await import(route.file)) as RouteModule;
      if (!mod.action) continue;
      for (const intent of routeIntents(route).concat([""]).slice(0, Math.max(1, routeIntents(route).length))) {
        const form = intent ? { ...TAMPERED_FORM, intent } : TAMPERED_FORM;
        const res = await run(mod.action, makeRequest(route.urlFor(params), { cookie: cookies.leader, form }), params);
        if (res.status !== 403) problems.push(`POST(${intent || "-"}) ${route.urlFor(params)} [${tested.label}] → ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
    expect(auditCount()).toBe(before);
  });

  it("signed-out visitors are sent to the login page by every id route, never shown the object", async () => {
    const problems: string[] = [];
    for (const { route, params, tested } of cases()) {
      const mod = (await import(route.file)) as RouteModule;
      for (const [method, fn] of [
        ["GET", mod.loader],
        ["POST", mod.action],
      ] as const) {
        if (!fn) continue;
        const res = await run(fn, makeRequest(route.urlFor(params), method === "POST" ? { form: TAMPERED_FORM } : {}), params);
        const body = bodyText(res.data);
        if (![302, 401, 403, 404].includes(res.status) || (res.status === 302 && !res.location?.startsWith("/login"))) problems.push(`${method} ${route.id} → ${res.status} ${res.location ?? ""}`);
        for (const m of tested.markers) if (body.includes(m)) problems.push(`${method} ${route.id} leaks “${m}”`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every loader and action opens with a policy guard, except the public pages and the login itself", () => {
    const PUBLIC = new Set(["healthz", "login", "logout", "public.results.$year", "public.results.$year.$document", "public.results._index", "public.results.method"]);
    const unguarded: string[] = [];
    for (const route of routeFiles().filter((r) => !PUBLIC.has(r.id))) {
      for (const [fn, guard] of Object.entries(routeGuards(route))) {
        if (!guard) unguarded.push(`${route.id} ${fn}`);
        else if (!(RESOURCE_KINDS as readonly string[]).includes(guard.kind)) unguarded.push(`${route.id} ${fn}: unknown kind ${guard.kind}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it("every route refuses (403) each role the policy table refuses for the route's kind, before anything else", async () => {
    const users: Record<Role, string> = { office: "admin", leader: "leader", department: "dept-001", evaluator: "eval-matrix" };
    const problems: string[] = [];
    let refusals = 0;
    for (const route of routeFiles()) {
      const guards = routeGuards(route);
      const mod = (await import(route.file)) as RouteModule;
      for (const fn of ["loader", "action"] as const) {
        const guard = guards[fn];
        const handler = mod[fn];
        if (!guard || !handler) continue;
        for (const [role, username] of Object.entries(users) as [Role, string][]) {
          if (guard.actions.some((a) => may({ role }, a as Action, guard.kind as ResourceKind))) continue;
          const params = Object.fromEntries(route.paramNames.map((p) => [p, SHARED[p] ?? CANDIDATES[p]?.[0]?.id ?? "1"]));
          const res = await run(handler, makeRequest(route.urlFor(params), fn === "action" ? { cookie: cookies[username], form: TAMPERED_FORM } : { cookie: cookies[username] }), params);
          refusals++;
          if (res.status !== 403) problems.push(`${role} ${fn} ${route.id} → ${res.status}`);
        }
      }
    }
    expect(refusals).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});

describe("the policy table itself", () => {
  const scopes = (role: Role) => RESOURCE_KINDS.flatMap((kind) => ACTIONS.map((action) => ({ kind, action, scope: POLICY[kind][action][role] })));

  it("answers every role × action × kind with a known scope", () => {
    for (const kind of RESOURCE_KINDS) {
      for (const action of ACTIONS) {
        expect(Object.keys(POLICY[kind][action]).sort(), `${kind}.${action}`).toEqual(["department", "evaluator", "leader", "office"]);
        for (const scope of Object.values(POLICY[kind][action])) expect(["all", "none", "ownUnit", "assignedUnit", "inspector", "leadEvaluator"]).toContain(scope);
      }
    }
  });

  it("leaders write and decide nothing but their own account", () => {
    expect(scopes("leader").filter((x) => x.action !== "read" && x.scope !== "none" && x.kind !== "account")).toEqual([]);
  });

  it("a department reaches only its own unit's objects (and its own account)", () => {
    expect(scopes("department").filter((x) => x.scope !== "none" && x.scope !== "ownUnit" && x.kind !== "account")).toEqual([]);
  });

  it("an evaluator reaches only the units it is assigned to, inspects or leads (and its own account)", () => {
    expect(scopes("evaluator").filter((x) => x.kind !== "account" && ["all", "ownUnit"].includes(x.scope))).toEqual([]);
  });

  it("unit-bound scopes belong to the role that has a unit or assignments", () => {
    expect(RESOURCE_KINDS.flatMap((kind) => ACTIONS.flatMap((action) => (["office", "leader"] as const).map((role) => POLICY[kind][action][role]))).filter((s) => s !== "all" && s !== "none")).toEqual([]);
  });
});

