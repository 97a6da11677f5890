import type { LoaderFunctionArgs } from "@remix-run/node";
import { isExportFormat } from "../domain/export-formats";
import { exportResponse } from "../services/results-export/export.server";
import { exportSource } from "../services/results-export/source.server";
import { cycleByYearOr404 } from "../services/results-pages.server";
import { requireAccess } from "../utils/auth.server";
import { notFound, throwAsResponse } from "../utils/http.server";

/** GET /results/<year>/export/<xlsx|pdf|package|results>[?anonymise=1][&category=…]: office and leaders. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "results");
  const cycle = cycleByYearOr404(params.year);
  if (!isExportFormat(params.format)) throw notFound("不支持的导出格式");
  const url = new URL(request.url);
  let source: ReturnType<typeof exportSource>;
  try {
    source = exportSource(cycle.id);
  } catch (e) {
    throwAsResponse(e);
  }
  return exportResponse(source, params.format, { anonymise: url.searchParams.get("anonymise") === "1", category: url.searchParams.get("category") ?? undefined });
}
