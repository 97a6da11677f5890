import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { LeafRule } from "../../scoring";
import { EvidenceList } from "../components/EvidenceList";
import { EvidencePreviews } from "../components/EvidencePreviews";
import { ReviewFields } from "../components/ReviewFields";
import { RULE_TYPE_LABELS } from "../domain/evaluation-labels";
import type { ReviewFormState } from "../domain/review-input";
import { loadReviewLeaf, saveEntry } from "../services/reviews.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseId, refusalErrors, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.leaf.code} ${data.leaf.name}` : "指标"} - 评估录入 - 政务公开绩效考核平台` }];

/**
 * The per-leaf scoring workspace: guidance, the department's self-assessment and narrative, its
 * evidence (inline previews, SHA-256), the rule-type inputs, save (versioned). `?peers=1` shows the
 * other evaluators' entries — only once this evaluator has signed the unit off (else 403).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "review");
  const unitId = parseId(params.unitId);
  const nodeId = parseId(params.nodeId);
  const peers = new URL(request.url).searchParams.get("peers") === "1";
  try {
    const page = loadReviewLeaf(getDb(), user, unitId, nodeId, { peers });
    const rule = page.leaf.rule as LeafRule;
    return {
      ...page,
      entry: page.entry ? { ...page.entry, updatedAtText: formatBeijingTime(page.entry.updatedAt) } : null,
      // The package names each evaluator's score by the evaluator's name (cycle-package.server.ts).
      designatedIsMe: rule.type === "score" && rule.designatedKind === undefined && rule.designated === user.displayName,
      claimedTasks: Object.fromEntries((page.self.input?.tasks ?? []).map((t) => [t.task, { done: t.done, evidence: t.evidence ?? 0 }])),
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

interface ActionResult {
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  state?: ReviewFormState;
  stale?: boolean;
}

/** The typed form back as a form state, so a refused save keeps what was typed. */
function stateFromForm(form: FormData): ReviewFormState {
  const s = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");
  const values: Record<string, string> = {};
  for (const [k, val] of form.entries()) if (typeof val === "string" && !k.startsWith("event") && !k.startsWith("adhoc")) values[k] = val;
  const points = form.getAll("adhocPoints").map(s);
  const reasons = form.getAll("adhocReason").map(s);
  const claims = form.getAll("eventClaim").map(s);
  const labels = form.getAll("eventLabel").map(s);
  const starts = form.getAll("eventStart").map(s);
  const ends = form.getAll("eventEnd").map(s);
  return {
    values,
    adhoc: points.map((p, i) => ({ points: p, reason: reasons[i] ?? "" })),
    events: claims.map((c, i) => ({ claim: c, label: labels[i] ?? "", start: starts[i] ?? "", end: ends[i] ?? "" })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "review");
  const unitId = parseId(params.unitId);
  const nodeId = parseId(params.nodeId);
  const form = await request.formData();
  try {
    saveEntry(getDb(), actorOf(user), user, unitId, nodeId, form);
    return data<ActionResult>({ ok: true, message: "已保存。", fieldErrors: {} });
  } catch (error) {
    const r = refusalErrors(error);
    if (r.status === 403 || r.status === 404) throwAsResponse(error);
    return data<ActionResult>({ ok: false, fieldErrors: r.fieldErrors, state: stateFromForm(form), stale: r.status === 409 }, { status: r.status });
  }
}

export default function ReviewLeaf() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const rule = d.leaf.rule as LeafRule;
  const errors = (a && !a.ok ? a.fieldErrors : {}) as Record<string, string | undefined>;
  const state = (a && !a.ok && a.state ? a.state : d.form) as ReviewFormState;
  const editable = d.readOnly === null;
  const base = `/review/${d.unit.id}`;
  return (
    <>
      <p className="no-print">
        <Link to={`${base}?cycle=${d.cycle.year}`}>← 返回{d.unit.name}</Link>
        <span className="muted"> · 第{d.position.index}/{d.position.total}项 </span>
        {d.prev ? <Link to={`${base}/${d.prev}`}>上一项</Link> : null} {d.next ? <Link to={`${base}/${d.next}`}>下一项</Link> : null}
      </p>
      <p className="muted">{d.leaf.path.join(" / ")}</p>
      <h1>
        {d.leaf.code} {d.leaf.name}
      </h1>
      <p>
        {RULE_TYPE_LABELS[rule.type]} · {d.leaf.part === "veto" ? "单项否决" : d.leaf.part === "penalty" ? "扣分项（在总分之外倒扣）" : `${d.leaf.points}分`} · {d.unit.name} · {d.cycle.year}年度
      </p>
      {d.readOnly ? <p className="warning">{d.readOnly}</p> : null}
      {a?.ok && !busy ? (
        <p className="notice" role="status">
          {a.message}
        </p>
      ) : null}
      {errors._form ? (
        <p className="form-error" role="alert">
          {errors._form}
          {a?.stale ? (
            <>
              {" "}
              <Link to={`${base}/${d.leaf.nodeId}`} reloadDocument>
                刷新
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      <div style={{ display: "grid", gap: "1rem", gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))", alignItems: "start" }}>
        <section className="card" aria-labelledby="self-h">
          <h2 id="self-h">单位自评</h2>
          <ul>
            {d.self.summary.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <h3>自查说明</h3>
          <p style={{ whiteSpace: "pre-wrap" }}>{d.self.narrative || "—"}</p>
          <h3>考核要点</h3>
          <p style={{ whiteSpace: "pre-wrap" }}>{d.leaf.guidance || "—"}</p>
          <h3>评分标准</h3>
          <p style={{ whiteSpace: "pre-wrap" }}>{d.leaf.criteria || "—"}</p>
        </section>
        <section className="card" aria-labelledby="entry-h">
          <h2 id="entry-h">评估录入</h2>
          {d.entry ? (
            <p className="muted">
              已保存（第{d.entry.version}版，{d.entry.updatedAtText}）：{d.entry.summary.join("；")}
            </p>
          ) : (
            <p className="muted">尚未录入，表单已按单位自评预填，请核实。</p>
          )}
          {d.entry?.corrections?.events?.length ? (
            <ul className="muted">
              {d.entry.corrections.events.map((c, i) => (
                <li key={i}>
                  {c.label}：{c.removed ? "不予认定" : c.claim === null ? "评估员补充" : "日期已更正"}
                  {c.claimed ? `（单位申报 ${c.claimed.start} → ${c.claimed.end}）` : ""}
                  {c.verified ? `（核实 ${c.verified.start} → ${c.verified.end}）` : ""}
                </li>
              ))}
            </ul>
          ) : null}
          <Form method="post" noValidate key={`${d.version}`}>
            <input type="hidden" name="version" value={d.version} />
            <ReviewFields
              rule={rule}
              points={d.leaf.points}
              claimsNa={d.self.claimsNa}
              designatedIsMe={d.designatedIsMe}
              claimedTasks={d.claimedTasks}
              state={state}
              errors={errors}
              disabled={!editable}
            />
            {editable ? (
              <button type="submit" disabled={busy}>
                保存草稿
              </button>
            ) : null}
          </Form>
        </section>
      </div>
      <section className="card" aria-labelledby="ev-h">
        <h2 id="ev-h">佐证材料</h2>
        <EvidenceList files={d.evidence.files} links={d.evidence.links} />
        <EvidencePreviews files={d.evidence.files} />
      </section>
      <section className="card" aria-labelledby="peers-h">
        <h2 id="peers-h">其他评估员的录入</h2>
        {d.peers ? (
          d.peers.length === 0 ? (
            <p className="muted">本单位没有其他评估员。</p>
          ) : (
            <ul>
              {d.peers.map((p, i) => (
                <li key={i}>
                  {p.name}
                  {p.signedOff ? "（已签署）" : "（未签署）"}：{p.entry ? p.entry.join("；") : "未录入"}
                  {p.reason ? <span className="muted">（说明：{p.reason}）</span> : null}
                </li>
              ))}
            </ul>
          )
        ) : d.signedOff ? (
          <Link to={`${base}/${d.leaf.nodeId}?peers=1`}>查看其他评估员的录入</Link>
        ) : (
          <p className="muted">签署本单位评分后才能查看其他评估员的录入。</p>
        )}
      </section>
    </>
  );
}
