import { Form } from "@remix-run/react";
import { useState } from "react";

/** A spot-check finding's form (field names as findingFormSchema in spot-checks.server.ts parses them). */

export interface FindingFormValues {
  nodeId?: string;
  description?: string;
  foundOn?: string;
  kind?: string;
  faultCode?: string;
  count?: string;
  points?: string;
  requiresRectification?: string;
  rectificationDue?: string;
}

interface Leaf {
  nodeId: number;
  code: string;
  name: string;
  points: number;
  ruleType: string;
  faults: readonly { code: string; label: string; points: number }[];
  /** The leaf takes the spot check's score (以…抽查结果为准), at most this; else null. */
  scoreMax: number | null;
}

interface Props {
  intent: "record" | "update";
  formKey: string;
  unitId: number;
  findingId?: number;
  version?: number;
  leaves: readonly Leaf[];
  initial?: FindingFormValues;
  typed: FindingFormValues;
  errors: Record<string, string | undefined>;
  busy: boolean;
}

const KIND_LABELS = { fault: "扣分项（按次数）", deduction: "临时扣分", veto: "单项否决", score: "抽查评分（本项得分以抽查结果为准）" } as const;

export function FindingForm(p: Props) {
  const v: FindingFormValues = { ...p.initial, ...p.typed };
  const [kind, setKind] = useState(v.kind ?? "fault");
  const [rect, setRect] = useState(v.requiresRectification === "on");
  const id = (f: string) => `${p.formKey.replace(":", "-")}-${f}`;
  const err = (f: string) =>
    p.errors[f] ? (
      <span className="field-error" role="alert">
        {p.errors[f]}
      </span>
    ) : null;
  const [nodeId, setNodeId] = useState(v.nodeId ?? "");
  const chosen = p.leaves.find((l) => String(l.nodeId) === nodeId);
  // Only the chosen indicator's own faults can be recorded (the service refuses any other).
  const faults = chosen?.ruleType === "deduction" ? chosen.faults : [];
  return (
    <Form method="post" className="stack">
      <input type="hidden" name="intent" value={p.intent} />
      <input type="hidden" name="key" value={p.formKey} />
      <input type="hidden" name="unitId" value={p.unitId} />
      {p.findingId !== undefined ? <input type="hidden" name="findingId" value={p.findingId} /> : null}
      {p.version !== undefined ? <input type="hidden" name="version" value={p.version} /> : null}
      {p.errors._form ? (
        <p className="form-error" role="alert">
          {p.errors._form}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={id("nodeId")}>指标</label>
        <select
          id={id("nodeId")}
          name="nodeId"
          value={nodeId}
          onChange={(e) => {
            setNodeId(e.target.value);
            const next = p.leaves.find((l) => String(l.nodeId) === e.target.value);
            if (next?.scoreMax != null) setKind("score");
            else if (kind === "score") setKind("fault");
          }}
        >
          <option value="">请选择</option>
          {p.leaves.map((l) => (
            <option key={l.nodeId} value={l.nodeId}>
              {l.code} {l.name}
              {l.ruleType === "veto" ? "（单项否决）" : l.scoreMax !== null ? `（${l.points}分，以抽查结果为准）` : `（${l.points}分）`}
            </option>
          ))}
        </select>
        {err("nodeId")}
      </div>
      <div className="field">
        <label htmlFor={id("description")}>问题描述</label>
        <textarea id={id("description")} name="description" rows={2} maxLength={2000} defaultValue={v.description ?? ""} />
        {err("description")}
      </div>
      <div className="field">
        <label htmlFor={id("foundOn")}>发现日期</label>
        <input id={id("foundOn")} name="foundOn" type="date" defaultValue={v.foundOn ?? ""} />
        {err("foundOn")}
      </div>
      <fieldset>
        <legend>处理方式</legend>
        {(chosen?.scoreMax != null ? (["score"] as const) : (["fault", "deduction", "veto"] as const)).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {KIND_LABELS[k]}{" "}
          </label>
        ))}
        {err("kind")}
      </fieldset>
      {kind === "fault" ? (
        <>
          <div className="field">
            <label htmlFor={id("faultCode")}>扣分项</label>
            <select
              id={id("faultCode")}
              name="faultCode"
              key={nodeId}
              defaultValue={nodeId === (v.nodeId ?? "") ? (v.faultCode ?? "") : ""}
              disabled={faults.length === 0}
              aria-describedby={chosen && faults.length === 0 ? id("faultCode-note") : undefined}
            >
              <option value="">{chosen ? "请选择" : "请先选择指标"}</option>
              {faults.map((f) => (
                <option key={f.code} value={f.code}>
                  {f.label}（每次扣{f.points}分）
                </option>
              ))}
            </select>
            {chosen && faults.length === 0 ? (
              <span id={id("faultCode-note")} className="muted">
                所选指标没有扣分项，请改选临时扣分或单项否决。
              </span>
            ) : null}
            {err("faultCode")}
          </div>
          <div className="field">
            <label htmlFor={id("count")}>次数</label>
            <input id={id("count")} name="count" inputMode="numeric" defaultValue={v.count ?? ""} />
            {err("count")}
          </div>
        </>
      ) : null}
      {kind === "score" ? (
        <div className="field">
          <label htmlFor={id("points")}>抽查评分{chosen?.scoreMax != null ? `（0至${chosen.scoreMax}分）` : ""}</label>
          <input id={id("points")} name="points" inputMode="decimal" defaultValue={v.points ?? ""} />
          {err("points")}
        </div>
      ) : null}
      {kind === "deduction" ? (
        <div className="field">
          <label htmlFor={id("points")}>扣分分值</label>
          <input id={id("points")} name="points" inputMode="decimal" defaultValue={v.points ?? ""} />
          {err("points")}
        </div>
      ) : null}
      <label>
        <input type="checkbox" name="requiresRectification" checked={rect} onChange={(e) => setRect(e.target.checked)} /> 需要整改
      </label>
      {rect ? (
        <div className="field">
          <label htmlFor={id("rectificationDue")}>整改期限</label>
          <input id={id("rectificationDue")} name="rectificationDue" type="date" defaultValue={v.rectificationDue ?? ""} />
          {err("rectificationDue")}
        </div>
      ) : null}
      {err("requiresRectification")}
      <button type="submit" disabled={p.busy}>
        {p.intent === "record" ? "记录" : "保存修改"}
      </button>
    </Form>
  );
}
