import type { LoaderFunctionArgs } from "@remix-run/node";
import { unitsTemplate } from "../services/imports/units-import.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";

/** GET /admin/units/template.xlsx: the units import template with Chinese headers. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return xlsxDownload(await unitsTemplate(getDb()), "单位导入模板.xlsx", "units-template.xlsx");
}
