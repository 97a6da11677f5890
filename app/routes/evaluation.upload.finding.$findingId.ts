import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadEvaluationEvidence } from "../services/evaluation-evidence.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseId, refusalOf } from "../utils/http.server";

/**
 * POST /evaluation/upload/finding/:findingId — multipart evidence for a 抽查发现（检查人员或政务公开办）; EvidenceUploader posts
 * here. Answers JSON {ok, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "spotCheck");
  try {
    return Response.json({ ok: true, message: await uploadEvaluationEvidence(getDb(), request, user, "finding", parseId(params.findingId)) });
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    return Response.json({ ok: false, error: refusal.message }, { status: refusal.status });
  }
}
