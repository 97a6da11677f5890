import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { may } from "../policy.server";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { EvidenceLinkForm } from "../components/EvidenceLinkForm";
import { EvidenceList } from "../components/EvidenceList";
import { EvidenceUploader } from "../components/EvidenceUploader";
import { FormOutcome } from "../components/FormOutcome";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { fmt } from "../domain/results-view";
import { appealFormSchema, appealForEvidence, closeAppealWindow, closeWindowSchema, createAppeal, decideAppeal, decisionSchema, listAppeals } from "../services/appeals.server";
import { appealsSettled } from "../services/arbitration.server";
import { appealWindow, evaluationCycles, pickCycle, userName } from "../services/evaluation-context.server";
import { addLink, listEvidence } from "../services/evidence.server";
import { unitResultsView } from "../services/unit-results.server";
import { actorOf, assertCan, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseForm } from "../utils/form.server";
import { badRequest, forbidden, parseId, actionRefusal, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "复核申请 - 政务公开绩效考核平台" }];

/**
 * 复核申请. A department: its own unit's results by phase (nothing before 初步结果; then every lost
 * point with its reason) and, within the appeal window, an appeal per leaf with reason and
 * evidence. The office: every appeal of the cycle, decided 维持 or 调整 (new value + reason),
 * whether the cycle may be finalised, and — once every appeal is decided — 提前结束复核期.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "appeal");
  const db = getDb();
  const cycle = pickCycle(db, new URL(request.url).searchParams.get("cycle"));
  const cycles = evaluationCycles(db).map((c) => ({ id: c.id, year: c.year }));
  if (!cycle) return { role: user.role, cycle: null, cycles, office: null, unit: null };
  const head = { id: cycle.id, year: cycle.year, status: cycle.status };
  const window = appealWindow(db, cycle);
  const closedEarly = cycle.appealsClosedAt
    ? { at: formatBeijingTime(cycle.appealsClosedAt), by: userName(db, cycle.appealsClosedBy), reason: cycle.appealsClosedReason ?? "" }
    : null;
  const withEvidence = <T extends { id: number; createdAt: string; decidedAt: string | null }>(rows: T[]) =>
    rows.map((r) => ({ ...r, createdAtText: formatBeijingTime(r.createdAt), decidedAtText: r.decidedAt ? formatBeijingTime(r.decidedAt) : null, evidence: listEvidence(getDb(), "appeal", String(r.id)) }));
  if (may(user, "decide", "appeal")) {
    return {
      role: user.role,
      cycle: head,
      cycles,
      window,
      closedEarly,
      office: { appeals: withEvidence(listAppeals(db, cycle.id)), finaliseBlockers: cycleAllows(cycle.status, "appeal") ? appealsSettled(db, cycle.id) : [] },
      unit: null,
    };
  }
  if (!user.unitId) throw forbidden("您的账号未关联被考核单位。");
  try {
    const view = unitResultsView(db, user, cycle.id, user.unitId);
    return {
      role: user.role,
      cycle: head,
      cycles,
      window,
      closedEarly,
      office: null,
      unit: view.visible ? { ...view, appeals: withEvidence(view.appeals) } : { ...view, appeals: [] as ReturnType<typeof withEvidence<ReturnType<typeof listAppeals>[number]>> },
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

type Intent = "appeal" | "decide" | "addLink" | "closeWindow";
interface ActionResult {
  intent: Intent;
  key: string;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, ["write", "decide"], "appeal");
  const actor = actorOf(user);
  const db = getDb();
  const form = await request.formData();
  const intent = form.get("intent") as Intent;
  const key = String(form.get("key") ?? "");
  const reply = (status: number, body: Omit<ActionResult, "intent" | "key">) => data<ActionResult>({ intent, key, ...body }, { status });
  try {
    switch (intent) {
      case "appeal": {
        if (!may(user, "write", "appeal")) throw forbidden("只有被考核单位可以申请复核。");
        // Another unit's appeal is refused before the form is validated.
        assertCan(db, user, "write", { kind: "appeal", unitId: Number(String(form.get("unitId") ?? "").trim()) }, "只能对本单位的考核结果申请复核。");
        const cycleId = parseId(String(form.get("cycleId") ?? ""));
        const parsed = parseForm(appealFormSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        createAppeal(db, actor, user, cycleId, parsed.data);
        return reply(200, { ok: true, message: "已提交复核申请。", fieldErrors: {} });
      }
      case "decide": {
        if (!may(user, "decide", "appeal")) throw forbidden("只有政务公开办可以处理复核申请。");
        const appealId = parseId(String(form.get("appealId") ?? ""));
        const parsed = parseForm(decisionSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        decideAppeal(db, actor, appealId, parsed.data);
        return reply(200, { ok: true, message: parsed.data.decision === "adjusted" ? "已调整分值，结果将按调整后的分值计算。" : "已维持原评分。", fieldErrors: {} });
      }
      case "closeWindow": {
        if (!may(user, "decide", "appeal")) throw forbidden("只有政务公开办可以提前结束复核期。");
        const cycleId = parseId(String(form.get("cycleId") ?? ""));
        const parsed = parseForm(closeWindowSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        closeAppealWindow(db, actor, user, cycleId, parsed.data);
        return reply(200, { ok: true, message: "复核期已提前结束，各单位不能再申请复核。", fieldErrors: {} });
      }
      case "addLink": {
        const appeal = appealForEvidence(db, user, parseId(String(form.get("appealId") ?? "")));
        addLink(getDb(), { actor, unitId: appeal.unitId, ownerType: "appeal", ownerId: String(appeal.id), url: String(form.get("url") ?? ""), title: String(form.get("title") ?? "") });
        return reply(200, { ok: true, message: "已添加佐证链接。", fieldErrors: {} });
      }
      default:
        throw badRequest("未知的操作。");
    }
  } catch (error) {
    const r = actionRefusal(error);
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors });
  }
}

export default function Appeals() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!d.cycle) return <p className="muted">还没有已发布的考核年度。</p>;
  const err = (key: string, f: string) => (a && !a.ok && a.key === key ? a.fieldErrors[f] : undefined);
  const E = ({ k, f }: { k: string; f: string }) =>
    err(k, f) ? (
      <span className="field-error" role="alert">
        {err(k, f)}
      </span>
    ) : null;
  return (
    <>
      <h1>
        复核申请 · {d.cycle.year}年度
      </h1>
      <CyclePicker cycles={d.cycles} current={d.cycle} />
      <p>
        考核状态：<span className="badge">{CYCLE_STATUS_LABELS[d.cycle.status]}</span>
        {d.window?.lastDay ? ` · 复核申请期限：${d.window.opened} 至 ${d.window.lastDay}（北京时间当日24时）${d.window.open ? "，正在受理" : d.closedEarly ? "，已提前结束" : "，已截止"}` : ""}
      </p>
      {d.closedEarly ? (
        <p className="muted">
          复核期已于 {d.closedEarly.at} 由{d.closedEarly.by}提前结束。理由：<span style={{ whiteSpace: "pre-wrap" }}>{d.closedEarly.reason}</span>
        </p>
      ) : null}
      <FormOutcome notice={a?.ok && !busy ? a.message : null} error={a && !a.ok ? a.fieldErrors._form : null} />

      {d.office ? (
        <>
          {cycleAllows(d.cycle.status, "appeal") ? (
            d.office.finaliseBlockers.length > 0 ? (
              <div className="warning">
                暂不能定稿：
                <ul>
                  {d.office.finaliseBlockers.map((b) => (
                    <li key={b}>{b}</li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="notice">复核期限已过且全部复核申请已处理，可以在考核年度页面定稿。</p>
            )
          ) : null}
          {cycleAllows(d.cycle.status, "appeal") && d.window?.open ? (
            <Form method="post" className="card stack" aria-labelledby="close-window-h">
              <h2 id="close-window-h">提前结束复核期</h2>
              <p className="muted">全部复核申请处理完毕后，可以提前结束复核期：各单位将不能再申请复核，考核即可定稿。此操作记入审计日志，不可撤销。</p>
              <input type="hidden" name="intent" value="closeWindow" />
              <input type="hidden" name="key" value="closeWindow" />
              <input type="hidden" name="cycleId" value={d.cycle.id} />
              <div className="field">
                <label htmlFor="f-close-reason">理由</label>
                <textarea id="f-close-reason" name="reason" rows={2} maxLength={500} />
                <E k="closeWindow" f="reason" />
              </div>
              <button type="submit" disabled={busy}>
                提前结束复核期
              </button>
            </Form>
          ) : null}
          {d.office.appeals.length === 0 ? <p className="muted">没有复核申请。</p> : null}
          {d.office.appeals.map((x) => {
            const k = `decide:${x.id}`;
            return (
              <article key={x.id} className="card">
                <h2>
                  {x.unitCode} {x.unitName} · {x.nodeCode} {x.nodeName}（{x.points}分） <span className="badge">{x.statusLabel}</span>
                </h2>
                <p style={{ whiteSpace: "pre-wrap" }}>
                  申请理由：{x.reason} <span className="muted">（{x.createdAtText}）</span>
                </p>
                <EvidenceList files={x.evidence.files} links={x.evidence.links} caption="复核佐证" />
                {x.status !== "pending" ? (
                  <p>
                    处理结果：{x.statusLabel}
                    {x.decisionValue !== null ? `，调整为${x.decisionValue}分` : ""}。理由：{x.decisionReason}{" "}
                    <span className="muted">
                      （{x.decidedByName}，{x.decidedAtText}）
                    </span>
                  </p>
                ) : d.cycle && cycleAllows(d.cycle.status, "appeal") ? (
                  <Form method="post" className="stack">
                    <input type="hidden" name="intent" value="decide" />
                    <input type="hidden" name="key" value={k} />
                    <input type="hidden" name="appealId" value={x.id} />
                    <fieldset>
                      <legend>处理结果</legend>
                      <label>
                        <input type="radio" name="decision" value="upheld" /> 维持
                      </label>{" "}
                      <label>
                        <input type="radio" name="decision" value="adjusted" /> 调整
                      </label>
                      <E k={k} f="decision" />
                    </fieldset>
                    <div className="field">
                      <label htmlFor={`v-${x.id}`}>调整后的分值（调整时填写，0–{x.points}）</label>
                      <input id={`v-${x.id}`} name="value" inputMode="decimal" />
                      <E k={k} f="value" />
                    </div>
                    <div className="field">
                      <label htmlFor={`r-${x.id}`}>处理理由</label>
                      <textarea id={`r-${x.id}`} name="reason" rows={2} maxLength={2000} />
                      <E k={k} f="reason" />
                    </div>
                    <button type="submit" disabled={busy}>
                      提交处理结果
                    </button>
                  </Form>
                ) : null}
              </article>
            );
          })}
        </>
      ) : null}

      {d.unit ? (
        !d.unit.visible ? (
          <p className="muted">初步结果公布前，评估结果、抽查发现和得分不向单位公开。</p>
        ) : (
          <>
            {d.unit.summary ? (
              <section className="card">
                <h2>
                  {d.unit.unit.name}：总分 {fmt(d.unit.summary.total)} 分 · {d.unit.summary.grade}
                  {d.unit.summary.rank !== null ? ` · 第${d.unit.summary.rank}名` : ""}
                </h2>
                <p className="muted">{d.unit.summary.explain}</p>
                <p className="no-print">
                  <Link to={`/results/${d.cycle.year}/units/${d.unit.unit.id}`}>查看本单位得分明细（可打印、下载PDF）</Link>
                </p>
              </section>
            ) : null}
            <section>
              <h2>各项得分与失分原因</h2>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">指标</th>
                      <th scope="col" className="num">
                        得分
                      </th>
                      <th scope="col" className="num">
                        失分
                      </th>
                      <th scope="col">说明</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.unit.leaves.map((l) => (
                      <tr key={l.nodeId}>
                        <td>
                          {l.code} {l.name}
                        </td>
                        <td className="num">{l.na ? "不适用" : l.part === "veto" ? "—" : `${fmt(l.score ?? 0)} / ${l.max}`}</td>
                        <td className="num">{l.lost > 0 ? fmt(l.lost) : ""}</td>
                        <td>{l.explain}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            {d.unit.findings.length > 0 ? (
              <section>
                <h2>抽查发现</h2>
                <ul>
                  {d.unit.findings.map((f) => (
                    <li key={f.id}>
                      {f.source} · {f.code} {f.name} · {f.kind}：{f.description}（{f.foundOn}）
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <section>
              <h2>本单位的复核申请</h2>
              {d.unit.appeals.map((x) => (
                <article key={x.id} className="card">
                  <p>
                    {x.nodeCode} {x.nodeName} · <span className="badge">{x.statusLabel}</span> · {x.reason}
                  </p>
                  {x.status !== "pending" ? (
                    <p>
                      处理结果：{x.statusLabel}
                      {x.decisionValue !== null ? `，调整为${x.decisionValue}分` : ""}。理由：{x.decisionReason}
                    </p>
                  ) : null}
                  <EvidenceList files={x.evidence.files} links={x.evidence.links} caption="复核佐证" />
                  {x.status === "pending" && d.window?.open ? (
                    <EvidenceUploader action={`/evaluation/upload/appeal/${x.id}`} label="上传复核佐证材料" />
                  ) : null}
                  {x.status === "pending" && d.window?.open ? (
                    <EvidenceLinkForm idPrefix={`link-${x.id}`} hidden={{ key: `link:${x.id}`, appealId: x.id }} busy={busy} />
                  ) : null}
                </article>
              ))}
              {d.window?.open ? (
                <Form method="post" className="card">
                  <input type="hidden" name="intent" value="appeal" />
                  <input type="hidden" name="key" value="appeal" />
                  <input type="hidden" name="cycleId" value={d.cycle.id} />
                  <input type="hidden" name="unitId" value={d.unit.unit.id} />
                  <div className="field">
                    <label htmlFor="f-nodeId">申请复核的指标</label>
                    <select id="f-nodeId" name="nodeId" defaultValue="">
                      <option value="">请选择</option>
                      {d.unit.leaves.map((l) => (
                        <option key={l.nodeId} value={l.nodeId}>
                          {l.code} {l.name}
                        </option>
                      ))}
                    </select>
                    <E k="appeal" f="nodeId" />
                  </div>
                  <div className="field">
                    <label htmlFor="f-reason">申请理由</label>
                    <textarea id="f-reason" name="reason" rows={3} maxLength={2000} />
                    <E k="appeal" f="reason" />
                  </div>
                  <button type="submit" disabled={busy}>
                    提交复核申请
                  </button>
                </Form>
              ) : (
                <p className="muted">当前不在复核申请期限内。</p>
              )}
            </section>
          </>
        )
      ) : null}
    </>
  );
}
