import type { IndicatorSpec } from "../domain/indicator-spec";
import * as I from "./indicator-items";
import { cite } from "./policy-sources";

/**
 * The default 政务公开 indicator system (默认指标体系模板), built from the five source policies in
 * ../shared/reference/policies: one set per unit category. 街道 and 区级部门 share the items but
 * weigh them differently — 街道 carry more 回应关切/公众参与 and the 基层标准化 item, 区级部门 more
 * 信息公开/政策解读 (they draft most policy documents). Base points sum to 100 in both; a veto part
 * (单项否决) and a bonus part (加分项, 5 points) sit beside the base part.
 */
export interface TemplateSet {
  /** The category name the set is written for (seeds/demo/district.ts uses the same names). */
  category: string;
  /**
   * Words that identify a matching category when no category has the exact name
   * (e.g. a district calling it “街道/乡镇”).
   */
  matches: string[];
  indicators: IndicatorSpec[];
}

type Dimension = NonNullable<IndicatorSpec["dimension"]>;

function group(code: string, name: string, dimension: Dimension, children: IndicatorSpec[], extra: Partial<IndicatorSpec> = {}): IndicatorSpec {
  const points = Math.round(children.reduce((s, c) => s + c.points, 0) * 100) / 100;
  return { code, name, dimension, points, children, ...extra };
}

const DIMENSION_BASIS = cite(["guandu", "六（四）、六（五）"], ["anhui", "六（四）"], ["dehong", "五（一）3"]);

function vetoPart(code: string): IndicatorSpec {
  return {
    code,
    name: "单项否决",
    part: "veto",
    points: 0,
    guidance: "出现下列情形之一的，年度政务公开考核实行一票否决，总分按否决分计、定为最低等次，不计加分。",
    basis: cite(["guandu", "六（五）"], ["anhui", "六（四）"]),
    children: [I.vetoFalsification(`${code}.1`, 0), I.vetoSecrets(`${code}.2`, 0), I.vetoIgnoredCrisis(`${code}.3`, 0)],
  };
}

function bonusPart(code: string): IndicatorSpec {
  return {
    code,
    name: "加分项",
    part: "bonus",
    points: 5,
    guidance: "基础得分高于加分门槛且未被否决的，方可计入加分，加分合计不超过5分。",
    basis: cite(["anhui", "六（四）"], ["tinghu", "四（三）"]),
    children: [I.bonusPromoted(`${code}.1`, 3), I.bonusPilot(`${code}.2`, 2)],
  };
}

export const STREET_INDICATORS: IndicatorSpec[] = [
  group(
    "1",
    "信息公开",
    "disclosure",
    [
      I.documentMarking("1.1", 4),
      I.catalogue("1.2", 4),
      group("1.3", "重点领域信息公开", "disclosure", [
        I.landAndResettlement("1.3.1", 3),
        I.socialAssistance("1.3.2", 3),
        I.environmentAndServices("1.3.3", 3),
        I.budgetDisclosure("1.3.4", 3),
      ], { guidance: "围绕群众关切的重点领域，对照主动公开基本目录逐项公开。", basis: cite(["guandu", "一（四）、一（五）"], ["dehong", "三（三）"]) }),
      I.requestReplies("1.4", 4),
      I.novemberSelfInspection("1.5", 4),
      I.grassrootsStandardisation("1.6", 4),
    ],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "2",
    "政策解读",
    "interpretation",
    [I.threeSync("2.1", 3), I.interpretationWithin3Days("na")("2.2", 3), I.leaderInterprets("2.3", 3), I.interpretationQuality("2.4", 3)],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "3",
    "回应关切",
    "response",
    [I.authoritativeWithin5h("3.1", 6), I.pressConferenceWithin24h("3.2", 4), I.netizenFeedback("3.3", 7), I.opinionMechanism("3.4", 5)],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "4",
    "媒体参与",
    "media",
    [I.pressConferences("4.1", 4), I.leaderAtPressConference("4.2", 2), I.mediaEngagement("4.3", 4)],
    { basis: DIMENSION_BASIS },
  ),
  group("5", "公众参与", "participation", [I.consultation("5.1", 6), I.participationChannels("5.2", 4)], {
    basis: cite(["guandu", "五"], ["anhui", "五"], ["tinghu", "三（五）"]),
  }),
  group("6", "平台建设", "platform", [I.weeklyWebsiteUpdate("6.1", 3), I.repostWithinOneDay("6.2", 2), I.newMedia("6.3", 3)], {
    basis: cite(["guandu", "四"], ["qinghai", "六（二）"], ["anhui", "四"]),
  }),
  group("7", "组织保障", "mechanism", [I.leaderHearsReport("7.1", 3), I.trainingRate("7.2", 3)], {
    basis: cite(["guandu", "六"], ["qinghai", "六（三）、六（五）"], ["tinghu", "三（一）"]),
  }),
  vetoPart("8"),
  bonusPart("9"),
];

