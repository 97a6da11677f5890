import type { IndicatorSpec } from "../domain/indicator-spec";
import type { Fault } from "../../scoring";
import { cite } from "./policy-sources";

/**
 * The leaf indicators of the default 政务公开 indicator system, one builder per item. Each takes
 * its code and points (the 街道 and 区级部门 sets weigh items differently) and carries its 考核要点,
 * 评分标准, the clauses it comes from, and what evidence it needs. Rule parameters scale with the
 * points where a fixed step would not fit (tiers), so both sets stay valid.
 */
type Item = (code: string, points: number) => IndicatorSpec;

const DOCS = ["pdf", "ofd", "docx", "doc"];
const SHOTS = ["png", "jpeg", "pdf"];
const DOCS_AND_SHOTS = ["pdf", "ofd", "docx", "doc", "png", "jpeg"];
const TABLES = ["xlsx", "xls"];

/** A share of the points, to 2 decimals (tier and fault steps). */
const share = (p: number, f: number) => Math.round(p * f * 100) / 100;
const half = (p: number) => share(p, 0.5);

function faultText(faults: Fault[]): string {
  return faults.map((f) => `${f.label}，每处（次）扣${f.points}分`).join("；");
}

// ---------------------------------------------------------------- 信息公开

export const documentMarking: Item = (code, points) => ({
  code,
  name: "公文公开属性标注率",
  points,
  rule: { type: "ratio", target: 1 },
  guidance:
    "公文办理时同步认定公开属性，发文稿纸设置公开属性栏目，文件标注“此件公开发布”“此件依申请公开”“此件不予公开”“此件删减后公开”等字样；拟不公开的依法依规说明理由。",
  criteria: `得分＝${points}分×（本年度已明确标注公开属性的发文数÷本年度发文总数），标注率达到100%得满分。`,
  basis: cite(["guandu", "一（一）"], ["anhui", "一（一）"], ["tinghu", "三（三）1"], ["dehong", "五（三）2"]),
  evidenceRequired: true,
  evidenceKinds: [...DOCS, ...TABLES],
});

