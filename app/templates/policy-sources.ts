/**
 * The five source documents the default indicator system is built from
 * (../shared/reference/policies), by the short names used in each indicator's 政策依据.
 * Traditional characters in the Qinghai document are cited in simplified form.
 */
export const POLICY_DOCS = {
  /** 000: 昆明市官渡区 (2017). */
  guandu: "《官渡区全面推进政务公开工作实施细则》",
  /** 001: 青政办〔2017〕31号. */
  qinghai: "《青海省2017年全省政务公开工作要点》（青政办〔2017〕31号）",
  /** 002: 安徽省交通运输厅 (2019). */
  anhui: "《安徽省交通运输厅关于贯彻落实安徽省全面推进政务公开工作实施细则的意见》",
  /** 003: 盐城市亭湖区 (2018). */
  tinghu: "《盐城市亭湖区全面推进政务公开工作实施方案》",
  /** 004: 德宏州 (2019). */
  dehong: "《德宏州人民政府办公室关于上报2019年政务公开工作要点落实情况的报告》",
  /** Cited by 亭湖/官渡 for the statutory reply period. */
  regulation: "《中华人民共和国政府信息公开条例》",
} as const;

export type PolicyDoc = keyof typeof POLICY_DOCS;

/** "《…》一（四）；《…》三（三）1": the clauses an indicator comes from, document then article. */
export function cite(...refs: [PolicyDoc, string][]): string {
  return refs.map(([doc, clause]) => `${POLICY_DOCS[doc]}${clause}`).join("；");
}
