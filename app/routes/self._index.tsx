import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { DomainError } from "../domain/domain-error";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Timeline } from "../components/SubmissionTimeline";
import { type MissingReport } from "../services/self-inspection-context.server";
import { submitSelfInspection } from "../services/submissions.server";
import { departmentHome } from "../services/submission-views.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { forbidden, refusalOf } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "年度自查 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "selfInspection");
  if (!user.unitId) throw forbidden("您的账号未关联被考核单位，不能填报自查。");
  return departmentHome(getDb(), user);
}

type ActionResult = { ok: true; message: string; error?: undefined; missing?: undefined } | { ok: false; message?: undefined; error: string; missing: MissingReport | null };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "selfInspection");
  if (!user.unitId) throw forbidden("您的账号未关联被考核单位，不能填报自查。");
  const form = await request.formData();
  if (form.get("intent") !== "submit") return data<ActionResult>({ ok: false, error: "未知的操作", missing: null }, { status: 400 });
  try {
    const after = submitSelfInspection(getDb(), { actor: actorOf(user), user, postedSubmissionId: form.get("submissionId") });
    return data<ActionResult>({ ok: true, message: after.status === "submitted" ? "自查已提交，填报内容和佐证材料已锁定。" : "已提交。" });
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    const missing = error instanceof DomainError ? ((error.details as MissingReport | undefined) ?? null) : null;
    return data<ActionResult>({ ok: false, error: refusal.message, missing }, { status: refusal.status });
  }
}

