import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Field } from "./Field";

/** What the cycle page's action returns; each form shows only its own intent's result. */
export interface CycleActionResult {
  intent: string;
  ok: boolean;
  message: string | null;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
  grades?: { name: string; min: string }[];
  errors: string[];
}

export interface CycleFormData {
  title: string;
  opennessWeightPct: number;
  settings: {
    scale: number;
    bonusGate: number;
    vetoScore: number;
    passMark: number;
    grades: { name: string; min: number }[];
    reconcile: "mean" | "median";
    divergence: number;
    evaluatorsPerUnit: number;
  };
  selfInspectionDue: string;
  spotCheckStart: string | null;
  spotCheckEnd: string | null;
  appealWindowDays: number;
  calendar: { holidays: string[]; workdays: string[] };
  updatedAt: string;
}

interface FormProps {
  cycle: CycleFormData;
  /** Whether each field may still change (EDITABLE_FIELDS) and the user may edit. */
  editable: Record<string, boolean>;
  result: CycleActionResult | undefined;
  busy: boolean;
}

function own(result: CycleActionResult | undefined, intent: string) {
  const mine = result?.intent === intent ? result : undefined;
  return {
    errors: (mine?.fieldErrors ?? {}) as Record<string, string | undefined>,
    values: mine && !mine.ok ? (mine.values as Record<string, string | undefined>) : undefined,
    mine,
  };
}

function Outcome({ result, children }: { result: CycleActionResult | undefined; children?: ReactNode }) {
  if (!result) return null;
  if (result.ok && result.message) {
    return (
      <p className="notice" role="status">
        {result.message}
      </p>
    );
  }
  const formError = result.fieldErrors._form;
  return formError || children ? (
    <div className="form-error" role="alert">
      {formError}
      {children}
    </div>
  ) : null;
}

function Locked({ show, children }: { show: boolean; children: ReactNode }) {
  return show ? <p className="muted">{children}</p> : null;
}

