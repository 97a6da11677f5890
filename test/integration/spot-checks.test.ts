import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as appealsPage from "../../app/routes/appeals._index";
import * as batchPage from "../../app/routes/spotchecks.$batchId";
import * as batchesPage from "../../app/routes/spotchecks._index";
import * as rectPage from "../../app/routes/rectifications.$rectId";
import * as rectsPage from "../../app/routes/rectifications._index";
import * as queuePage from "../../app/routes/review._index";
import * as uploadAppeal from "../../app/routes/evaluation.upload.appeal.$appealId";
import * as uploadFinding from "../../app/routes/evaluation.upload.finding.$findingId";
import * as uploadRectification from "../../app/routes/evaluation.upload.rectification.$rectificationId";
import { listEvidence } from "../../app/services/evidence.server";
import { DESKTOP_FILE_NAMES, PNG_BYTES } from "../helpers/evidence-fixtures";
import { STALE_MESSAGE } from "../../app/domain/evaluation-labels";
import { scoreCycle } from "../../app/services/cycle-package.server";
import { transitionCycle } from "../../app/services/cycles.server";
import { getDb } from "../../db/client";
import { appeals, auditLog, cycleTransitions, findings, rectifications, spotCheckBatches } from "../../db/schema";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { assign, cookies, enterAll, loginAll } from "../helpers/evaluation-actions";
import { evaluateUnits } from "../helpers/results-fixtures";
import { createCycle, leafNodeId, setCycleStatus, unitIdOf, userIdOf, type FixtureCycle } from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";

const tmp = useTempDataDir();
const exec = promisify(execFile);
const db = () => getDb();
const office = { id: 0, name: "admin", role: "office" as const };

let c: FixtureCycle;
let batchId = 0;
/** The two drawn units (one per category) and their inspectors. */
let drawn: { unitId: number; code: string; inspectorUsername: string }[] = [];

beforeAll(async () => {
  seedAccounts(getDb());
  await loginAll(["admin", "eval-001", "eval-002", "eval-003", "eval-004", "leader", ...DEMO_UNITS.map((_, i) => `dept-${String(i + 1).padStart(3, "0")}`)]);
  office.id = userIdOf("admin");
  c = createCycle(2041, "evaluating", { submittedUnitCodes: DEMO_UNITS.map((u) => u.code) });
});

const deptOf = (code: string) => `dept-${String(DEMO_UNITS.findIndex((u) => u.code === code) + 1).padStart(3, "0")}`;
const batchGet = (user: string) => run(batchPage.loader, makeRequest(`/spotchecks/${batchId}`, { cookie: cookies[user] }), { batchId: String(batchId) });
const batchPost = (user: string, form: Record<string, string>) => run(batchPage.action, makeRequest(`/spotchecks/${batchId}`, { cookie: cookies[user], form }), { batchId: String(batchId) });
const findingForm = (unitCode: string, extra: Record<string, string> = {}) => ({
  intent: "record",
  unitId: String(unitIdOf(unitCode)),
  nodeId: String(leafNodeId(c.cycleId, unitCode, "1.2")),
  description: "政府信息公开专栏多个栏目超过一个月未更新",
  foundOn: "2026-01-05",
  kind: "fault",
  faultCode: "late",
  count: "2",
  ...extra,
});

