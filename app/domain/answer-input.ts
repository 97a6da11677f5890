import { z } from "zod";
import { isWithinLimit, parseInstant, workingDayDeadline, type CalendarInput, type Dimension, type LeafInput, type LeafRule, type NodePart } from "../../scoring";
import { beijingDateTimeLocal } from "../utils/beijing-time";
import { parseDecimal, parseFraction } from "./number-input";

/**
 * The department's answer form for one leaf, per rule type, and its conversion to the scoring
 * engine's leaf input (scoring/schema.ts). Client-safe (zod + the pure engine), so the leaf page
 * parses the same way in the browser for its live preview as the server does when saving.
 *
 * Field names: na, naReason, narrative; score: selfScore; deduction: fault.<i> (count of the
 * rule's i-th fault); ratio: ratioMode (value|fraction), value, numerator, denominator; tiers:
 * count; timeliness: eventTitle/eventLink/eventStart/eventEnd (one of each per row); veto:
 * vetoTriggered (yes|no), vetoReason; checklist: task.<i> (yes|no: the rule's i-th task done).
 */

export const NARRATIVE_MAX = 2000;
export const REASON_MAX = 500;
export const EVENT_TITLE_MAX = 200;
export const EVENT_LINK_MAX = 2000;
export const MAX_EVENTS = 500;
/** Fault fields read from a form (a deduction rule has far fewer faults). */
const MAX_FAULTS = 200;

/** What parsing needs to know about a leaf. */
export interface AnswerLeaf {
  points: number;
  rule: LeafRule;
  /** Effective top-level part (veto leaves cannot be N/A). */
  part?: NodePart;
}

export interface EventRow {
  title: string;
  link: string;
  start: string;
  end: string;
}

/** Typed text of the form, kept to refill it after a validation error or from a saved answer. */
export interface AnswerFormState {
  values: Record<string, string>;
  events: EventRow[];
}

export type AnswerParseResult =
  | { ok: true; input: LeafInput; narrative: string }
  | { ok: false; fieldErrors: Record<string, string> };

/** The parts of FormData that parsing reads (server FormData and browser FormData both fit). */
export interface FormLike {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}

const EVENT_FIELDS = { title: "eventTitle", link: "eventLink", start: "eventStart", end: "eventEnd" } as const;

export const RULE_TYPE_LABELS: Record<LeafRule["type"], string> = {
  score: "自评打分",
  deduction: "扣分项自报",
  ratio: "比率",
  tiers: "分档计数",
  timeliness: "时效事项",
  veto: "单项否决",
  checklist: "任务完成情况",
};

/** Column labels of a timeliness row, by the indicator's dimension. */
export function eventLabels(dimension: Dimension | undefined): { title: string; start: string; end: string } {
  switch (dimension) {
    case "interpretation":
      return { title: "政策文件名称", start: "印发时间", end: "解读发布时间" };
    case "response":
      return { title: "舆情事件", start: "发生时间", end: "权威信息发布时间" };
    default:
      return { title: "事项名称", start: "开始时间", end: "完成时间" };
  }
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Read the form's typed text (strings only; files are not part of the answer). */
export function formStateFrom(form: FormLike): AnswerFormState {
  const values: Record<string, string> = {};
  const fieldNames = ["na", "naReason", "narrative", "selfScore", "ratioMode", "value", "numerator", "denominator", "count", "vetoTriggered", "vetoReason", "version", "submissionId"];
  for (const name of fieldNames) {
    const v = form.get(name);
    if (typeof v === "string") values[name] = v;
  }
  // Not stopping at the first gap: a post with only `fault.3` must not silently lose it.
  for (let i = 0; i < MAX_FAULTS; i++) {
    const v = form.get(`fault.${i}`);
    if (v !== null && v !== undefined) values[`fault.${i}`] = str(v);
    const t = form.get(`task.${i}`);
    if (t !== null && t !== undefined) values[`task.${i}`] = str(t);
  }
  const titles = form.getAll(EVENT_FIELDS.title).map(str);
  const links = form.getAll(EVENT_FIELDS.link).map(str);
  const starts = form.getAll(EVENT_FIELDS.start).map(str);
  const ends = form.getAll(EVENT_FIELDS.end).map(str);
  const n = Math.max(titles.length, links.length, starts.length, ends.length);
  const events: EventRow[] = [];
  for (let i = 0; i < n; i++) events.push({ title: titles[i] ?? "", link: links[i] ?? "", start: starts[i] ?? "", end: ends[i] ?? "" });
  return { values, events };
}

// ---------------------------------------------------------------- numbers

// ---------------------------------------------------------------- date-times

/**
 * "2026-03-02T09:30" (datetime-local), "2026-03-02 09:30" or with seconds, read as Beijing time →
 * "2026-03-02T09:30:00+08:00", the engine's form. Null when malformed or not a real time.
 */
export function toEngineDateTime(raw: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2}))?$/.exec(raw.trim());
  if (!m) return null;
  const out = `${m[1]}T${m[2]}:${m[3] ?? "00"}+08:00`;
  return parseInstant(out) ? out : null;
}

