import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import type { LeafInput, LeafRule, NodePart } from "../../scoring";
import { AnswerFields } from "../components/AnswerFields";
import { EvidenceList } from "../components/EvidenceList";
import { EvidenceUploader } from "../components/EvidenceUploader";
import { FormOutcome } from "../components/FormOutcome";
import { formStateFrom, parseAnswerForm, type AnswerFormState } from "../domain/answer-input";
import { computeSelfScore, type PreviewContext } from "../domain/self-score";
import { addLeafLink, deleteLeafEvidence } from "../services/submission-evidence.server";
import { leafPage } from "../services/submission-views.server";
import { saveAnswer } from "../services/submissions.server";
import { actorOf, requireAccess, type SessionUser } from "../utils/auth.server";
import { forbidden, parseId, refusalErrors, refusalOf, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.leaf.code} ${data.leaf.name}` : "指标填报"} - 年度自查 - 政务公开绩效考核平台` }];

function departmentUser(user: SessionUser): SessionUser & { unitId: number } {
  if (!user.unitId) throw forbidden("您的账号未关联被考核单位，不能填报自查。");
  return user as SessionUser & { unitId: number };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = departmentUser(await requireAccess(request, "read", "selfInspection"));
  const nodeId = parseId(params.nodeId);
  try {
    return leafPage(getDb(), user, nodeId);
  } catch (error) {
    throwAsResponse(error);
  }
}

type Intent = "save" | "addLink" | "deleteFile" | "deleteLink";
interface ActionResult {
  intent: Intent | null;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  state?: AnswerFormState;
  values?: Record<string, string>;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = departmentUser(await requireAccess(request, "write", "selfInspection"));
  const nodeId = parseId(params.nodeId);
  const actor = actorOf(user);
  const form = await request.formData();
  const intentRaw = form.get("intent");
  const intent: Intent | null = intentRaw === "save" || intentRaw === "addLink" || intentRaw === "deleteFile" || intentRaw === "deleteLink" ? intentRaw : null;
  const reply = (status: number, body: Omit<ActionResult, "intent">) => data<ActionResult>({ intent, ...body }, { status });
  try {
    switch (intent) {
      case "save": {
        saveAnswer(getDb(), { actor, user, nodeId, form });
        return reply(200, { ok: true, message: "已保存草稿。", fieldErrors: {} });
      }
      case "addLink": {
        addLeafLink(getDb(), { actor, user, nodeId, form });
        return reply(200, { ok: true, message: "已添加链接。", fieldErrors: {} });
      }
      case "deleteFile":
      case "deleteLink": {
        const id = parseId(String(form.get("id") ?? ""));
        deleteLeafEvidence(getDb(), { actor, user, nodeId, kind: intent === "deleteFile" ? "file" : "link", id, postedSubmissionId: form.get("submissionId") });
        return reply(200, { ok: true, message: intent === "deleteFile" ? "已删除文件。" : "已删除链接。", fieldErrors: {} });
      }
      default:
        return reply(400, { ok: false, fieldErrors: { _form: "未知的操作" } });
    }
  } catch (error) {
    const r = refusalErrors(error);
    const state = intent === "save" ? formStateFrom(form) : undefined;
    const values = intent === "addLink" ? { url: String(form.get("url") ?? ""), title: String(form.get("title") ?? "") } : undefined;
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors, state, values });
  }
}

interface LivePreview {
  leaf: { score: number; max: number; na: boolean; explain: string } | null;
  total: number | null;
  note: string | null;
}

