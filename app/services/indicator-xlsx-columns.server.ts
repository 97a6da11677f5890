import { DIMENSIONS, RULE_TYPE_LABELS } from "../domain/indicator-format";
import type { FileHints } from "./imports/xlsx-read.server";

/**
 * The columns of an indicator workbook (one sheet per unit category, one row per node) and the
 * texts of its 说明 sheet: what the writer writes, the reader reads and the rows are checked against.
 */

export type Field =
  | "level"
  | "code"
  | "parentCode"
  | "name"
  | "dimension"
  | "part"
  | "points"
  | "ruleType"
  | "faults"
  | "target"
  | "tiers"
  | "limit"
  | "whenEmpty"
  | "reconcile"
  | "tasks"
  | "discretionMax"
  | "designated"
  | "vetoScope"
  | "cap"
  | "guidance"
  | "criteria"
  | "basis"
  | "evidenceRequired"
  | "evidenceKinds";

export interface Column {
  field: Field;
  header: string;
  required: boolean;
  width: number;
  note: string;
}

export const INDICATOR_COLUMNS: Column[] = [
  { field: "level", header: "层级", required: false, width: 6, note: "1、2、3，分别表示一级、二级、三级指标。可不填，系统按上级编码推算；填写时须与上级编码一致。" },
  { field: "code", header: "编码", required: true, width: 10, note: "指标编码，在本工作表内唯一，如 1、1.2、1.2.3。只能包含字母、数字、点、下划线或短横线。" },
  { field: "parentCode", header: "上级编码", required: true, width: 10, note: "上级指标的编码；一级指标留空。指标体系最多三级。" },
  { field: "name", header: "名称", required: true, width: 28, note: "指标名称，不超过100个字。" },
  { field: "dimension", header: "维度", required: true, width: 10, note: `取值：${Object.values(DIMENSIONS).join("、")}。留空表示沿用上级指标的维度。每套指标体系须覆盖信息公开、政策解读、回应关切、媒体参与四个维度。` },
  {
    field: "part",
    header: "类别",
    required: true,
    width: 8,
    note:
      "基础、加分、否决或扣分项，只在一级指标上设置；下级指标留空或与一级指标相同。否决类指标分值为0，评分规则须为“单项否决”。" +
      "扣分项（倒扣分）在100分之外、基础分和加分之后扣减，如“被上级通报批评的每次扣2分”“发生失泄密事件扣5分”：分值为0，评分规则须为“扣分制”，总分扣到0分为止。留空视为基础。",
  },
  { field: "points", header: "分值", required: true, width: 8, note: "非负数，最多两位小数。有下级指标的，分值须等于下级指标分值之和。" },
  { field: "ruleType", header: "评分规则", required: true, width: 10, note: `末级指标必填，取值：${Object.values(RULE_TYPE_LABELS).join("、")}。有下级指标的留空。` },
  {
    field: "faults",
    header: "扣分项",
    required: false,
    width: 36,
    note:
      "评分规则为扣分制时填写：“代码:名称:每次扣分”，多项用分号分隔，如“late:逾期未更新:1; 错误:内容错误:0.5”。代码可用中文，也可省略（写成“名称:每次扣分”，由系统生成 F1、F2…）。" +
      "每次扣分后可注明该项自身的上限：“（最多扣2分）”表示该项在本指标上合计最多扣2分，如“缺失:栏目内容缺失:0.5（最多扣2分）”（每发现一处扣0.5分，最多扣2分）；“（只扣一次）”表示无论发现几次只扣一次，如“未编目录:未编制目录:1（只扣一次）”。可不填（只按临时扣分）。",
  },
  { field: "target", header: "达标值", required: false, width: 8, note: "评分规则为比率达标时必填：达到该比率即得满分，如 1（100%）或 0.5（50%）。" },
  { field: "tiers", header: "档位", required: false, width: 30, note: "评分规则为分档计分时必填：“最低值:得分:名称”，名称可省略，多档用分号分隔，如“1:2:每年1次; 2:4:每年2次及以上”。取满足条件的最高档。" },
  { field: "limit", header: "时限", required: false, width: 10, note: "评分规则为时效时必填：如“5小时”或“3个工作日”（工作日按考核年度的工作日历计算）。" },
  { field: "whenEmpty", header: "无事项时", required: false, width: 10, note: "评分规则为时效时填写：本年度没有需办理的事项时，“满分”或“不适用”。留空视为满分。" },
  { field: "reconcile", header: "评分汇总", required: false, width: 10, note: "评分规则为评估打分时可填：多名评估员评分取“平均值”或“中位数”；留空按考核年度设置。" },
  {
    field: "tasks",
    header: "任务",
    required: false,
    width: 36,
    note: "评分规则为任务清单时必填：“代码:任务:分值”，多项用分号分隔，如“ml:编制政府信息公开目录:2; 指南:更新政府信息公开指南:1”。代码可省略（写成“任务:分值”，由系统生成 F1、F2…）。每项任务须有佐证材料才得分，合计不超过指标分值。",
  },
  {
    field: "discretionMax",
    header: "酌情上限",
    required: false,
    width: 8,
    note: "“在N分内酌情给分/扣分”的N，大于0且不超过指标分值。评分规则为评估打分时表示酌情给分：该指标只能在0到N分之间打分（N可小于分值），如“在2分内酌情给分”填2；评分规则为扣分制时表示酌情扣分：临时扣分合计不超过N分。两种情况都须说明理由。留空表示不限。",
  },
  {
    field: "designated",
    header: "指定评分来源",
    required: false,
    width: 12,
    note: "评分规则为评估打分时可填：该指标只取这一来源的评分，不取平均值或中位数。外部单位的评价写“外部单位评价：县外网办”（以县外网办评价为准，分值由政务公开办在“外部单位评价”中录入或导入）；抽查结果写“抽查结果：区级抽查”（以区级抽查结果为准，取抽查记录的本项评分）；某位评估员只写其姓名，如“王敏”。其他评估员的评分仍保留显示。留空按平均值或中位数。",
  },
  {
    field: "vetoScope",
    header: "否决范围",
    required: false,
    width: 10,
    note: "评分规则为单项否决时可填：填一个基础类一级指标的编码，表示触发时只将该部分计为0分（如“2”表示“政策解读”部分按0分计），不影响其他部分和等次判定；留空表示整体否决（总分按否决分计、评为最低等次）。",
  },
  {
    field: "cap",
    header: "扣分项上限",
    required: false,
    width: 10,
    note: "只在类别为扣分项的一级指标上填写：该部分合计最多扣多少分，如“倒扣分最多扣5分”填5；留空表示不设上限。",
  },
  { field: "guidance", header: "考核要点", required: false, width: 40, note: "考核什么，向填报单位和评估员展示。" },
  { field: "criteria", header: "评分标准", required: false, width: 40, note: "如何得分、扣分。" },
  { field: "basis", header: "政策依据", required: false, width: 30, note: "出处条款，如“《中华人民共和国政府信息公开条例》第二十条”。" },
  { field: "evidenceRequired", header: "佐证要求", required: false, width: 8, note: "“是”表示必须上传佐证材料，“否”或留空表示不要求。" },
  { field: "evidenceKinds", header: "佐证类型", required: false, width: 24, note: "允许的佐证材料类型，用顿号分隔，如“PDF文件、JPEG图片”；留空表示系统允许的所有类型。" },
];