function Bar({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.round((value / max) * 100) : 100;
  return (
    <div className="field">
      <span>
        {label}：
        <strong>
          {value} / {max}
        </strong>
      </span>
      <progress max={max || 1} value={max > 0 ? value : 1} aria-label={label} aria-valuetext={`${value} / ${max}（${pct}%）`}>
        {pct}%
      </progress>
    </div>
  );
}

export default function SelfHome() {
  const { home, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!home) {
    return (
      <>
        <h1>年度自查</h1>
        <p className="muted">{notice}</p>
      </>
    );
  }
  const { cycle, unit, deadline, completeness, preview, submission } = home;
  const statusClass = home.statusLabel === "已提交" ? "ok" : home.statusLabel === "退回修改" ? "error" : "warn";
  return (
    <>
      <h1>{cycle.year}年度政务公开自查</h1>
      <p>
        {unit.name} · 当前状态 <span className={`badge ${statusClass}`}>{home.statusLabel}</span>
        {submission?.submittedAtText ? <span className="muted"> · 最近提交 {submission.submittedAtText}</span> : null}
      </p>
      {home.reminder ? (
        <p className="warning" role="alert">
          {home.reminder}
        </p>
      ) : null}
      {!cycle.open ? <p className="muted">本年度自查已结束，以下内容仅供查看。</p> : null}
      {actionData?.ok ? (
        <p className="notice" role="status">
          {actionData.message}
        </p>
      ) : null}
      {actionData && !actionData.ok ? (
        <div className="form-error" role="alert">
          <p>{actionData.error}</p>
          {actionData.missing ? (
            <ul>
              {actionData.missing.unanswered.map((l) => (
                <li key={`u${l.nodeId}`}>
                  <Link to={`/self/${l.nodeId}`}>
                    {l.code} {l.name}
                  </Link>
                  ：尚未填报
                </li>
              ))}
              {actionData.missing.missingEvidence.map((l) => (
                <li key={`e${l.nodeId}`}>
                  <Link to={`/self/${l.nodeId}`}>
                    {l.code} {l.name}
                  </Link>
                  ：缺少佐证材料
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="grid">
        <section className="card" aria-labelledby="deadline-h">
          <h2 id="deadline-h">截止时间</h2>
          <p>
            <strong>{deadline.deadlineText}</strong>
          </p>
          {home.statusLabel !== "已提交" ? <p className={deadline.pastDue ? "field-error" : ""}>{deadline.daysLeftText}</p> : null}
          {deadline.extension ? (
            <p className="muted">
              政务公开办已批准延期至 {deadline.extension.until}（原截止日期 {deadline.cycleDue}）：{deadline.extension.reason}
            </p>
          ) : null}
          {cycle.open && home.submission?.status !== "submitted" && home.submission?.status !== "returned" ? (
            <p>
              <Link to="/self/extension">申请延期</Link>
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="progress-h">
          <h2 id="progress-h">填报进度</h2>
          <Bar value={completeness.answered} max={completeness.total} label="已填报指标（含不适用）" />
          <Bar value={completeness.evidenceAttached} max={completeness.evidenceRequired} label="已提供必需的佐证材料" />
        </section>
        <section className="card" aria-labelledby="score-h">
          <h2 id="score-h">自评分预估</h2>
          {preview ? (
            <>
              <p>
                <strong style={{ fontSize: "1.6rem" }}>{preview.total.toFixed(2)}</strong> 分{preview.vetoed ? <span className="badge error">触发单项否决</span> : null}
              </p>
              <p className="muted">
                基础分 {preview.base.toFixed(2)}，加分 {preview.bonus.toFixed(2)}
                {preview.unanswered > 0 ? `；未填报的${preview.unanswered}项暂按0分计` : ""}。由评分引擎按指标规则计算，仅供参考，最终得分以评估结果为准。
              </p>
            </>
          ) : (
            <p className="muted">暂无法计算。</p>
          )}
        </section>
      </div>

      {home.returned.length > 0 ? (
        <section className="card" aria-labelledby="returned-h" style={{ borderColor: "var(--c-error)" }}>
          <h2 id="returned-h">退回修改的指标（{home.returned.length}项）</h2>
          <p className="muted">只能修改以下被退回的指标，修改后请重新提交。原有佐证材料作为历史保留，可补充新的材料。</p>
          <ul>
            {home.returned.map((l) => (
              <li key={l.nodeId}>
                <Link to={`/self/${l.nodeId}`}>
                  {l.code} {l.name}
                </Link>
                ：<span className="field-error">{l.returnComment}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {home.submitAction ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="submit" />
          <input type="hidden" name="submissionId" value={submission?.id ?? ""} />
          <p className="muted">提交前请确认每项指标均已填报（或说明不适用），并已上传要求的佐证材料。提交后填报内容和佐证材料将被锁定，不能修改或删除。</p>
          <button type="submit" disabled={busy}>
            {home.submitAction.label}
          </button>
        </Form>
      ) : null}

      <h2>指标填报</h2>
      {!home.hasIndicators ? (
        <p className="muted">本单位所属类别在本年度还没有指标体系，请联系政务公开办。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="muted">共{completeness.total}项末级指标</caption>
            <thead>
              <tr>
                <th scope="col">指标</th>
                <th scope="col">评分方式</th>
                <th scope="col" className="num">
                  分值
                </th>
                <th scope="col">填报情况</th>
                <th scope="col">佐证材料</th>
                <th scope="col" className="num">
                  自评分
                </th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {home.leaves.map((l) => (
                <tr key={l.nodeId} style={l.returnComment ? { background: "#fff1f0" } : undefined}>
                  <td>
                    <span className="muted" style={{ fontSize: ".85rem" }}>
                      {l.path}
                    </span>
                    <br />
                    {l.code} {l.name}
                    {l.returnComment ? (
                      <>
                        <br />
                        <span className="badge error">退回修改</span> <span className="field-error">{l.returnComment}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{l.ruleLabel}</td>
                  <td className="num">{l.part === "veto" ? "否决项" : l.points}</td>
                  <td>{l.na ? <span className="badge">不适用</span> : l.answered ? <span className="badge ok">已填报</span> : <span className="badge warn">未填报</span>}</td>
                  <td>
                    {l.evidenceCount}个{l.evidenceRequired ? (l.evidenceCount > 0 || l.na ? "" : <span className="badge warn">必需</span>) : ""}
                  </td>
                  <td className="num">{l.score === null ? "—" : l.score.toFixed(2)}</td>
                  <td>
                    <Link to={`/self/${l.nodeId}`} aria-label={`${l.editable ? "填报" : "查看"} ${l.code} ${l.name}`}>
                      {l.editable ? "填报" : "查看"}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>办理记录</h2>
      <Timeline entries={home.timeline} />
    </>
  );
}
