import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EvidenceLinkForm } from "../components/EvidenceLinkForm";
import { EvidenceList } from "../components/EvidenceList";
import { EvidencePreviews } from "../components/EvidencePreviews";
import { EvidenceUploader } from "../components/EvidenceUploader";
import { FormOutcome } from "../components/FormOutcome";
import { addLink } from "../services/evidence.server";
import { assertMayActOnRectification, loadRectification, rectificationForEvidence, respondSchema, respondToRectification, verifyRectification, verifySchema } from "../services/rectifications.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseForm } from "../utils/form.server";
import { badRequest, parseId, actionRefusal, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "整改 - 政务公开绩效考核平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "rectification");
  try {
    const page = loadRectification(getDb(), user, parseId(params.rectId));
    const r = page.rectification;
    return {
      ...page,
      rectification: { ...r, respondedAtText: r.respondedAt ? formatBeijingTime(r.respondedAt) : null, verifiedAtText: r.verifiedAt ? formatBeijingTime(r.verifiedAt) : null },
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

type Intent = "respond" | "verify" | "addLink";
interface ActionResult {
  intent: Intent;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, ["write", "decide"], "rectification");
  const rectId = parseId(params.rectId);
  const actor = actorOf(user);
  const db = getDb();
  const form = await request.formData();
  const intent = form.get("intent") as Intent;
  const reply = (status: number, body: Omit<ActionResult, "intent">) => data<ActionResult>({ intent, ...body }, { status });
  try {
    switch (intent) {
      case "respond": {
        assertMayActOnRectification(db, user, rectId, "respond");
        const parsed = parseForm(respondSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        respondToRectification(db, actor, user, rectId, parsed.data);
        return reply(200, { ok: true, message: "已提交整改情况，等待核验。", fieldErrors: {} });
      }
      case "verify": {
        assertMayActOnRectification(db, user, rectId, "verify");
        const parsed = parseForm(verifySchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors });
        verifyRectification(db, actor, user, rectId, parsed.data);
        return reply(200, { ok: true, message: parsed.data.verdict === "passed" ? "已核验：整改通过。" : "已核验：整改不通过，退回单位重新整改。", fieldErrors: {} });
      }
      case "addLink": {
        const { unitId } = rectificationForEvidence(db, user, rectId);
        addLink(getDb(), { actor, unitId, ownerType: "rectification", ownerId: String(rectId), url: String(form.get("url") ?? ""), title: String(form.get("title") ?? "") });
        return reply(200, { ok: true, message: "已添加整改佐证链接。", fieldErrors: {} });
      }
      default:
        throw badRequest("未知的操作。");
    }
  } catch (error) {
    const r = actionRefusal(error);
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors });
  }
}

export default function RectificationPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const r = d.rectification;
  const e = (intent: Intent, f: string) => (a && !a.ok && a.intent === intent ? a.fieldErrors[f] : undefined);
  return (
    <>
      <p>
        <Link to="/rectifications">← 返回整改事项</Link>
      </p>
      <h1>
        整改：{r.unitName} · {r.nodeCode} {r.nodeName}
      </h1>
      <p>
        状态：<span className={r.overdue ? "badge error" : "badge"}>{r.statusLabel}</span> · 整改期限：{r.due}
        {r.overdue ? <strong className="field-error"> 已逾期</strong> : null} · 来源：{r.source}（{r.inspectorName ?? "政务公开办"}，发现日期 {r.foundOn}）
      </p>
      <section className="card">
        <h2>发现的问题</h2>
        <p style={{ whiteSpace: "pre-wrap" }}>{r.description}</p>
        <EvidenceList files={d.findingEvidence.files} links={d.findingEvidence.links} caption="抽查佐证" />
        <EvidencePreviews files={d.findingEvidence.files} />
      </section>
      <FormOutcome notice={a?.ok && !busy ? a.message : null} error={a && !a.ok ? a.fieldErrors._form : null} />
      <section className="card">
        <h2>单位整改情况</h2>
        {r.response ? (
          <p style={{ whiteSpace: "pre-wrap" }}>
            {r.response} <span className="muted">（{r.respondedAtText}）</span>
          </p>
        ) : (
          <p className="muted">单位尚未回复。</p>
        )}
        <EvidenceList files={d.evidence.files} links={d.evidence.links} caption="整改佐证" />
        <EvidencePreviews files={d.evidence.files} />
        {d.canRespond ? (
          <>
            <EvidenceUploader action={`/evaluation/upload/rectification/${r.id}`} label="上传整改佐证材料" />
            <EvidenceLinkForm idPrefix="link" busy={busy} />
            <Form method="post">
              <input type="hidden" name="intent" value="respond" />
              <input type="hidden" name="version" value={r.version} />
              <div className="field">
                <label htmlFor="f-response">整改情况</label>
                <textarea id="f-response" name="response" rows={4} maxLength={2000} aria-invalid={e("respond", "response") ? true : undefined} />
                {e("respond", "response") ? <span className="field-error" role="alert">{e("respond", "response")}</span> : null}
              </div>
              <button type="submit" disabled={busy}>
                提交整改情况
              </button>
            </Form>
          </>
        ) : null}
      </section>
      <section className="card">
        <h2>核验</h2>
        {r.verdictComment ? (
          <p>
            {r.statusLabel}：{r.verdictComment} <span className="muted">（{r.verifiedAtText}）</span>
          </p>
        ) : (
          <p className="muted">尚未核验。</p>
        )}
        {d.canVerify ? (
          <Form method="post">
            <input type="hidden" name="intent" value="verify" />
            <input type="hidden" name="version" value={r.version} />
            <fieldset>
              <legend>核验结论</legend>
              <label>
                <input type="radio" name="verdict" value="passed" /> 通过
              </label>{" "}
              <label>
                <input type="radio" name="verdict" value="failed" /> 不通过
              </label>
              {e("verify", "verdict") ? <span className="field-error" role="alert">{e("verify", "verdict")}</span> : null}
            </fieldset>
            <div className="field">
              <label htmlFor="f-comment">核验意见</label>
              <textarea id="f-comment" name="comment" rows={3} maxLength={1000} />
              {e("verify", "comment") ? <span className="field-error" role="alert">{e("verify", "comment")}</span> : null}
            </div>
            <button type="submit" disabled={busy}>
              提交核验
            </button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
