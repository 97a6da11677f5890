import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { CycleBasicsFields } from "./CycleBasicsFields";
import { missingArrangementMessage } from "../domain/calendar-coverage";
import { Field, FieldError } from "./Field";
import { bonusGateRule } from "../domain/bonus-gate";

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
  calendar: { holidays: string[]; workdays: string[]; emptyConfirmed?: true };
  updatedAt: string;
}

/** What the cycle page knows about the calendar's holiday arrangements (CycleCalendarForm). */
export interface CalendarStatus {
  year: number;
  /** Years (the cycle's and the next) whose official arrangement the platform has, to prefill. */
  knownYears: number[];
  yearMissing: boolean;
  emptyConfirmed: boolean;
  nextYearMissing: boolean;
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

/** One list of calendar dates (one per line) with how many the cycle has now. */
function DateListField(props: { name: string; label: string; dates: string[]; typed: string | undefined; error: string | undefined; disabled: boolean }) {
  const id = `f-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={12}
        defaultValue={props.typed ?? props.dates.join("\n")}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        disabled={props.disabled}
      />
      <span className="muted">共 {props.dates.length} 天</span>
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}

/**
 * One settings form of the cycle page: a card with its heading, optional intro, the outcome of its
 * last post, optional notes, and a POST form for `intent` with its save button when it may be saved.
 */
function SettingsCard(props: {
  intent: string;
  title: string;
  cycle: FormProps["cycle"];
  result: CycleActionResult | undefined;
  canSave: boolean;
  busy: boolean;
  saveLabel: string;
  formError?: ReactNode;
  intro?: ReactNode;
  notes?: ReactNode;
  extraButtons?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${props.intent}-h`}>
      <h2 id={`${props.intent}-h`}>{props.title}</h2>
      {props.intro}
      <Outcome result={props.result}>{props.formError}</Outcome>
      {props.notes}
      <Form method="post" className="stack" noValidate key={`${props.intent}-${props.cycle.updatedAt}`}>
        <input type="hidden" name="intent" value={props.intent} />
        {props.children}
        {props.canSave ? (
          <div className={props.extraButtons ? "toolbar" : undefined}>
            <button type="submit" disabled={props.busy}>
              {props.saveLabel}
            </button>
            {props.extraButtons}
          </div>
        ) : null}
      </Form>
    </section>
  );
}

function Locked({ show, children }: { show: boolean; children: ReactNode }) {
  return show ? <p className="muted">{children}</p> : null;
}

export function CycleBasicsForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "basics");
  const canSave = editable.title || editable.opennessWeightPct;
  return (
    <SettingsCard
      intent="basics"
      title="基本信息"
      cycle={cycle}
      result={mine}
      canSave={canSave}
      busy={busy}
      saveLabel="保存基本信息"
    >
      <CycleBasicsFields
        title={values?.title ?? cycle.title}
        weight={values?.opennessWeightPct ?? String(cycle.opennessWeightPct)}
        errors={errors}
        titleRequired
        titleDisabled={!editable.title}
        weightDisabled={!editable.opennessWeightPct}
      />
      <Locked show={editable.title && !editable.opennessWeightPct}>考核发布后权重随指标体系一同冻结，只能修改考核名称。</Locked>
    </SettingsCard>
  );
}

const SETTING_FIELDS: { name: keyof Omit<CycleFormData["settings"], "grades" | "reconcile">; label: string; hint: string; step: string }[] = [
  { name: "scale", label: "满分", hint: "基础指标得分折算到的满分", step: "1" },
  { name: "passMark", label: "合格线", hint: "总分达到此分数为合格", step: "0.5" },
  { name: "bonusGate", label: "加分门槛", hint: bonusGateRule(null), step: "0.5" },
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
    <SettingsCard
      intent="settings"
      title="评分设置"
      cycle={cycle}
      result={mine}
      canSave={canEdit}
      busy={busy}
      saveLabel="保存评分设置"
      formError={errors.settings}
      notes={<Locked show={!canEdit}>考核发布后评分设置随指标体系一同冻结。</Locked>}
    >
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
    </SettingsCard>
  );
}

export function CycleScheduleForm({ cycle, editable, result, busy }: FormProps) {
  const { errors, values, mine } = own(result, "schedule");
  const canEdit = editable.selfInspectionDue;
  return (
    <SettingsCard
      intent="schedule"
      title="时间节点"
      cycle={cycle}
      result={mine}
      canSave={canEdit}
      busy={busy}
      saveLabel="保存时间节点"
    >
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
    </SettingsCard>
  );
}

function CalendarIntro({ status }: { status: CalendarStatus }) {
  const { year, knownYears } = status;
  const source =
    knownYears.length > 0
      ? `预置的节假日安排来自国务院办公厅关于${knownYears.map((y) => `${y}年`).join("、")}部分节假日安排的通知。`
      : `系统尚未收录${year}年和${year + 1}年的国务院办公厅节假日安排，预置日历为空。`;
  return (
    <>
      <p className="muted">“N个工作日内”类时限按此日历计算：周一至周五为工作日，节假日除外；调休上班的周末计为工作日。{source}</p>
      {status.yearMissing ? (
        <p className="form-error" role="alert">
          {missingArrangementMessage(year)}。在此之前不能发布考核。
        </p>
      ) : null}
      {status.emptyConfirmed ? <p className="muted">已确认{year}年按无节假日的日历执行（仅周末休息）。</p> : null}
      {!status.yearMissing && status.nextYearMissing ? (
        <p className="muted">日历中尚无{year + 1}年的节假日安排；跨年的时限（如次年1月）请在通知发布后补录。</p>
      ) : null}
    </>
  );
}

export function CycleCalendarForm({ cycle, editable, result, busy, status }: FormProps & { status: CalendarStatus }) {
  const { errors, values, mine } = own(result, "calendar");
  const canEdit = editable.calendar;
  return (
    <SettingsCard
      intent="calendar"
      title="工作日历"
      cycle={cycle}
      result={mine}
      canSave={canEdit}
      busy={busy}
      saveLabel="保存工作日历"
      intro={<CalendarIntro status={status} />}
      extraButtons={
        <button type="submit" name="reset" value="1" className="secondary" disabled={busy}>
          恢复为预置的节假日安排
        </button>
      }
    >
      <div className="grid">
        <DateListField
          name="holidays"
          label="节假日（每行一个日期，YYYY-MM-DD）"
          dates={cycle.calendar.holidays}
          typed={values?.holidays}
          error={errors["calendar.holidays"]}
          disabled={!canEdit}
        />
        <DateListField
          name="workdays"
          label="调休上班日（每行一个日期，YYYY-MM-DD）"
          dates={cycle.calendar.workdays}
          typed={values?.workdays}
          error={errors["calendar.workdays"]}
          disabled={!canEdit}
        />
      </div>
      {status.yearMissing || status.emptyConfirmed ? (
        <div className="field">
          <label>
            <input type="checkbox" name="emptyConfirmed" value="1" defaultChecked={status.emptyConfirmed} disabled={!canEdit} />
            确认{status.year}年按无节假日的日历执行（仅周末休息，不再等待节假日安排）
          </label>
        </div>
      ) : null}
      {errors.calendar ? (
        <p className="field-error" role="alert">
          {errors.calendar}
        </p>
      ) : null}
    </SettingsCard>
  );
}
