import type { LoaderFunctionArgs } from "@remix-run/node";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { progressWorkbook } from "../services/submissions-progress-xlsx.server";
import { getDb } from "../utils/db.server";
import { requireAccess } from "../utils/auth.server";
import { beijingToday } from "../utils/beijing-time";
import { parseId, throwAsResponse } from "../utils/http.server";

/** GET /submissions/progress.xlsx?cycle=<id>: the self-inspection progress table as Excel (office only). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "submissionReview");
  const cycleId = parseId(
    new URL(request.url).searchParams.get("cycle") ?? undefined
  );
  const now = new Date();
  try {
    const { buffer, year } = await progressWorkbook(getDb(), cycleId, now);
    return xlsxDownload(
      buffer,
      `${year}年度自查进度-${beijingToday(now)}.xlsx`,
      `self-inspection-progress-${year}-${beijingToday(now)}.xlsx`
    );
  } catch (error) {
    throwAsResponse(error);
  }
}
