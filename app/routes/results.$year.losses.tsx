import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CategoryFilter } from "../components/CategoryFilter";
import { LossAnalysisSection } from "../components/LossAnalysisSection";
import { KIND_LABELS } from "../domain/results-view";
import { cycleLossAnalysis } from "../services/loss-analysis.server";
import { cycleByYearOr404 } from "../services/results-pages.server";
import { currentResults } from "../services/results.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { orRefusalResponse } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "失分分析 - 政务公开绩效考核平台" }];

/** GET /results/<year>/losses[?category=…]: the loss analysis (共性问题分析) of a cycle's current results, office and leaders. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "results");
  const db = getDb();
  const cycle = orRefusalResponse(() => cycleByYearOr404(db, params.year));
  const head = { year: cycle.year, title: cycle.title };
  const meta = currentResults(db, cycle.id);
  if (!meta) return { ...head, results: null, categories: [], category: null, analysis: [] };
  const analysis = cycleLossAnalysis(db, meta);
  const categories = analysis.map((c) => c.category);
  const asked = new URL(request.url).searchParams.get("category");
  const category = asked && categories.includes(asked) ? asked : null;
  return {
    ...head,
    results: { kind: meta.kind, computedAt: meta.computedAt },
    categories,
    category,
    analysis: category ? analysis.filter((c) => c.category === category) : analysis,
  };
}

export default function LossAnalysisPage() {
  const d = useLoaderData<typeof loader>();
  return (
    <div>
      <h1>失分分析（共性问题）</h1>
      <p className="muted">
        <Link to={`/results?cycle=${d.year}`}>返回考核结果</Link>
      </p>
      {d.results === null ? (
        <p className="card">{d.title}尚未计算考核结果。</p>
      ) : (
        <>
          <p className="muted">
            {d.title}，{KIND_LABELS[d.results.kind]}（计算于 {formatBeijingTime(d.results.computedAt)}）。每个指标：参评单位中失分单位的数量和占比、平均失分（失分合计 ÷ 参评单位数）、最常见的扣分问题及其中抽查发现的单位数。可作为下一年度整改计划的依据；同样的数据在考核结果 Excel 的“失分分析”工作表中。
          </p>
          <Form method="get" className="toolbar">
            <CategoryFilter categories={d.categories} current={d.category} />
            <button type="submit">查看</button>
          </Form>
          {d.analysis.map((c) => (
            <LossAnalysisSection key={c.category} loss={c} />
          ))}
        </>
      )}
    </div>
  );
}
