// JSON paths and Chinese messages for validation errors.
import { z } from "zod";
import type { ValidationError } from "./schema";

/** ["units", 3, "inputs", "1.2", "scores", 0] → "units[3].inputs.1.2.scores[0]" */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export function joinPath(base: string, ...segs: Array<string | number>): string {
  let out = base;
  for (const seg of segs) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  string: "字符串",
  number: "数字",
  nan: "非数字",
  integer: "整数",
  float: "小数",
  boolean: "布尔值（true/false）",
  array: "数组",
  object: "对象",
  null: "null",
  undefined: "空",
  bigint: "大整数",
  date: "日期",
  function: "函数",
  symbol: "符号",
  map: "Map",
  set: "Set",
  unknown: "未知类型",
};

function typeName(t: string): string {
  return TYPE_NAMES[t] ?? t;
}

function optionsList(opts: ReadonlyArray<unknown>): string {
  return opts.map((o) => `“${String(o)}”`).join("、");
}

/** zod error map producing Simplified Chinese messages. */
export const zhErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === "undefined") return { message: "缺少必填字段" };
      return { message: `类型错误：应为${typeName(issue.expected)}，实际为${typeName(issue.received)}` };
    case z.ZodIssueCode.invalid_literal:
      return {
        message: `不支持的格式“${String(ctx.data)}”，应为“${String(issue.expected)}”`,
      };
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `取值“${String(issue.received)}”无效，应为 ${optionsList(issue.options)} 之一` };
    case z.ZodIssueCode.invalid_union_discriminator:
      return { message: `规则类型无效，应为 ${optionsList(issue.options)} 之一` };
    case z.ZodIssueCode.invalid_union:
      return { message: "格式不正确：应为数字，或形如 {\"value\": 数字, \"by\": \"评估人\"} 的对象" };
    case z.ZodIssueCode.too_small:
      if (issue.type === "array") return { message: `至少需要${String(issue.minimum)}项` };
      if (issue.type === "string") return { message: "不能为空" };
      if (issue.type === "number")
        return {
          message: issue.inclusive ? `不能小于${String(issue.minimum)}` : `必须大于${String(issue.minimum)}`,
        };
      return { message: `过小（最小${String(issue.minimum)}）` };
    case z.ZodIssueCode.too_big:
      if (issue.type === "array") return { message: `最多${String(issue.maximum)}项` };
      if (issue.type === "number")
        return {
          message: issue.inclusive ? `不能大于${String(issue.maximum)}` : `必须小于${String(issue.maximum)}`,
        };
      return { message: `过大（最大${String(issue.maximum)}）` };
    case z.ZodIssueCode.not_finite:
      return { message: "应为有限数字" };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `不认识的字段：${issue.keys.join("、")}` };
    case z.ZodIssueCode.invalid_string:
      return { message: "字符串格式不正确" };
    case z.ZodIssueCode.custom:
      return { message: issue.message ?? "格式不正确" };
    default:
      return { message: `格式不正确（${ctx.defaultError}）` };
  }
};

/** Parse with Chinese messages; returns the data or pushes every issue (prefixed by `base`). */
export function zodCheck<T extends z.ZodTypeAny>(
  schema: T,
  data: unknown,
  base: string,
  errors: ValidationError[],
): z.output<T> | undefined {
  const r = schema.safeParse(data, { errorMap: zhErrorMap });
  if (r.success) return r.data as z.output<T>;
  for (const issue of r.error.issues) errors.push({ path: joinPath(base, ...issue.path), message: issue.message });
  return undefined;
}

/** Remove exact duplicates (same path and message), keeping the first occurrence. */
export function dedupe(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  const out: ValidationError[] = [];
  for (const e of errors) {
    const k = `${e.path}\u0000${e.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}
