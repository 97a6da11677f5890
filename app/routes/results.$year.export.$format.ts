import type { LoaderFunctionArgs } from "@remix-run/node";
import { isExportFormat } from "../domain/export-formats";
import { exportResponse } from "../services/results-export/export.server";
import { exportSource } from "../services/results-export/source.server";
import { cycleByYearOr404 } from "../services/results-pages.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { notFound, orRefusalResponse } from "../utils/http.server";

/** GET /results/<year>/export/<xlsx|pdf|package|results>[?anonymise=1][&category=…]: office and leaders. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "results");
  const db = getDb();
  const cycle = orRefusalResponse(() => cycleByYearOr404(db, params.year));
  if (!isExportFormat(params.format)) throw notFound("不支持的导出格式");
  const url = new URL(request.url);
  const source = orRefusalResponse(() => exportSource(db, cycle.id));
  return exportResponse(source, params.format, { anonymise: url.searchParams.get("anonymise") === "1", category: url.searchParams.get("category") ?? undefined });
}
