import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdoptConfirm } from "../components/AdoptConfirm";
import { DivergenceTable, type ArbitrationActionResult } from "../components/DivergenceTable";
import { FormOutcome } from "../components/FormOutcome";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { RULE_TYPE_LABELS } from "../domain/evaluation-labels";
import { arbitrate, arbitrationSchema, listDivergences, mayArbitrate } from "../services/arbitration.server";
import { getCycle } from "../services/evaluation-context.server";
import { adoptPreview, adoptSelfAnswers } from "../services/review-batch.server";
import { loadReviewUnit, requireAssignment, signOff } from "../services/reviews.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseForm } from "../utils/form.server";
import { badRequest, parseId, refusalErrors, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.unit.name : "单位"} - 评估任务 - 政务公开绩效考核平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "review");
  const unitId = parseId(params.unitId);
  const db = getDb();
  const url = new URL(request.url);
  try {
    const page = loadReviewUnit(db, user, unitId, url.searchParams.get("cycle"));
    const adopt = url.searchParams.get("adopt") === "1" && page.readOnly === null ? adoptPreview(db, user, unitId, page.cycle.id, url.searchParams.getAll("node")) : null;
    const lead = mayArbitrate(db, user, page.cycle.id, unitId);
    const divergences = lead
      ? listDivergences(db, page.cycle.id, { unitId }).map((d) => ({
          ...d,
          arbitration: d.arbitration ? { ...d.arbitration, decidedAtText: formatBeijingTime(d.arbitration.decidedAt) } : null,
        }))
      : null;
    return {
      ...page,
      signedOffText: page.assignment.signedOffAt ? formatBeijingTime(page.assignment.signedOffAt) : null,
      divergences,
      canArbitrate: lead && cycleAllows(page.cycle.status, "evaluate"),
      adopt,
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

type ActionResult = ({ intent: "signoff" | "adopt" } & { ok: boolean; message?: string; fieldErrors: Record<string, string> }) | ({ intent: "arbitrate" } & ArbitrationActionResult);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "review");
  const unitId = parseId(params.unitId);
  const form = await request.formData();
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const db = getDb();
  const intent = form.get("intent");
  try {
    requireAssignment(db, user.id, unitId, cycleId);
    if (intent === "signoff") {
      signOff(db, actorOf(user), user, unitId, cycleId);
      return data<ActionResult>({ intent, ok: true, message: `已签署本单位${getCycle(db, cycleId).year}年度评分，录入转为只读。`, fieldErrors: {} });
    }
    if (intent === "adopt") {
      const nodeIds = form.getAll("nodeId").map((v) => parseId(String(v)));
      const n = adoptSelfAnswers(db, actorOf(user), user, unitId, cycleId, nodeIds);
      return data<ActionResult>({ intent, ok: true, message: `已采纳单位自评${n}项。`, fieldErrors: {} });
    }
    if (intent === "arbitrate") {
      const key = `${form.get("unitId")}:${form.get("nodeId")}`;
      if (String(form.get("unitId")) !== String(unitId)) throw badRequest("单位不符。");
      const parsed = parseForm(arbitrationSchema, form);
      if (!parsed.ok) return data<ActionResult>({ intent, key, ok: false, fieldErrors: parsed.fieldErrors }, { status: 400 });
      try {
        arbitrate(db, actorOf(user), user, cycleId, parsed.data);
      } catch (error) {
        const r = refusalErrors(error);
        return data<ActionResult>({ intent, key, ok: false, fieldErrors: r.fieldErrors }, { status: r.status });
      }
      return data<ActionResult>({ intent, key, ok: true, message: "已记录仲裁结果。", fieldErrors: {} });
    }
    throw badRequest("未知的操作。");
  } catch (error) {
    if (error instanceof Response) throw error;
    const r = refusalErrors(error);
    if (r.status === 403) throwAsResponse(error);
    return data<ActionResult>({ intent: intent === "adopt" ? "adopt" : "signoff", ok: false, fieldErrors: r.fieldErrors }, { status: r.status });
  }
}

