import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadEvaluationEvidence } from "../services/evaluation-evidence.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseId, refusalOf } from "../utils/http.server";

/**
 * POST /evaluation/upload/rectification/:rectificationId — multipart evidence for a 整改（被抽查单位）; EvidenceUploader posts
 * here. Answers JSON {ok, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "rectification");
  try {
    return Response.json({ ok: true, message: await uploadEvaluationEvidence(getDb(), request, user, "rectification", parseId(params.rectificationId)) });
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    return Response.json({ ok: false, error: refusal.message }, { status: refusal.status });
  }
}
