import type { LoaderFunctionArgs } from "@remix-run/node";
import { websitesExport, websitesTemplate } from "../services/site-check/websites-xlsx.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";

/** GET /site-checks/websites.xlsx: the registered websites and columns; `?template=1`: the empty import template. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  if (new URL(request.url).searchParams.get("template") === "1") return xlsxDownload(await websitesTemplate(), "单位网站导入模板.xlsx", "websites-template.xlsx");
  return xlsxDownload(await websitesExport(getDb()), "单位网站和栏目.xlsx", "websites.xlsx");
}