export default function ReviewUnit() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const q = `?cycle=${d.cycle.year}`;
  return (
    <>
      <p>
        <Link to="/review">← 返回评估任务</Link>
      </p>
      <h1>
        {d.unit.code} {d.unit.name} · {d.cycle.year}年度评估
      </h1>
      <p>
        考核状态：<span className="badge">{CYCLE_STATUS_LABELS[d.cycle.status]}</span> · 已录入 {d.entered}/{d.leaves.length} 项 ·{" "}
        {d.signedOffText ? <span className="badge ok">已签署 {d.signedOffText}</span> : <span className="badge">未签署</span>}
        {d.assignment.lead ? <span className="badge ok">牵头评估员</span> : null}
      </p>
      {d.peers.length > 0 ? (
        <p className="muted">
          同组评估员：{d.peers.map((p) => `${p.name}${p.lead ? "（牵头）" : ""}${p.signedOff ? "（已签署）" : "（未签署）"}`).join("、")}
          {d.signedOffText ? "。签署后可在各指标页查看其他评估员的录入。" : "。签署本单位评分后才能查看其他评估员的录入。"}
        </p>
      ) : null}
      {d.readOnly ? <p className="warning">{d.readOnly}</p> : null}
      <FormOutcome notice={a?.ok && !busy ? a.message : null} error={a && !a.ok && (a.intent === "signoff" || a.intent === "adopt") ? a.fieldErrors._form : null} />
      {!d.readOnly ? (
        <p className="no-print">
          <Link to={`/review/${d.unit.id}/all${q}`}>一页评分（全部指标）</Link>
        </p>
      ) : null}
      {d.adopt && !(a?.ok && a.intent === "adopt") ? <AdoptConfirm cycleId={d.cycle.id} cancelTo={`/review/${d.unit.id}${q}`} preview={d.adopt} busy={busy} /> : null}
      <Form method="get" aria-label="选择指标采纳单位自评">
      <input type="hidden" name="cycle" value={d.cycle.year} />
      <input type="hidden" name="adopt" value="1" />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {!d.readOnly ? <th scope="col">选择</th> : null}
              <th scope="col">指标</th>
              <th scope="col">类型</th>
              <th scope="col">单位自评</th>
              <th scope="col">我的评估</th>
            </tr>
          </thead>
          <tbody>
            {d.leaves.map((l) => (
              <tr key={l.nodeId}>
                {!d.readOnly ? (
                  <td>
                    {l.hasSelf ? <input type="checkbox" name="node" value={l.nodeId} aria-label={`选择${l.code} ${l.name}`} /> : null}
                  </td>
                ) : null}
                <td style={{ minWidth: "12rem" }}>
                  <Link to={`/review/${d.unit.id}/${l.nodeId}`}>
                    {l.code} {l.name}
                  </Link>{" "}
                  <span className="muted">{l.points}分</span>
                </td>
                <td style={{ whiteSpace: "nowrap" }}>{RULE_TYPE_LABELS[l.ruleType]}</td>
                <td>{l.self.join("；")}</td>
                <td>
                  {l.entry ? l.entry.join("；") : <span className="badge warn">未录入</span>} {l.differs ? <span className="badge">与自评不一致</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!d.readOnly ? (
        <p>
          <button type="submit" className="secondary">
            采纳单位自评（所选指标）…
          </button>{" "}
          <span className="muted">适用于核实后无需改动的指标；确认后每项按单位自评录入为您的评估结果。</span>
        </p>
      ) : null}
      </Form>
      {!d.readOnly ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="signoff" />
          <input type="hidden" name="cycleId" value={d.cycle.id} />
          <p>签署（确认本单位全部指标的评估结果）后录入转为只读，如需修改须由政务公开办退回。</p>
          <button type="submit" disabled={busy || !d.canSignOff}>
            签署本单位评分
          </button>
          {!d.canSignOff ? <span className="muted"> 全部指标录入后才能签署。</span> : null}
        </Form>
      ) : null}
      {d.divergences ? (
        <section aria-labelledby="div-h">
          <h2 id="div-h">本单位评分分歧（牵头评估员仲裁）</h2>
          <DivergenceTable
            divergences={d.divergences}
            cycleId={d.cycle.id}
            editable={d.canArbitrate}
            busy={busy}
            actionData={a && a.intent === "arbitrate" ? a : null}
          />
        </section>
      ) : null}
      <p className="muted">
        <Link to={`/review${q}`}>评估任务列表</Link>
      </p>
    </>
  );
}
