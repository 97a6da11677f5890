import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BatchAssignForm } from "../components/BatchAssignForm";
import { CyclePicker } from "../components/CyclePicker";
import { FormOutcome } from "../components/FormOutcome";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { ASSIGNMENT_METHOD_LABELS } from "../domain/evaluation-labels";
import {
  assignEvaluator,
  assignFormSchema,
  assignMany,
  assignManyPreview,
  assignManySchema,
  assignmentBoard,
  randomAssign,
  randomAssignSchema,
  reopenSchema,
  reopenSignOff,
  setLeadEvaluator,
  unassignEvaluator,
} from "../services/assignments.server";
import { evaluationCycles, pickCycle } from "../services/evaluation-context.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseForm, zodFieldErrors } from "../utils/form.server";
import { badRequest, parseId, refusalErrors } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "评估分配 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "evaluationManagement");
  const db = getDb();
  const url = new URL(request.url);
  const cycle = pickCycle(db, url.searchParams.get("cycle"));
  const cycles = evaluationCycles(db).map((c) => ({ id: c.id, year: c.year }));
  if (!cycle) return { cycle: null, cycles, board: null, batchAssign: null };
  const board = assignmentBoard(db, cycle);
  return {
    batchAssign: assignManyPreview(db, cycle.id, url.searchParams.getAll("unit"), url.searchParams.get("evaluator")),
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status, open: cycleAllows(cycle.status, "evaluate") },
    cycles,
    board: {
      ...board,
      draws: board.draws.map((d) => ({ ...d, createdAtText: formatBeijingTime(d.createdAt) })),
      units: board.units.map((u) => ({ ...u, assignments: u.assignments.map((a) => ({ ...a, signedOffText: a.signedOffAt ? formatBeijingTime(a.signedOffAt) : null })) })),
    },
  };
}

type Intent = "assign" | "assignMany" | "random" | "unassign" | "lead" | "reopen";
const INTENTS: readonly Intent[] = ["assign", "assignMany", "random", "unassign", "lead", "reopen"];

interface ActionResult {
  intent: Intent;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  /** The assignment the error belongs to (per-row forms). */
  assignmentId?: number;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "evaluationManagement");
  const actor = actorOf(user);
  const db = getDb();
  const form = await request.formData();
  const intent = form.get("intent") as Intent;
  if (!INTENTS.includes(intent)) throw badRequest("未知的操作。");
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const reply = (status: number, body: Omit<ActionResult, "intent">) => data<ActionResult>({ intent, ...body }, { status });
  const assignmentRaw = String(form.get("assignmentId") ?? "");
  const assignmentId = /^[1-9]\d{0,15}$/.test(assignmentRaw) ? Number(assignmentRaw) : undefined;
  try {
    switch (intent) {
      case "assign": {
        const parsed = parseForm(assignFormSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        assignEvaluator(db, actor, cycleId, parsed.data);
        return reply(200, { ok: true, message: "已分配评估员。", fieldErrors: {} });
      }
      case "assignMany": {
        const parsed = assignManySchema.safeParse({ unitIds: form.getAll("unitId"), evaluatorId: form.get("evaluatorId") ?? undefined });
        if (!parsed.success) return reply(400, { ok: false, fieldErrors: zodFieldErrors(parsed.error) });
        const n = assignMany(db, actor, cycleId, parsed.data);
        return reply(200, { ok: true, message: `已将评估员分配到${n}个单位。`, fieldErrors: {} });
      }
      case "random": {
        const parsed = parseForm(randomAssignSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        const r = randomAssign(db, actor, cycleId, parsed.data.seed);
        return reply(200, { ok: true, message: `已随机分配${r.assigned}人次，随机种子：${r.seed}`, fieldErrors: {} });
      }
      case "unassign":
      case "lead":
      case "reopen": {
        if (assignmentId === undefined) throw badRequest("缺少分配记录。");
        if (intent === "unassign") {
          unassignEvaluator(db, actor, cycleId, assignmentId);
          return reply(200, { ok: true, message: "已取消分配。", fieldErrors: {} });
        }
        if (intent === "lead") {
          setLeadEvaluator(db, actor, cycleId, assignmentId);
          return reply(200, { ok: true, message: "已指定牵头评估员。", fieldErrors: {} });
        }
        const parsed = parseForm(reopenSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors, assignmentId });
        reopenSignOff(db, actor, cycleId, assignmentId, parsed.data.reason);
        return reply(200, { ok: true, message: "已退回签署，评估员可以修改录入。", fieldErrors: {} });
      }
    }
  } catch (error) {
    const r = refusalErrors(error);
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors, assignmentId });
  }
}