export const DEPARTMENT_INDICATORS: IndicatorSpec[] = [
  group(
    "1",
    "信息公开",
    "disclosure",
    [
      I.documentMarking("1.1", 5),
      I.catalogue("1.2", 4),
      group("1.3", "重点领域信息公开", "disclosure", [
        I.budgetDisclosure("1.3.1", 3),
        I.majorProjects("1.3.2", 2),
        I.publicResources("1.3.3", 2),
        I.publicWelfare("1.3.4", 3),
      ], { guidance: "围绕深化改革、经济发展、民生改善、政府自身建设等重点领域，对照主动公开基本目录逐项公开。", basis: cite(["guandu", "一（四）"], ["tinghu", "三（二）"]) }),
      I.requestReplies("1.4", 5),
      I.novemberSelfInspection("1.5", 4),
      I.executionDisclosure("1.6", 2),
    ],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "2",
    "政策解读",
    "interpretation",
    [I.threeSync("2.1", 5), I.interpretationWithin3Days("full")("2.2", 5), I.leaderInterprets("2.3", 4), I.interpretationQuality("2.4", 4)],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "3",
    "回应关切",
    "response",
    [I.authoritativeWithin5h("3.1", 5), I.pressConferenceWithin24h("3.2", 4), I.netizenFeedback("3.3", 5), I.opinionMechanism("3.4", 4)],
    { basis: DIMENSION_BASIS },
  ),
  group(
    "4",
    "媒体参与",
    "media",
    [I.pressConferences("4.1", 5), I.leaderAtPressConference("4.2", 3), I.mediaEngagement("4.3", 4)],
    { basis: DIMENSION_BASIS },
  ),
  group("5", "公众参与", "participation", [I.consultation("5.1", 5), I.participationChannels("5.2", 3)], {
    basis: cite(["guandu", "五"], ["anhui", "五"], ["tinghu", "三（五）"]),
  }),
  group("6", "平台建设", "platform", [I.weeklyWebsiteUpdate("6.1", 3), I.repostWithinOneDay("6.2", 2), I.newMedia("6.3", 3)], {
    basis: cite(["guandu", "四"], ["qinghai", "六（二）"], ["anhui", "四"]),
  }),
  group("7", "组织保障", "mechanism", [I.leaderHearsReport("7.1", 3), I.trainingRate("7.2", 3)], {
    basis: cite(["guandu", "六"], ["qinghai", "六（三）、六（五）"], ["tinghu", "三（一）"]),
  }),
  vetoPart("8"),
  bonusPart("9"),
];

/** The default template: one indicator set per category (names as in the demo district). */
export const DEFAULT_TEMPLATE: readonly TemplateSet[] = [
  { category: "街道办事处", matches: ["街道", "乡镇"], indicators: STREET_INDICATORS },
  { category: "区级部门", matches: ["部门", "区级"], indicators: DEPARTMENT_INDICATORS },
];

/**
 * The template set for a category: the one written for that exact name, otherwise the first
 * whose match words occur in the name; null when none fits.
 */
export function templateSetFor(categoryName: string): TemplateSet | null {
  const exact = DEFAULT_TEMPLATE.find((t) => t.category === categoryName);
  if (exact) return exact;
  return DEFAULT_TEMPLATE.find((t) => t.matches.some((m) => categoryName.includes(m))) ?? null;
}

/** A deep copy of a template tree, so callers can change it freely. */
export function cloneSpecs(specs: readonly IndicatorSpec[]): IndicatorSpec[] {
  return JSON.parse(JSON.stringify(specs)) as IndicatorSpec[];
}
