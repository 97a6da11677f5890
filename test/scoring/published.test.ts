// Reproduce real published tables to the cent.
import { describe, expect, it } from "vitest";
import { run } from "./helpers";

/**
 * 附件2 “2011年市级国土资源管理部门政务信息网上公开情况排名表”（四川省国土资源厅通报，21个市州）
 * Source (as stored): http://fsou.com/html/text/lar/174049/17404978_3.html
 *
 * Columns: 排名 | 地市名称 | 总得分(100) | 政务公开及日常更新得分(77) | 在线服务得分(9) |
 * 公众参与得分(7) | 网站设计得分(4) | 公开率得分(3). The sub-scores are encoded as score
 * leaves with the published maxima; totals and ranks (including the tie at 9 —
 * 阿坝州 and 泸州市 both 67, next is 11) must come out exactly as published.
 */
const SICHUAN_2011: Array<[rank: number, id: string, name: string, total: number, subs: [number, number, number, number, number]]> = [
  [1, "chengdu", "成都市", 96.4, [74.4, 8, 7, 4, 3]],
  [2, "meishan", "眉山市", 94, [75.5, 5, 7, 3.5, 3]],
  [3, "nanchong", "南充市", 82.9, [67.4, 3, 6, 3.5, 3]],
  [4, "liangshan", "凉山州", 82, [65.5, 5.5, 4, 4, 3]],
  [5, "ziyang", "资阳市", 75.4, [61.9, 3, 4, 3.5, 3]],
  [6, "leshan", "乐山市", 72, [58, 2.5, 4.5, 4, 3]],
  [7, "deyang", "德阳市", 71.5, [61, 2, 4, 3.5, 1]],
  [8, "guangan", "广安市", 68.5, [59.5, 1.5, 2, 2.5, 3]],
  [9, "aba", "阿坝州", 67, [55, 3, 2, 4, 3]],
  [9, "luzhou", "泸州市", 67, [53.5, 2.5, 6, 4, 1]],
  [11, "suining", "遂宁市", 65.6, [54.1, 3, 4.5, 3, 1]],
  [12, "mianyang", "绵阳市", 65, [48, 9, 4, 4, 0]],
  [13, "yibin", "宜宾市", 62.8, [48, 4.5, 5, 3.3, 2]],
  [14, "panzhihua", "攀枝花市", 61.1, [52, 4.5, 1.8, 2.8, 0]],
  [15, "neijiang", "内江市", 55, [46, 2, 3, 3, 1]],
  [16, "guangyuan", "广元市", 54.5, [42, 1, 5, 3.5, 3]],
  [17, "zigong", "自贡市", 53.5, [50, 0, 0, 3.5, 0]],
  [18, "bazhong", "巴中市", 53, [43.5, 0.5, 3, 3, 3]],
  [19, "yaan", "雅安市", 50, [41.5, 1, 2, 2.5, 3]],
  [20, "dazhou", "达州市", 41.5, [36, 0, 2, 3.5, 0]],
  [21, "ganzi", "甘孜州", 38, [30.5, 0, 1, 3.5, 3]],
];

const COLUMNS: Array<[id: string, name: string, points: number, dimension: string]> = [
  ["gk", "政务公开及日常更新", 77, "disclosure"],
  ["fw", "在线服务", 9, "platform"],
  ["cy", "公众参与", 7, "participation"],
  ["sj", "网站设计", 4, "platform"],
  ["gkl", "公开率", 3, "disclosure"],
];

describe("published: 四川 2011 市级国土资源部门政务信息网上公开排名", () => {
  const pkg = {
    format: "zwgk-assessment/1",
    title: "2011年市级国土资源管理部门政务信息网上公开情况",
    opennessWeightPct: 4,
    indicatorSets: [
      {
        category: "市州国土资源局",
        indicators: COLUMNS.map(([id, name, points, dimension]) => ({ id, name, points, dimension, rule: { type: "score" } })),
      },
    ],
    // Feed the units in alphabetical order so the ranking has to do the work.
    units: SICHUAN_2011.slice()
      .sort((a, b) => (a[1] < b[1] ? -1 : 1))
      .map(([, id, name, , subs]) => ({
        id,
        name,
        category: "市州国土资源局",
        inputs: Object.fromEntries(COLUMNS.map(([cid], i) => [cid, { scores: [subs[i]] }])),
      })),
  };

  it("reproduces every total and rank, in the published order", () => {
    const r = run(pkg);
    expect(r.warnings).toEqual([]);
    expect(r.units.map((u) => [u.rank, u.id, u.name, u.total])).toEqual(
      SICHUAN_2011.map(([rank, id, name, total]) => [rank, id, name, total]),
    );
    expect(r.units.map((u) => u.categoryRank)).toEqual(SICHUAN_2011.map(([rank]) => rank));
  });

  it("keeps each published sub-score as a leaf", () => {
    const r = run(pkg);
    const mianyang = r.units.find((u) => u.id === "mianyang");
    expect(mianyang?.leaves.fw).toMatchObject({ score: 9, max: 9 });
    expect(mianyang?.leaves.gkl).toMatchObject({ score: 0, max: 3 });
    expect(mianyang?.grade).toBe("合格");
    expect(r.units.filter((u) => u.pass).length).toBe(14); // 14 of 21 at or above 60
  });
});

/**
 * 涡阳县水利局 2020年第三季度政务公开测评：基本信息指标总分100.00、得分81.22；
 * 重点领域指标总分0.64、得分0.64；测评总得分81.34；
 * 计算公式 ((基本信息指标得分+重点领域指标得分)/(基本信息指标总分+重点领域指标总分))*100.
 * Source (as stored): https://www.gy.gov.cn/SixProtectContent/show/611895.html
 * The odd 100.64-point maximum is brought to 100 by the engine's normalisation.
 */
describe("published: 涡阳县水利局 2020年第三季度测评（100.64分折算百分制）", () => {
  it("81.86 / 100.64 × 100 = 81.34", () => {
    const r = run({
      format: "zwgk-assessment/1",
      title: "2020年第三季度市、县、区直部门政务公开测评",
      opennessWeightPct: 4,
      indicatorSets: [
        {
          category: "县直部门",
          indicators: [
            { id: "基本信息", name: "基本信息指标", points: 100, rule: { type: "score" } },
            { id: "重点领域", name: "重点领域指标", points: 0.64, rule: { type: "score" } },
          ],
        },
      ],
      units: [
        {
          id: "gy-slj",
          name: "涡阳县水利局",
          category: "县直部门",
          inputs: { 基本信息: { scores: [81.22] }, 重点领域: { scores: [0.64] } },
        },
      ],
    });
    expect(r.units[0].total).toBe(81.34);
    expect(r.units[0].base).toBe(81.34);
  });
});