export default function EvaluationBoard() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!d.cycle || !d.board) {
    return (
      <>
        <h1>评估分配</h1>
        <p className="muted">还没有已发布的考核年度。</p>
      </>
    );
  }
  const { cycle, board } = d;
  const err = (intent: Intent, field: string) => (a && !a.ok && a.intent === intent ? a.fieldErrors[field] : undefined);
  const submitted = board.units.filter((u) => u.submissionStatus === "submitted" || u.submissionStatus === "returned");
  return (
    <>
      <h1>评估分配 · {cycle.year}年度</h1>
      <p>
        状态：<span className="badge">{CYCLE_STATUS_LABELS[cycle.status]}</span> · 每个单位评估员人数：{board.perUnit}人 ·{" "}
        <Link to={`/evaluation/divergences?cycle=${cycle.year}`}>评分分歧与仲裁</Link> · <Link to={`/spotchecks?cycle=${cycle.year}`}>抽查</Link> ·{" "}
        <Link to="/rectifications">整改</Link> · <Link to={`/appeals?cycle=${cycle.year}`}>复核申请</Link>
      </p>
      <CyclePicker cycles={d.cycles} current={cycle} />
      {!cycle.open ? <p className="warning">本年度当前不在评审阶段，分配只读。</p> : null}
      <FormOutcome notice={a?.ok && !busy ? a.message : null} error={a && !a.ok ? a.fieldErrors._form : null} />

      {cycle.open && (!d.batchAssign || !a?.ok) ? (
        <BatchAssignForm
          cycleId={cycle.id}
          cycleYear={cycle.year}
          units={submitted.map((u) => ({ id: u.id, code: u.code, name: u.name, assigned: u.assignments.length }))}
          evaluators={board.evaluators}
          preview={d.batchAssign}
          busy={busy}
          error={a && !a.ok && a.intent === "assignMany" ? (a.fieldErrors.unitIds ?? a.fieldErrors.evaluatorId) : undefined}
        />
      ) : null}
      {cycle.open ? (
        <div className="grid" style={{ display: "grid", gap: "1rem", gridTemplateColumns: "repeat(auto-fit, minmax(300px, 1fr))" }}>
          <section className="card" aria-labelledby="manual-h">
            <h2 id="manual-h">手动分配</h2>
            <Form method="post">
              <input type="hidden" name="intent" value="assign" />
              <input type="hidden" name="cycleId" value={cycle.id} />
              <div className="field">
                <label htmlFor="f-unitId">单位（已提交自查）</label>
                <select id="f-unitId" name="unitId" defaultValue="">
                  <option value="">请选择</option>
                  {submitted.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.code} {u.name}（已分配{u.assignments.length}人）
                    </option>
                  ))}
                </select>
                {err("assign", "unitId") ? <span className="field-error" role="alert">{err("assign", "unitId")}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="f-evaluatorId">评估员</label>
                <select id="f-evaluatorId" name="evaluatorId" defaultValue="">
                  <option value="">请选择</option>
                  {board.evaluators.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}（{e.username}，已分配{e.load}个单位{e.boundUnitName ? `，关联单位：${e.boundUnitName}` : ""}）
                    </option>
                  ))}
                </select>
                {err("assign", "evaluatorId") ? <span className="field-error" role="alert">{err("assign", "evaluatorId")}</span> : null}
              </div>
              <button type="submit" disabled={busy}>
                分配
              </button>
            </Form>
          </section>
          <section className="card" aria-labelledby="random-h">
            <h2 id="random-h">随机分配</h2>
            <p className="muted">
              为尚未配足{board.perUnit}名评估员的已提交单位随机抽取评估员：按负载均衡，自动回避与单位存在关联的评估员。随机种子与结果一并保存，任何人都可以据此复核。
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="random" />
              <input type="hidden" name="cycleId" value={cycle.id} />
              <div className="field">
                <label htmlFor="f-seed">随机种子（留空则自动生成）</label>
                <input id="f-seed" name="seed" maxLength={200} aria-invalid={err("random", "seed") ? true : undefined} />
                {err("random", "seed") ? <span className="field-error" role="alert">{err("random", "seed")}</span> : null}
              </div>
              <button type="submit" disabled={busy}>
                随机分配
              </button>
            </Form>
          </section>
        </div>
      ) : null}

      <section aria-labelledby="board-h">
        <h2 id="board-h">分配情况</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col">类别</th>
                <th scope="col">自查</th>
                <th scope="col">评估员（进度）</th>
                <th scope="col">回避</th>
              </tr>
            </thead>
            <tbody>
              {board.units.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.code} {u.name}
                  </td>
                  <td>{u.categoryName}</td>
                  <td>{u.submissionStatus === "submitted" || u.submissionStatus === "returned" ? "已提交" : "未提交"}</td>
                  <td>
                    {u.assignments.length === 0 ? <span className="muted">未分配</span> : null}
                    <ul style={{ margin: 0, paddingLeft: "1rem" }}>
                      {u.assignments.map((x) => (
                        <li key={x.id}>
                          {x.evaluatorName}（{x.username}）{x.lead ? <span className="badge ok">牵头</span> : null} <span className="muted">{ASSIGNMENT_METHOD_LABELS[x.method]}</span> · 已录入{x.entered}/{u.leafCount}项 ·{" "}
                          {x.signedOffText ? <span className="badge ok">已签署 {x.signedOffText}</span> : <span className="badge">未签署</span>}
                          {cycle.open ? (
                            <span className="toolbar">
                              {!x.lead ? (
                                <Form method="post" className="inline-form">
                                  <input type="hidden" name="intent" value="lead" />
                                  <input type="hidden" name="cycleId" value={cycle.id} />
                                  <input type="hidden" name="assignmentId" value={x.id} />
                                  <button type="submit" className="secondary" disabled={busy} aria-label={`指定${x.evaluatorName}为${u.name}的牵头评估员`}>
                                    设为牵头
                                  </button>
                                </Form>
                              ) : null}
                              {x.signedOffAt ? (
                                <Form method="post" className="inline-form">
                                  <input type="hidden" name="intent" value="reopen" />
                                  <input type="hidden" name="cycleId" value={cycle.id} />
                                  <input type="hidden" name="assignmentId" value={x.id} />
                                  <label htmlFor={`reopen-${x.id}`}>退回理由</label>
                                  <input id={`reopen-${x.id}`} name="reason" maxLength={500} />
                                  <button type="submit" className="secondary" disabled={busy}>
                                    退回签署
                                  </button>
                                  {a && !a.ok && a.intent === "reopen" && a.assignmentId === x.id && a.fieldErrors.reason ? (
                                    <span className="field-error" role="alert">
                                      {a.fieldErrors.reason}
                                    </span>
                                  ) : null}
                                </Form>
                              ) : (
                                <Form method="post" className="inline-form">
                                  <input type="hidden" name="intent" value="unassign" />
                                  <input type="hidden" name="cycleId" value={cycle.id} />
                                  <input type="hidden" name="assignmentId" value={x.id} />
                                  <button type="submit" className="secondary" disabled={busy} aria-label={`取消${x.evaluatorName}对${u.name}的分配`}>
                                    取消分配
                                  </button>
                                </Form>
                              )}
                            </span>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{u.conflicts.length > 0 ? u.conflicts.map((c) => `${c.name}（${c.username}）`).join("、") + " 须回避" : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="draws-h">
        <h2 id="draws-h">随机分配记录</h2>
        {board.draws.length === 0 ? <p className="muted">尚无随机分配。</p> : null}
        {board.draws.map((dr) => (
          <details key={dr.id} className="card" open={dr.id === board.draws[0].id}>
            <summary>
              第{dr.id}次随机分配 · 随机种子 <code>{dr.seed}</code> · 每单位{dr.perUnit}人 · {dr.createdAtText} · {dr.createdBy} ·{" "}
              {dr.reproducible ? <span className="badge ok">可复现</span> : <span className="badge error">复算结果不一致</span>}
            </summary>
            <ul>
              {dr.units.map((u) => (
                <li key={u.unitId}>
                  {u.unitCode} {u.unitName}：
                  {u.evaluatorIds.map((id) => board.evaluators.find((e) => e.id === id)?.name ?? `#${id}`).join("、") || "（已配足）"}
                  {u.excluded.length > 0 ? <span className="muted">；回避：{u.excluded.map((x) => `${x.name}（${x.reason}）`).join("、")}</span> : null}
                </li>
              ))}
            </ul>
          </details>
        ))}
      </section>
    </>
  );
}
