import type { LiveReport } from "../domain/indicator-live-check";
import { Form } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import type { NodeFormState } from "../domain/indicator-node-state";
import {
  CARRY_LABELS,
  DIMENSION_KEYS,
  DIMENSIONS,
  PART_LABELS,
  RECONCILE_LABELS,
  RULE_TYPE_HINTS,
  RULE_TYPE_LABELS,
  RULE_TYPES,
  WHEN_EMPTY_LABELS,
} from "../domain/indicator-format";
import { EVIDENCE_KIND_INFO, EVIDENCE_KINDS } from "../utils/evidence-kinds";
import { NODE_PARTS } from "../../scoring";
import { DESIGNATED_NAME_MAX, DESIGNATED_SOURCE_KINDS, DESIGNATED_SOURCE_LABELS } from "../domain/designated-source";
import { Field, FieldError } from "./Field";
import { RowsEditor } from "./RowsEditor";

type Errors = Record<string, string | undefined>;

interface Props {
  state: NodeFormState;
  errors: Errors;
  /** Hidden fields: intent, nodeId / position. */
  hidden: Record<string, string>;
  isLeaf: boolean;
  isTop: boolean;
  /** Published set: an amendment (reason required; carry-over when data exists). */
  amend: boolean;
  /** Stored answers / entries for this leaf (carry-over choice is offered when > 0). */
  dataCount: number;
  readOnly: boolean;
  busy: boolean;
  submitLabel: string;
  children?: ReactNode;
  /** Called with the form whenever a field changes (the live check). */
  onFormChange?: (form: HTMLFormElement) => void;
  /** Shown above the submit button (the live check's result). */
  live?: ReactNode;
  /** The set's top-level base parts (a part veto's possible targets). */
  baseParts: { code: string; name: string }[];
}