/** An engine timestamp → "YYYY-MM-DDTHH:mm" in Beijing time, for a datetime-local input. */
export function fromEngineDateTime(ts: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+08:?00$/.test(ts)) return ts.slice(0, 16);
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return ts;
  return beijingDateTimeLocal(ms);
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- parsing

const commonSchema = z.object({
  narrative: z.string().max(NARRATIVE_MAX, `说明最多${NARRATIVE_MAX}个字`),
  na: z.boolean(),
  naReason: z.string().trim().max(REASON_MAX, `不适用理由最多${REASON_MAX}个字`),
});

/** Parse an answer form for a leaf; every problem gets a Chinese message keyed by its field. */
export function parseAnswerForm(leaf: AnswerLeaf, form: FormLike): AnswerParseResult {
  const { values, events } = formStateFrom(form);
  const errors: Record<string, string> = {};
  const narrativeRaw = (values.narrative ?? "").replace(/\r\n/g, "\n");
  const common = commonSchema.safeParse({ narrative: narrativeRaw, na: values.na === "1" || values.na === "on", naReason: values.naReason ?? "" });
  if (!common.success) {
    for (const issue of common.error.issues) errors[issue.path.join(".")] ??= issue.message;
    if (errors.narrative) errors.narrative = `说明最多${NARRATIVE_MAX}个字（当前${Array.from(narrativeRaw).length}个字）`;
  }
  const narrative = narrativeRaw.trim();
  const na = values.na === "1" || values.na === "on";
  const isVeto = leaf.rule.type === "veto" || leaf.part === "veto";

  let input: LeafInput | null = null;
  if (na) {
    if (isVeto) errors.na = "单项否决指标不能选择“不适用”，请选择是否存在否决情形";
    const reason = (values.naReason ?? "").trim();
    if (!reason) errors.naReason ??= "选择“不适用”时须说明理由";
    input = { na: true, reason };
  } else {
    input = parseRuleFields(leaf, values, events, errors);
  }
  if (Object.keys(errors).length > 0 || input === null) return { ok: false, fieldErrors: errors };
  return { ok: true, input, narrative };
}