export const header = (f: Field): string => INDICATOR_COLUMNS.find((c) => c.field === f)!.header;

export const HELP_SHEET = "说明";

/** What a refused indicator workbook is told about the file expected. */
export const INDICATOR_FILE_HINTS: FileHints = {
  file: "导出的指标体系 .xlsx 文件",
  tooBig: "不是指标体系文件。",
  use: "请使用系统导出的指标体系文件。",
  header: "请使用系统导出的指标体系文件，保持第1行表头不变。",
};

export const INSTRUCTIONS = [
  "每个工作表是一套指标体系，工作表名称即单位类别名称（如“街道办事处”“区级部门”）；“说明”工作表不会被导入。",
  "第1行是表头，请勿修改；从第2行起每行一个指标。同一上级下的指标按行的先后顺序排列。",
  "导入时系统先检查所有行：只要有一处错误，就不会导入任何数据，并按 Excel 行号逐条列出错误原因。",
  "导入会整体替换所导入类别的指标体系，只能导入到草稿状态的考核年度；发布后的修改须在系统中以修订方式进行并说明理由。",
  "从系统导出的文件可直接修改后再导入；导出后原样导入，指标体系保持不变。",
  "“设置”工作表（可选）为各单位类别单独设置政务公开权重、合格线、等次和加分门槛，每个类别一行；有“设置”工作表时，其中未列出的类别沿用考核年度的设置；没有“设置”工作表时，各类别原有的设置保持不变。",
];

/** Excel sheet names: at most 31 characters, none of \ / ? * [ ] : */
export function sheetNameFor(category: string): string {
  return category.replace(/[\\/?*[\]:]/g, "_").slice(0, 31) || "指标体系";
}
