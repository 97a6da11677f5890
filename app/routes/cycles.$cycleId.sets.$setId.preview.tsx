import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { getDb } from "../utils/db.server";
import { ruleSentence } from "../domain/rule-sentence";
import { customField, SAMPLE_MODE_LABELS, SAMPLE_MODES, type SampleMode } from "../domain/preview-sample";
import { getSetInfo } from "../services/indicator-structure.server";
import { loadTree, toSpecs } from "../services/indicator-tree.server";
import { coverageSentence, coverageView } from "../domain/indicator-coverage";
import { previewLeaves, previewSet } from "../services/indicator-preview.server";
import { requireAccess } from "../utils/auth.server";
import { orRefusalResponse, parseId } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "指标体系试算 - 政务公开绩效考核平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "cycle");
  const cycleId = parseId(params.cycleId);
  const setId = parseId(params.setId);
  const db = getDb();
  const set = orRefusalResponse(() => getSetInfo(db, cycleId, setId));
  const query = new URL(request.url).searchParams;
  const modeParam = query.get("mode");
  const mode: SampleMode = (SAMPLE_MODES as readonly string[]).includes(modeParam ?? "") ? (modeParam as SampleMode) : "full";
  const tree = loadTree(db, setId);
  const partName = (code: string) => tree.find((n) => n.code === code)?.name;
  const leaves = previewLeaves(db, setId).map((l) => ({
    nodeId: l.nodeId,
    code: l.code,
    name: l.name,
    points: l.points,
    ruleType: l.rule.type,
    rule: ruleSentence(l.rule, l.points, { part: l.part, partName }),
    faults: l.rule.type === "deduction" ? l.rule.faults.map((f) => f.label) : [],
  }));
  return {
    cycle: { id: set.cycle.id, year: set.cycle.year },
    set: { id: set.id, categoryName: set.categoryName },
    mode,
    query: Object.fromEntries(query.entries()),
    leaves,
    preview: previewSet(db, cycleId, setId, { mode, query }),
    coverageNote: coverageSentence(coverageView(toSpecs(tree), set.coverageGap)),
  };
}