export function CycleBasicsForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "basics");
  const canSave = editable.title || editable.opennessWeightPct;
  return (
    <section className="card" aria-labelledby="basics-h">
      <h2 id="basics-h">基本信息</h2>
      <Outcome result={mine} />
      <Form method="post" className="stack" noValidate key={`basics-${cycle.updatedAt}`}>
        <input type="hidden" name="intent" value="basics" />
        <Field name="title" label="考核名称" maxLength={100} defaultValue={values?.title ?? cycle.title} error={errors.title} disabled={!editable.title} required />
        <Field
          name="opennessWeightPct"
          label="政务公开工作分值权重（%）"
          type="number"
          inputMode="decimal"
          step="0.5"
          min={4}
          max={100}
          defaultValue={values?.opennessWeightPct ?? String(cycle.opennessWeightPct)}
          error={errors.opennessWeightPct}
          disabled={!editable.opennessWeightPct}
          hint="占单位年度绩效考核总分的比重，政策要求不低于4%"
          required
        />
        <Locked show={editable.title && !editable.opennessWeightPct}>考核发布后权重随指标体系一同冻结，只能修改考核名称。</Locked>
        {canSave ? (
          <div>
            <button type="submit" disabled={busy}>
              保存基本信息
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}

const SETTING_FIELDS: { name: keyof Omit<CycleFormData["settings"], "grades" | "reconcile">; label: string; hint: string; step: string }[] = [
  { name: "scale", label: "满分", hint: "基础指标得分折算到的满分", step: "1" },
  { name: "passMark", label: "合格线", hint: "总分达到此分数为合格", step: "0.5" },
  { name: "bonusGate", label: "加分门槛", hint: "基础得分须高于此分数，加分项才计入", step: "0.5" },
  { name: "vetoScore", label: "否决分", hint: "触发单项否决时的总分", step: "0.5" },
  { name: "divergence", label: "评分分歧阈值", hint: "评估人员评分最大差距超过该项分值的此比例时标记分歧（0.2＝20%）", step: "0.05" },
  { name: "evaluatorsPerUnit", label: "每个单位的评估人员数", hint: "随机分配评估人员时每个单位的人数", step: "1" },
];

export function CycleSettingsForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "settings");
  const canEdit = editable.settings;
  const grades: { name: string; min: string }[] = mine && !mine.ok && mine.grades ? mine.grades : cycle.settings.grades.map((g) => ({ name: g.name, min: String(g.min) }));
  const rows = canEdit ? [...grades, { name: "", min: "" }] : grades;
  const gradeErrors = Object.entries(errors).filter(([k]) => k === "settings.grades" || k.startsWith("settings.grades."));
  return (
    <section className="card" aria-labelledby="settings-h">
      <h2 id="settings-h">评分设置</h2>
      <Outcome result={mine}>{errors.settings}</Outcome>
      <Locked show={!canEdit}>考核发布后评分设置随指标体系一同冻结。</Locked>
      <Form method="post" className="stack" noValidate key={`settings-${cycle.updatedAt}`}>
        <input type="hidden" name="intent" value="settings" />
        <div className="grid">
          {SETTING_FIELDS.map((f) => (
            <Field
              key={f.name}
              name={f.name}
              label={f.label}
              type="number"
              inputMode="decimal"
              step={f.step}
              defaultValue={values?.[f.name] ?? String(cycle.settings[f.name])}
              error={errors[`settings.${f.name}`]}
              hint={f.hint}
              disabled={!canEdit}
              required
            />
          ))}
          <div className="field">
            <label htmlFor="f-reconcile">多名评估人员评分的合成方式</label>
            <select id="f-reconcile" name="reconcile" defaultValue={values?.reconcile ?? cycle.settings.reconcile} disabled={!canEdit}>
              <option value="mean">平均值</option>
              <option value="median">中位数</option>
            </select>
            {errors["settings.reconcile"] ? (
              <span className="field-error" role="alert">
                {errors["settings.reconcile"]}
              </span>
            ) : null}
          </div>
        </div>
        <fieldset>
          <legend>考核等次（按分数下限从高到低，最低等次下限为0；名称留空的行将被忽略）</legend>
          <table>
            <thead>
              <tr>
                <th scope="col">等次名称</th>
                <th scope="col">分数下限</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g, i) => (
                <tr key={i}>
                  <td>
                    <input name="gradeName" aria-label={`第${i + 1}个等次名称`} defaultValue={g.name} maxLength={20} disabled={!canEdit} />
                  </td>
                  <td>
                    <input name="gradeMin" aria-label={`第${i + 1}个等次分数下限`} type="number" step="0.5" defaultValue={g.min} disabled={!canEdit} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {gradeErrors.map(([k, m]) => (
            <p key={k} className="field-error" role="alert">
              {m}
            </p>
          ))}
        </fieldset>
        {canEdit ? (
          <div>
            <button type="submit" disabled={busy}>
              保存评分设置
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}

export function CycleScheduleForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "schedule");
  const canEdit = editable.selfInspectionDue;
  return (
    <section className="card" aria-labelledby="schedule-h">
      <h2 id="schedule-h">时间节点</h2>
      <Outcome result={mine} />
      <Form method="post" className="stack" noValidate key={`schedule-${cycle.updatedAt}`}>
        <input type="hidden" name="intent" value="schedule" />
        <Field
          name="selfInspectionDue"
          label="自查截止日期"
          type="date"
          defaultValue={values?.selfInspectionDue ?? cycle.selfInspectionDue}
          error={errors.selfInspectionDue}
          hint="政策要求每年11月开展自查，默认11月30日（当天24时截止）"
          disabled={!canEdit}
          required
        />
        <Field
          name="spotCheckStart"
          label="抽查开始日期"
          type="date"
          defaultValue={values?.spotCheckStart ?? cycle.spotCheckStart ?? ""}
          error={errors.spotCheckStart}
          disabled={!canEdit}
        />
        <Field
          name="spotCheckEnd"
          label="抽查结束日期"
          type="date"
          defaultValue={values?.spotCheckEnd ?? cycle.spotCheckEnd ?? ""}
          error={errors.spotCheckEnd}
          hint="政务公开办年底组织抽查"
          disabled={!canEdit}
        />
        <Field
          name="appealWindowDays"
          label="复核申请期限（天）"
          type="number"
          inputMode="numeric"
          min={1}
          max={60}
          defaultValue={values?.appealWindowDays ?? String(cycle.appealWindowDays)}
          error={errors.appealWindowDays}
          hint="公布初步结果后，各单位可在此期限内申请复核"
          disabled={!canEdit}
          required
        />
        {canEdit ? (
          <div>
            <button type="submit" disabled={busy}>
              保存时间节点
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}

export function CycleCalendarForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "calendar");
  const canEdit = editable.calendar;
  return (
    <section className="card" aria-labelledby="calendar-h">
      <h2 id="calendar-h">工作日历</h2>
      <p className="muted">
        “N个工作日内”类时限按此日历计算：周一至周五为工作日，节假日除外；调休上班的周末计为工作日。预填自国务院办公厅节假日安排（本年度和下一年度）。
      </p>
      <Outcome result={mine} />
      <Form method="post" className="stack" noValidate key={`calendar-${cycle.updatedAt}`}>
        <input type="hidden" name="intent" value="calendar" />
        <div className="grid">
          <div className="field">
            <label htmlFor="f-holidays">节假日（每行一个日期，YYYY-MM-DD）</label>
            <textarea
              id="f-holidays"
              name="holidays"
              rows={12}
              defaultValue={values?.holidays ?? cycle.calendar.holidays.join("\n")}
              aria-invalid={errors["calendar.holidays"] ? true : undefined}
              aria-describedby={errors["calendar.holidays"] ? "f-holidays-error" : undefined}
              disabled={!canEdit}
            />
            <span className="muted">共 {cycle.calendar.holidays.length} 天</span>
            {errors["calendar.holidays"] ? (
              <span id="f-holidays-error" className="field-error" role="alert">
                {errors["calendar.holidays"]}
              </span>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="f-workdays">调休上班日（每行一个日期，YYYY-MM-DD）</label>
            <textarea
              id="f-workdays"
              name="workdays"
              rows={12}
              defaultValue={values?.workdays ?? cycle.calendar.workdays.join("\n")}
              aria-invalid={errors["calendar.workdays"] ? true : undefined}
              aria-describedby={errors["calendar.workdays"] ? "f-workdays-error" : undefined}
              disabled={!canEdit}
            />
            <span className="muted">共 {cycle.calendar.workdays.length} 天</span>
            {errors["calendar.workdays"] ? (
              <span id="f-workdays-error" className="field-error" role="alert">
                {errors["calendar.workdays"]}
              </span>
            ) : null}
          </div>
        </div>
        {errors.calendar ? (
          <p className="field-error" role="alert">
            {errors.calendar}
          </p>
        ) : null}
        {canEdit ? (
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              保存工作日历
            </button>
            <button type="submit" name="reset" value="1" className="secondary" disabled={busy}>
              恢复为预置的节假日安排
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}
