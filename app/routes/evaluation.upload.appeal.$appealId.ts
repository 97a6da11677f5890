import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadEvaluationEvidence } from "../services/evaluation-evidence.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseId, refusalOf } from "../utils/http.server";

/**
 * POST /evaluation/upload/appeal/:appealId — multipart evidence for a 复核申请（申请单位，期限内）; EvidenceUploader posts
 * here. Answers JSON {ok, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "appeal");
  try {
    return Response.json({ ok: true, message: await uploadEvaluationEvidence(getDb(), request, user, "appeal", parseId(params.appealId)) });
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    return Response.json({ ok: false, error: refusal.message }, { status: refusal.status });
  }
}
