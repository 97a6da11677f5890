/** The downloadable forms of a cycle's results (UI links and `npm run export:results`). */
export const EXPORT_FORMATS = ["xlsx", "pdf", "package", "results"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  xlsx: "Excel 结果表",
  pdf: "PDF 排名通报",
  package: "评估数据包（供复算核对）",
  results: "考核结果数据",
};

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === "string" && (EXPORT_FORMATS as readonly string[]).includes(v);
}
