import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EvidenceList } from "../components/EvidenceList";
import { FormOutcome } from "../components/FormOutcome";
import { Timeline } from "../components/SubmissionTimeline";
import { submissionDetail } from "../services/submission-views.server";
import { grantExtension, reopenSubmission, returnSubmission } from "../services/submissions.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { parseId, refusalErrors, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";
import { formValues } from "../utils/form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.unit.name ?? ""}自查 - 自查审核 - 政务公开绩效考核平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "submissionReview");
  const id = parseId(params.submissionId);
  try {
    return submissionDetail(getDb(), id);
  } catch (error) {
    throwAsResponse(error);
  }
}

type Intent = "return" | "reopen" | "extend";
interface ActionResult {
  intent: Intent | null;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
}

const DONE: Record<Intent, string> = { return: "已退回修改，单位将收到各项退回意见。", reopen: "已撤回为草稿。", extend: "已批准延期。" };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "submissionReview");
  const id = parseId(params.submissionId);
  const actor = actorOf(user);
  const form = await request.formData();
  const raw = form.get("intent");
  const intent: Intent | null = raw === "return" || raw === "reopen" || raw === "extend" ? raw : null;
  const reply = (status: number, body: Omit<ActionResult, "intent">) => data<ActionResult>({ intent, ...body }, { status });
  try {
    if (intent === "return") returnSubmission(getDb(), { actor, role: user.role, submissionId: id, form });
    else if (intent === "reopen") reopenSubmission(getDb(), { actor, role: user.role, submissionId: id, comment: form.get("reopenComment") });
    else if (intent === "extend") {
      const detail = submissionDetail(getDb(), id);
      grantExtension(getDb(), { actor, cycleId: detail.cycle.id, unitId: detail.unit.id, form });
    } else return reply(400, { ok: false, fieldErrors: { _form: "未知的操作" }, values: {} });
    return reply(200, { ok: true, message: DONE[intent], fieldErrors: {}, values: {} });
  } catch (error) {
    const r = refusalErrors(error);
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors, values: formValues(form) });
  }
}

