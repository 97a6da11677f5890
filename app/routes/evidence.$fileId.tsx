import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEvidenceFile, openEvidenceForDownload } from "../services/evidence.server";
import { assertCan, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { notFound, parseId } from "../utils/http.server";

/**
 * GET /evidence/:fileId — preview (PDF/images inline) or, with ?download=1, download one evidence
 * file. Whoever the access policy lets read the owning unit's evidence may open it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "evidence");
  const file = getEvidenceFile(getDb(), parseId(params.fileId));
  if (!file || file.deletedAt) throw notFound("佐证材料不存在或已删除。");
  assertCan(getDb(), user, "read", { kind: "evidence", unitId: file.unitId });
  // Stored content never changes, so its SHA-256 is the ETag.
  const etag = `"${file.sha256}"`;
  if (request.headers.get("If-None-Match") === etag) {
    return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": "private, no-cache" } });
  }
  const download = new URL(request.url).searchParams.get("download") === "1";
  const opened = openEvidenceForDownload(file, { download });
  if (!opened) throw notFound("佐证材料的文件内容缺失，请联系政务公开办。");
  return new Response(opened.body, { status: 200, headers: opened.headers });
}
