import { z } from "zod";
import { isValidDate } from "./cycle-schemas";

/**
 * The 通报 form (考核结果 page, office): what the office writes of a finalised cycle's formal
 * notice. Shared by the form and the action (and the demo seed); Chinese messages. Client-safe.
 */

export const NOTICE_LIMITS = { issuingBody: 60, docNumber: 40, title: 100, opening: 2000, closing: 2000 } as const;

const text = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z.string({ required_error: `请填写${label}`, invalid_type_error: `请填写${label}` }).min(1, `请填写${label}`).max(max, `${label}不能超过${max}个字`),
  );

/** 文号 as GB/T 9704 writes it: 机关代字〔年份〕序号号, e.g. 明政办发〔2026〕3号. */
export const DOC_NUMBER_PATTERN = /^\S.*〔\d{4}〕\d+号$/u;

export const noticeFormSchema = z.object({
  issuingBody: text("发文机关", NOTICE_LIMITS.issuingBody),
  docNumber: text("文号", NOTICE_LIMITS.docNumber).pipe(
    z.string().regex(DOC_NUMBER_PATTERN, "文号格式应为“机关代字〔年份〕序号号”，如 明政办发〔2026〕3号（年份用六角括号〔〕）"),
  ),
  title: text("标题", NOTICE_LIMITS.title),
  issuedOn: text("成文日期", 10).pipe(z.string().refine(isValidDate, "成文日期须为有效日期，格式为YYYY-MM-DD（如2026-02-10）")),
  opening: text("开头段落", NOTICE_LIMITS.opening),
  closing: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : (v ?? "")),
    z.string().max(NOTICE_LIMITS.closing, `工作要求不能超过${NOTICE_LIMITS.closing}个字`),
  ),
});

export type NoticeForm = z.output<typeof noticeFormSchema>;

/** The defaults offered for a cycle without a notice yet. */
export function defaultNotice(year: number, issuingBody: string, today: string): NoticeForm {
  return {
    issuingBody,
    docNumber: "",
    title: `关于${year}年度政务公开工作绩效考核结果的通报`,
    issuedOn: today,
    opening: `为深入贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作，根据年度政务公开工作绩效考核安排，经各单位自查、第三方评估、抽查核验和结果复核，${year}年度政务公开工作绩效考核已完成。现将考核结果通报如下。`,
    closing: "各单位要对照本通报指出的问题，认真研究制定整改措施，于30日内完成整改，并将整改情况报送区政务公开办。",
  };
}

/** “2026-02-10” → “2026年2月10日”, as the date of a document is written. */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}