describe("spot-check batches (双随机一公开)", () => {
  it("refuses impossible sizes with a Chinese message and saves nothing", async () => {
    for (const [size, message] of [
      ["0", "抽查数量必须大于0"],
      ["-2", "抽查数量不能为负数"],
      ["7", "抽查数量7超过“街道办事处”类别的单位数（6个）"],
    ]) {
      const r = await run(batchesPage.action, makeRequest("/spotchecks", { cookie: cookies.admin, form: { intent: "create", cycleId: String(c.cycleId), size, seed: "s" } }));
      expect(r.status).toBe(400);
      expect(r.data.fieldErrors.size).toBe(message);
    }
    expect(db().select().from(spotCheckBatches).all()).toEqual([]);
  });

  it("draws one unit per category with inspectors never bound to them; stores and shows the seed; re-derivable", async () => {
    const r = await run(batchesPage.action, makeRequest("/spotchecks", { cookie: cookies.admin, form: { intent: "create", cycleId: String(c.cycleId), size: "1", seed: "2041-双随机" } }));
    expect(r.status).toBe(302);
    batchId = Number(r.location!.split("/").at(-1));
    const page = await batchGet("admin");
    expect(page.data.batch).toMatchObject({ seed: "2041-双随机", size: "1" });
    expect(page.data.check.reproducible).toBe(true);
    drawn = page.data.units.map((u: { unitId: number; code: string; inspectorUsername: string }) => ({ unitId: u.unitId, code: u.code, inspectorUsername: u.inspectorUsername }));
    expect(drawn.map((u) => u.code[0] + u.code[1]).sort()).toEqual(["BM", "JD"]);
    for (const u of drawn) if (u.code === "BM001") expect(u.inspectorUsername).not.toBe("eval-004");
    const list = await run(batchesPage.loader, makeRequest("/spotchecks?cycle=2041", { cookie: cookies.admin }));
    expect(list.data.batches[0]).toMatchObject({ seed: "2041-双随机", unitCount: 2 });
  });

  it("the CLI re-derives the same draw from the seed (nothing saved) and refuses impossible sizes non-zero", async () => {
    const env = { ...process.env, DATA_DIR: tmp.dir(), NODE_ENV: "test" as const };
    const before = db().select().from(spotCheckBatches).all().length;
    const { stdout } = await exec("npx", ["tsx", "app/cli/spotcheck-draw.ts", "--cycle", "2041", "--seed", "2041-双随机", "--size", "1"], { env });
    const out = JSON.parse(stdout);
    expect(out.seed).toBe("2041-双随机");
    expect(out.units.map((u: { code: string; inspector: string }) => [u.code, u.inspector])).toEqual(drawn.map((u) => [u.code, u.inspectorUsername]));
    expect(Object.keys(out.units[0]).sort()).toEqual(["category", "code", "inspector", "name"]);
    expect(db().select().from(spotCheckBatches).all().length).toBe(before);
    for (const size of ["0", "-1", "99"]) {
      const failed = await exec("npx", ["tsx", "app/cli/spotcheck-draw.ts", "--cycle", "2041", "--seed", "x", "--size", size], { env }).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed, `size ${size}`).not.toBeNull();
      expect(failed!.code).not.toBe(0);
      expect(failed!.stderr).toMatch(/抽查数量/);
    }
  });

  it("lets only the drawn inspector (or the office) record findings; a finding's deduction is traced in the engine's explanation", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const outsider = ["eval-001", "eval-002", "eval-003", "eval-004"].find((e) => !drawn.some((u) => u.inspectorUsername === e))!;
    expect((await batchGet(outsider)).status).toBe(403);
    expect((await batchPost(outsider, findingForm(jd.code))).status).toBe(403);
    // Access comes before validation: an empty form from someone without access is refused, with no field errors.
    const emptyFromOutsider = await batchPost(outsider, { intent: "record", unitId: String(jd.unitId) });
    expect(emptyFromOutsider.status).toBe(403);
    expect(JSON.stringify(emptyFromOutsider.data ?? "")).not.toMatch(/请描述发现的问题|fieldErrors/);
    const other = drawn.find((u) => u !== jd)!;
    expect(other.inspectorUsername).not.toBe(jd.inspectorUsername);
    const emptyFromOtherInspector = await batchPost(other.inspectorUsername, { intent: "record", unitId: String(jd.unitId) });
    expect(emptyFromOtherInspector.status).toBe(403);
    expect(JSON.stringify(emptyFromOtherInspector.data ?? "")).not.toMatch(/fieldErrors/);
    const badKind = await batchPost(jd.inspectorUsername, findingForm(jd.code, { nodeId: String(leafNodeId(c.cycleId, jd.code, "1.1")) }));
    expect(badKind.status).toBe(400);
    expect(badKind.data.fieldErrors.nodeId).toBe("扣分只能记录在扣分类指标上；否决情形请选择单项否决指标");
    const noCount = await batchPost(jd.inspectorUsername, findingForm(jd.code, { count: "" }));
    expect(noCount.data.fieldErrors.count).toBe("次数须为1至99999之间的整数");
    expect(db().select().from(findings).all()).toEqual([]);

    const ok = await batchPost(jd.inspectorUsername, findingForm(jd.code, { requiresRectification: "on", rectificationDue: "2026-01-20" }));
    expect(ok.status).toBe(200);
    const finding = db().select().from(findings).all()[0];

    // The unit is evaluated (its own 1.2 entry: 更新不及时×1); the finding adds ×2, named in the explanation.
    await assign(c, jd.code, "eval-001");
    await enterAll("eval-001", jd.code, c);
    const leaf = scoreCycle(db(), c.cycleId).results.units.find((u) => u.id === jd.code)!.leaves["1.2"];
    expect(leaf.score).toBe(14);
    expect(leaf.explain).toContain(`更新不及时×2，扣4分（来源：抽查发现#${finding.id}）`);
  });

  it("refuses the second of two stale edits of one finding", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const f = db().select().from(findings).all()[0];
    const edit = (user: string, count: string) =>
      batchPost(user, findingForm(jd.code, { intent: "update", findingId: String(f.id), version: String(f.version), count, requiresRectification: "on", rectificationDue: "2026-01-20" }));
    // Editing: access to the finding first (an outsider, or the inspector of another unit: 403 even for an empty form; a finding of no such id: 404).
    const other = drawn.find((u) => u !== jd)!;
    const outsider = ["eval-001", "eval-002", "eval-003", "eval-004"].find((e) => !drawn.some((u) => u.inspectorUsername === e))!;
    for (const user of [outsider, other.inspectorUsername]) {
      const refused = await batchPost(user, { intent: "update", findingId: String(f.id) });
      expect(refused.status, user).toBe(403);
      expect(JSON.stringify(refused.data ?? ""), user).not.toMatch(/fieldErrors/);
    }
    expect((await batchPost("admin", { intent: "update", findingId: "999999" })).status).toBe(404);
    expect((await edit(jd.inspectorUsername, "3")).status).toBe(200);
    const stale = await edit("admin", "1");
    expect(stale.status).toBe(409);
    expect(stale.data.fieldErrors._form).toBe(STALE_MESSAGE);
    expect(db().select().from(findings).where(eq(findings.id, f.id)).get()!.count).toBe(3);
  });
});

