import { z } from "zod";
import { validatePackage, type IndicatorNode, type LeafInput, type LeafRule, type NodePart } from "../../scoring";
import { packageFormatFor } from "./package-format";
import { fromEngineDateTime, toEngineDateTime } from "./answer-input";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseDecimal, parseFraction } from "./number-input";

/**
 * The evaluator's entry form for one leaf (评估录入) and its conversion to the scoring engine's
 * leaf input. Client-safe (zod + the pure engine).
 *
 * Field names: naDecision (accept|reject, when the department claimed N/A); score: score;
 * deduction: fault.<i> (count of the rule's i-th fault), adhocPoints/adhocReason (one pair per
 * ad-hoc deduction); ratio: ratioMode (value|fraction), value, numerator, denominator; tiers: value;
 * timeliness: eventClaim/eventLabel/eventStart/eventEnd (one of each per row; eventClaim is the
 * index of the department's event the row verifies, empty for an event the evaluator adds);
 * veto: vetoTriggered (yes|no), vetoReason; reason: why the value differs from the self-assessment.
 */

export const ENTRY_REASON_MAX = 1000;

export interface ReviewLeafSpec {
  code: string;
  name: string;
  points: number;
  rule: LeafRule;
  part: NodePart;
}

/** A timeliness correction kept beside the department's claim. */
export interface EventCorrection {
  /** Index of the department's event, or null for an event the evaluator added. */
  claim: number | null;
  label: string;
  claimed?: { start: string; end: string };
  verified?: { start: string; end: string };
  removed?: boolean;
}

export interface EntryCorrections {
  events?: EventCorrection[];
  /** The department claimed N/A and the evaluator rejected it. */
  naRejected?: boolean;
}

export interface FormLike {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}

export type ReviewParseResult =
  | { ok: true; input: LeafInput; reason: string; corrections: EntryCorrections | null; differs: boolean }
  | { ok: false; fieldErrors: Record<string, string> };