function parseRuleFields(leaf: AnswerLeaf, values: Record<string, string>, events: EventRow[], errors: Record<string, string>): LeafInput | null {
  const rule = leaf.rule;
  switch (rule.type) {
    case "score": {
      const n = parseDecimal(values.selfScore ?? "", "自评分", { decimals: 2 });
      if (!n.ok) {
        errors.selfScore = n.message;
        return null;
      }
      if (n.value > leaf.points) {
        errors.selfScore = `自评分须在0到${leaf.points}分之间`;
        return null;
      }
      return { scores: [n.value] };
    }
    case "deduction": {
      const deductions: { fault: string; count: number }[] = [];
      rule.faults.forEach((f, i) => {
        const raw = (values[`fault.${i}`] ?? "").trim();
        if (raw === "") return;
        const n = parseDecimal(raw, "次数", { decimals: 0, integer: true });
        if (!n.ok) errors[`fault.${i}`] = `“${f.label}”的${n.message}`;
        else if (n.value > 0) deductions.push({ fault: f.code, count: n.value });
      });
      return { deductions };
    }
    case "ratio": {
      const mode = values.ratioMode === "fraction" ? "fraction" : "value";
      if (mode === "value") {
        const n = parseDecimal(values.value ?? "", "数值", { decimals: 6 });
        if (!n.ok) {
          errors.value = n.message;
          return null;
        }
        return { value: n.value };
      }
      return parseFraction(values.numerator ?? "", values.denominator ?? "", errors);
    }
    case "tiers": {
      const integer = rule.tiers.every((t) => Number.isInteger(t.min));
      const n = parseDecimal(values.count ?? "", "数量", { decimals: 2, integer });
      if (!n.ok) {
        errors.count = n.message;
        return null;
      }
      return { value: n.value };
    }
    case "timeliness": {
      const blank = (e: EventRow) => !(e.title.trim() || e.link.trim() || e.start.trim() || e.end.trim());
      if (events.filter((e) => !blank(e)).length > MAX_EVENTS) {
        errors.events = `事项最多${MAX_EVENTS}条`;
        return null;
      }
      const out: { start: string; end: string; label: string; source?: string }[] = [];
      // Keys and row numbers follow the rows as shown (blank rows are skipped, not renumbered).
      events.forEach((row, i) => {
        if (blank(row)) return;
        const key = (f: string) => `events.${i}.${f}`;
        const title = row.title.trim();
        const link = row.link.trim();
        if (!title) errors[key("title")] = `第${i + 1}行：请填写名称`;
        else if (title.length > EVENT_TITLE_MAX) errors[key("title")] = `第${i + 1}行：名称最多${EVENT_TITLE_MAX}个字`;
        if (link && (link.length > EVENT_LINK_MAX || !isHttpUrl(link))) errors[key("link")] = `第${i + 1}行：链接须以 http:// 或 https:// 开头`;
        const start = row.start.trim() ? toEngineDateTime(row.start) : null;
        const end = row.end.trim() ? toEngineDateTime(row.end) : null;
        if (!row.start.trim()) errors[key("start")] = `第${i + 1}行：请填写开始时间`;
        else if (!start) errors[key("start")] = `第${i + 1}行：开始时间格式不正确`;
        if (!row.end.trim()) errors[key("end")] = `第${i + 1}行：请填写结束时间`;
        else if (!end) errors[key("end")] = `第${i + 1}行：结束时间格式不正确`;
        if (start && end && Date.parse(end) < Date.parse(start)) errors[key("end")] = `第${i + 1}行：结束时间不能早于开始时间`;
        if (start && end) out.push(link ? { start, end, label: title, source: link } : { start, end, label: title });
      });
      return { events: out };
    }
    case "veto": {
      const t = values.vetoTriggered;
      if (t !== "yes" && t !== "no") {
        errors.vetoTriggered = "请选择是否存在单项否决情形";
        return null;
      }
      if (t === "no") return { triggered: false };
      const reason = (values.vetoReason ?? "").trim();
      if (!reason) {
        errors.vetoReason = "存在否决情形时须说明具体情况";
        return null;
      }
      if (reason.length > REASON_MAX) {
        errors.vetoReason = `情况说明最多${REASON_MAX}个字`;
        return null;
      }
      return { triggered: true, reason };
    }
    case "checklist": {
      const tasks: { task: string; done: boolean }[] = [];
      rule.tasks.forEach((t, i) => {
        const v = values[`task.${i}`];
        if (v !== "yes" && v !== "no") errors[`task.${i}`] = `请选择“${t.label}”是否完成`;
        else tasks.push({ task: t.code, done: v === "yes" });
      });
      return { tasks };
    }
  }
}

// ---------------------------------------------------------------- saved answer → form

/** Refill the form from a saved answer (or an empty form when there is none). */
export function formStateFromAnswer(rule: LeafRule, input: LeafInput | null, narrative: string): AnswerFormState {
  const values: Record<string, string> = { narrative };
  const events: EventRow[] = [];
  if (input?.na) {
    values.na = "1";
    values.naReason = input.reason ?? "";
    return { values, events };
  }
  switch (rule.type) {
    case "score": {
      const s = input?.scores?.[0];
      if (s !== undefined) values.selfScore = String(typeof s === "number" ? s : s.value);
      break;
    }
    case "deduction":
      rule.faults.forEach((f, i) => {
        const d = input?.deductions?.find((x) => x.fault === f.code);
        values[`fault.${i}`] = d ? String(d.count ?? 1) : "";
      });
      break;
    case "ratio":
      if (input?.numerator !== undefined || input?.denominator !== undefined) {
        values.ratioMode = "fraction";
        values.numerator = input.numerator !== undefined ? String(input.numerator) : "";
        values.denominator = input.denominator !== undefined ? String(input.denominator) : "";
      } else {
        values.ratioMode = "value";
        values.value = input?.value !== undefined ? String(input.value) : "";
      }
      break;
    case "tiers":
      values.count = input?.value !== undefined ? String(input.value) : "";
      break;
    case "timeliness":
      for (const e of input?.events ?? []) {
        events.push({ title: e.label ?? "", link: e.source ?? "", start: fromEngineDateTime(e.start), end: fromEngineDateTime(e.end) });
      }
      break;
    case "veto":
      if (input?.triggered !== undefined) values.vetoTriggered = input.triggered ? "yes" : "no";
      if (input?.triggered) values.vetoReason = input.reason ?? "";
      break;
    case "checklist":
      rule.tasks.forEach((t, i) => {
        const e = input?.tasks?.find((x) => x.task === t.code);
        if (e) values[`task.${i}`] = e.done ? "yes" : "no";
      });
      break;
  }
  return { values, events };
}