const UPLOADS = {
  finding: { route: uploadFinding, param: "findingId" },
  rectification: { route: uploadRectification, param: "rectificationId" },
  appeal: { route: uploadAppeal, param: "appealId" },
} as const;
function upload(user: string, ownerType: keyof typeof UPLOADS, ownerId: number, name = "截图.png") {
  const form = new FormData();
  form.append("file", new File([Uint8Array.from(PNG_BYTES)], name));
  const u = UPLOADS[ownerType];
  return run(u.route.action, makeRequest(`/evaluation/upload/${ownerType}/${ownerId}`, { cookie: cookies[user], form }), { [u.param]: String(ownerId) });
}

describe("publishing a draw and the inspector's queue", () => {
  it("the office publishes the batch's draw and seed (with the results); an inspector cannot; the inspector finds the batch in the queue", async () => {
    const inspector = drawn[0].inspectorUsername;
    const refused = await batchPost(inspector, { intent: "publish" });
    expect(refused.status).toBe(403);
    expect(db().select().from(spotCheckBatches).where(eq(spotCheckBatches.id, batchId)).get()!.published).toBe(false);
    expect((await batchPost("admin", { intent: "publish" })).status).toBe(200);
    expect(db().select().from(spotCheckBatches).where(eq(spotCheckBatches.id, batchId)).get()!.published).toBe(true);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "spotcheck.batch.publish")).all()).toHaveLength(1);
    const queue = await run(queuePage.loader, makeRequest("/review", { cookie: cookies[inspector] }));
    expect(queue.data.inspections).toEqual(expect.arrayContaining([expect.objectContaining({ batchId, seed: "2041-双随机", unitCode: drawn[0].code })]));
    // The inspector's batch page shows only the units drawn for them.
    const page = await batchGet(inspector);
    expect(page.data.units.every((u: { inspectorUsername: string }) => u.inspectorUsername === inspector)).toBe(true);
    expect(page.data.check).toBeNull();
  });
});

