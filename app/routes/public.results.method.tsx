import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

/** GET /public/results/method: how scores are computed and how anyone can check a published 通报, in plain words. No login. */
export const meta: MetaFunction = () => [{ title: "评分方法与复算核对说明 - 政务公开绩效考核平台" }];

export default function PublicMethodPage() {
  return (
    <article>
      <h1>评分方法与复算核对说明</h1>
      <section className="card">
        <h2>得分如何计算</h2>
        <ol>
          <li>每个被考核单位按其所属类别（如街道、区级部门）的指标体系评分；每项末级指标有满分和评分规则（评估员打分、按问题扣分、按比例、分档、按时办结率等）。</li>
          <li>基础得分 = 各适用基础指标得分之和 ÷ 适用指标满分之和 × 100。不适用的指标（须说明理由）不计入分子和分母。</li>
          <li>基础得分超过考核年度规定的加分门槛时，方可计入加分项得分；触发单项否决的单位总分按否决分计，等次为最低等次。</li>
          <li>多名评估员评分时取平均值（或考核年度规定的中位数）；仲裁和复核调整的分数会在扣分说明中注明原分和调整理由。</li>
          <li>全部计算使用精确的十进制运算，总分、各项得分只在最后一步按四舍五入保留两位小数；排名按保留两位小数后的总分排列，并列者名次相同。</li>
        </ol>
      </section>
      <section className="card">
        <h2>如何核对公开的结果</h2>
        <ol>
          <li>在结果通报页面下载“评估数据包”和“考核结果数据”两个文件。评估数据包包含计算所需的全部数据：指标体系、评分规则、工作日历和各单位的评估记录。</li>
          <li>核对文件的 SHA-256 校验值与通报页面公布的一致，即可确认文件与公开的结果完全相同、未被改动（Windows、macOS 和常用压缩软件都能计算 SHA-256）。</li>
          <li>抽查（双随机一公开）的单位和检查人员由公布的随机种子按固定算法抽取：同一种子、同一名单总能得到同样的抽取结果，因此事后可以核对抽取没有被人为挑选。</li>
          <li>评分程序是公开的：任何人可以用它对评估数据包重新计算，得到的结果文件与“考核结果数据”逐字节相同。需要技术协助的，可联系发布机关。</li>
        </ol>
      </section>
      <p>
        <Link to="/public/results">返回结果通报列表</Link>
      </p>
    </article>
  );
}
