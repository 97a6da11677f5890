import type { LoaderFunctionArgs } from "@remix-run/node";
import { cycleOr404 } from "../services/cycles.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { outsideAssessmentsXlsx } from "../services/outside-assessments-xlsx.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { orRefusalResponse, parseId } from "../utils/http.server";

/** GET /cycles/:cycleId/outside.xlsx: every unit × leaf taken from an outside office, with the values recorded (also the import template). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "evaluationManagement");
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), getDb()));
  return xlsxDownload(await outsideAssessmentsXlsx(getDb(), cycle.id), `${cycle.year}年度外部单位评价.xlsx`, `outside-assessments-${cycle.year}.xlsx`);
}