describe("evidence on findings and rectifications", () => {
  it("takes screenshots from the drawn inspector and the department's files for its own rectification; refuses everyone else", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const f = db().select().from(findings).all()[0];
    const rect = db().select().from(rectifications).all()[0];
    const outsider = ["eval-001", "eval-002", "eval-003", "eval-004"].find((e) => !drawn.some((u) => u.inspectorUsername === e))!;
    expect((await upload(outsider, "finding", f.id)).status).toBe(403);
    expect((await upload(deptOf(jd.code), "finding", f.id)).status).toBe(403);
    const ok = await upload(jd.inspectorUsername, "finding", f.id, "首页截图.png");
    expect(ok.status).toBe(200);
    const files = listEvidence(getDb(), "finding", String(f.id)).files;
    expect(files.map((x) => [x.originalName, x.kind, x.sha256.length])).toEqual([["首页截图.png", "png", 64]]);
    expect((await upload(deptOf(jd.code === "JD001" ? "JD002" : "JD001"), "rectification", rect.id)).status).toBe(403);
    expect((await upload(deptOf(jd.code), "rectification", rect.id, "整改后.png")).status).toBe(200);
    expect(listEvidence(getDb(), "rectification", String(rect.id)).files.map((x) => x.originalName)).toEqual(["整改后.png"]);
    // The evidence belongs to the rectification (a foreign key): it cannot be cancelled from under it.
    const now = db().select().from(findings).where(eq(findings.id, f.id)).get()!;
    const cancel = await batchPost(jd.inspectorUsername, findingForm(jd.code, { intent: "update", findingId: String(f.id), version: String(now.version), count: String(now.count) }));
    expect(cancel.status).toBe(409);
    expect(cancel.data.fieldErrors.requiresRectification).toBe("单位已上传整改佐证，不能取消整改要求");
    expect(db().select().from(rectifications).where(eq(rectifications.id, rect.id)).get()).toBeDefined();
    expect(db().select().from(findings).where(eq(findings.id, f.id)).get()!.version).toBe(now.version);
  });

  it("finding and rectification uploads accept any file name a desktop allows (=, ;, quotes, spaces, Chinese, emoji, very long)", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const f = db().select().from(findings).all()[0];
    const rect = db().select().from(rectifications).all()[0];
    for (const { stem } of DESKTOP_FILE_NAMES) {
      expect((await upload(jd.inspectorUsername, "finding", f.id, `${stem}.png`)).status, stem).toBe(200);
      expect((await upload(deptOf(jd.code), "rectification", rect.id, `${stem}.png`)).status, stem).toBe(200);
    }
    const expected = DESKTOP_FILE_NAMES.map(({ expected }) => expected(".png"));
    expect(listEvidence(getDb(), "finding", String(f.id)).files.map((x) => x.originalName)).toEqual(expect.arrayContaining(expected));
    expect(listEvidence(getDb(), "rectification", String(rect.id)).files.map((x) => x.originalName)).toEqual(expect.arrayContaining(expected));
  });
});

