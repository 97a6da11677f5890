import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { XlsxUploadForm } from "../components/ImportForm";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { formatNumber } from "../domain/indicator-format";
import { cycleOr404 } from "../services/cycles.server";
import { designatedValuesMissing } from "../services/evaluation-completeness.server";
import { readXlsxUpload } from "../services/imports/xlsx-upload.server";
import { formatRowError } from "../services/imports/xlsx-read.server";
import { outsideCells, outsideFormSchema, outsideLeaves, outsideSources, saveOutsideValue } from "../services/outside-assessments.server";
import { importOutsideAssessments } from "../services/outside-assessments-xlsx.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseForm } from "../utils/form.server";
import { actionRefusal, orRefusalResponse, parseId } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "外部单位评价 - 政务公开绩效考核平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "evaluationManagement");
  const db = getDb();
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), db));
  const sources = outsideSources(outsideLeaves(db, cycle.id));
  const wanted = new URL(request.url).searchParams.get("source");
  const source = wanted && sources.includes(wanted) ? wanted : (sources[0] ?? null);
  const cells = source === null ? [] : outsideCells(db, cycle.id, source);
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, statusLabel: CYCLE_STATUS_LABELS[cycle.status] },
    open: cycleAllows(cycle.status, "recordOutsideAssessments"),
    sources,
    source,
    cells: cells.map((c) => ({
      key: `${c.unit.id}-${c.leaf.nodeId}`,
      unitId: c.unit.id,
      unitCode: c.unit.code,
      unitName: c.unit.name,
      nodeId: c.leaf.nodeId,
      leaf: `${c.leaf.code} ${c.leaf.name}`,
      max: c.leaf.max,
      value: c.recorded ? formatNumber(c.recorded.value) : "",
      note: c.recorded?.note ?? "",
      version: c.recorded ? String(c.recorded.version) : "",
    })),
    missing: designatedValuesMissing(db, cycle.id),
  };
}

interface Outcome {
  ok: boolean;
  message: string;
  key?: string;
  fieldErrors?: Record<string, string>;
  problems?: string[];
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "evaluationManagement");
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), getDb()));
  // The Excel upload posts to ?import (the value forms to the page itself).
  if (new URL(request.url).searchParams.has("import")) {
    try {
      const upload = await readXlsxUpload(request);
      const result = await importOutsideAssessments(getDb(), actorOf(user), cycle.id, upload.buffer, upload.fileName);
      if (!result.ok) return data({ ok: false, message: result.message, problems: result.errors.map(formatRowError) } satisfies Outcome, { status: 400 });
      return { ok: true, message: `已从“${upload.fileName}”导入 ${result.rows} 行，其中 ${result.changed} 项评价有变化。` } satisfies Outcome;
    } catch (error) {
      const r = actionRefusal(error);
      return data({ ok: false, message: Object.values(r.fieldErrors)[0] } satisfies Outcome, { status: r.status });
    }
  }
  const formData = await request.formData();
  const key = `${formData.get("unitId")}-${formData.get("nodeId")}`;
  const form = parseForm(outsideFormSchema, formData);
  if (!form.ok) return data({ ok: false, message: "未保存，请按提示修改。", key, fieldErrors: form.fieldErrors } satisfies Outcome, { status: 400 });
  try {
    const changed = saveOutsideValue(getDb(), actorOf(user), cycle.id, form.data);
    return { ok: true, key, message: changed ? (form.data.value === "" ? "已清除该项评价。" : "评价已保存。") : "评价未变化。" } satisfies Outcome;
  } catch (error) {
    const r = actionRefusal(error);
    return data({ ok: false, message: "未保存。", key, fieldErrors: r.fieldErrors } satisfies Outcome, { status: r.status });
  }
}

export default function OutsideAssessmentsPage() {
  const d = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>() as Outcome | undefined;
  const busy = useNavigation().state === "submitting";
  const rowOutcome = (key: string) => (outcome?.key === key ? outcome : undefined);
  return (
    <div>
      <p className="no-print">
        <Link to={`/cycles/${d.cycle.id}`}>← 返回{d.cycle.year}年度考核</Link>
      </p>
      <h1>外部单位评价 · {d.cycle.year}年度</h1>
      <p className="muted">
        指标体系中规定“以某外部单位评价为准”（如“以县外网办评价为准”）的指标，按该外部单位给出的分值计分；评估人员的评分仍会显示，并用于判断评分分歧。
      </p>
      {!d.open ? (
        <p className="form-error" role="alert">
          本年度考核当前状态为“{d.cycle.statusLabel}”，不能录入或修改外部单位评价。
        </p>
      ) : null}
      {d.missing.length > 0 ? (
        <section className="card" data-testid="designated-missing">
          <h2>尚不能计算结果</h2>
          <ul>
            {d.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {outcome && !outcome.key ? (
        <div className={outcome.ok ? "notice" : "form-error"} role={outcome.ok ? "status" : "alert"}>
          <p>{outcome.message}</p>
          {outcome.problems?.length ? (
            <ul>
              {outcome.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {d.sources.length === 0 ? (
        <p className="card">本年度的指标体系中没有以外部单位评价为准的指标。</p>
      ) : (
        <>
          <nav className="toolbar" aria-label="评价来源">
            {d.sources.map((s) => (
              <Link key={s} to={`?source=${encodeURIComponent(s)}`} aria-current={s === d.source ? "page" : undefined}>
                {s}
              </Link>
            ))}
            <a href={`/cycles/${d.cycle.id}/outside.xlsx`} download>
              导出外部单位评价（Excel）
            </a>
          </nav>
          <table className="table">
            <thead>
              <tr>
                <th>单位</th>
                <th>指标</th>
                <th>{d.source}评价分值</th>
                <th>说明</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.cells.map((c) => {
                const o = rowOutcome(c.key);
                const formId = `outside-${c.key}`;
                return (
                  <tr key={c.key}>
                    <td>
                      {c.unitCode} {c.unitName}
                    </td>
                    <td>{c.leaf}</td>
                    <td>
                      <input form={formId} name="value" inputMode="decimal" defaultValue={c.value} aria-label={`${c.unitName} ${c.leaf} 评价分值（0至${c.max}分）`} disabled={!d.open} />
                      <span className="muted">／{c.max}分</span>
                      {o?.fieldErrors?.value ? (
                        <span className="field-error" role="alert">
                          {o.fieldErrors.value}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <input form={formId} name="note" maxLength={500} defaultValue={c.note} aria-label={`${c.unitName} ${c.leaf} 说明`} disabled={!d.open} />
                    </td>
                    <td>
                      <Form method="post" id={formId}>
                        <input type="hidden" name="unitId" value={c.unitId} />
                        <input type="hidden" name="nodeId" value={c.nodeId} />
                        <input type="hidden" name="source" value={d.source ?? ""} />
                        <input type="hidden" name="version" value={c.version} />
                        <button type="submit" disabled={busy || !d.open}>
                          保存
                        </button>
                      </Form>
                      {o ? (
                        <span className={o.ok ? "muted" : "field-error"} role={o.ok ? "status" : "alert"}>
                          {o.fieldErrors?._form ?? o.message}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {d.open ? (
            <section className="card">
              <h2>从 Excel 导入</h2>
              <p>先导出本表，填写“评价分值”和“说明”后上传；系统会先检查所有行，只要有一行有错误就不会导入任何数据。</p>
              <XlsxUploadForm busy={busy} action={`/cycles/${d.cycle.id}/outside?import`} />
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}