function CustomInputs({ leaves, query }: { leaves: ReturnType<typeof useLoaderData<typeof loader>>["leaves"]; query: Record<string, string> }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="muted">留空的项按满分计。</caption>
        <thead>
          <tr>
            <th scope="col">指标</th>
            <th scope="col">评分规则</th>
            <th scope="col">示例数据</th>
            <th scope="col">不适用</th>
          </tr>
        </thead>
        <tbody>
          {leaves.map((l) => (
            <tr key={l.nodeId}>
              <td>
                {l.code} {l.name}（{l.points}分）
              </td>
              <td>{l.rule}</td>
              <td>
                {l.ruleType === "score" || l.ruleType === "ratio" || l.ruleType === "tiers" ? (
                  <input
                    name={customField.value(l.nodeId)}
                    aria-label={`${l.code}${l.ruleType === "score" ? "得分" : l.ruleType === "ratio" ? "比率" : "数值"}`}
                    defaultValue={query[customField.value(l.nodeId)] ?? ""}
                    size={8}
                    inputMode="decimal"
                    placeholder={l.ruleType === "score" ? "得分" : l.ruleType === "ratio" ? "比率，如0.8" : "数值"}
                  />
                ) : null}
                {l.ruleType === "deduction" ? (
                  <>
                    {l.faults.map((label, i) => (
                      <label key={i} style={{ display: "block" }}>
                        {label} 次数{" "}
                        <input name={customField.fault(l.nodeId, i)} defaultValue={query[customField.fault(l.nodeId, i)] ?? ""} size={4} inputMode="numeric" />
                      </label>
                    ))}
                    <label style={{ display: "block" }}>
                      其他扣分 <input name={customField.adhoc(l.nodeId)} defaultValue={query[customField.adhoc(l.nodeId)] ?? ""} size={4} inputMode="decimal" />
                    </label>
                  </>
                ) : null}
                {l.ruleType === "timeliness" ? (
                  <>
                    <label>
                      按时 <input name={customField.onTime(l.nodeId)} defaultValue={query[customField.onTime(l.nodeId)] ?? ""} size={4} inputMode="numeric" /> 件
                    </label>{" "}
                    <label>
                      超时 <input name={customField.late(l.nodeId)} defaultValue={query[customField.late(l.nodeId)] ?? ""} size={4} inputMode="numeric" /> 件
                    </label>
                  </>
                ) : null}
                {l.ruleType === "veto" ? (
                  <label>
                    <input type="checkbox" name={customField.veto(l.nodeId)} defaultChecked={query[customField.veto(l.nodeId)] === "on"} /> 触发否决
                  </label>
                ) : null}
              </td>
              <td>
                {l.ruleType === "veto" ? null : (
                  <input type="checkbox" name={customField.na(l.nodeId)} aria-label={`${l.code}不适用`} defaultChecked={query[customField.na(l.nodeId)] === "on"} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function PreviewPage() {
  const { cycle, set, mode, query, leaves, preview, coverageNote } = useLoaderData<typeof loader>();
  const [chosen, setChosen] = useState<SampleMode>(mode);
  const hasPenalty = preview.ok && preview.units.some((u) => u.penalty !== null);
  return (
    <div>
      <p className="no-print">
        <Link to={`/cycles/${cycle.id}/sets/${set.id}`}>← 返回指标体系</Link>
      </p>
      <h1>
        试算预览 · {cycle.year}年度 {set.categoryName}
      </h1>
      <p className="muted">用当前指标体系为示例单位（以及上一年度同类单位的实际填报数据）计算得分，检查分值和评分规则是否合理。试算不保存任何数据。</p>
      {coverageNote ? (
        <p className="warning" data-testid="coverage-note">
          本指标体系{coverageNote}
        </p>
      ) : null}
      <Form method="get" className="card stack">
        <fieldset className="field">
          <legend>示例单位</legend>
          {SAMPLE_MODES.map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={chosen === m} onChange={() => setChosen(m)} /> {SAMPLE_MODE_LABELS[m]}
            </label>
          ))}
        </fieldset>
        {chosen === "custom" ? <CustomInputs leaves={leaves} query={query} /> : null}
        <div>
          <button type="submit">试算</button>
        </div>
      </Form>

      {!preview.ok ? (
        <div className="form-error" role="alert">
          <p style={{ margin: 0 }}>无法试算：</p>
          <ul>
            {preview.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      ) : (
        <section className="card" aria-labelledby="result-h">
          <h2 id="result-h">试算结果</h2>
          <p className="muted">
            {preview.previousYear === null
              ? "没有更早的考核年度，只试算示例单位。"
              : preview.units.some((u) => u.kind === "previous")
                ? `同时按当前指标体系重算${preview.previousYear}年度同类单位的填报数据（按指标编码对应）。`
                : `${preview.previousYear}年度没有同类单位的填报数据。`}
          </p>
          {preview.warnings.length ? (
            <ul className="warning">
              {preview.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          ) : null}
          <div className="table-wrap">
            <table aria-label="试算得分">
              <thead>
                <tr>
                  <th scope="col">单位</th>
                  <th scope="col" className="num">
                    总分
                  </th>
                  <th scope="col" className="num">
                    基础分
                  </th>
                  <th scope="col" className="num">
                    加分
                  </th>
                  {hasPenalty ? (
                    <th scope="col" className="num">
                      扣分项
                    </th>
                  ) : null}
                  <th scope="col">等次</th>
                  <th scope="col">说明</th>
                </tr>
              </thead>
              <tbody>
                {preview.units.map((u) => (
                  <tr key={u.id}>
                    <td>{u.name}</td>
                    <td className="num">{u.total.toFixed(2)}</td>
                    <td className="num">{u.base.toFixed(2)}</td>
                    <td className="num">{u.bonus.toFixed(2)}</td>
                    {hasPenalty ? <td className="num">{u.penalty === null ? "—" : `−${u.penalty.toFixed(2)}`}</td> : null}
                    <td>
                      {u.grade}
                      {u.vetoed ? <span className="badge error">否决</span> : null}
                    </td>
                    <td>
                      <details>
                        <summary>明细</summary>
                        <p>{u.explain}</p>
                        {u.notes.map((n, i) => (
                          <p key={i} className="muted">
                            {n}
                          </p>
                        ))}
                        <p>{u.dimensions.map((d) => `${d.name} ${d.score.toFixed(2)}`).join("；")}</p>
                        <ul>
                          {u.leaves.map((l) => (
                            <li key={l.code}>
                              {l.code} {l.name}：{l.na ? "不适用" : `${l.score.toFixed(2)} / ${l.max}`}（{l.explain}）
                            </li>
                          ))}
                        </ul>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