/** A select with its label and error. */
function SelectField({
  name,
  label,
  value,
  options,
  error,
  disabled,
  onChange,
  hint,
}: {
  name: string;
  label: string;
  value: string;
  options: [string, string][];
  error?: string;
  disabled?: boolean;
  hint?: string;
  onChange?: (v: string) => void;
}) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        defaultValue={onChange ? undefined : value}
        value={onChange ? value : undefined}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      {hint ? <span className="muted">{hint}</span> : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

function TextArea({
  name,
  label,
  value,
  error,
  disabled,
  hint,
  rows = 3,
}: {
  name: string;
  label: string;
  value: string;
  error?: string;
  disabled?: boolean;
  hint?: string;
  rows?: number;
}) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        defaultValue={value}
        rows={rows}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {hint ? <span className="muted">{hint}</span> : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

function FaultRows({ faults, errors, disabled }: { faults: NodeFormState["faults"]; errors: Errors; disabled: boolean }) {
  return (
    <RowsEditor
      legend="扣分项（每发现一次扣除的分值；空行不保存；代码可用中文，留空由系统生成）"
      initial={faults}
      blank={{ code: "", label: "", points: "", mode: "each", max: "" }}
      columns={[
        { key: "code", header: "代码（可留空）", name: "faultCode", label: (n) => `扣分项${n}代码`, size: 10 },
        { key: "label", header: "名称", name: "faultLabel", label: (n) => `扣分项${n}名称`, size: 24 },
        { key: "points", header: "扣分", name: "faultPoints", label: (n) => `扣分项${n}每次扣分`, size: 6, decimal: true },
        {
          key: "mode",
          header: "方式",
          name: "faultMode",
          label: (n) => `扣分项${n}扣分方式`,
          options: [
            { value: "each", label: "每处扣分" },
            { value: "once", label: "一次性扣分" },
          ],
        },
        { key: "max", header: "最多扣（可留空）", name: "faultMax", label: (n) => `扣分项${n}最多扣分`, size: 6, decimal: true },
      ]}
      group="faults"
      idPrefix="fault"
      addLabel="增加扣分项"
      errors={errors}
      disabled={disabled}
      note="可不设扣分项：评估时按具体问题临时扣分。“一次性扣分”不论发现几处只扣一次（如“未编制目录的扣1分”）；“最多扣”为该扣分项在本指标上累计扣分的上限（如“每发现一处扣0.5分，最多扣2分”）。"
    />
  );
}

function TaskRows({ tasks, errors, disabled }: { tasks: NodeFormState["tasks"]; errors: Errors; disabled: boolean }) {
  return (
    <RowsEditor
      legend="任务清单（完成一项任务得该项分值，合计不超过指标分值；空行不保存；代码留空由系统生成）"
      initial={tasks}
      blank={{ code: "", label: "", points: "" }}
      columns={[
        { key: "code", header: "代码（可留空）", name: "taskCode", label: (n) => `任务${n}代码`, size: 10 },
        { key: "label", header: "任务", name: "taskLabel", label: (n) => `任务${n}名称`, size: 30 },
        { key: "points", header: "分值", name: "taskPoints", label: (n) => `任务${n}分值`, size: 6, decimal: true },
      ]}
      group="tasks"
      idPrefix="task"
      addLabel="增加任务"
      errors={errors}
      disabled={disabled}
      note="填报单位逐项标明是否完成并提供佐证材料；已完成但无佐证材料的任务不得分。"
    />
  );
}

function TierRows({ tiers, errors, disabled }: { tiers: NodeFormState["tiers"]; errors: Errors; disabled: boolean }) {
  return (
    <RowsEditor
      legend="档位（数值达到“最低值”即得该档分数，取满足条件的最高档；空行不保存）"
      initial={tiers}
      blank={{ min: "", points: "", label: "" }}
      columns={[
        { key: "min", header: "最低值", name: "tierMin", label: (n) => `档位${n}最低值`, size: 6, decimal: true },
        { key: "points", header: "得分", name: "tierPoints", label: (n) => `档位${n}得分`, size: 6, decimal: true },
        { key: "label", header: "名称（可选）", name: "tierLabel", label: (n) => `档位${n}名称`, size: 20 },
      ]}
      group="tiers"
      idPrefix="tier"
      addLabel="增加档位"
      errors={errors}
      disabled={disabled}
    />
  );
}

/** The rule type and the parameters of the chosen type. */
function RuleFields({ state, errors, disabled, baseParts }: { state: NodeFormState; errors: Errors; disabled: boolean; baseParts: Props["baseParts"] }) {
  const [type, setType] = useState(state.ruleType);
  return (
    <fieldset className="card">
      <legend>评分规则</legend>
      <SelectField
        name="ruleType"
        label="规则类型"
        value={type}
        onChange={setType}
        disabled={disabled}
        error={errors.ruleType}
        hint={type ? RULE_TYPE_HINTS[type as keyof typeof RULE_TYPE_HINTS] : "末级指标必须选择评分规则"}
        options={[["", "请选择"], ...RULE_TYPES.map((t) => [t, RULE_TYPE_LABELS[t]] as [string, string])]}
      />
      <div hidden={type !== "score"}>
        <SelectField
          name="reconcile"
          label="多名评估员评分的合成方式"
          value={state.reconcile}
          disabled={disabled}
          error={errors.reconcile}
          options={[["", "按考核年度设置"], ...(["mean", "median"] as const).map((k) => [k, RECONCILE_LABELS[k]] as [string, string])]}
        />
        <div className="grid">
          <Field
            name="scoreDiscretionMax"
            label="酌情给分上限（可留空）"
            inputMode="decimal"
            defaultValue={state.scoreDiscretionMax}
            error={errors.scoreDiscretionMax}
            disabled={disabled}
            hint="如“在2分内酌情给分”填 2：评分不得超过此数，并须说明理由"
          />
          <SelectField
            name="designatedKind"
            label="指定评分来源类型"
            value={state.designatedKind}
            disabled={disabled}
            error={errors.designatedKind}
            hint="评估人员：取该评估员的评分；外部单位评价：取政务公开办录入的外部单位评价（如县外网办）；抽查结果：取抽查记录的本项评分"
            options={DESIGNATED_SOURCE_KINDS.map((k) => [k, DESIGNATED_SOURCE_LABELS[k]] as [string, string])}
          />
          <Field
            name="designated"
            label="以指定来源的评分为准（可留空）"
            defaultValue={state.designated}
            error={errors.designated}
            disabled={disabled}
            maxLength={DESIGNATED_NAME_MAX}
            hint="如“以县外网办评价为准”：类型选外部单位评价，填 县外网办；类型为评估人员时须与该评估员的姓名一致。其他评估员的评分仅供参考"
          />
        </div>
      </div>
      <div hidden={type !== "deduction"}>
        <FaultRows faults={state.faults} errors={errors} disabled={disabled} />
        <Field
          name="deductionDiscretionMax"
          label="酌情扣分上限（可留空）"
          inputMode="decimal"
          defaultValue={state.deductionDiscretionMax}
          error={errors.deductionDiscretionMax}
          disabled={disabled}
          hint="如“在2分内酌情扣分”填 2：扣分项以外的临时扣分合计不得超过此数，每项须说明理由"
        />
      </div>
      <div hidden={type !== "ratio"}>
        <Field
          name="target"
          label="达标值"
          inputMode="decimal"
          defaultValue={state.target}
          error={errors.target}
          disabled={disabled}
          hint="实际比率达到该值即得满分，如 1（100%）或 0.5（50%）；未达到按比例得分"
        />
      </div>
      <div hidden={type !== "checklist"}>
        <TaskRows tasks={state.tasks} errors={errors} disabled={disabled} />
      </div>
      <div hidden={type !== "tiers"}>
        <TierRows tiers={state.tiers} errors={errors} disabled={disabled} />
      </div>
      <div hidden={type !== "timeliness"}>
        <div className="grid">
          <Field name="limitValue" label="时限" inputMode="decimal" defaultValue={state.limitValue} error={errors.limitValue} disabled={disabled} />
          <SelectField
            name="limitKind"
            label="时限单位"
            value={state.limitKind}
            disabled={disabled}
            error={errors.limitKind}
            hint="工作日按本考核年度的工作日历计算"
            options={[
              ["hours", "小时"],
              ["workingDays", "个工作日"],
            ]}
          />
          <SelectField
            name="whenEmpty"
            label="本年度没有需办理的事项时"
            value={state.whenEmpty}
            disabled={disabled}
            error={errors.whenEmpty}
            options={(["full", "na"] as const).map((k) => [k, WHEN_EMPTY_LABELS[k]] as [string, string])}
          />
        </div>
      </div>
      <div hidden={type !== "veto"}>
        <p className="muted">单项否决只能用于“否决”类一级指标之下，分值为0。</p>
        <SelectField
          name="vetoScope"
          label="否决范围"
          value={state.vetoScope}
          disabled={disabled}
          error={errors.vetoScope}
          hint="选择某一部分时，触发后只有该部分按0分计，不影响其他部分，也不因此整体否决"
          options={[["", "整体否决（考核结果按否决处理）"], ...baseParts.map((p) => [p.code, `仅该部分按0分计：${p.code} ${p.name}`] as [string, string])]}
        />
      </div>
    </fieldset>
  );
}

/** Reason (required) and, when stored scores are affected, how they are carried over. */
export function AmendmentFields({
  reason,
  carry,
  errors,
  dataCount,
  showCarry,
}: {
  reason: string;
  carry: string;
  errors: Errors;
  dataCount: number;
  showCarry: boolean;
}) {
  return (
    <fieldset className="card">
      <legend>修订说明（指标体系已发布，修改将作为修订记录在案）</legend>
      <TextArea name="reason" label="修订原因（必填）" value={reason} error={errors.reason} rows={2} />
      {showCarry ? (
        <SelectField
          name="carry"
          label={`已有${dataCount}条填报或评分数据，分值或规则改变时原有得分的处理方式`}
          value={carry}
          error={errors.carry}
          options={[["", "请选择"], ...(["rescale", "clamp", "reset"] as const).map((k) => [k, CARRY_LABELS[k]] as [string, string])]}
        />
      ) : null}
    </fieldset>
  );
}

/** The tree editor's form for one node: identity, points, rule and its parameters, guidance, evidence. */
export function IndicatorNodeForm({
  state,
  errors,
  hidden,
  isLeaf,
  isTop,
  amend,
  dataCount,
  readOnly,
  busy,
  submitLabel,
  children,
  onFormChange,
  live,
  baseParts,
}: Props) {
  const formError = errors._form;
  const [part, setPart] = useState(state.part);
  return (
    <Form method="post" className="stack" noValidate onChange={onFormChange ? (e) => onFormChange(e.currentTarget) : undefined}>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {formError ? (
        <div className="form-error" role="alert">
          {formError}
          {children}
        </div>
      ) : null}
      <div className="grid">
        <Field name="code" label="编码" defaultValue={state.code} error={errors.code} disabled={readOnly} hint="在本指标体系内唯一，如 1.2" required />
        <Field name="name" label="名称" defaultValue={state.name} error={errors.name} disabled={readOnly} maxLength={100} required />
        <Field name="points" label="分值" inputMode="decimal" defaultValue={state.points} error={errors.points} disabled={readOnly} required />
        <SelectField
          name="dimension"
          label="维度"
          value={state.dimension}
          disabled={readOnly}
          error={errors.dimension}
          options={[["", isTop ? "（不设）" : "沿用上级"], ...DIMENSION_KEYS.map((d) => [d, DIMENSIONS[d]] as [string, string])]}
        />
        {isTop ? (
          <SelectField
            name="part"
            label="类别"
            value={part}
            onChange={setPart}
            disabled={readOnly}
            error={errors.part}
            hint={part === "penalty" ? "扣分项（倒扣分）：在总分之外扣减，分值为0，下级指标使用扣分制" : undefined}
            options={NODE_PARTS.map((p) => [p, PART_LABELS[p]] as [string, string])}
          />
        ) : null}
        {isTop && part === "penalty" && !isLeaf ? (
          <Field
            name="cap"
            label="扣分项合计最多扣（可留空）"
            inputMode="decimal"
            defaultValue={state.cap}
            error={errors.cap}
            disabled={readOnly}
            hint="如“倒扣分最多扣5分”填 5；留空不设上限。总分扣至0分为止"
          />
        ) : null}
      </div>
      {isLeaf ? (
        <RuleFields state={state} errors={errors} disabled={readOnly} baseParts={baseParts} />
      ) : (
        <p className="muted">有下级指标的指标不设评分规则，其分值须等于下级指标分值之和。</p>
      )}
      <fieldset className="card">
        <legend>评分指引（向填报单位和评估人员展示）</legend>
        <TextArea name="guidance" label="考核要点" value={state.guidance} error={errors.guidance} disabled={readOnly} />
        <TextArea name="criteria" label="评分标准" value={state.criteria} error={errors.criteria} disabled={readOnly} />
        <Field
          name="basis"
          label="政策依据（出处条款）"
          defaultValue={state.basis}
          error={errors.basis}
          disabled={readOnly}
          hint="如“《中华人民共和国政府信息公开条例》第二十条”"
        />
      </fieldset>
      <fieldset className="card">
        <legend>佐证材料</legend>
        <label>
          <input type="checkbox" name="evidenceRequired" value="on" defaultChecked={state.evidenceRequired} disabled={readOnly} /> 必须上传佐证材料
        </label>
        <div className="field">
          <span>允许的材料类型（都不选表示所有允许的类型）</span>
          <div className="inline-form">
            {EVIDENCE_KINDS.map((k) => (
              <label key={k}>
                <input type="checkbox" name="evidenceKinds" value={k} defaultChecked={state.evidenceKinds.includes(k)} disabled={readOnly} />{" "}
                {EVIDENCE_KIND_INFO[k].label}
              </label>
            ))}
          </div>
          <FieldError id="f-evidenceKinds-error" message={errors.evidenceKinds} />
        </div>
      </fieldset>
      {amend && !readOnly ? (
        <AmendmentFields reason={state.reason} carry={state.carry} errors={errors} dataCount={dataCount} showCarry={isLeaf && dataCount > 0} />
      ) : null}
      {live}
      {readOnly ? null : (
        <div>
          <button type="submit" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      )}
    </Form>
  );
}

/** The live check of the unsaved form: what saving it now would leave in the validation panel. */
export function LiveCheckPanel({ report }: { report: LiveReport | null }) {
  if (!report) return null;
  const fieldMessages = Object.values(report.fieldErrors);
  const clean = fieldMessages.length === 0 && report.errors.length === 0;
  return (
    <div className={clean ? "notice" : "form-error"} aria-live="polite" data-testid="live-check">
      <strong>实时校验（尚未保存）：</strong>
      {fieldMessages.length > 0 ? (
        <>
          表单有 {fieldMessages.length} 处需要修改
          <ul>
            {fieldMessages.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </>
      ) : report.errors.length > 0 ? (
        <>
          按当前填写保存后，指标体系将有 {report.errors.length} 个错误（有错误时不能发布）
          <ul>
            {report.errors.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </>
      ) : (
        "按当前填写保存后没有错误。"
      )}
      {fieldMessages.length === 0 && report.warnings.length > 0 ? (
        <ul className="muted">
          {report.warnings.map((m, i) => (
            <li key={i}>提示：{m}</li>
          ))}
        </ul>
      ) : null}
      {report.ruleSentence ? (
        <p data-testid="rule-sentence" style={{ margin: 0 }}>
          评分规则：{report.ruleSentence}
        </p>
      ) : null}
    </div>
  );
}
