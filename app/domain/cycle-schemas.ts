import { z } from "zod";
import { parseDate } from "../../scoring";
import { MIN_WEIGHT_MESSAGE } from "./cycle-defaults";
import { categoryRulesSchema } from "./category-rules";

/**
 * zod schemas for a cycle's fields, with Chinese messages. They accept form strings as well as
 * typed values (seeds, CLI, tests): numbers may arrive as "5", date lists as one date per line.
 */

const toNumber = (v: unknown) => {
  if (typeof v !== "string") return v;
  const t = v.trim();
  return t === "" ? undefined : Number(t);
};
const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === "string" && v.trim() === "") ? null : trimmed(v));

function number(label: string, refine: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  return z.preprocess(toNumber, refine(z.number({ required_error: `请输入${label}`, invalid_type_error: `${label}须为数字` }).finite(`${label}须为数字`)));
}

export const isValidDate = (s: string) => parseDate(s) !== null;

function date(label: string) {
  return z.preprocess(
    trimmed,
    z.string({ required_error: `请输入${label}`, invalid_type_error: `请输入${label}` })
      .min(1, `请输入${label}`)
      .refine(isValidDate, `${label}须为有效日期，格式为YYYY-MM-DD（如2026-11-30）`),
  );
}

function optionalDate(label: string) {
  return z.preprocess(
    blankToNull,
    z.string().refine(isValidDate, `${label}须为有效日期，格式为YYYY-MM-DD（如2026-12-01）`).nullable(),
  );
}

export const yearSchema = number("考核年度", (n) => n.int("考核年度须为整数年份").min(2000, "考核年度须为2000至2100之间的年份").max(2100, "考核年度须为2000至2100之间的年份"));

export const titleSchema = z.preprocess(
  trimmed,
  z.string({ required_error: "请输入考核名称" }).min(1, "请输入考核名称").max(100, "考核名称不能超过100个字"),
);

export const weightSchema = number("政务公开工作分值权重", (n) => n.min(4, MIN_WEIGHT_MESSAGE).max(100, "政务公开工作分值权重不得高于100%"));

export const appealWindowDaysSchema = number("复核申请期限", (n) =>
  n.int("复核申请期限须为整数天").min(1, "复核申请期限须为1至60天").max(60, "复核申请期限须为1至60天"),
);

// ---------------------------------------------------------------- settings

const gradeSchema = z.object({
  name: z.preprocess(trimmed, z.string({ required_error: "请输入等次名称" }).min(1, "请输入等次名称").max(20, "等次名称不能超过20个字")),
  min: number("等次分数下限", (n) => n.min(0, "等次分数下限不能为负数")),
});

export const settingsSchema = z
  .object({
    scale: number("满分", (n) => n.positive("满分须大于0")),
    bonusGate: number("加分门槛", (n) => n.min(0, "加分门槛不能为负数")),
    vetoScore: number("否决分", (n) => n.min(0, "否决分不能为负数")),
    passMark: number("合格线", (n) => n.min(0, "合格线不能为负数")),
    grades: z.array(gradeSchema, { required_error: "请设置考核等次" }).min(1, "至少设置一个考核等次"),
    reconcile: z.enum(["mean", "median"], { errorMap: () => ({ message: "请选择多名评估人员评分的合成方式（平均值或中位数）" }) }),
    divergence: number("评分分歧阈值", (n) => n.min(0, "评分分歧阈值须在0到1之间（如0.2表示该项分值的20%）").max(1, "评分分歧阈值须在0到1之间（如0.2表示该项分值的20%）")),
    evaluatorsPerUnit: number("每个单位的评估人员数", (n) =>
      n.int("每个单位的评估人员数须为整数").min(1, "每个单位的评估人员数须为1至10人").max(10, "每个单位的评估人员数须为1至10人"),
    ),
    /** Edited on each indicator set page (app/domain/category-rules.ts); kept as it is here. */
    categoryRules: z.record(z.string(), categoryRulesSchema).optional(),
  })
  .superRefine((s, ctx) => {
    const over = (key: "passMark" | "bonusGate" | "vetoScore", label: string) => {
      if (s[key] > s.scale) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${label}不能高于满分${s.scale}分` });
    };
    over("passMark", "合格线");
    over("bonusGate", "加分门槛");
    over("vetoScore", "否决分");
    const seen = new Set<string>();
    s.grades.forEach((g, i) => {
      if (seen.has(g.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["grades", i, "name"], message: `等次名称“${g.name}”重复` });
      seen.add(g.name);
      if (g.min > s.scale) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["grades", i, "min"], message: `等次“${g.name}”的分数下限不能高于满分${s.scale}分` });
      const prev = s.grades[i - 1];
      if (prev && !(g.min < prev.min)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["grades", i, "min"],
          message: `等次须按分数下限从高到低排列：“${g.name}”的下限（${g.min}）须低于“${prev.name}”（${prev.min}）`,
        });
      }
    });
    const last = s.grades[s.grades.length - 1];
    if (last && last.min !== 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["grades", s.grades.length - 1, "min"],
        message: `最低等次“${last.name}”的分数下限须为0，否则低分单位将没有等次`,
      });
    }
  });

// ---------------------------------------------------------------- calendar

/** A list of dates: an array, or text with one date per line (blank lines ignored). Sorted, de-duplicated. */
function dateList(label: string) {
  return z
    .union([z.string(), z.array(z.string())], { errorMap: () => ({ message: `${label}格式不正确，请每行填写一个日期` }) })
    .optional()
    .transform((v, ctx) => {
      const lines = v === undefined ? [] : Array.isArray(v) ? v : v.split(/\r?\n/);
      const out = new Set<string>();
      lines.forEach((raw, i) => {
        const d = raw.trim();
        if (d === "") return;
        if (!isValidDate(d)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label}第${i + 1}行“${d}”不是有效日期，格式应为YYYY-MM-DD` });
          return;
        }
        out.add(d);
      });
      return [...out].sort();
    });
}