export interface ReviewFormState {
  values: Record<string, string>;
  adhoc: { points: string; reason: string }[];
  events: { claim: string; label: string; start: string; end: string }[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const reasonSchema = z.string().trim().max(ENTRY_REASON_MAX, `理由最多${ENTRY_REASON_MAX}个字`);

/** Parse the evaluator's form for a leaf; `self` is the department's saved input (or null). */
export function parseReviewForm(leaf: ReviewLeafSpec, self: LeafInput | null, form: FormLike): ReviewParseResult {
  const errors: Record<string, string> = {};
  const reasonParsed = reasonSchema.safeParse(str(form.get("reason")).replace(/\r\n/g, "\n"));
  if (!reasonParsed.success) errors.reason = reasonParsed.error.issues[0].message;
  const reason = reasonParsed.success ? reasonParsed.data : "";

  let input: LeafInput | null = null;
  const corrections: EntryCorrections = {};
  if (self?.na === true) {
    const decision = str(form.get("naDecision"));
    if (decision !== "accept" && decision !== "reject") errors.naDecision = "请选择是否认可该单位“不适用”的申报";
    else if (decision === "accept") input = { na: true, reason: self.reason ?? "" };
    else {
      corrections.naRejected = true;
      input = parseRuleFields(leaf, self, form, errors, corrections);
    }
  } else {
    input = parseRuleFields(leaf, self, form, errors, corrections);
  }
  if (input && Object.keys(errors).length === 0) {
    for (const message of checkLeafInput(leaf, input)) errors._form ??= message;
  }
  if (Object.keys(errors).length > 0 || input === null) return { ok: false, fieldErrors: errors };
  const differs = self !== null && inputsDiffer(leaf.rule, self, input);
  if (differs && !reason) {
    return { ok: false, fieldErrors: { reason: "评估结果与单位自评不一致，请说明理由" } };
  }
  const hasCorrections = (corrections.events?.length ?? 0) > 0 || corrections.naRejected === true;
  return { ok: true, input, reason, corrections: hasCorrections ? corrections : null, differs };
}

function parseRuleFields(leaf: ReviewLeafSpec, self: LeafInput | null, form: FormLike, errors: Record<string, string>, corrections: EntryCorrections): LeafInput | null {
  const rule = leaf.rule;
  switch (rule.type) {
    case "score": {
      const n = parseDecimal(str(form.get("score")), "评分");
      if (!n.ok) errors.score = n.message;
      else if (n.value > leaf.points) errors.score = `评分须在0到${leaf.points}分之间`;
      return n.ok && n.value <= leaf.points ? { scores: [n.value] } : null;
    }
    case "deduction": {
      const deductions: NonNullable<LeafInput["deductions"]> = [];
      rule.faults.forEach((f, i) => {
        const raw = str(form.get(`fault.${i}`)).trim();
        if (raw === "") return;
        const n = parseDecimal(raw, "次数", { integer: true });
        if (!n.ok) errors[`fault.${i}`] = `“${f.label}”的${n.message}`;
        else if (n.value > 0) deductions.push({ fault: f.code, count: n.value });
      });
      const points = form.getAll("adhocPoints").map(str);
      const reasons = form.getAll("adhocReason").map(str);
      const rows = Math.max(points.length, reasons.length);
      for (let i = 0; i < rows; i++) {
        const p = (points[i] ?? "").trim();
        const r = (reasons[i] ?? "").trim();
        if (!p && !r) continue;
        const n = parseDecimal(p, "扣分分值");
        if (!n.ok) errors[`adhoc.${i}.points`] = `第${i + 1}条临时扣分：${n.message}`;
        else if (n.value === 0) errors[`adhoc.${i}.points`] = `第${i + 1}条临时扣分：扣分分值须大于0`;
        else if (n.value > leaf.points) errors[`adhoc.${i}.points`] = `第${i + 1}条临时扣分：扣分分值不能超过指标分值${leaf.points}分`;
        if (!r) errors[`adhoc.${i}.reason`] = `第${i + 1}条临时扣分：请说明扣分理由`;
        else if (r.length > 200) errors[`adhoc.${i}.reason`] = `第${i + 1}条临时扣分：理由最多200个字`;
        if (n.ok && n.value > 0 && r) deductions.push({ points: n.value, reason: r });
      }
      return { deductions };
    }
    case "ratio": {
      if (str(form.get("ratioMode")) === "fraction") {
        return parseFraction(str(form.get("numerator")), str(form.get("denominator")), errors);
      }
      const n = parseDecimal(str(form.get("value")), "核实数值", { decimals: 6 });
      if (!n.ok) errors.value = n.message;
      return n.ok ? { value: n.value } : null;
    }
    case "tiers": {
      const n = parseDecimal(str(form.get("value")), "核实数量", { decimals: 2 });
      if (!n.ok) errors.value = n.message;
      return n.ok ? { value: n.value } : null;
    }
    case "timeliness":
      return parseEvents(self, form, errors, corrections);
    case "veto": {
      const t = str(form.get("vetoTriggered"));
      if (t !== "yes" && t !== "no") {
        errors.vetoTriggered = "请选择是否存在单项否决情形";
        return null;
      }
      if (t === "no") return { triggered: false };
      const reason = str(form.get("vetoReason")).trim();
      if (!reason) errors.vetoReason = "认定存在否决情形时须说明理由";
      else if (reason.length > 500) errors.vetoReason = "否决理由最多500个字";
      return reason && reason.length <= 500 ? { triggered: true, reason } : null;
    }
    case "checklist": {
      // task.<i>: yes|no; the evidence counted is the department's, as claimed for that task.
      const tasks: NonNullable<LeafInput["tasks"]> = [];
      rule.tasks.forEach((t, i) => {
        const v = str(form.get(`task.${i}`));
        if (v !== "yes" && v !== "no") errors[`task.${i}`] = `请选择“${t.label}”是否完成`;
        else {
          const evidence = self?.tasks?.find((e) => e.task === t.code)?.evidence;
          tasks.push(evidence === undefined ? { task: t.code, done: v === "yes" } : { task: t.code, done: v === "yes", evidence });
        }
      });
      return { tasks };
    }
  }
}

function parseEvents(self: LeafInput | null, form: FormLike, errors: Record<string, string>, corrections: EntryCorrections): LeafInput | null {
  const claims = form.getAll("eventClaim").map(str);
  const labels = form.getAll("eventLabel").map(str);
  const starts = form.getAll("eventStart").map(str);
  const ends = form.getAll("eventEnd").map(str);
  const claimed = self?.na ? [] : (self?.events ?? []);
  const n = Math.max(claims.length, labels.length, starts.length, ends.length);
  const events: NonNullable<LeafInput["events"]> = [];
  const fixes: EventCorrection[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const claimIdx = /^\d+$/.test(claims[i] ?? "") ? Number(claims[i]) : null;
    const claim = claimIdx !== null && claimIdx < claimed.length ? claimed[claimIdx] : undefined;
    const label = (labels[i] ?? "").trim() || claim?.label || "";
    const rawStart = (starts[i] ?? "").trim();
    const rawEnd = (ends[i] ?? "").trim();
    if (!rawStart && !rawEnd) {
      // An emptied row: the department's event is not counted (kept as a correction).
      if (claim && claimIdx !== null) {
        seen.add(claimIdx);
        fixes.push({ claim: claimIdx, label, claimed: { start: claim.start, end: claim.end }, removed: true });
      }
      continue;
    }
    const key = (f: string) => `events.${i}.${f}`;
    const start = claim ? keptOrTyped(rawStart, claim.start) : toEngineDateTime(rawStart);
    const end = claim ? keptOrTyped(rawEnd, claim.end) : toEngineDateTime(rawEnd);
    if (!rawStart) errors[key("start")] = `第${i + 1}行：请填写开始时间`;
    else if (!start) errors[key("start")] = `第${i + 1}行：开始时间格式不正确`;
    if (!rawEnd) errors[key("end")] = `第${i + 1}行：请填写结束时间`;
    else if (!end) errors[key("end")] = `第${i + 1}行：结束时间格式不正确`;
    if (start && end && Date.parse(end) < Date.parse(start)) errors[key("end")] = `第${i + 1}行：结束时间不能早于开始时间`;
    if (!label) errors[key("label")] = `第${i + 1}行：请填写事项名称`;
    if (!start || !end || !label) continue;
    const event: { start: string; end: string; label: string; source?: string } = { start, end, label };
    if (claim?.source) event.source = claim.source;
    events.push(event);
    if (claim && claimIdx !== null) {
      seen.add(claimIdx);
      if (Date.parse(claim.start) !== Date.parse(start) || Date.parse(claim.end) !== Date.parse(end)) {
        fixes.push({ claim: claimIdx, label, claimed: { start: claim.start, end: claim.end }, verified: { start, end } });
      }
    } else {
      fixes.push({ claim: null, label, verified: { start, end } });
    }
  }
  claimed.forEach((c, idx) => {
    if (!seen.has(idx)) fixes.push({ claim: idx, label: c.label ?? `第${idx + 1}件`, claimed: { start: c.start, end: c.end }, removed: true });
  });
  if (fixes.length > 0) corrections.events = fixes;
  return { events };
}

/**
 * A time field prefilled from the department's claim: left as shown (the form shows minutes, the
 * claim may carry seconds), it keeps the claim's exact time, so an unchanged row is never a
 * disagreement; otherwise the typed time.
 */
function keptOrTyped(raw: string, claimed: string): string | null {
  const typed = toEngineDateTime(raw);
  return typed !== null && typed === toEngineDateTime(fromEngineDateTime(claimed)) ? claimed : typed;
}

/**
 * Check one leaf input with the engine's own validation (a one-leaf package), so nothing is saved
 * that would later make the cycle's package invalid. Returns Chinese messages.
 */
export function checkLeafInput(leaf: ReviewLeafSpec, input: LeafInput): string[] {
  const node: IndicatorNode =
    leaf.rule.type === "veto"
      ? { id: leaf.code, name: leaf.name, points: 0, part: "veto", rule: leaf.rule }
      : leaf.part === "penalty"
        ? { id: leaf.code, name: leaf.name, points: 0, part: "penalty", rule: leaf.rule }
        : { id: leaf.code, name: leaf.name, points: leaf.points, rule: leaf.rule };
  const result = validatePackage({
    format: packageFormatFor([{ indicators: [node] }]),
    opennessWeightPct: 5,
    indicatorSets: [{ category: "c", indicators: [node] }],
    units: [{ id: "u", name: "u", category: "c", inputs: { [leaf.code]: input } }],
  });
  // Only the input's problems: the tree alone (e.g. a part veto naming a part of the whole set) is checked when the set is edited.
  return result.ok ? [] : result.errors.filter((e) => e.path.startsWith("units")).map((e) => e.message);
}

// ---------------------------------------------------------------- comparing

function scoreValue(e: NonNullable<LeafInput["scores"]>[number] | undefined): number | null {
  if (e === undefined) return null;
  return typeof e === "number" ? e : e.value;
}

/** A canonical form of what an input says (ignoring labels, sources and `by`). */
export function canonicalValue(rule: LeafRule, input: LeafInput | null): string {
  if (input === null) return "none";
  if (input.na === true) return "na";
  switch (rule.type) {
    case "score":
      return `score:${scoreValue(input.scores?.[0])}`;
    case "deduction": {
      const faults = new Map<string, number>();
      const adhoc: number[] = [];
      for (const d of input.deductions ?? []) {
        if (d.fault !== undefined) {
          const c = d.count ?? 1;
          if (c > 0) faults.set(d.fault, (faults.get(d.fault) ?? 0) + c);
        } else if (d.points !== undefined && d.points > 0) adhoc.push(d.points);
      }
      const f = [...faults.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}×${v}`);
      return `deduction:${f.join(",")}|${adhoc.sort((a, b) => a - b).join(",")}`;
    }
    case "ratio": {
      const v = input.numerator !== undefined && input.denominator !== undefined ? input.numerator / input.denominator : (input.value ?? 0);
      return `ratio:${v}`;
    }
    case "tiers":
      return `tiers:${input.value}`;
    case "timeliness":
      return `events:${(input.events ?? [])
        .map((e) => `${Date.parse(e.start)}-${Date.parse(e.end)}`)
        .sort()
        .join(",")}`;
    case "veto":
      return `veto:${input.triggered === true}`;
    case "checklist":
      return `checklist:${(input.tasks ?? [])
        .filter((t) => t.done)
        .map((t) => t.task)
        .sort()
        .join(",")}`;
  }
}

export function inputsDiffer(rule: LeafRule, a: LeafInput | null, b: LeafInput | null): boolean {
  return canonicalValue(rule, a) !== canonicalValue(rule, b);
}

// ---------------------------------------------------------------- describing

const fmtTime = (ts: string) => formatBeijingTime(ts, "minute");

/** What an input says, in Chinese, for the side-by-side view. */
export function describeInput(rule: LeafRule, input: LeafInput | null): string[] {
  if (input === null) return ["（未填报）"];
  if (input.na === true) return [`不适用：${input.reason ?? ""}`];
  switch (rule.type) {
    case "score":
      return (input.scores ?? []).map((s) => `评分 ${scoreValue(s)} 分`);
    case "deduction": {
      const lines = (input.deductions ?? []).map((d) => {
        if (d.fault !== undefined) {
          const f = rule.faults.find((x) => x.code === d.fault);
          return `${f?.label ?? d.fault} × ${d.count ?? 1}（每次扣${f?.points ?? "?"}分）`;
        }
        return `临时扣分 ${d.points} 分：${d.reason ?? ""}`;
      });
      return lines.length > 0 ? lines : ["无扣分情形"];
    }
    case "ratio":
      return [input.numerator !== undefined ? `分子 ${input.numerator} / 分母 ${input.denominator}` : `数值 ${input.value}`];
    case "tiers":
      return [`数量 ${input.value}`];
    case "timeliness": {
      const events = input.events ?? [];
      return events.length > 0 ? events.map((e, i) => `${e.label ?? `第${i + 1}件`}：${fmtTime(e.start)} → ${fmtTime(e.end)}`) : ["本期无应办事项"];
    }
    case "veto":
      return [input.triggered ? `存在否决情形：${input.reason ?? ""}` : "不存在否决情形"];
    case "checklist":
      return rule.tasks.map((t) => {
        const e = input.tasks?.find((x) => x.task === t.code);
        return `${t.label}：${e === undefined ? "未标明" : e.done ? `已完成（佐证${e.evidence ?? 0}份）` : "未完成"}`;
      });
  }
}

// ---------------------------------------------------------------- prefilling

/**
 * The form's starting values: the evaluator's saved entry, or else the department's claim (so the
 * evaluator verifies rather than retypes).
 */
export function reviewFormState(rule: LeafRule, entry: LeafInput | null, self: LeafInput | null, reason = ""): ReviewFormState {
  const values: Record<string, string> = { reason };
  const adhoc: ReviewFormState["adhoc"] = [];
  const events: ReviewFormState["events"] = [];
  if (self?.na === true && entry !== null) values.naDecision = entry.na === true ? "accept" : "reject";
  const source = entry && entry.na !== true ? entry : self && self.na !== true ? self : null;
  switch (rule.type) {
    case "score": {
      const v = scoreValue(source?.scores?.[0]);
      if (v !== null) values.score = String(v);
      break;
    }
    case "deduction":
      rule.faults.forEach((f, i) => {
        const d = source?.deductions?.filter((x) => x.fault === f.code).reduce((n, x) => n + (x.count ?? 1), 0);
        values[`fault.${i}`] = d ? String(d) : "";
      });
      for (const d of source?.deductions ?? []) if (d.fault === undefined && d.points !== undefined) adhoc.push({ points: String(d.points), reason: d.reason ?? "" });
      break;
    case "ratio":
      if (source?.numerator !== undefined) {
        values.ratioMode = "fraction";
        values.numerator = String(source.numerator);
        values.denominator = String(source.denominator ?? "");
      } else {
        values.ratioMode = "value";
        values.value = source?.value !== undefined ? String(source.value) : "";
      }
      break;
    case "tiers":
      values.value = source?.value !== undefined ? String(source.value) : "";
      break;
    case "timeliness": {
      const claimed = self?.na ? [] : (self?.events ?? []);
      if (entry && entry.na !== true) {
        // Re-associate saved rows with the claims they verify by label + position.
        const used = new Set<number>();
        for (const e of entry.events ?? []) {
          const idx = claimed.findIndex((c, i) => !used.has(i) && (c.label ?? "") === (e.label ?? ""));
          if (idx >= 0) used.add(idx);
          events.push({ claim: idx >= 0 ? String(idx) : "", label: e.label ?? "", start: fromEngineDateTime(e.start), end: fromEngineDateTime(e.end) });
        }
        claimed.forEach((c, i) => {
          if (!used.has(i)) events.push({ claim: String(i), label: c.label ?? "", start: "", end: "" });
        });
      } else {
        claimed.forEach((c, i) => events.push({ claim: String(i), label: c.label ?? "", start: fromEngineDateTime(c.start), end: fromEngineDateTime(c.end) }));
      }
      break;
    }
    case "veto":
      if (source?.triggered !== undefined) values.vetoTriggered = source.triggered ? "yes" : "no";
      if (source?.triggered) values.vetoReason = source.reason ?? "";
      break;
    case "checklist":
      rule.tasks.forEach((t, i) => {
        const e = source?.tasks?.find((x) => x.task === t.code);
        if (e) values[`task.${i}`] = e.done ? "yes" : "no";
      });
      break;
  }
  return { values, adhoc, events };
}
