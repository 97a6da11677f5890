import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EvidenceLinkForm } from "../components/EvidenceLinkForm";
import { FindingForm, type FindingFormValues } from "../components/FindingForm";
import { FINDING_KIND_LABELS, RECTIFICATION_STATUS_LABELS } from "../domain/evaluation-labels";
import { addLink, listEvidence } from "../services/evidence.server";
import {
  assertMayPublishBatch,
  assertMayRecordFinding,
  findingFormSchema,
  findingOfBatch,
  loadBatch,
  recordFinding,
  rederiveBatch,
  setBatchPublished,
  updateFinding,
} from "../services/spot-checks.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { EvidenceList } from "../components/EvidenceList";
import { EvidencePreviews } from "../components/EvidencePreviews";
import { EvidenceUploader } from "../components/EvidenceUploader";
import { FormOutcome } from "../components/FormOutcome";
import { formValues, parseForm } from "../utils/form.server";
import { badRequest, parseId, actionRefusal, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "抽查批次 - 政务公开绩效考核平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "spotCheck");
  const batchId = parseId(params.batchId);
  const db = getDb();
  try {
    const page = loadBatch(db, user, batchId);
    return {
      ...page,
      isOffice: user.role === "office",
      check: user.role === "office" ? rederiveBatch(db, batchId) : null,
      units: page.units.map((u) => ({
        ...u,
        findings: u.findings.map((f) => ({ ...f, evidence: listEvidence(getDb(), "finding", String(f.id)) })),
      })),
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

type Intent = "record" | "update" | "publish" | "unpublish" | "addLink";
interface ActionResult {
  intent: Intent;
  /** The form that posted: "new:<unitId>" or "finding:<id>". */
  key: string;
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  values?: Record<string, string>;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "spotCheck");
  const batchId = parseId(params.batchId);
  const actor = actorOf(user);
  const db = getDb();
  const form = await request.formData();
  const intent = form.get("intent") as Intent;
  const key = String(form.get("key") ?? "");
  const reply = (status: number, body: Omit<ActionResult, "intent" | "key">) => data<ActionResult>({ intent, key, ...body }, { status });
  try {
    switch (intent) {
      case "record":
      case "update": {
        // Access to the batch and the unit / finding first; only then is the form looked at.
        const findingId = intent === "update" ? findingOfBatch(db, user, batchId, String(form.get("findingId") ?? "")).id : null;
        if (intent === "record") assertMayRecordFinding(db, user, batchId, String(form.get("unitId") ?? ""));
        const parsed = parseForm(findingFormSchema, form);
        if (!parsed.ok) return reply(400, { ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values });
        if (findingId === null) {
          recordFinding(db, actor, user, batchId, parsed.data);
          return reply(200, { ok: true, message: "已记录抽查发现。", fieldErrors: {} });
        }
        updateFinding(db, actor, user, findingId, parsed.data);
        return reply(200, { ok: true, message: "已修改抽查发现。", fieldErrors: {} });
      }
      case "publish":
      case "unpublish":
        assertMayPublishBatch(db, user, batchId);
        setBatchPublished(db, actor, batchId, intent === "publish");
        return reply(200, { ok: true, message: intent === "publish" ? "已公开本批次的抽取结果与随机种子。" : "已取消公开。", fieldErrors: {} });
      case "addLink": {
        const f = findingOfBatch(db, user, batchId, String(form.get("findingId") ?? ""));
        addLink(getDb(), { actor, unitId: f.unitId, ownerType: "finding", ownerId: String(f.id), url: String(form.get("url") ?? ""), title: String(form.get("title") ?? "") });
        return reply(200, { ok: true, message: "已添加佐证链接。", fieldErrors: {} });
      }
      default:
        throw badRequest("未知的操作。");
    }
  } catch (error) {
    const r = actionRefusal(error);
    return reply(r.status, { ok: false, fieldErrors: r.fieldErrors, values: formValues(form) });
  }
}

export default function BatchPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const b = d.batch;
  const formState = (key: string) => (a && !a.ok && a.key === key ? { errors: a.fieldErrors, values: a.values ?? {} } : { errors: {}, values: {} });
  return (
    <>
      <p>{d.isOffice ? <Link to={`/spotchecks?cycle=${d.cycle.year}`}>← 返回抽查</Link> : <Link to="/review">← 返回评估任务</Link>}</p>
      <h1>
        抽查批次#{b.id} · {d.cycle.year}年度
      </h1>
      <p>
        随机种子：<code>{b.seed}</code> · 抽查数量：{b.size}
        {d.check ? ` · 类别：${d.check.category ?? "全部类别"}` : ""} · {b.published ? <span className="badge ok">已公开</span> : <span className="badge">未公开</span>}
      </p>
      {d.check ? (
        <p className="muted">
          复算：{d.check.reproducible ? <span className="badge ok">以同一随机种子复算，结果一致</span> : <span className="badge error">复算结果与保存的不一致{d.check.error ? `：${d.check.error}` : "（单位或检查人员名单已变化）"}</span>}
          {d.check.excludedInspectors.length > 0 ? ` · 回避：${d.check.excludedInspectors.map((x) => `${x.name}（${x.reason}）`).join("、")}` : ""}
          <br />
          复算命令：
          <code>
            npm run spotcheck:draw -- --cycle {d.cycle.year} --seed {JSON.stringify(b.seed)} --size {b.size}
            {d.check.category ? ` --category ${d.check.category}` : ""}
          </code>
        </p>
      ) : null}
      {b.nodeCodes ? <p>抽查指标：{b.nodeCodes.join("、")}</p> : null}
      <FormOutcome notice={a?.ok && !busy ? a.message : null} error={a && !a.ok && (a.intent === "publish" || a.intent === "unpublish") ? a.fieldErrors._form : null} />
      {d.isOffice ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value={b.published ? "unpublish" : "publish"} />
          <button type="submit" className="secondary" disabled={busy}>
            {b.published ? "取消公开" : "随结果公开本批次抽取结果与随机种子"}
          </button>
        </Form>
      ) : null}
      {!d.open ? <p className="warning">本年度当前不在评审阶段，抽查发现只读。</p> : null}

      {d.units.map((u) => {
        const newKey = `new:${u.unitId}`;
        const ns = formState(newKey);
        return (
          <section key={u.unitId} className="card" aria-labelledby={`u-${u.unitId}`}>
            <h2 id={`u-${u.unitId}`}>
              {u.code} {u.name} <span className="muted">检查人员：{u.inspectorName}（{u.inspectorUsername}）</span>
            </h2>
            {u.findings.length === 0 ? <p className="muted">尚无抽查发现。</p> : null}
            {u.findings.map((f) => {
              const key = `finding:${f.id}`;
              const fs = formState(key);
              const leaf = u.leaves.find((l) => l.nodeId === f.nodeId);
              return (
                <article key={f.id} className="card">
                  <h3>
                    {f.source} · {leaf ? `${leaf.code} ${leaf.name}` : `指标#${f.nodeId}`} · {FINDING_KIND_LABELS[f.kind]}
                    {f.kind === "fault" ? ` ${leaf?.faults.find((x) => x.code === f.faultCode)?.label ?? f.faultCode} × ${f.count}` : f.kind === "deduction" || f.kind === "score" ? ` ${f.points}分` : ""}
                  </h3>
                  <p>
                    {f.description} <span className="muted">（发现日期 {f.foundOn}）</span>
                  </p>
                  {f.rectification ? (
                    <p>
                      整改：<Link to={`/rectifications/${f.rectification.id}`}>{RECTIFICATION_STATUS_LABELS[f.rectification.status]}</Link>，期限 {f.rectificationDue}
                    </p>
                  ) : null}
                  <EvidenceList files={f.evidence.files} links={f.evidence.links} caption="抽查佐证" />
                  <EvidencePreviews files={f.evidence.files} />
                  {d.open ? (
                    <details>
                      <summary>修改 / 添加佐证（截图、链接）</summary>
                      <EvidenceUploader action={`/evaluation/upload/finding/${f.id}`} label="上传抽查佐证（截图等）" />
                      <FindingForm
                        intent="update"
                        formKey={key}
                        unitId={u.unitId}
                        findingId={f.id}
                        version={f.version}
                        leaves={u.leaves}
                        initial={{
                          nodeId: String(f.nodeId),
                          description: f.description,
                          foundOn: f.foundOn,
                          kind: f.kind,
                          faultCode: f.faultCode ?? "",
                          count: f.count !== null ? String(f.count) : "",
                          points: f.points !== null ? String(f.points) : "",
                          requiresRectification: f.requiresRectification ? "on" : "",
                          rectificationDue: f.rectificationDue ?? "",
                        }}
                        typed={fs.values as FindingFormValues}
                        errors={fs.errors}
                        busy={busy}
                      />
                      <EvidenceLinkForm idPrefix={`link-${f.id}`} hidden={{ key, findingId: f.id }} busy={busy} />
                    </details>
                  ) : null}
                </article>
              );
            })}
            {d.open ? (
              <details open={u.findings.length === 0 || !!(a && !a.ok && a.key === newKey)}>
                <summary>记录抽查发现</summary>
                <FindingForm intent="record" formKey={newKey} unitId={u.unitId} leaves={u.leaves} typed={ns.values as FindingFormValues} errors={ns.errors} busy={busy} />
              </details>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