describe("rectification (整改)", () => {
  it("lists open items for the office with overdue ones highlighted; the department answers; the inspector verifies 不通过 then 通过", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const dept = deptOf(jd.code);
    const rect = db().select().from(rectifications).all()[0];
    const list = await run(rectsPage.loader, makeRequest("/rectifications", { cookie: cookies.admin }));
    expect(list.data.rows).toEqual([expect.objectContaining({ id: rect.id, status: "pending", statusLabel: "待整改", due: "2026-01-20", overdue: true, unitCode: jd.code })]);
    // Another department sees nothing of it.
    const otherDept = deptOf(jd.code === "JD001" ? "JD002" : "JD001");
    expect((await run(rectsPage.loader, makeRequest("/rectifications", { cookie: cookies[otherDept] }))).data.rows).toEqual([]);
    expect((await run(rectPage.loader, makeRequest(`/rectifications/${rect.id}`, { cookie: cookies[otherDept] }), { rectId: String(rect.id) })).status).toBe(403);

    const post = (user: string, form: Record<string, string>) => run(rectPage.action, makeRequest(`/rectifications/${rect.id}`, { cookie: cookies[user], form }), { rectId: String(rect.id) });
    const version = () => db().select().from(rectifications).where(eq(rectifications.id, rect.id)).get()!.version;
    // Someone who may not act on it is refused before the form is validated: 403 with no field errors.
    const outsider = ["eval-001", "eval-002", "eval-003", "eval-004"].find((e) => !drawn.some((u) => u.inspectorUsername === e))!;
    for (const [user, intent] of [
      [otherDept, "respond"],
      [outsider, "respond"],
      [outsider, "verify"],
      [dept, "verify"],
      [jd.inspectorUsername, "respond"],
    ]) {
      const refused = await post(user, { intent, version: String(version()) });
      expect(refused.status, `${user} ${intent}`).toBe(403);
      expect(JSON.stringify(refused.data ?? ""), `${user} ${intent}`).not.toMatch(/fieldErrors|请填写/);
    }
    expect((await post(dept, { intent: "respond", response: " ", version: String(version()) })).data.fieldErrors.response).toBe("请填写整改情况");
    expect((await post(dept, { intent: "addLink", url: "https://gov.example.cn/gk/2026/zhenggai.html", title: "整改后的专栏" })).status).toBe(200);
    expect((await post(dept, { intent: "respond", response: "已更新全部栏目", version: String(version()) })).status).toBe(200);
    const stale = await post(dept, { intent: "respond", response: "再次提交", version: "0" });
    expect(stale.data.fieldErrors._form).toBe(STALE_MESSAGE);
    expect((await post(dept, { intent: "verify", verdict: "passed", comment: "自己核验", version: String(version()) })).status).toBe(403);
    expect((await post(jd.inspectorUsername, { intent: "verify", verdict: "failed", comment: "仍有两个栏目未更新", version: String(version()) })).status).toBe(200);
    let page = await run(rectPage.loader, makeRequest(`/rectifications/${rect.id}`, { cookie: cookies[dept] }), { rectId: String(rect.id) });
    expect(page.data).toMatchObject({ canRespond: true, rectification: { statusLabel: "整改不通过", verdictComment: "仍有两个栏目未更新" } });
    expect(page.data.evidence.links.map((l: { title: string }) => l.title)).toEqual(["整改后的专栏"]);
    expect((await post(dept, { intent: "respond", response: "两个栏目已补充更新", version: String(version()) })).status).toBe(200);
    expect((await post("admin", { intent: "verify", verdict: "passed", comment: "整改到位", version: String(version()) })).status).toBe(200);
    page = await run(rectPage.loader, makeRequest(`/rectifications/${rect.id}`, { cookie: cookies[dept] }), { rectId: String(rect.id) });
    expect(page.data.rectification).toMatchObject({ status: "passed", overdue: false, response: "两个栏目已补充更新" });
    expect((await run(rectsPage.loader, makeRequest("/rectifications", { cookie: cookies.admin }))).data.rows).toEqual([]);
    const actions = db().select().from(auditLog).all().map((a) => a.action).filter((a) => a.startsWith("rectification."));
    expect(actions).toEqual(["rectification.create", "rectification.respond", "rectification.verify", "rectification.respond", "rectification.verify"]);
  });
});

