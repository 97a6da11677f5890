import { once } from "node:events";
import { PassThrough, Readable, type Writable } from "node:stream";
import type { ExportFormat } from "../../domain/export-formats";
import { XLSX_CONTENT_TYPE } from "../imports/xlsx-template.server";
import { documentPieces } from "./documents.server";
import { writeRankingPdf } from "./pdf.server";
import type { ExportSource } from "./source.server";
import { writeResultsXlsx } from "./xlsx.server";

/** One entry point for every results download (routes and the CLI write the same bytes). */

export interface ExportOptions {
  anonymise?: boolean;
  /** PDF ranking of one category only. */
  category?: string;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: XLSX_CONTENT_TYPE,
  pdf: "application/pdf",
  package: "application/json; charset=utf-8",
  results: "application/json; charset=utf-8",
};

export function exportFileName(source: ExportSource, format: ExportFormat, opts: ExportOptions = {}): { name: string; ascii: string } {
  const y = source.cycle.year;
  const anon = opts.anonymise ? "-anonymous" : "";
  const anonName = opts.anonymise ? "（匿名）" : "";
  switch (format) {
    case "xlsx":
      return { name: `${y}年度政务公开考核结果.xlsx`, ascii: `results-${y}.xlsx` };
    case "pdf":
      return { name: `${y}年度政务公开考核排名.pdf`, ascii: `ranking-${y}.pdf` };
    case "package":
      return { name: `${y}年度评估数据包${anonName}.json`, ascii: `${y}-zwgk-assessment${anon}.json` };
    case "results":
      return { name: `${y}年度考核结果数据${anonName}.json`, ascii: `${y}-zwgk-results${anon}.json` };
  }
}

export async function writeExport(source: ExportSource, format: ExportFormat, out: Writable, opts: ExportOptions = {}): Promise<void> {
  if (format === "xlsx") return writeResultsXlsx(source, out);
  if (format === "pdf") return writeRankingPdf(source, out, { category: opts.category });
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  for (const piece of documentPieces(source, format, opts)) {
    // Let other requests run between pieces, and wait while the receiver is behind.
    const flowing = out.write(piece, "utf8");
    await Promise.race([failed, flowing ? new Promise((resolve) => setImmediate(resolve)) : once(out, "drain")]);
  }
  await Promise.race([failed, new Promise<void>((resolve) => out.end(() => resolve()))]);
}

/** A streamed download response. */
export function exportResponse(source: ExportSource, format: ExportFormat, opts: ExportOptions = {}): Response {
  const pass = new PassThrough();
  writeExport(source, format, pass, opts).catch((e: unknown) => pass.destroy(e as Error));
  const { name, ascii } = exportFileName(source, format, opts);
  return new Response(Readable.toWeb(pass) as ReadableStream, {
    headers: {
      "Content-Type": EXPORT_CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
}
