// {"type":"timeliness"}: points × (events on time / events).
import { compileLimit, formatDate, onTime, readInstant, type CompiledLimit, type Instant } from "../calendar";
import { numStr } from "../decimal";
import { div, frac, mul, num, ZERO, type Rat } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

/** Late events listed by name in an explanation. */
const MAX_LISTED = 20;

interface Compiled {
  points: Rat;
  limit: CompiledLimit;
  limitText: string;
  emptyNa: boolean;
  emptyText: string;
}

// The event being evaluated (evaluate is synchronous): no objects per event.
const START: Instant = { us: 0, day: 0, offsetMin: 0 };
const END: Instant = { us: 0, day: 0, offsetMin: 0 };

function read(s: string, into: Instant): Instant {
  if (!readInstant(s, into)) throw new Error(`malformed timestamp ${s} (package not validated?)`);
  return into;
}

export const timelinessRule: RuleModule<Compiled> = {
  type: "timeliness",
  compile(leaf) {
    if (leaf.rule.type !== "timeliness") throw new Error(`leaf ${leaf.id} is not a timeliness leaf`);
    const limit = compileLimit(leaf.rule.limit);
    const limitText = limit.kind === "hours" ? `时限${numStr(limit.hours)}小时` : `时限${limit.n}个工作日`;
    const emptyNa = leaf.rule.whenEmpty === "na";
    return {
      points: num(leaf.points),
      limit,
      limitText,
      emptyNa,
      emptyText: emptyNa ? `${limitText}：本期无应办事项，不适用` : `${limitText}：本期无应办事项，按满分计`,
    };
  },
  evaluate(c, input, ctx, out) {
    const events = input.events ?? [];
    const n = events.length;
    if (n === 0) {
      if (c.emptyNa) {
        setOut(out, ZERO);
        out.na = true;
        out.reason = "本期无应办事项";
      } else setOut(out, c.points);
      return c.emptyText;
    }
    const limit = c.limit;
    let ok = 0;
    let late = "";
    let listed = 0;
    for (let i = 0; i < n; i++) {
      const e = events[i];
      const s = read(e.start, START);
      const en = read(e.end, END);
      if (onTime(s, en, limit, ctx.cal)) {
        ok++;
        continue;
      }
      if (listed < MAX_LISTED) {
        const name = e.label ? `“${e.label}”` : `第${i + 1}件`;
        const detail =
          limit.kind === "hours"
            ? `用时${Math.round((en.us - s.us) / 36_000_000) / 100}小时`
            : `应于${formatDate(ctx.cal.addWorkingDays(s.day, limit.n))}前完成，实际${e.end.slice(0, 10)}完成`;
        const item = `${name}（${detail}）${sourceNote(e.source)}`;
        late = listed === 0 ? item : `${late}、${item}`;
        listed++;
      }
    }
    const lateCount = n - ok;
    let text = `${c.limitText}：${n}件中${ok}件按时`;
    if (lateCount > 0) text += `，超时${lateCount}件：${late}${lateCount > listed ? `等${lateCount}件` : ""}`;
    setOut(out, ok === n ? c.points : div(mul(c.points, frac(ok, 1)), frac(n, 1)));
    return text;
  },
  key(_c, input) {
    return input.events === undefined || input.events.length === 0 ? 0 : -1;
  },
};
