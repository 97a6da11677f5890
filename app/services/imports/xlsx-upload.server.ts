import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { MAX_IMPORT_BYTES } from "./xlsx-read.server";

export type XlsxUpload = { ok: true; buffer: Uint8Array; fileName: string; fields: FormData } | { ok: false; message: string };

/** The one .xlsx file of an import form (field "file"), held in memory: these sheets are small. */
export async function readXlsxUpload(request: Request): Promise<XlsxUpload> {
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { ok: false, message: "文件超过 5 MB，请拆分后分批导入。" };
    if (error instanceof TypeError) return { ok: false, message: "请选择要导入的 .xlsx 文件。" };
    throw error;
  }
  const file = formData.get("file");
  if (!(file instanceof Blob) || file.size === 0) return { ok: false, message: "请选择要导入的 .xlsx 文件。" };
  const fileName = "name" in file && typeof file.name === "string" ? file.name : "";
  if (!/\.xlsx$/i.test(fileName)) {
    return { ok: false, message: `文件“${fileName || "未命名"}”不是 .xlsx 格式（不支持 .xls、.csv 等），请使用系统提供的模板填写后上传。` };
  }
  return { ok: true, buffer: new Uint8Array(await file.arrayBuffer()), fileName, fields: formData };
}
