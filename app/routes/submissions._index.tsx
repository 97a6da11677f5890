import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { ExtensionRequestTable } from "../components/ExtensionRequestTable";
import { FormOutcome } from "../components/FormOutcome";
import { SubmissionBatchConfirm } from "../components/SubmissionBatchConfirm";
import { decideExtensionRequest, pendingExtensionRequests } from "../services/extension-requests.server";
import { batchPreview, runBatch } from "../services/submission-batch.server";
import { grantExtension } from "../services/submissions.server";
import { OVERVIEW_FILTER_LABELS, OVERVIEW_FILTERS } from "../domain/overview-filters";
import { remindUnits } from "../services/reminders.server";
import { officeOverview } from "../services/submissions-overview.server";
import { getDb } from "../utils/db.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formValues } from "../utils/form.server";
import { actionRefusal, badRequest, parseId, refusalErrors } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "自查审核 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "submissionReview");
  const url = new URL(request.url);
  const cycleParam = url.searchParams.get("cycle");
  const cycleId = cycleParam && /^[1-9][0-9]{0,15}$/.test(cycleParam) ? Number(cycleParam) : null;
  const overview = officeOverview(getDb(), { cycleId, filter: url.searchParams.get("filter") });
  if (!overview.cycle) return { ...overview, extensionRequests: [], batch: null };
  const batchKind = url.searchParams.get("batch");
  const allRows = batchKind ? officeOverview(getDb(), { cycleId: overview.cycle.id, filter: "all" }).rows : [];
  return {
    ...overview,
    extensionRequests: pendingExtensionRequests(getDb(), overview.cycle.id),
    batch: batchPreview(batchKind, url.searchParams.getAll("unit"), allRows),
  };
}

type Intent = "remind" | "extend" | "decideExtension" | "batchExtend" | "batchReturn";

interface ActionResult {
  intent: Intent;
  /** The extension request a failed decision concerns. */
  requestId?: string;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "submissionReview");
  const form = await request.formData();
  const values = formValues(form);
  const intent = form.get("intent");
  if (intent === "decideExtension" || intent === "batchExtend" || intent === "batchReturn") {
    const requestId = String(form.get("requestId") ?? "");
    const field = (name: string) => form.get(name) ?? undefined;
    try {
      const db = getDb();
      const now = new Date();
      const batch = () => ({ unitIds: form.getAll("unitId"), until: field("until"), reason: field("reason"), comment: field("comment"), codes: field("codes") });
      const cycleId = () => parseId(String(form.get("cycleId") ?? ""));
      const message =
        intent === "decideExtension"
          ? decideExtensionRequest(db, actorOf(user), user, { decision: field("decision"), requestId: field("requestId"), until: field("until"), comment: field("comment") }, now)
          : runBatch(intent === "batchExtend" ? "extend" : "return", db, actorOf(user), user, cycleId(), batch(), now);
      return data<ActionResult>({ intent, ok: true, message, fieldErrors: {}, values: {} });
    } catch (error) {
      const r = refusalErrors(error);
      return data<ActionResult>({ intent, requestId, ok: false, fieldErrors: r.fieldErrors, values }, { status: r.status });
    }
  }
  if (intent === "remind") {
    const cycleId = parseId(String(form.get("cycleId") ?? ""));
    const message = typeof form.get("message") === "string" ? String(form.get("message")) : undefined;
    try {
      const r = remindUnits(getDb(), actorOf(user), cycleId, { unitIds: form.getAll("unitId"), message }, new Date());
      return data<ActionResult>({ intent: "remind", ok: true, message: `已向${r.units}个单位发送催办（${r.recipients}位填报员收到消息）。`, fieldErrors: {}, values: {} });
    } catch (error) {
      const r = actionRefusal(error);
      return data<ActionResult>({ intent: "remind", ok: false, fieldErrors: r.fieldErrors, values: { message: message ?? "" } }, { status: r.status });
    }
  }
  if (intent !== "extend") throw badRequest("未知的操作。");
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const unitRaw = String(form.get("unitId") ?? "");
  if (!/^[1-9][0-9]{0,15}$/.test(unitRaw)) {
    return data<ActionResult>({ intent: "extend", ok: false, fieldErrors: { unitId: "请选择单位" }, values: { until: String(form.get("until") ?? ""), reason: String(form.get("reason") ?? "") } }, { status: 400 });
  }
  try {
    grantExtension(getDb(), { actor: actorOf(user), cycleId, unitId: Number(unitRaw), form });
    return data<ActionResult>({ intent: "extend", ok: true, message: `已批准延期至 ${String(form.get("until")).trim()}。`, fieldErrors: {}, values: {} });
  } catch (error) {
    const r = refusalErrors(error);
    return data<ActionResult>({ intent: "extend", ok: false, fieldErrors: r.fieldErrors, values: { until: String(form.get("until") ?? ""), reason: String(form.get("reason") ?? ""), unitId: unitRaw } }, { status: r.status });
  }
}