export const catalogue: Item = (code, points) => {
  const faults: Fault[] = [
    { code: "none", label: "未编制本单位主动公开基本目录", points },
    { code: "stale", label: "目录未按职能调整或上级目录变化动态更新", points: half(points) },
    { code: "gap", label: "目录事项缺少公开主体、内容、时限或方式", points: 0.5 },
  ];
  return {
    code,
    name: "主动公开基本目录编制与更新",
    points,
    rule: { type: "deduction", faults },
    guidance:
      "在上级主管部门公开目录基础上梳理本单位应公开内容，编制主动公开基本目录，明确各领域“五公开”的主体、内容、时限、方式，并在门户网站“公开目录和指南”栏目发布、动态更新。",
    criteria: `${faultText(faults)}；扣完为止。`,
    basis: cite(["guandu", "一（三）"], ["qinghai", "六（一）"], ["anhui", "一（三）"], ["tinghu", "三（二）3"], ["dehong", "五（三）1"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
};

const KEY_AREA_FAULTS: Fault[] = [
  { code: "missing", label: "应公开未公开", points: 1 },
  { code: "late", label: "公开不及时", points: 0.5 },
  { code: "incomplete", label: "公开内容不完整、不规范", points: 0.5 },
];

function keyArea(code: string, points: number, name: string, guidance: string, basis: string): IndicatorSpec {
  return {
    code,
    name,
    points,
    rule: { type: "deduction", faults: KEY_AREA_FAULTS },
    guidance,
    criteria: `对照主动公开基本目录和抽查结果：${faultText(KEY_AREA_FAULTS)}；扣完为止。`,
    basis,
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
}

export const budgetDisclosure: Item = (code, points) =>
  keyArea(
    code,
    points,
    "财政预决算和“三公”经费信息公开",
    "按时限公开部门（单位）预决算、“三公”经费预决算及其说明，支出公开到功能分类项级科目，“三公”经费公开到具体项目。",
    cite(["qinghai", "四（三）"], ["dehong", "三（四）"], ["guandu", "一（四）"]),
  );

export const majorProjects: Item = (code, points) =>
  keyArea(
    code,
    points,
    "重大建设项目信息公开",
    "公开重大建设项目批准服务、批准结果、招标投标、征收土地、重大设计变更、施工、质量安全监督和竣工等信息，纳入主动公开基本目录。",
    cite(["tinghu", "三（二）4"], ["qinghai", "二（四）"]),
  );

export const publicResources: Item = (code, points) =>
  keyArea(
    code,
    points,
    "公共资源配置信息公开",
    "依法公开公共资源交易公告、资格审查信息、成交信息及变更信息，相关信用信息同步推送信用信息共享平台。",
    cite(["tinghu", "三（二）5"], ["qinghai", "二（五）"]),
  );

export const publicWelfare: Item = (code, points) =>
  keyArea(
    code,
    points,
    "社会公益事业信息公开",
    "公开脱贫攻坚、社会救助和社会福利、教育、基本医疗卫生、环境保护、公共文化体育等领域政策、资金分配和实施情况。",
    cite(["tinghu", "三（二）6"], ["qinghai", "三"], ["dehong", "三（三）"]),
  );

export const landAndResettlement: Item = (code, points) =>
  keyArea(
    code,
    points,
    "征地补偿与拆迁安置信息公开",
    "公开辖区土地征收、征地补偿标准、拆迁安置方案及补偿结果，在政务公开栏和网站同步公示。",
    cite(["guandu", "一（五）"], ["qinghai", "三（五）"]),
  );

export const socialAssistance: Item = (code, points) =>
  keyArea(
    code,
    points,
    "社会救助与社会福利信息公开",
    "公开城乡低保、特困供养、临时救助对象的人次数和资金支出，以及涉农补贴、社会福利等办理情况。",
    cite(["guandu", "一（五）"], ["qinghai", "三（三）"]),
  );

export const environmentAndServices: Item = (code, points) =>
  keyArea(
    code,
    points,
    "环境治理与公共事业投入信息公开",
    "公开辖区环境综合整治措施及成效、公共事业投入和公共文化服务项目实施情况。",
    cite(["guandu", "一（五）"], ["qinghai", "三（二）"], ["dehong", "三（一）"]),
  );

export const requestReplies: Item = (code, points) => ({
  code,
  name: "依申请公开按期答复",
  points,
  rule: { type: "timeliness", limit: { workingDays: 20 }, whenEmpty: "full" },
  guidance:
    "畅通当面、信函、网络等受理渠道，受理后在法定期限（收到申请之日起20个工作日）内作出规范答复并明示救济渠道；全部申请材料归档留存，能够证明收到时间、答复内容和答复时间。",
  criteria: `得分＝${points}分×（按期答复件数÷应答复件数）；逐件填报收到申请和作出答复的时间；本年度未收到申请的得满分。`,
  basis: cite(["qinghai", "六（四）"], ["tinghu", "三（三）5"], ["dehong", "五（三）3"], ["regulation", "第三十三条"]),
  evidenceRequired: true,
  evidenceKinds: [...DOCS, ...TABLES],
});

export const novemberSelfInspection: Item = (code, points) => {
  const faults: Fault[] = [
    { code: "none", label: "未在11月开展不予公开信息全面自查", points },
    { code: "unreported", label: "自查整改情况未按时报送政务公开办", points: half(points) },
    { code: "found", label: "抽查发现应公开未公开或可转为主动公开而未公开的信息", points: 0.5 },
  ];
  return {
    code,
    name: "每年11月不予公开信息自查整改",
    points,
    rule: { type: "deduction", faults },
    guidance:
      "每年11月对本单位不予公开、部分公开的信息以及依申请公开较为集中的信息进行全面自查，应公开未公开的予以公开，可转为主动公开的主动公开，自查整改情况报送政务公开办；政务公开办年底抽查。",
    criteria: `${faultText(faults)}；扣完为止。`,
    basis: cite(["anhui", "一（四）"], ["tinghu", "三（三）1"], ["guandu", "一（四）"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
};

export const executionDisclosure: Item = (code, points) => ({
  code,
  name: "政策执行和落实情况公开",
  points,
  rule: { type: "score" },
  guidance:
    "围绕政府工作报告、发展规划和年度重点工作，公开执行措施、实施步骤、责任分工、工作进度和完成情况，以及督查、审计发现问题的整改落实情况。",
  criteria: `评估人员对照公开内容的完整性、及时性评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["qinghai", "四（二）"], ["dehong", "二（二）"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

export const grassrootsStandardisation: Item = (code, points) => ({
  code,
  name: "基层政务公开标准化规范化",
  points,
  rule: { type: "score" },
  guidance:
    "围绕土地利用、征地补偿、拆迁安置、社会救助、劳动就业、社会保险、医疗卫生等群众关切事项，编制基层政务公开事项标准目录，规范公开主体、内容、时限和方式，政务公开栏与网站同步公开。",
  criteria: `评估人员对照标准目录的完整性和落实情况评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["guandu", "一（五）"], ["qinghai", "六（一）"], ["anhui", "一（五）"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

// ---------------------------------------------------------------- 政策解读

export const threeSync: Item = (code, points) => {
  const faults: Fault[] = [
    { code: "no-plan", label: "政策文件报批时未同步报送解读方案和解读材料", points: 1 },
    { code: "not-simultaneous", label: "解读材料未与政策文件同步发布", points: 1 },
    { code: "unsigned", label: "解读方案未经本单位主要负责人审定", points: 0.5 },
  ];
  return {
    code,
    name: "政策解读“三同步”",
    points,
    rule: { type: "deduction", faults },
    guidance:
      "按照“谁起草、谁解读”原则，政策文件与解读方案、解读材料同步组织、同步审签、同步部署（同步起草、同步审批、同步发布）。",
    criteria: `逐件核查本年度印发的政策性文件：${faultText(faults)}；扣完为止。`,
    basis: cite(["guandu", "二（二）"], ["qinghai", "五（一）"], ["anhui", "二（三）"], ["dehong", "一（一）3"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
};

export const interpretationWithin3Days =
  (whenEmpty: "full" | "na"): Item =>
  (code, points) => ({
    code,
    name: "文件印发后3个工作日内发布解读",
    points,
    rule: { type: "timeliness", limit: { workingDays: 3 }, whenEmpty },
    guidance:
      "政策文件印发后3个工作日内在政府网站政策解读专栏发布解读材料，并与政策文件相互链接（官渡区细则要求不超过10个工作日，本体系按德宏州做法从严掌握）。",
    criteria:
      `得分＝${points}分×（按时发布解读的文件数÷应解读的文件数）；逐件填报文件印发时间和解读发布时间；` +
      (whenEmpty === "na" ? "本年度未印发政策性文件的，本项不适用，按比例折算。" : "本年度未印发政策性文件的得满分。"),
    basis: cite(["dehong", "一（一）3"], ["guandu", "四（二）"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  });

export const leaderInterprets: Item = (code, points) => ({
  code,
  name: "主要负责人带头解读",
  points,
  rule: {
    type: "tiers",
    tiers: [
      { min: 2, points, label: "带头解读2次及以上" },
      { min: 1, points: half(points), label: "带头解读1次" },
    ],
  },
  guidance:
    "主要负责人是政策解读“第一解读人和责任人”，通过新闻发布会、接受访谈、撰写解读文章、在线访谈等方式带头解读重要政策。填报本年度主要负责人带头解读的次数。",
  criteria: `2次及以上得${points}分；1次得${half(points)}分；未开展不得分。`,
  basis: cite(["guandu", "二（一）"], ["qinghai", "五（一）"], ["anhui", "二（一）"], ["dehong", "一（一）4"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

export const interpretationQuality: Item = (code, points) => ({
  code,
  name: "解读形式与质量",
  points,
  rule: { type: "score" },
  guidance:
    "解读突出背景依据、目标任务、主要内容、涉及范围、执行标准、新旧政策差异等；运用图片、图表图解、音频视频等可视化方式，做到“听得懂、好明白、能理解”。",
  criteria: `评估人员抽查解读材料，按内容准确性、通俗性和形式多样性评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["guandu", "二（一）"], ["anhui", "二（二）"], ["tinghu", "三（三）3"], ["dehong", "一（三）"]),
  evidenceRequired: false,
  evidenceKinds: DOCS_AND_SHOTS,
});

// ---------------------------------------------------------------- 回应关切

export const authoritativeWithin5h: Item = (code, points) => ({
  code,
  name: "重大舆情5小时内发布权威信息",
  points,
  rule: { type: "timeliness", limit: { hours: 5 }, whenEmpty: "na" },
  guidance: "涉及特别重大、重大突发事件的政务舆情，最迟在5小时内发布权威信息，并根据工作进展持续发布。逐件填报舆情发生（知悉）时间和首次发布权威信息时间。",
  criteria: `得分＝${points}分×（5小时内发布的件数÷应发布件数）；本年度未发生重大舆情的，本项不适用，按比例折算。`,
  basis: cite(["guandu", "三（四）"], ["qinghai", "五（二）"], ["anhui", "三（四）"], ["dehong", "一（二）1"]),
  evidenceRequired: true,
  evidenceKinds: SHOTS,
});

export const pressConferenceWithin24h: Item = (code, points) => ({
  code,
  name: "重大舆情24小时内举行新闻发布会",
  points,
  rule: { type: "timeliness", limit: { hours: 24 }, whenEmpty: "na" },
  guidance: "涉及特别重大、重大突发事件的政务舆情，在24小时内举行新闻发布会，相关负责人或新闻发言人出席。逐件填报舆情发生（知悉）时间和新闻发布会举行时间。",
  criteria: `得分＝${points}分×（24小时内举行发布会的件数÷应举行件数）；本年度未发生重大舆情的，本项不适用，按比例折算。`,
  basis: cite(["guandu", "三（四）"], ["qinghai", "五（二）"], ["anhui", "三（四）"], ["dehong", "一（二）1"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

export const netizenFeedback: Item = (code, points) => ({
  code,
  name: "网民意见建议7个工作日内反馈",
  points,
  rule: { type: "timeliness", limit: { workingDays: 7 }, whenEmpty: "full" },
  guidance:
    "对公众通过政府网站、政务新媒体等提出的有价值的意见建议，在7个工作日内通过原平台或其他方式反馈处理意见（情况复杂的可延长至15个工作日，须说明延期理由，按期情况据实填报）。",
  criteria: `得分＝${points}分×（7个工作日内反馈的件数÷应反馈件数）；逐件填报收到和反馈时间；本年度未收到的得满分。`,
  basis: cite(["anhui", "四（三）"], ["guandu", "五（三）"]),
  evidenceRequired: true,
  evidenceKinds: [...SHOTS, ...TABLES],
});

export const opinionMechanism: Item = (code, points) => ({
  code,
  name: "政务舆情收集研判与回应机制",
  points,
  rule: { type: "score" },
  guidance:
    "建立政务舆情收集、会商、研判、回应、评估机制，明确监测范围和回应主体；对群众反映的实际困难和重大问题，研究解决和调查处置情况及时对外公布。",
  criteria: `评估人员对照机制建设和回应实效评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["guandu", "三（三）"], ["anhui", "三（三）"], ["tinghu", "三（三）4"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

// ---------------------------------------------------------------- 媒体参与

export const pressConferences: Item = (code, points) => ({
  code,
  name: "新闻发布会每年不少于2次",
  points,
  rule: {
    type: "tiers",
    tiers: [
      { min: 2, points, label: "2次及以上" },
      { min: 1, points: half(points), label: "1次" },
    ],
  },
  guidance: "主动举办或参加新闻发布会、政策吹风会发布政务信息，原则上每年不少于2次。填报本年度举办（参加）新闻发布会的次数。",
  criteria: `2次及以上得${points}分；1次得${half(points)}分；未举办不得分。`,
  basis: cite(["qinghai", "五（一）"], ["anhui", "二（一）"], ["tinghu", "三（四）3"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

export const leaderAtPressConference: Item = (code, points) => ({
  code,
  name: "主要负责人每年至少出席1次新闻发布会",
  points,
  rule: { type: "tiers", tiers: [{ min: 1, points, label: "出席1次及以上" }] },
  guidance: "主要负责人当好“第一新闻发言人”，每年至少出席1次新闻发布会（含上级政府新闻办举办的发布会）。填报本年度主要负责人出席的次数。",
  criteria: `出席1次及以上得${points}分；未出席不得分。`,
  basis: cite(["qinghai", "五（一）"], ["anhui", "二（一）"]),
  evidenceRequired: true,
  evidenceKinds: DOCS_AND_SHOTS,
});

export const mediaEngagement: Item = (code, points) => ({
  code,
  name: "主动对接新闻媒体",
  points,
  rule: { type: "score" },
  guidance: "通过主动向媒体提供素材、召开媒体通气会、推荐专家接受访谈、安排媒体列席有关会议等方式，发挥新闻媒体公开平台作用。",
  criteria: `评估人员对照媒体发布和合作情况评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["guandu", "四（三）"], ["qinghai", "五（三）"], ["anhui", "四（四）"]),
  evidenceRequired: false,
  evidenceKinds: DOCS_AND_SHOTS,
});

// ---------------------------------------------------------------- 公众参与

export const consultation: Item = (code, points) => {
  const faults: Fault[] = [
    { code: "no-consultation", label: "涉及公众利益的重大决策未公开征求意见", points: 2 },
    { code: "no-feedback", label: "未公布意见征集和采纳情况", points: 1 },
    { code: "no-reason", label: "相对集中的意见建议不予采纳未说明理由", points: 0.5 },
  ];
  return {
    code,
    name: "重大决策公开征求意见与采纳反馈",
    points,
    rule: { type: "deduction", faults },
    guidance:
      "涉及重大公共利益和公众权益的重要决策，除依法应当保密的外，决策前向社会公布决策草案和决策依据，通过征求意见、听证座谈、咨询协商、列席会议等方式扩大公众参与；决策后公布意见采纳情况，相对集中的意见不予采纳的说明理由。",
    criteria: `${faultText(faults)}；扣完为止。`,
    basis: cite(["guandu", "一（二）、五（二）"], ["anhui", "五（二）"], ["tinghu", "三（三）2"], ["dehong", "二（一）"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
};

export const participationChannels: Item = (code, points) => ({
  code,
  name: "公众参与渠道建设",
  points,
  rule: { type: "score" },
  guidance: "完善领导信箱、网民留言办理、民意征集、在线访谈等互动栏目，利用政务新媒体、政府开放日、热线等搭建公众参与平台。",
  criteria: `评估人员对照渠道建设和办理实效评分（0–${points}分），多名评估人员的评分取平均值。`,
  basis: cite(["guandu", "五（三）"], ["anhui", "五（三）"], ["tinghu", "三（五）3"]),
  evidenceRequired: false,
  evidenceKinds: SHOTS,
});

// ---------------------------------------------------------------- 平台建设

export const weeklyWebsiteUpdate: Item = (code, points) => ({
  code,
  name: "政府网站每周至少更新1次",
  points,
  rule: { type: "ratio", target: 1 },
  guidance: "建立网站信息内容更新机制，政府网站（政务公开栏目）每周至少更新1次，杜绝“睡眠栏目”。填报本年度有更新的周数和全年周数。",
  criteria: `得分＝${points}分×（有更新的周数÷全年周数）；每周均有更新得满分。`,
  basis: cite(["qinghai", "六（二）"], ["guandu", "四（二）"], ["dehong", "四（一）3"]),
  evidenceRequired: true,
  evidenceKinds: [...SHOTS, ...TABLES],
});

export const repostWithinOneDay: Item = (code, points) => ({
  code,
  name: "重要政策信息转载链接不滞后1个工作日",
  points,
  rule: { type: "timeliness", limit: { workingDays: 1 }, whenEmpty: "full" },
  guidance: "上级政府及主管部门门户网站发布的重要政策信息，本单位网站应及时转载、链接，力争在1小时内完成，不得滞后1个工作日。",
  criteria: `得分＝${points}分×（1个工作日内完成转载的件数÷应转载件数）；按抽查清单逐件核对上级发布时间和本单位转载时间。`,
  basis: cite(["anhui", "四（二）"], ["tinghu", "三（四）1"]),
  evidenceRequired: true,
  evidenceKinds: [...SHOTS, ...TABLES],
});

export const newMedia: Item = (code, points) => {
  const faults: Fault[] = [
    { code: "stale", label: "政务新媒体更新慢或长期不更新", points: 1 },
    { code: "improper", label: "发布与政府职能无关或不当言论（“雷人雷语”、无序发声）", points: 1.5 },
    { code: "no-review", label: "未落实“先审后发”信息发布审核制度", points: 0.5 },
    { code: "no-interaction", label: "留言互动敷衍了事或不回应", points: 0.5 },
  ];
  return {
    code,
    name: "政务新媒体管理",
    points,
    rule: { type: "deduction", faults },
    guidance:
      "按照“谁开设、谁负责”“谁发布、谁负责”落实政务新媒体主体责任，集中力量办好主账号，建立先审后发制度，强化互动和服务功能，及时备案、整合或关停无力维护的账号。",
    criteria: `对照监测和抽查结果：${faultText(faults)}；扣完为止。`,
    basis: cite(["qinghai", "六（二）"], ["tinghu", "三（四）4"], ["dehong", "四（二）"]),
    evidenceRequired: true,
    evidenceKinds: DOCS_AND_SHOTS,
  };
};

// ---------------------------------------------------------------- 组织保障

export const leaderHearsReport: Item = (code, points) => ({
  code,
  name: "主要负责人每年至少听取1次政务公开工作汇报",
  points,
  rule: { type: "tiers", tiers: [{ min: 1, points, label: "听取汇报1次及以上" }] },
  guidance:
    "将政务公开纳入重要议事日程，主要负责人每年至少听取1次政务公开工作汇报，研究推动工作；分管负责人工作分工及时对外公布。填报本年度主要负责人听取汇报的次数（以会议纪要为准）。",
  criteria: `听取1次及以上得${points}分；未听取不得分。`,
  basis: cite(["guandu", "六（一）"], ["qinghai", "六（五）"], ["anhui", "六（一）"], ["tinghu", "三（一）1"]),
  evidenceRequired: true,
  evidenceKinds: DOCS,
});

export const trainingRate: Item = (code, points) => ({
  code,
  name: "政务公开工作人员培训率不低于50%",
  points,
  rule: { type: "ratio", target: 0.5 },
  guidance: "将政务公开纳入干部培训，组织政务公开业务培训和研讨交流。填报本年度参加培训的政务公开工作人员数和工作人员总数。",
  criteria: `得分＝${points}分×min(1, 培训率÷50%)；培训率达到50%及以上得满分。`,
  basis: cite(["qinghai", "六（三）"], ["guandu", "六（三）"], ["tinghu", "三（一）4"]),
  evidenceRequired: true,
  evidenceKinds: [...DOCS, ...TABLES],
});

// ---------------------------------------------------------------- 单项否决

export const vetoFalsification: Item = (code) => ({
  code,
  name: "弄虚作假、隐瞒实情、欺骗公众",
  points: 0,
  rule: { type: "veto" },
  guidance: "自查材料和佐证材料须真实。对弄虚作假、隐瞒实情、欺骗公众，造成严重社会影响的，依纪依法追究有关单位和人员责任。",
  criteria: "经查实存在弄虚作假、隐瞒实情、欺骗公众情形的，年度考核实行一票否决，定为最低等次。",
  basis: cite(["guandu", "六（五）"], ["anhui", "六（四）"]),
  evidenceRequired: false,
});

export const vetoSecrets: Item = (code) => ({
  code,
  name: "泄露国家秘密",
  points: 0,
  rule: { type: "veto" },
  guidance: "严格落实公开前保密审查机制，上网信息由专人审查、分管领导签字后发布，妥善处理政务公开与保守国家秘密的关系。",
  criteria: "因政务公开工作泄露国家秘密并经有关部门认定的，年度考核实行一票否决。",
  basis: cite(["guandu", "一（四）"], ["anhui", "一（四）"], ["dehong", "四（一）4"]),
  evidenceRequired: false,
});

export const vetoIgnoredCrisis: Item = (code) => ({
  code,
  name: "重大舆情不回应造成严重影响",
  points: 0,
  rule: { type: "veto" },
  guidance: "重大政务舆情须按时回应，确保回应不超时、内容不敷衍；热点回应不及时的，严肃批评、公开通报。",
  criteria: "发生重大政务舆情拒不回应或回应严重失当，造成严重社会影响并被上级通报的，年度考核实行一票否决。",
  basis: cite(["qinghai", "五（二）"], ["anhui", "六（四）"], ["guandu", "三（四）"]),
  evidenceRequired: false,
});

// ---------------------------------------------------------------- 加分项

export const bonusPromoted: Item = (code, points) => ({
  code,
  name: "经验做法被上级推广",
  points,
  rule: {
    type: "tiers",
    tiers: [
      { min: 3, points, label: "国家级推广" },
      { min: 2, points: share(points, 2 / 3), label: "省级推广" },
      { min: 1, points: share(points, 1 / 3), label: "市级推广" },
    ],
  },
  guidance: "本单位政务公开经验做法被上级发文推广或通报表扬。填报最高推广层级：1＝市级，2＝省级，3＝国家级；无则填0。",
  criteria: `国家级${points}分，省级${share(points, 2 / 3)}分，市级${share(points, 1 / 3)}分；取最高一项，不累计。`,
  basis: cite(["guandu", "一（五）"], ["anhui", "六（四）"], ["tinghu", "四（三）"]),
  evidenceRequired: true,
  evidenceKinds: DOCS,
});

export const bonusPilot: Item = (code, points) => ({
  code,
  name: "承担国家或省级试点",
  points,
  rule: {
    type: "tiers",
    tiers: [
      { min: 2, points, label: "国家级试点" },
      { min: 1, points: half(points), label: "省级试点" },
    ],
  },
  guidance: "承担国家或省级政务公开（“五公开”、基层政务公开标准化规范化等）试点任务。填报试点层级：1＝省级，2＝国家级；无则填0。",
  criteria: `国家级试点${points}分，省级试点${half(points)}分。`,
  basis: cite(["guandu", "一（五）"], ["qinghai", "六（一）"], ["anhui", "一（五）"]),
  evidenceRequired: true,
  evidenceKinds: DOCS,
});
