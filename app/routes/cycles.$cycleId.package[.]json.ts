import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "../utils/db.server";
import { cycleOr404 } from "../services/cycles.server";
import { packageSkeleton } from "../services/indicator-package.server";
import { requireAccess } from "../utils/auth.server";
import { orRefusalResponse, parseId } from "../utils/http.server";

/**
 * GET /cycles/:cycleId/package.json: the cycle as a `zwgk-assessment/1` package skeleton — settings,
 * calendar and every indicator set, no units — to fill in and score with `npm run score`.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "cycle");
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), getDb()));
  const body = `${JSON.stringify(packageSkeleton(getDb(), cycle.id), null, 2)}\n`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="assessment-${cycle.year}.json"; filename*=UTF-8''${encodeURIComponent(`${cycle.year}年度考核包.json`)}`,
      "Cache-Control": "no-store",
    },
  });
}