export const calendarSchema = z
  .object({
    holidays: dateList("节假日"),
    workdays: dateList("调休上班日"),
    /** A checkbox ("1"/"on") or a boolean: the office confirms the cycle's year runs without holidays. */
    emptyConfirmed: z
      .union([z.boolean(), z.string()])
      .optional()
      .transform((v) => v === true || v === "1" || v === "on" || undefined),
  })
  .superRefine((c, ctx) => {
    const hol = new Set(c.holidays);
    const both = c.workdays.filter((d) => hol.has(d));
    if (both.length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["workdays"], message: `${both.join("、")}不能同时列为节假日和调休上班日` });
    }
  });

// ---------------------------------------------------------------- whole cycle

function checkSpotCheck(v: { spotCheckStart: string | null; spotCheckEnd: string | null }, ctx: z.RefinementCtx) {
  if ((v.spotCheckStart === null) !== (v.spotCheckEnd === null)) {
    const path = v.spotCheckStart === null ? "spotCheckStart" : "spotCheckEnd";
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: "请同时填写抽查开始日期和结束日期（或都不填）" });
  } else if (v.spotCheckStart && v.spotCheckEnd && v.spotCheckEnd < v.spotCheckStart) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["spotCheckEnd"], message: "抽查结束日期不能早于开始日期" });
  }
}

/** Every editable field of a cycle, as stored. */
export const cycleFieldsSchema = z
  .object({
    title: titleSchema,
    opennessWeightPct: weightSchema,
    settings: settingsSchema,
    selfInspectionDue: date("自查截止日期"),
    spotCheckStart: optionalDate("抽查开始日期"),
    spotCheckEnd: optionalDate("抽查结束日期"),
    appealWindowDays: appealWindowDaysSchema,
    calendar: calendarSchema,
  })
  .superRefine(checkSpotCheck);

export type CycleFields = z.output<typeof cycleFieldsSchema>;

export const CYCLE_SOURCES = ["template", "copy", "empty"] as const;
export type CycleSource = (typeof CYCLE_SOURCES)[number];
export const CYCLE_SOURCE_LABELS: Record<CycleSource, string> = {
  template: "默认模板（依据政策文件）",
  copy: "复制往年考核",
  empty: "空白",
};

/**
 * Creating a cycle: the year, a title (default “YYYY年度政务公开工作绩效考核”), the weight (default 5),
 * where the indicator sets come from; deadlines are optional (defaults from the year).
 */
export const createCycleSchema = z
  .object({
    year: yearSchema,
    title: z.preprocess(blankToNull, titleSchema.nullable()).optional(),
    opennessWeightPct: weightSchema.optional(),
    source: z.enum(CYCLE_SOURCES, { errorMap: () => ({ message: "请选择指标体系来源" }) }),
    copyFromCycleId: z
      .preprocess(blankToNull, z.preprocess(toNumber, z.number({ invalid_type_error: "请选择要复制的考核年度" }).int("请选择要复制的考核年度").positive("请选择要复制的考核年度")).nullable())
      .optional(),
    selfInspectionDue: z.preprocess(blankToNull, date("自查截止日期").nullable()).optional(),
    spotCheckStart: optionalDate("抽查开始日期").optional(),
    spotCheckEnd: optionalDate("抽查结束日期").optional(),
    appealWindowDays: z.preprocess(blankToNull, appealWindowDaysSchema.nullable()).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.source === "copy" && !v.copyFromCycleId) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["copyFromCycleId"], message: "请选择要复制的考核年度" });
    }
    checkSpotCheck({ spotCheckStart: v.spotCheckStart ?? null, spotCheckEnd: v.spotCheckEnd ?? null }, ctx);
  });

export type CreateCycleInput = z.input<typeof createCycleSchema>;