describe("appeals (复核申请)", () => {
  it("accepts appeals only in 初步结果 within the window and on the own unit; decisions are audited, flow into scores, and gate 定稿", async () => {
    const jd = drawn.find((u) => u.code.startsWith("JD"))!;
    const dept = deptOf(jd.code);
    const nodeId = String(leafNodeId(c.cycleId, jd.code, "1.1"));
    const appeal = (user: string, form: Record<string, string> = {}) =>
      run(appealsPage.action, makeRequest("/appeals", { cookie: cookies[user], form: { intent: "appeal", cycleId: String(c.cycleId), unitId: String(unitIdOf(jd.code)), nodeId, reason: "已补充提交佐证材料", ...form } }));
    const early = await appeal(dept);
    expect(early.status).toBe(409);
    expect(early.data.fieldErrors._form).toBe("只有在初步结果公布后的复核期限内才能申请复核");

    setCycleStatus(c.cycleId, "preliminary");
    expect((await appeal(deptOf(jd.code === "JD001" ? "JD002" : "JD001"))).status).toBe(403);
    // Another unit's appeal with an empty reason: refused before validation, no field errors.
    const foreignEmpty = await appeal(deptOf(jd.code === "JD001" ? "JD002" : "JD001"), { reason: "" });
    expect(foreignEmpty.status).toBe(403);
    expect(JSON.stringify(foreignEmpty.data ?? "")).not.toMatch(/fieldErrors|请填写/);
    expect((await appeal(dept, { reason: "" })).data.fieldErrors.reason).toBe("请填写申请复核的理由");
    const ok = await appeal(dept);
    expect(ok.status).toBe(200);
    const a = db().select().from(appeals).all()[0];
    expect((await upload(deptOf(jd.code === "JD001" ? "JD002" : "JD001"), "appeal", a.id)).status).toBe(403);
    expect((await upload(dept, "appeal", a.id, "补充材料.png")).status).toBe(200);
    expect(listEvidence(getDb(), "appeal", String(a.id)).files.map((f) => f.originalName)).toEqual(["补充材料.png"]);
    expect((await upload(dept, "appeal", a.id, "补充材料=第2批;终稿.png")).status).toBe(200);
    expect(listEvidence(getDb(), "appeal", String(a.id)).files.map((f) => f.originalName)).toEqual(["补充材料.png", "补充材料=第2批;终稿.png"]);

    // The other units are evaluated too (定稿 takes the final snapshot of every unit).
    evaluateUnits(c.cycleId, DEMO_UNITS.map((u) => u.code).filter((code) => code !== jd.code));
    const blocked = transitionCycle(getDb(), c.cycleId, "final", office);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) {
      expect(blocked.errors).toEqual([
        expect.stringMatching(/^有1项复核申请尚未处理$/),
        expect.stringMatching(/^复核申请期限至\d{4}-\d{2}-\d{2}（北京时间当日24时）截止，期限届满前不能定稿（全部复核申请处理完毕后，可在“复核申请”页面提前结束复核期）$/),
      ]);
    }

    const decide = (form: Record<string, string>, user = "admin") => run(appealsPage.action, makeRequest("/appeals", { cookie: cookies[user], form: { intent: "decide", appealId: String(a.id), ...form } }));
    expect((await decide({ decision: "adjusted", value: "19", reason: "x" }, dept)).status).toBe(403);
    expect((await decide({ decision: "adjusted", value: "", reason: "补充材料属实" })).data.fieldErrors.value).toBe("调整时须填写调整后的分值（不小于0，最多保留2位小数）");
    expect((await decide({ decision: "adjusted", value: "25", reason: "补充材料属实" })).data.fieldErrors.value).toBe("调整后的分值须在0到20分之间");
    expect((await decide({ decision: "adjusted", value: "19", reason: "补充材料属实" })).status).toBe(200);
    const leaf = scoreCycle(db(), c.cycleId).results.units.find((u) => u.id === jd.code)!.leaves["1.1"];
    expect(leaf.score).toBe(19);
    expect(leaf.explain).toContain("补充材料属实");
    expect(db().select().from(auditLog).where(eq(auditLog.action, "appeal.adjust")).all()).toHaveLength(1);
    const unitView = await run(appealsPage.loader, makeRequest(`/appeals?cycle=2041`, { cookie: cookies[dept] }));
    expect(unitView.data.unit.appeals[0]).toMatchObject({ statusLabel: "调整", decisionValue: 19 });
    expect(unitView.data.unit.leaves.find((l: { code: string }) => l.code === "1.1").score).toBe(19);

    // The window closes (初步结果 entered long ago): no more appeals; with every appeal decided, 定稿 is allowed.
    db().update(cycleTransitions).set({ at: "2026-01-01T00:00:00.000Z" }).where(eq(cycleTransitions.cycleId, c.cycleId)).run();
    const late = await appeal(dept, { nodeId: String(leafNodeId(c.cycleId, jd.code, "2.2")) });
    expect(late.status).toBe(409);
    expect(late.data.fieldErrors._form).toMatch(/^复核申请期限已于\d{4}-\d{2}-\d{2}（北京时间当日24时）截止$/);
    const officeView = await run(appealsPage.loader, makeRequest(`/appeals?cycle=2041`, { cookie: cookies.admin }));
    expect(officeView.data.office.finaliseBlockers).toEqual([]);
    expect(transitionCycle(getDb(), c.cycleId, "final", office).ok).toBe(true);
  });
});
