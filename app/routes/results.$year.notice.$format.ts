import { PassThrough, Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { noticeDocx } from "../services/notice-docx.server";
import { writeNoticePdf } from "../services/notice-pdf.server";
import { noticeDocument, noticeFileName } from "../services/notices.server";
import { cycleByYearOr404 } from "../services/results-pages.server";
import { requireAccess } from "../utils/auth.server";
import { notFound, orRefusalResponse, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";

const CONTENT_TYPES = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
} as const;

/** GET /results/<year>/notice/<docx|pdf>: the cycle's formal 通报 (office and leaders). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "results");
  const db = getDb();
  const cycle = orRefusalResponse(() => cycleByYearOr404(db, params.year));
  const format = params.format;
  if (format !== "docx" && format !== "pdf") throw notFound("不支持的通报格式");
  let doc;
  try {
    doc = noticeDocument(db, cycle);
  } catch (e) {
    throwAsResponse(e);
  }
  const { name, ascii } = noticeFileName(cycle.year, format);
  const headers = {
    "Content-Type": CONTENT_TYPES[format],
    "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    "Cache-Control": "no-store",
  };
  if (format === "docx") return new Response(new Uint8Array(await noticeDocx(doc)), { headers });
  const pass = new PassThrough();
  writeNoticePdf(doc, pass).catch((e: unknown) => pass.destroy(e as Error));
  return new Response(Readable.toWeb(pass) as ReadableStream, { headers });
}
