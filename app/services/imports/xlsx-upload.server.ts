import { readMultipart } from "../../utils/multipart.server";
import { DomainError } from "../../domain/domain-error";
import { uploadRejected } from "../../utils/upload-stream.server";
import { MAX_IMPORT_BYTES } from "./xlsx-read.server";

export type XlsxUpload = { buffer: Uint8Array; fileName: string; fields: FormData };

const TOO_LARGE = "文件超过 5 MB，请拆分后分批导入。";

/** The one .xlsx file of an import form (field "file"), held in memory: these sheets are small. No file, another format or over 5 MB is refused (DomainError). */
export async function readXlsxUpload(request: Request): Promise<XlsxUpload> {
  let file: { name: string; bytes: Uint8Array } | null = null;
  const fields = await readMultipart(request, {
    maxFieldBytes: 64 * 1024,
    onFile: async ({ fieldName, fileName, data }) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > MAX_IMPORT_BYTES) throw uploadRejected("file_too_large", TOO_LARGE);
        chunks.push(chunk);
      }
      if (fieldName === "file" && size > 0 && file === null) file = { name: fileName, bytes: Buffer.concat(chunks) };
    },
  });
  const chosen = file as { name: string; bytes: Uint8Array } | null;
  if (!chosen) throw new DomainError("invalid", "请选择要导入的 .xlsx 文件。");
  if (!/\.xlsx$/i.test(chosen.name)) {
    throw new DomainError("invalid", `文件“${chosen.name || "未命名"}”不是 .xlsx 格式（不支持 .xls、.csv 等），请使用系统提供的模板填写后上传。`);
  }
  return { buffer: chosen.bytes, fileName: chosen.name, fields };
}