// ---------------------------------------------------------------- timeliness rows

export interface EventRowStatus {
  onTime: boolean;
  /** e.g. "时限3个工作日，应于2026-03-05（含）前完成" or "时限5小时，用时6.5小时". */
  detail: string;
}

/**
 * On time or late for one row, with the cycle's working-day calendar (the engine's own
 * isWithinLimit / workingDayDeadline). Null while the row's times are incomplete or malformed.
 */
export function eventRowStatus(row: Pick<EventRow, "start" | "end">, rule: LeafRule, calendar: CalendarInput): EventRowStatus | null {
  if (rule.type !== "timeliness") return null;
  const start = toEngineDateTime(row.start);
  const end = toEngineDateTime(row.end);
  if (!start || !end || Date.parse(end) < Date.parse(start)) return null;
  const limit = rule.limit.hours !== undefined ? { hours: rule.limit.hours } : { workingDays: rule.limit.workingDays ?? 0 };
  const onTime = isWithinLimit(start, end, limit, calendar);
  if ("hours" in limit) {
    const used = Math.round((Date.parse(end) - Date.parse(start)) / 36_000) / 100;
    return { onTime, detail: `时限${limit.hours}小时，用时${used}小时` };
  }
  const last = workingDayDeadline(start, limit.workingDays, calendar);
  return { onTime, detail: `时限${limit.workingDays}个工作日，应于${last}（含）前完成` };
}

/** Short description of what a rule asks the department for. */
export function ruleHint(rule: LeafRule, points: number): string {
  switch (rule.type) {
    case "score":
      return `请按评分标准自评，填写0到${points}分之间的分数。`;
    case "deduction":
      return rule.faults.length > 0 ? "如实填写本年度各扣分情形发生的次数，没有的填0或留空。" : "该指标未设置扣分项，由评估人员核查扣分；请填写说明并上传佐证材料。";
    case "ratio":
      return `填写实际比率（目标值${rule.target}），或填写分子和分母由系统计算。`;
    case "tiers":
      return `填写数量，按分档计分：${rule.tiers.map((t) => `${t.label ? `${t.label}：` : ""}不少于${t.min}得${t.points}分`).join("；")}。`;
    case "timeliness": {
      const limit = rule.limit.hours !== undefined ? `${rule.limit.hours}小时` : `${rule.limit.workingDays}个工作日`;
      const empty = rule.whenEmpty === "na" ? "本年度没有此类事项的，该指标不适用" : "本年度没有此类事项的，按满分计";
      return `逐条登记本年度事项，时限为${limit}（按考核年度工作日历计算）；${empty}。`;
    }
    case "veto":
      return "如实申报本年度是否存在单项否决情形；存在的须说明具体情况。";
    case "checklist":
      return "逐项标明所列任务是否完成；已完成的任务须提供佐证材料，无佐证材料的不得分。";
  }
}

/** One line describing a saved answer, for reviewers (e.g. "自评分 8 分"). */
export function describeAnswer(rule: LeafRule, input: LeafInput | null): string {
  if (!input) return "未填报";
  if (input.na) return `不适用：${input.reason ?? ""}`;
  switch (rule.type) {
    case "score": {
      const s = input.scores?.[0];
      return s === undefined ? "未填报" : `自评分 ${typeof s === "number" ? s : s.value} 分`;
    }
    case "deduction": {
      const items = (input.deductions ?? []).map((d) => {
        const f = rule.faults.find((x) => x.code === d.fault);
        return f ? `${f.label}×${d.count ?? 1}` : `${d.reason ?? "其他"}扣${d.points ?? 0}分`;
      });
      return items.length > 0 ? `自报扣分情形：${items.join("；")}` : "自报无扣分情形";
    }
    case "ratio":
      return input.numerator !== undefined && input.denominator !== undefined ? `分子 ${input.numerator} / 分母 ${input.denominator}` : `实际值 ${input.value ?? ""}`;
    case "tiers":
      return `数量 ${input.value ?? ""}`;
    case "timeliness":
      return `登记事项 ${(input.events ?? []).length} 条`;
    case "veto":
      return input.triggered ? `存在否决情形：${input.reason ?? ""}` : "不存在单项否决情形";
    case "checklist": {
      const done = rule.tasks.filter((t) => input.tasks?.some((e) => e.task === t.code && e.done)).map((t) => t.label);
      return done.length > 0 ? `已完成任务：${done.join("、")}` : "未完成所列任务";
    }
  }
}
