import { fmt } from "../domain/results-view";
import type { NoticeDocument, NoticeUnitRow } from "./notices.server";

/** The wording of a 通报 shared by its .docx and PDF: sections, grade legend, ranking table cells. */

export type NoticeSection = { kind: "results"; heading: string } | { kind: "text"; heading: string; paragraphs: string[] };

/** A text the office typed, one paragraph per non-empty line. */
export function paragraphsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

export function noticeSections(doc: NoticeDocument): NoticeSection[] {
  const sections: NoticeSection[] = [
    { kind: "results", heading: "一、考核结果" },
    { kind: "text", heading: "二、存在的共性问题", paragraphs: doc.commonProblems },
  ];
  const closing = paragraphsOf(doc.closing);
  if (closing.length > 0) sections.push({ kind: "text", heading: "三、工作要求", paragraphs: closing });
  return sections;
}

export function gradeLegend(doc: NoticeDocument): string {
  const grades = doc.grades
    .slice()
    .sort((a, b) => b.min - a.min)
    .map((g) => `${g.name}（${g.min}分及以上）`)
    .join("、");
  const units = doc.categories.reduce((n, c) => n + c.units.length, 0);
  return `本年度共考核${units}个单位，按单位类别分别排名，等次分为${grades}。各单位得分、等次及各维度得分如下。`;
}

export function rankingHeader(doc: NoticeDocument): string[] {
  return ["名次", "单位名称", "总分", "等次", ...doc.dimensions];
}

export function rankingRow(u: NoticeUnitRow): string[] {
  return [String(u.categoryRank), u.name, fmt(u.total), u.vetoed ? `${u.grade}（否决）` : u.grade, ...u.dimensions.map((d) => (d === null ? "—" : fmt(d)))];
}
