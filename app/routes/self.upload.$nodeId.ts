import type { ActionFunctionArgs } from "@remix-run/node";
import { uploadLeafEvidence } from "../services/submission-evidence.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { forbidden, parseId, refusalOf } from "../utils/http.server";
import { getDb } from "../utils/db.server";

/**
 * POST /self/upload/:nodeId — multipart evidence upload for one leaf of the department's own
 * self-inspection (EvidenceUploader posts here with progress). Answers JSON:
 * {ok: true, message} or {ok: false, error} with the refusal's status.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "selfInspection");
  if (!user.unitId) throw forbidden("您的账号未关联被考核单位，不能上传佐证材料。");
  const nodeId = parseId(params.nodeId);
  try {
    return Response.json({ ok: true, message: await uploadLeafEvidence(getDb(), { request, actor: actorOf(user), user, nodeId }) });
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    return Response.json({ ok: false, error: refusal.message }, { status: refusal.status });
  }
}