export default function LeafPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const rule = d.leaf.rule as LeafRule;
  const pctx = d.previewContext as unknown as PreviewContext;
  const saveFailed = actionData?.intent === "save" && !actionData.ok;
  const typed = saveFailed && actionData.state && Object.keys(actionData.state.values).length > 0 ? (actionData.state as AnswerFormState) : null;
  const state: AnswerFormState = typed ?? (d.formState as AnswerFormState);
  const errors = (actionData?.intent === "save" ? actionData.fieldErrors : {}) as Record<string, string | undefined>;
  const linkErrors = (actionData?.intent === "addLink" ? actionData.fieldErrors : {}) as Record<string, string | undefined>;
  const otherError = actionData && !actionData.ok && actionData.intent !== "save" && actionData.intent !== "addLink" ? actionData.fieldErrors._form : null;
  const editable = d.editable;

  const formRef = useRef<HTMLFormElement>(null);
  const [live, setLive] = useState<LivePreview>({
    leaf: d.preview.leaf && d.preview.leaf.answered ? d.preview.leaf : null,
    total: d.preview.total?.total ?? null,
    note: d.preview.leaf?.answered ? null : "填写后显示本项自评分预估",
  });
  const recompute = useCallback(() => {
    const form = formRef.current;
    if (!form) return;
    const parsed = parseAnswerForm({ points: d.leaf.points, rule, part: d.leaf.part as NodePart }, new FormData(form));
    if (!parsed.ok) {
      setLive((l) => ({ ...l, leaf: null, note: `填写完整后显示预估：${Object.values(parsed.fieldErrors)[0] ?? ""}` }));
      return;
    }
    const p = computeSelfScore(pctx, { ...(d.inputs as Record<string, LeafInput | null>), [d.leaf.code]: parsed.input });
    const r = p?.leaves[d.leaf.code];
    setLive(p && r ? { leaf: { score: r.score, max: r.max, na: r.na, explain: r.explain }, total: p.total, note: null } : { leaf: null, total: null, note: "无法计算预估" });
  }, [d.leaf.points, d.leaf.part, d.leaf.code, rule, pctx, d.inputs]);

  return (
    <>
      <p className="no-print">
        <Link to="/self">← 返回年度自查</Link>
        <span className="muted">
          {" "}
          · 第{d.nav.position}/{d.nav.total}项{" "}
        </span>
        {d.nav.prev ? <Link to={`/self/${d.nav.prev}`}>上一项</Link> : null} {d.nav.next ? <Link to={`/self/${d.nav.next}`}>下一项</Link> : null}
      </p>
      <p className="muted">{d.leaf.path}</p>
      <h1>
        {d.leaf.code} {d.leaf.name}
      </h1>
      <p>
        {d.leaf.ruleLabel} · {d.leaf.part === "veto" ? "单项否决" : `${d.leaf.points}分`}
        {d.leaf.part === "bonus" ? "（加分项）" : d.leaf.part === "penalty" ? "（扣分项，在总分之外倒扣）" : ""} · {d.unitName} · <span className="badge">{d.statusLabel}</span>
      </p>
      {d.returnComment ? (
        <p className="form-error" role="alert">
          政务公开办退回意见：{d.returnComment}
        </p>
      ) : null}
      {d.lockReason ? <p className="warning">{d.lockReason}</p> : null}
      <FormOutcome notice={actionData?.ok ? actionData.message : null} error={otherError} />

      <div className="leaf-layout">
        {/* An event table needs the full width; other answers sit beside the guidance. */}
        <section className={`card leaf-answer${d.leaf.rule.type === "timeliness" ? " wide" : ""}`} aria-labelledby="answer-h">
          <h2 id="answer-h">填报</h2>
          <p className="muted">{d.leaf.hint}</p>
          <Form method="post" ref={formRef} noValidate key={`${d.version}`} onChange={recompute}>
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="version" value={d.version} />
            <input type="hidden" name="submissionId" value={d.submissionId ?? ""} />
            {errors._form ? (
              <p className="form-error" role="alert">
                {errors._form}
              </p>
            ) : null}
            <AnswerFields
              rule={rule}
              points={d.leaf.points}
              part={d.leaf.part}
              state={state}
              errors={errors}
              disabled={!editable}
              calendar={pctx.calendar}
              eventLabels={d.leaf.eventLabels}
              onEdited={recompute}
            />
            <div className="card" aria-live="polite" style={{ marginTop: "1rem", background: "#f6f8fa" }}>
              <strong>自评分预估</strong>
              {live.leaf ? (
                <p>
                  本项：{live.leaf.na ? "不适用（不计入）" : d.leaf.part === "veto" ? "否决项（不计分）" : `${live.leaf.score.toFixed(2)} / ${live.leaf.max} 分`}
                  <br />
                  <span className="muted">{live.leaf.explain}</span>
                </p>
              ) : (
                <p className="muted">{live.note}</p>
              )}
              {live.total !== null ? <p>全部指标预估总分：{live.total.toFixed(2)} 分（未填报的指标暂按0分计）</p> : null}
            </div>
            {editable ? (
              <p>
                <button type="submit" disabled={busy}>
                  保存草稿
                </button>
                {d.answer ? (
                  <span className="muted">
                    {" "}
                    上次保存：{d.answer.updatedAtText}
                    {d.answer.updatedBy ? `（${d.answer.updatedBy}）` : ""}
                  </span>
                ) : null}
              </p>
            ) : null}
          </Form>
        </section>

        <aside className="card" aria-labelledby="guide-h">
          <h2 id="guide-h">考核要点</h2>
          <p style={{ whiteSpace: "pre-wrap" }}>{d.leaf.guidance || "—"}</p>
          <h3>评分标准</h3>
          <p style={{ whiteSpace: "pre-wrap" }}>{d.leaf.criteria || "—"}</p>
          {d.leaf.basis ? (
            <>
              <h3>政策依据</h3>
              <p>{d.leaf.basis}</p>
            </>
          ) : null}
          <h3>佐证材料要求</h3>
          <p>{d.leaf.evidenceRequired ? "必须提供佐证材料（文件或链接）。可上传的文件类型见下方“佐证材料”。" : "可选。"}</p>
        </aside>
      </div>

      <section className="card" aria-labelledby="evidence-h">
        <h2 id="evidence-h">佐证材料{d.leaf.evidenceRequired ? "（必需）" : ""}</h2>
        <EvidenceList
          files={d.evidence.files}
          links={d.evidence.links}
          fileActions={(f) =>
            editable && !f.lockedAt ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="deleteFile" />
                <input type="hidden" name="id" value={f.id} />
                <input type="hidden" name="submissionId" value={d.submissionId ?? ""} />
                <button type="submit" className="secondary" disabled={busy} aria-label={`删除 ${f.originalName}`}>
                  删除
                </button>
              </Form>
            ) : null
          }
          linkActions={(l) =>
            editable && !l.lockedAt ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="deleteLink" />
                <input type="hidden" name="id" value={l.id} />
                <input type="hidden" name="submissionId" value={d.submissionId ?? ""} />
                <button type="submit" className="secondary" disabled={busy} aria-label={`删除链接 ${l.title}`}>
                  删除
                </button>
              </Form>
            ) : null
          }
        />
        {editable ? (
          <div className="grid" style={{ marginTop: "1rem" }}>
            <EvidenceUploader action={`/self/upload/${d.leaf.nodeId}`} fields={{ submissionId: String(d.submissionId ?? "") }} maxFileBytes={d.maxFileBytes} kinds={d.leaf.evidenceKinds.length > 0 ? d.leaf.evidenceKinds : undefined} />
            <Form method="post" className="stack" noValidate>
              <input type="hidden" name="intent" value="addLink" />
              <input type="hidden" name="submissionId" value={d.submissionId ?? ""} />
              <div className="field">
                <label htmlFor="link-url">添加链接（如政府网站上的公开页面）</label>
                <input id="link-url" name="url" type="url" placeholder="https://" defaultValue={actionData?.intent === "addLink" && !actionData.ok ? (actionData.values?.url ?? "") : ""} aria-invalid={linkErrors.url ? true : undefined} />
                {linkErrors.url ? <span className="field-error">{linkErrors.url}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="link-title">链接标题</label>
                <input id="link-title" name="title" defaultValue={actionData?.intent === "addLink" && !actionData.ok ? (actionData.values?.title ?? "") : ""} />
                {linkErrors.title ? <span className="field-error">{linkErrors.title}</span> : null}
              </div>
              {linkErrors._form ? <p className="form-error">{linkErrors._form}</p> : null}
              <div>
                <button type="submit" className="secondary" disabled={busy}>
                  添加链接
                </button>
              </div>
            </Form>
          </div>
        ) : null}
      </section>
    </>
  );
}
