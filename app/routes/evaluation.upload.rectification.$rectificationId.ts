import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadEvaluationEvidence } from "../services/evaluation-evidence.server";
import { requireAccess } from "../utils/auth.server";
import { parseId } from "../utils/http.server";

/**
 * POST /evaluation/upload/rectification/:rectificationId — multipart evidence for a 整改（被抽查单位）; EvidenceUploader posts
 * here. Answers JSON {ok, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "rectification");
  const result = await uploadEvaluationEvidence(request, user, "rectification", parseId(params.rectificationId));
  if (result.ok) return Response.json(result);
  return Response.json({ ok: false, error: result.error }, { status: result.status });
}