export default function SubmissionReview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errorsFor = (intent: Intent) => (actionData?.intent === intent && !actionData.ok ? actionData.fieldErrors : {}) as Record<string, string | undefined>;
  const valuesFor = (intent: Intent) => (actionData?.intent === intent && !actionData.ok ? actionData.values : {}) as Record<string, string | undefined>;
  const returnErrors = errorsFor("return");
  const returnValues = valuesFor("return");
  const formError = actionData && !actionData.ok ? actionData.fieldErrors._form : null;

  const leaves = d.leaves.map((l) => (
    <article key={l.nodeId} className="card" aria-labelledby={`leaf-${l.nodeId}`}>
      <p className="muted" style={{ margin: 0 }}>
        {l.path}
      </p>
      <h3 id={`leaf-${l.nodeId}`} style={{ marginTop: ".25rem" }}>
        {l.code} {l.name} <span className="muted">（{l.ruleLabel}，{l.points}分）</span>
        {l.openReturnComment ? <span className="badge error">待修改</span> : null}
      </h3>
      <p>
        <strong>填报：</strong>
        {l.answered ? l.summary : <span className="badge warn">未填报</span>}
        {l.score !== null ? <span className="muted">（自评分预估 {l.score.toFixed(2)} / {l.max}）</span> : null}
      </p>
      {l.narrative ? <p style={{ whiteSpace: "pre-wrap" }}>说明：{l.narrative}</p> : null}
      {l.events.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">事项</th>
                <th scope="col">开始</th>
                <th scope="col">完成</th>
                <th scope="col">是否按时</th>
              </tr>
            </thead>
            <tbody>
              {l.events.map((e, i) => (
                <tr key={i}>
                  <td>
                    {e.link ? (
                      <a href={e.link} target="_blank" rel="noopener noreferrer nofollow">
                        {e.title}
                      </a>
                    ) : (
                      e.title
                    )}
                  </td>
                  <td>{e.start.replace("T", " ")}</td>
                  <td>{e.end.replace("T", " ")}</td>
                  <td>
                    {e.status ? <span className={`badge ${e.status.onTime ? "ok" : "error"}`}>{e.status.onTime ? "按时" : "超时"}</span> : "—"}{" "}
                    <span className="muted">{e.status?.detail}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <EvidenceList files={l.files} links={l.links} caption={`${l.code} 佐证材料${l.evidenceRequired ? "（必需）" : ""}`} />
      {l.openReturnComment ? <p className="field-error">退回意见：{l.openReturnComment}</p> : null}
      {d.canReturn ? (
        <div className="field">
          <label htmlFor={`comment-${l.nodeId}`}>退回意见（需要该单位修改时填写）</label>
          <textarea id={`comment-${l.nodeId}`} name={`comment.${l.nodeId}`} rows={2} maxLength={1000} defaultValue={returnValues[`comment.${l.nodeId}`] ?? ""} />
          {returnErrors[`comment.${l.nodeId}`] ? <span className="field-error">{returnErrors[`comment.${l.nodeId}`]}</span> : null}
        </div>
      ) : null}
    </article>
  ));

  return (
    <>
      <p className="no-print">
        <Link to={`/submissions?cycle=${d.cycle.id}`}>← 返回自查审核</Link>
      </p>
      <h1>
        {d.unit.name} · {d.cycle.year}年度自查
      </h1>
      <p>
        状态 <span className="badge">{d.statusLabel}</span>
        {d.submission.submittedAtText ? ` · 提交于 ${d.submission.submittedAtText}` : ""} · 最近活动 {d.submission.lastActivityText} · 截止 {d.deadline.deadlineText}
        {d.deadline.extension ? `（已延期，原截止 ${d.deadline.cycleDue}）` : ""}
      </p>
      <p>
        已填报 {d.completeness.answered}/{d.completeness.total} 项 · 必需佐证 {d.completeness.evidenceAttached}/{d.completeness.evidenceRequired} 项
        {d.preview ? ` · 自评分预估 ${d.preview.total.toFixed(2)} 分${d.preview.vetoed ? "（触发单项否决）" : ""}` : ""}
      </p>
      <FormOutcome notice={actionData?.ok ? actionData.message : null} error={formError} />

      <h2>各项填报与佐证材料</h2>
      {d.canReturn ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="return" />
          {leaves}
          <div className="card">
            <div className="field">
              <label htmlFor="return-comment">总体意见（可选）</label>
              <textarea id="return-comment" name="comment" maxLength={1000} defaultValue={returnValues.comment ?? ""} />
              {returnErrors.comment ? <span className="field-error">{returnErrors.comment}</span> : null}
            </div>
            <p className="muted">只有填写了退回意见的指标会退回给单位修改，其他指标保持锁定。</p>
            <button type="submit" className="danger" disabled={busy}>
              退回修改
            </button>
          </div>
        </Form>
      ) : (
        leaves
      )}

      {d.canReopen ? (
        <section className="card" aria-labelledby="reopen-h">
          <h2 id="reopen-h">撤回为草稿</h2>
          <p className="muted">单位申请撤回整份自查时使用：全部指标恢复可编辑，已提交的佐证材料仍保持锁定；再次提交仍受截止时间约束。</p>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="reopen" />
            <div className="field">
              <label htmlFor="reopen-comment">撤回原因</label>
              <textarea id="reopen-comment" name="reopenComment" maxLength={1000} defaultValue={valuesFor("reopen").reopenComment ?? ""} />
              {errorsFor("reopen").reopenComment ? <span className="field-error">{errorsFor("reopen").reopenComment}</span> : null}
            </div>
            <div>
              <button type="submit" className="secondary" disabled={busy}>
                撤回为草稿
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {d.canExtend ? (
        <section className="card" aria-labelledby="extend-h">
          <h2 id="extend-h">批准延期</h2>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="extend" />
            <div className="field">
              <label htmlFor="ext-until">延期至</label>
              <input id="ext-until" name="until" type="date" min={d.deadline.cycleDue} defaultValue={valuesFor("extend").until ?? ""} />
              {errorsFor("extend").until ? <span className="field-error">{errorsFor("extend").until}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="ext-reason">延期理由</label>
              <textarea id="ext-reason" name="reason" maxLength={500} defaultValue={valuesFor("extend").reason ?? ""} />
              {errorsFor("extend").reason ? <span className="field-error">{errorsFor("extend").reason}</span> : null}
            </div>
            <div>
              <button type="submit" className="secondary" disabled={busy}>
                批准延期
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <h2>办理记录</h2>
      <Timeline entries={d.timeline} />
    </>
  );
}
