import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "../utils/db.server";
import { cycleOr404 } from "../services/cycles.server";
import { buildIndicatorWorkbook, cycleExportSets } from "../services/indicator-xlsx.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { requireAccess } from "../utils/auth.server";
import { notFound, orRefusalResponse, parseId } from "../utils/http.server";

/**
 * GET /cycles/:cycleId/indicators.xlsx[?category=<categoryId>]: the cycle's indicator sets (all, or
 * one category's) as the workbook that import:indicators and the import page read back.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "cycle");
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), getDb()));
  const raw = new URL(request.url).searchParams.get("category");
  const categoryId = raw ? parseId(raw) : undefined;
  const sets = cycleExportSets(getDb(), cycle.id, categoryId);
  if (sets.length === 0) throw notFound(categoryId ? "该类别在本年度没有指标体系。" : "本年度还没有指标体系。");
  const buffer = await buildIndicatorWorkbook(sets, `${cycle.title} 指标体系`);
  const suffix = categoryId ? `-${sets[0].category}` : "";
  return xlsxDownload(buffer, `${cycle.year}年度指标体系${suffix}.xlsx`, `indicators-${cycle.year}${categoryId ? `-${categoryId}` : ""}.xlsx`);
}
