import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditLogWorkbook } from "../services/audit-export.server";
import { parseAuditFilter } from "../services/audit-log.server";
import { getDb } from "../utils/db.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { requireAccess } from "../utils/auth.server";
import { badRequest } from "../utils/http.server";
import { beijingToday } from "../utils/beijing-time";

/** GET /admin/audit.xlsx?<the page's filters>: the filtered audit log as Excel (office only). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const parsed = parseAuditFilter(new URL(request.url).searchParams);
  if (!parsed.ok) throw badRequest(`筛选条件有误：${Object.values(parsed.fieldErrors).join("；")}`);
  return xlsxDownload(await auditLogWorkbook(getDb(), parsed.filter), `审计日志-${beijingToday()}.xlsx`, `audit-log-${beijingToday()}.xlsx`);
}
