// {"type":"timeliness"}: points × (events on time / events).
import { formatDate, onTime, parseInstant, type Instant } from "../calendar";
import type { Arith } from "../decimal";
import { numStr } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

const MAX_LISTED = 20;

function must(s: string): Instant {
  const v = parseInstant(s);
  if (v === null) throw new Error(`malformed timestamp ${s} (package not validated?)`);
  return v;
}

export function evalTimeliness<T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, ctx: RuleContext): LeafEval<T> {
  const limit = leaf.limit;
  if (!limit || leaf.rule.type !== "timeliness") throw new Error("not a timeliness leaf");
  const limitText = limit.kind === "hours" ? `时限${numStr(limit.hours)}小时` : `时限${limit.n}个工作日`;
  const events = input.events ?? [];
  if (events.length === 0) {
    if (leaf.rule.whenEmpty === "na") {
      return { na: true, score: A.zero, text: `${limitText}：本期无应办事项，不适用`, divergent: false, reason: "本期无应办事项" };
    }
    return { na: false, score: A.num(leaf.points), text: `${limitText}：本期无应办事项，按满分计`, divergent: false };
  }
  let ok = 0;
  const late: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const s = must(e.start);
    const en = must(e.end);
    if (onTime(s, en, limit, ctx.cal)) {
      ok++;
      continue;
    }
    if (late.length < MAX_LISTED) {
      const name = e.label ? `“${e.label}”` : `第${i + 1}件`;
      let detail: string;
      if (limit.kind === "hours") {
        const used = Math.round((en.us - s.us) / 36_000_000) / 100;
        detail = `用时${used}小时`;
      } else {
        detail = `应于${formatDate(ctx.cal.addWorkingDays(s.day, limit.n))}前完成，实际${e.end.slice(0, 10)}完成`;
      }
      late.push(`${name}（${detail}）${sourceNote(e.source)}`);
    }
  }
  const n = events.length;
  const lateCount = n - ok;
  let text = `${limitText}：${n}件中${ok}件按时`;
  if (lateCount > 0) {
    text += `，超时${lateCount}件：${late.join("、")}${lateCount > late.length ? `等${lateCount}件` : ""}`;
  }
  const score = ok === n ? A.num(leaf.points) : A.div(A.mul(A.num(leaf.points), A.frac(ok, 1)), A.frac(n, 1));
  return { na: false, score, text, divergent: false };
}
