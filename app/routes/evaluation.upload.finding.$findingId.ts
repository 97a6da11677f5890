import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadEvaluationEvidence } from "../services/evaluation-evidence.server";
import { requireAccess } from "../utils/auth.server";
import { parseId } from "../utils/http.server";

/**
 * POST /evaluation/upload/finding/:findingId — multipart evidence for a 抽查发现（检查人员或政务公开办）; EvidenceUploader posts
 * here. Answers JSON {ok, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "spotCheck");
  const result = await uploadEvaluationEvidence(request, user, "finding", parseId(params.findingId));
  if (result.ok) return Response.json(result);
  return Response.json({ ok: false, error: result.error }, { status: result.status });
}
