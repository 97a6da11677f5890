import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/results-export/export.server";
import { publicExportSource } from "../services/public-results.server";
import { notFound } from "../utils/http.server";
import { getDb } from "../utils/db.server";

/** GET /public/results/<year>/<package|results>: the documents of a public 通报, no login (the page must be open). */
export async function loader({ params }: LoaderFunctionArgs) {
  const document = params.document;
  if (document !== "package" && document !== "results") throw notFound("没有这个下载文件。");
  const year = params.year && /^\d{4}$/.test(params.year) ? Number(params.year) : null;
  const source = year === null ? null : publicExportSource(getDb(), year);
  if (!source) throw notFound("本年度考核结果尚未公开。");
  return exportResponse(source, document);
}
