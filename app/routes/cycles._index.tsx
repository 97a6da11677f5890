import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { CycleBasicsFields } from "../components/CycleBasicsFields";
import { Field } from "../components/Field";
import { CYCLE_SOURCE_LABELS, CYCLE_SOURCES } from "../domain/cycle-schemas";
import { DEFAULT_OPENNESS_WEIGHT_PCT } from "../domain/cycle-defaults";
import { createCycle, listCycles } from "../services/cycles.server";
import { may } from "../policy.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formValues } from "../utils/form.server";
import { getDb } from "../utils/db.server";
import { actionRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "考核年度 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "cycle");
  const cycles = listCycles(getDb()).map((c) => ({
    id: c.id,
    year: c.year,
    title: c.title,
    status: c.status,
    statusLabel: c.statusLabel,
    opennessWeightPct: c.opennessWeightPct,
    selfInspectionDue: c.selfInspectionDue,
    setCount: c.setCount,
  }));
  const nextYear = cycles.length > 0 ? Math.max(...cycles.map((c) => c.year)) + 1 : new Date().getFullYear();
  return { cycles, canEdit: may(user, "write", "cycle"), nextYear };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "cycle");
  const formData = await request.formData();
  const values = formValues(formData);
  let id: number;
  try {
    id = createCycle(getDb(), actorOf(user), {
      year: values.year,
      title: values.title,
      opennessWeightPct: values.opennessWeightPct,
      source: values.source,
      copyFromCycleId: values.source === "copy" ? values.copyFromCycleId : undefined,
    });
  } catch (error) {
    const r = actionRefusal(error);
    return data({ fieldErrors: r.fieldErrors, values }, { status: r.status });
  }
  throw redirect(`/cycles/${id}`);
}

const STATUS_BADGE: Record<string, string> = { draft: "warn", published: "ok", evaluating: "ok", preliminary: "ok", final: "", archived: "" };

export default function CyclesPage() {
  const { cycles, canEdit, nextYear } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const [source, setSource] = useState(values.source ?? "template");

  return (
    <div>
      <h1>考核年度</h1>
      <p className="muted">
        每个考核年度有自己的指标体系（每个单位类别一套）、评分设置、工作日历和时间节点。状态依次为：草稿 → 已发布 → 评审中 → 初步结果 → 已定稿 → 已归档。
      </p>

      <div className="table-wrap card">
        <table>
          <caption className="muted">共 {cycles.length} 个考核年度</caption>
          <thead>
            <tr>
              <th scope="col">年度</th>
              <th scope="col">考核名称</th>
              <th scope="col">状态</th>
              <th scope="col" className="num">权重</th>
              <th scope="col">自查截止</th>
              <th scope="col" className="num">指标体系</th>
            </tr>
          </thead>
          <tbody>
            {cycles.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  还没有考核年度。{canEdit ? "请在下方新建。" : ""}
                </td>
              </tr>
            ) : (
              cycles.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/cycles/${c.id}`}>{c.year}年度</Link>
                  </td>
                  <td>{c.title}</td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[c.status] ?? ""}`}>{c.statusLabel}</span>
                  </td>
                  <td className="num">{c.opennessWeightPct}%</td>
                  <td>{c.selfInspectionDue}</td>
                  <td className="num">{c.setCount} 套</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      {canEdit ? (
        <div className="card">
          <h2>新建考核年度</h2>
          <Form method="post" className="stack" noValidate>
            <Field
              name="year"
              label="考核年度"
              type="number"
              inputMode="numeric"
              min={2000}
              max={2100}
              defaultValue={values.year ?? String(nextYear)}
              error={errors.year}
              required
            />
            <CycleBasicsFields
              title={values.title}
              weight={values.opennessWeightPct ?? String(DEFAULT_OPENNESS_WEIGHT_PCT)}
              errors={errors}
              titleHint="不填则为“YYYY年度政务公开工作绩效考核”"
            />
            <fieldset className="field">
              <legend>指标体系来源</legend>
              {CYCLE_SOURCES.map((s) => (
                <label key={s}>
                  <input
                    type="radio"
                    name="source"
                    value={s}
                    checked={source === s}
                    onChange={() => setSource(s)}
                    disabled={s === "copy" && cycles.length === 0}
                  />{" "}
                  {CYCLE_SOURCE_LABELS[s]}
                </label>
              ))}
              {errors.source ? (
                <span className="field-error" role="alert">
                  {errors.source}
                </span>
              ) : null}
            </fieldset>
            {cycles.length > 0 ? (
              <div className="field">
                <label htmlFor="f-copyFromCycleId" className={source === "copy" ? undefined : "muted"}>
                  复制自
                </label>
                <select
                  id="f-copyFromCycleId"
                  name="copyFromCycleId"
                  defaultValue={values.copyFromCycleId ?? String(cycles[0]?.id ?? "")}
                  aria-invalid={errors.copyFromCycleId ? true : undefined}
                  aria-describedby={errors.copyFromCycleId ? "f-copyFromCycleId-error" : "f-copyFromCycleId-hint"}
                >
                  <option value="">请选择</option>
                  {cycles.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.year}年度 · {c.title}
                    </option>
                  ))}
                </select>
                <span id="f-copyFromCycleId-hint" className="muted">
                  选择“复制往年考核”时使用：复制指标体系、评分设置和复核期限，时间节点顺延到新年度；不复制任何单位的填报数据。
                </span>
                {errors.copyFromCycleId ? (
                  <span id="f-copyFromCycleId-error" className="field-error" role="alert">
                    {errors.copyFromCycleId}
                  </span>
                ) : null}
              </div>
            ) : null}
            <p className="muted">新建的考核年度为草稿状态；工作日历按已收录的国务院办公厅节假日安排预填（尚未收录的年份须在详情页录入或确认），可在详情页修改。</p>
            <div>
              <button type="submit" disabled={busy}>
                新建考核年度
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