export default function SubmissionsOverview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const failed = actionData?.ok === false ? actionData : null;
  const errorsOf = (intent: Intent) => (failed?.intent === intent ? failed.fieldErrors : {}) as Record<string, string | undefined>;
  const valuesOf = (intent: Intent) => (failed?.intent === intent ? failed.values : {}) as Record<string, string | undefined>;
  const errors = errorsOf("extend");
  const values = valuesOf("extend");
  const remindErrors = errorsOf("remind");
  const batchFailed = failed?.intent === "batchExtend" || failed?.intent === "batchReturn";
  if (!d.cycle) {
    return (
      <>
        <h1>自查审核</h1>
        <p className="muted">还没有已发布的考核年度。</p>
      </>
    );
  }
  const cycle = d.cycle;
  const query = (filter: string) => `?cycle=${cycle.id}&filter=${filter}`;
  const decisionFailed = failed?.intent === "decideExtension" && failed.requestId ? { requestId: failed.requestId, fieldErrors: failed.fieldErrors, values: failed.values } : null;
  return (
    <>
      <h1>自查审核 · {cycle.year}年度</h1>
      <p>
        自查截止：{cycle.deadlineText}
        {cycle.open ? <span className="muted">（{cycle.daysLeftText}）</span> : <span className="muted">（本年度自查已结束）</span>}
      </p>
      <CyclePicker cycles={d.cycles} current={cycle} by="id" />
      {d.reminder ? (
        <p className="warning" role="alert">
          {d.reminder}
        </p>
      ) : null}
      <FormOutcome notice={actionData?.ok ? actionData.message : null} error={errors._form ?? (batchFailed ? failed?.fieldErrors._form : undefined)} />
      <p className="no-print">
        <a href={`/submissions/progress.xlsx?cycle=${cycle.id}`} download>
          导出自查进度表（Excel）
        </a>
      </p>

      {d.batch && !actionData?.ok ? (
        <SubmissionBatchConfirm
          cycleId={cycle.id}
          cycleDue={cycle.due}
          batch={d.batch}
          cancelTo={query(d.filter)}
          busy={busy}
          errors={batchFailed ? (failed!.fieldErrors as Record<string, string | undefined>) : {}}
          values={batchFailed ? (failed!.values as Record<string, string | undefined>) : {}}
        />
      ) : null}

      {d.extensionRequests.length > 0 ? (
        <section className="card" aria-labelledby="extension-requests" style={{ marginBottom: "1rem" }}>
          <h2 id="extension-requests">待审批的延期申请（{d.extensionRequests.length}）</h2>
          <p className="muted">批准的日期即为该单位的自查截止时间；不予批准须写明理由。审批结果通知申请单位，并记入审计日志。</p>
          <ExtensionRequestTable requests={d.extensionRequests} minDate={cycle.due} busy={busy} failed={decisionFailed} />
        </section>
      ) : null}

      <nav aria-label="筛选" className="toolbar">
        {OVERVIEW_FILTERS.map((f) => (
          <Link key={f} to={query(f)} aria-current={d.filter === f ? "page" : undefined} className={d.filter === f ? "button" : "button secondary"}>
            {OVERVIEW_FILTER_LABELS[f]}（{d.counts?.[f] ?? 0}）
          </Link>
        ))}
      </nav>

      <Form method="get" aria-label="选择单位进行批量操作">
      <input type="hidden" name="cycle" value={cycle.id} />
      <input type="hidden" name="filter" value={d.filter} />
      <div className="table-wrap">
        <table>
          <caption className="muted">
            {OVERVIEW_FILTER_LABELS[d.filter]}：{d.rows.length}个单位
          </caption>
          <thead>
            <tr>
              <th scope="col">选择</th>
              <th scope="col">单位</th>
              <th scope="col">类别</th>
              <th scope="col">状态</th>
              <th scope="col">填报进度</th>
              <th scope="col">必需佐证</th>
              <th scope="col">截止日期</th>
              <th scope="col">最近活动</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={r.unitId}>
                <td>
                  <input type="checkbox" name="unit" value={r.unitId} aria-label={`选择${r.unitName}`} />
                </td>
                <td>
                  {r.unitCode} {r.unitName}
                </td>
                <td>{r.categoryName}</td>
                <td>
                  <span className={`badge ${r.status === "submitted" ? "ok" : r.status === "returned" ? "error" : "warn"}`}>{r.statusLabel}</span>
                  {r.overdue ? <span className="badge error">已逾期</span> : null}
                  {r.openReturnItems > 0 ? <span className="muted"> 待修改{r.openReturnItems}项</span> : null}
                </td>
                <td>
                  <progress max={r.total || 1} value={r.answered} aria-label={`${r.unitName}填报进度`} /> {r.answered}/{r.total}
                </td>
                <td>
                  {r.evidenceAttached}/{r.evidenceRequired}
                </td>
                <td>
                  {r.due}
                  {r.extended ? <span className="badge">已延期</span> : null}
                  {r.daysLeftText ? <div className="muted">{r.daysLeftText}</div> : null}
                </td>
                <td>{r.lastActivityText || "—"}</td>
                <td>{r.submissionId ? <Link to={`/submissions/${r.submissionId}`}>查看</Link> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cycle.open ? (
        <div className="toolbar" style={{ marginTop: ".5rem" }}>
          <span className="muted">对所选单位：</span>
          <button type="submit" name="batch" value="extend" className="secondary">
            批量延期…
          </button>
          <button type="submit" name="batch" value="return" className="secondary">
            批量退回…
          </button>
        </div>
      ) : null}
      </Form>

      {cycle.open && d.extendable.length > 0 ? (
        <section className="card" aria-labelledby="remind-h" style={{ marginTop: "1rem" }}>
          <h2 id="remind-h">催办</h2>
          <p className="muted">向所选单位的填报员发送催办消息（站内消息，并按消息提醒设置发送邮件或群机器人消息）；每次催办记入审计日志和该单位的办理记录。已逾期的单位已预先勾选。</p>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="remind" />
            <input type="hidden" name="cycleId" value={cycle.id} />
            <fieldset aria-invalid={remindErrors.unitIds ? true : undefined} aria-describedby={remindErrors.unitIds ? "remind-units-error" : undefined}>
              <legend>未提交的单位</legend>
              <div className="checkbox-grid">
                {d.extendable.map((r) => (
                  <label key={r.unitId}>
                    <input type="checkbox" name="unitId" value={r.unitId} defaultChecked={r.overdue} /> {r.unitName}（{r.statusLabel}
                    {r.overdue ? "，已逾期" : ""}）
                  </label>
                ))}
              </div>
              {remindErrors.unitIds ? (
                <span className="field-error" id="remind-units-error">
                  {remindErrors.unitIds}
                </span>
              ) : null}
            </fieldset>
            <div className="field">
              <label htmlFor="remind-message">催办说明（可选）</label>
              <textarea id="remind-message" name="message" maxLength={500} aria-invalid={remindErrors.message ? true : undefined} />
              {remindErrors.message ? <span className="field-error">{remindErrors.message}</span> : null}
            </div>
            <div>
              <button type="submit" disabled={busy}>
                发送催办
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {cycle.open ? (
        <section className="card" aria-labelledby="extend-h" style={{ marginTop: "1rem" }}>
          <h2 id="extend-h">批准延期</h2>
          <p className="muted">延期只对所选单位有效；批准后该单位可在新的截止日期前提交。延期理由将记入办理记录和审计日志。</p>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="extend" />
            <input type="hidden" name="cycleId" value={cycle.id} />
            <div className="field">
              <label htmlFor="ext-unit">单位</label>
              <select id="ext-unit" name="unitId" defaultValue={values.unitId ?? ""} aria-invalid={errors.unitId ? true : undefined}>
                <option value="">请选择</option>
                {d.extendable.map((r) => (
                    <option key={r.unitId} value={r.unitId}>
                      {r.unitCode} {r.unitName}
                  </option>
                ))}
              </select>
              {errors.unitId ? <span className="field-error">{errors.unitId}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="ext-until">延期至</label>
              <input id="ext-until" name="until" type="date" min={cycle.due} defaultValue={values.until ?? ""} aria-invalid={errors.until ? true : undefined} />
              {errors.until ? <span className="field-error">{errors.until}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="ext-reason">延期理由</label>
              <textarea id="ext-reason" name="reason" defaultValue={values.reason ?? ""} maxLength={500} aria-invalid={errors.reason ? true : undefined} />
              {errors.reason ? <span className="field-error">{errors.reason}</span> : null}
            </div>
            <div>
              <button type="submit" disabled={busy}>
                批准延期
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
